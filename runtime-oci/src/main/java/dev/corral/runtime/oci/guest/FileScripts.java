package dev.corral.runtime.oci.guest;

import dev.corral.core.error.CorralException;
import dev.corral.core.sandbox.files.SandboxPath;
import java.time.Duration;
import java.util.Map;

/**
 * The fixed POSIX shell scripts that do file work inside a sandbox, and what their exit codes mean. Client paths
 * reach them only as positional parameters ({@code $1, $2, ...}), quoted wherever they are used and always
 * absolute (so never taken for an option); no client text is ever part of a script. They use only what every
 * Debian template has: dash, coreutils, findutils and tar; watching also needs inotifywait (inotify-tools, in the
 * base template), and says so when a sandbox lacks it. Each checks what it can up front and exits with one of
 * the codes below, so that outcomes are told apart by exit code and never by parsing a tool's message; any other
 * failure is the tool's own, explained by its standard error.
 */
final class FileScripts {
    /** What every script runs with: the C locale (bytes, not characters) and the usual programs. */
    static final Map<String, String> ENV = Map.of("LC_ALL", "C",
            "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    /** How the temporary files of {@link #WRITE} begin; a watch leaves them out. */
    static final String UPLOAD_PREFIX = ".corral-upload-";

    static final int NOT_FOUND = 80;
    static final int IS_DIRECTORY = 81;
    static final int NOT_REGULAR = 82;
    static final int NOT_DIRECTORY = 83;
    static final int NOT_EMPTY = 84;
    static final int NOT_A_DIRECTORY_IN_THE_WAY = 85;
    static final int NO_WATCHER = 86;

    /** {@code find -printf} format of one entry ({@link FindEntries}): type, size, mode, mtime, path, NUL-ended. */
    private static final String ENTRY = "'%y\\0%s\\0%m\\0%T@\\0%p\\0'";

    /**
     * Opens the file once (size and bytes come from the same file, whatever is renamed meanwhile), prints its size
     * on a line, reads the slice to send from standard input ({@code offset length}; nothing when the range cannot
     * be met), then writes that slice.
     */
    static final String READ = """
            p=$1
            [ -e "$p" ] || exit 80
            [ -d "$p" ] && exit 81
            [ -f "$p" ] || exit 82
            exec 3< "$p" || exit 1
            [ -f /dev/fd/3 ] || exit 82
            size=$(stat -L -c %s /dev/fd/3) || exit 1
            printf '%s\\n' "$size"
            read -r offset length || exit 0
            [ "$length" -gt 0 ] || exit 0
            if [ "$offset" -eq 0 ]; then exec head -c "$length" <&3; fi
            tail -c "+$((offset + 1))" <&3 | head -c "$length"
            """;

    /**
     * Writes standard input to file {@code $2} in directory {@code $1} (made when missing): into a new temporary
     * file {@code $3} beside it, then renamed over it, so the old file stays whole until the new one is. The
     * script enters the directory once and names everything relative to it, so all its steps happen in that one
     * directory even if the path to it is changed meanwhile. A symlink at {@code $2} is replaced, not followed.
     * The mode is {@code $4}, else the replaced file's, else 0644.
     */
    static final String WRITE = """
            name=$2 temp=$3 mode=$4
            cd -- "$1" 2>/dev/null || { mkdir -p -- "$1" && cd -- "$1"; } || exit 1
            if [ -d "$name" ] && [ ! -L "$name" ]; then exit 81; fi
            if [ -z "$mode" ]; then
              mode=644
              if [ -f "$name" ] && [ ! -L "$name" ]; then mode=$(stat -c %a -- "$name") || exit 1; fi
            fi
            set -C
            cat > "$temp" || { rm -f -- "$temp"; exit 1; }
            chmod -- "$mode" "$temp" && mv -f -T -- "$temp" "$name" || { rm -f -- "$temp"; exit 1; }
            find "./$name" -maxdepth 0 -printf\s""" + ENTRY + "\n";

    /**
     * Writes several files from standard input, one after the other, each as {@link #WRITE} writes one: {@code $1}
     * begins the temporary files' names; then each file is three arguments, its directory, its name there and its
     * size, and its bytes are the next {@code size} bytes of standard input ({@code head -c} reads no more than it
     * writes); then {@code --} and every file's path again, whose entries it prints once all are written. A
     * failure prints the number of the file it stopped at (from 1) and exits: that file is left as it was, the
     * ones before it written, the input after it unread. A new file is made 0644 by the umask and a replaced one
     * takes the old one's mode, so that most files cost two processes, {@code head} and {@code mv}: starting
     * processes is what a many-file upload spends its time on.
     */
    static final String WRITE_MANY = """
            temp=$1 i=0
            shift
            set -C
            umask 022
            while [ "$1" != -- ]; do
              dir=$1 name=$2 size=$3 i=$((i + 1))
              shift 3
              cd -- "$dir" 2>/dev/null || { mkdir -p -- "$dir" && cd -- "$dir"; } || { printf %s "$i"; exit 1; }
              if [ -d "$name" ] && [ ! -L "$name" ]; then printf %s "$i"; exit 81; fi
              head -c "$size" > "$temp$i" || { rm -f -- "$temp$i"; printf %s "$i"; exit 1; }
              if [ -f "$name" ] && [ ! -L "$name" ]; then chmod --reference="$name" -- "$temp$i"; fi &&
                mv -f -T -- "$temp$i" "$name" || { rm -f -- "$temp$i"; printf %s "$i"; exit 1; }
            done
            shift
            exec find "$@" -maxdepth 0 -printf\s""" + ENTRY + "\n";

    /**
     * Removes what a killed {@link #WRITE_MANY} may have left: temporary file {@code $2$3} in directory {@code $1},
     * and so on by threes.
     */
    static final String REMOVE_TEMPORARIES = """
            while [ $# -ge 3 ]; do
              rm -f -- "$1/$2$3"
              shift 3
            done
            """;

    /** Removes what a killed {@link #WRITE} left: its temporary file {@code $2} in directory {@code $1}. */
    static final String REMOVE_TEMPORARY = """
            cd -- "$1" && rm -f -- "$2"
            """;

    static final String STAT = """
            [ -e "$1" ] || [ -L "$1" ] || exit 80
            find "$1" -maxdepth 0 -printf\s""" + ENTRY + "\n";

    /** Lists below {@code $1} (followed when a symlink) down to depth {@code $2}, at most {@code $3} entries. */
    static final String LIST = """
            [ -e "$1" ] || exit 80
            [ -d "$1" ] || exit 83
            find -H "$1" -mindepth 1 -maxdepth "$2" -printf\s""" + ENTRY
            + " | head -z -n \"$(($3 * " + FindEntries.FIELDS + "))\"\n";

    static final String MKDIR = """
            if [ -e "$1" ] && [ ! -d "$1" ]; then exit 85; fi
            mkdir -p -- "$1" || exit 1
            find "$1" -maxdepth 0 -printf\s""" + ENTRY + "\n";

    /** Moves {@code $1} to {@code $2}, making {@code $3} (its parent) first; an existing file there is replaced. */
    static final String MOVE = """
            [ -e "$1" ] || [ -L "$1" ] || exit 80
            mkdir -p -- "$3" || exit 1
            mv -f -T -- "$1" "$2" || exit 1
            find "$2" -maxdepth 0 -printf\s""" + ENTRY + "\n";

    /**
     * Deletes {@code $1}: a file or symlink (never what it points to), an empty directory, or with {@code $2 = 1}
     * a directory and everything in it that is on the same filesystem.
     */
    static final String DELETE = """
            p=$1
            [ -e "$p" ] || [ -L "$p" ] || exit 80
            if [ -d "$p" ] && [ ! -L "$p" ]; then
              if [ "$2" = 1 ]; then exec rm -rf --one-file-system -- "$p"; fi
              [ -z "$(find "$p" -mindepth 1 -maxdepth 1 -print -quit)" ] || exit 84
              exec rmdir -- "$p"
            fi
            exec rm -f -- "$p"
            """;

    /** Writes a tar archive of directory {@code $1}'s contents, not descending into other filesystems. */
    static final String DOWNLOAD = """
            [ -e "$1" ] || exit 80
            [ -d "$1" ] || exit 83
            exec tar -C "$1" --one-file-system -cf - .
            """;

    /**
     * Watches directory {@code $1}, and with {@code $2 = 1} everything below it, until killed: one record per
     * change, as {@link InotifyOutput} reads them. inotifywait says on standard error when its watches are in place.
     */
    static final String WATCH = """
            [ -e "$1" ] || exit 80
            [ -d "$1" ] || exit 83
            command -v inotifywait >/dev/null || exit 86
            recursive=
            if [ "$2" = 1 ]; then recursive=-r; fi
            exec inotifywait -m $recursive --format '%e%0%w%0%f%0' --no-newline \
              -e create,modify,close_write,delete,moved_from,moved_to,delete_self,move_self,q_overflow -- "$1"
            """;

    /** GNU tar's exit status when a file changed while it was read: the archive is still whole. */
    static final int TAR_FILE_CHANGED = 1;

    private FileScripts() {
    }

    /**
     * The error for a script that failed while doing {@code action} (a verb: "read", "write", ...) to
     * {@code path}.
     */
    static CorralException failure(String action, SandboxPath path, int exitCode, boolean killed, Duration timeout,
                                   String stderr) {
        if (killed) {
            return CorralException.runtimeUnavailable("Could not " + action + " " + path + ": it took longer than "
                    + timeout.toMinutes() + " minutes and was stopped", null);
        }
        return switch (exitCode) {
            case NOT_FOUND -> CorralException.notFound("file", path.value());
            case IS_DIRECTORY -> CorralException.badRequest(path + " is a directory");
            case NOT_REGULAR -> CorralException.badRequest(path + " is not a regular file (a device, pipe or "
                    + "socket)");
            case NOT_DIRECTORY -> CorralException.badRequest(path + " is not a directory");
            case NOT_EMPTY -> CorralException.conflict("Directory " + path + " is not empty; delete it with "
                    + "recursive=true");
            case NOT_A_DIRECTORY_IN_THE_WAY -> CorralException.conflict(path + " exists and is not a directory");
            case NO_WATCHER -> CorralException.invalidState("This sandbox has no inotifywait, which watching needs: "
                    + "install inotify-tools in it, or use a sandbox made from the current base template");
            default -> CorralException.conflict("Could not " + action + " " + path + ": "
                    + (stderr.isBlank() ? "exit status " + exitCode : stderr.strip()));
        };
    }
}
