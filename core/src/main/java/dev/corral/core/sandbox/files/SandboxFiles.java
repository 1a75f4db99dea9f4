package dev.corral.core.sandbox.files;

import dev.corral.core.error.CorralException;
import dev.corral.core.io.FileUpload;
import dev.corral.core.io.LimitedInput;
import dev.corral.core.key.Principal;
import dev.corral.core.plan.Plans;
import dev.corral.core.policy.AccessPolicy;
import dev.corral.core.policy.Action;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.SandboxRuntime;
import dev.corral.core.sandbox.exec.ExecEvent;
import dev.corral.core.sandbox.exec.ExecResult;
import dev.corral.core.sandbox.exec.ExecSpec;
import dev.corral.core.sandbox.exec.ExecStream;
import dev.corral.core.sandbox.lifecycle.SandboxService;
import dev.corral.core.sandbox.lifecycle.SandboxWork;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The files of sandboxes: read (whole or a byte range), write, list, stat, make directories, move, delete, upload
 * several at once, download a directory as a tar archive. A paused sandbox is resumed first; any file call is
 * activity.
 *
 * <p>Implementation notes. Nothing here touches the host's filesystem. Every operation is one of the small fixed
 * scripts of {@link FileScripts}, run inside the sandbox through the runtime's exec as the sandbox's root, in its
 * own mount namespace and root filesystem, with the client's paths as positional arguments. So {@code ..},
 * absolute symlinks, {@code /proc/1/root} and links swapped while an operation runs all resolve inside the
 * sandbox, by its kernel, and what is written belongs to the sandbox's root (an unprivileged uid on the host).
 * Contents stream through the exec's standard input and output, a chunk at a time. A write goes to a temporary
 * file beside its target and is renamed over it at the end, so an upload cut short (too large, the client gone,
 * the sandbox's disk full) never replaces the old file; the temporary file is then removed by a second script,
 * as the first may have been killed. Each operation counts as work in its sandbox ({@link SandboxWork}) so the
 * idle reaper never pauses it midway, and its end is recorded as activity. File contents never go to the logs.
 *
 * <p>Threading: any request thread may call any method; each blocks its caller for the operation, and a streamed
 * read or download until the returned stream is closed.
 */
public final class SandboxFiles {
    /** The most entries one listing returns. */
    public static final int MAX_LIST_ENTRIES = 10_000;
    /** The deepest a listing goes, and how deep a recursive one goes when no depth is given. */
    public static final int MAX_LIST_DEPTH = 10;

    private static final Duration TRANSFER_TIMEOUT = Duration.ofMinutes(30);
    private static final Duration OPERATION_TIMEOUT = Duration.ofMinutes(5);
    private static final long ENTRY_OUTPUT_BYTES = 1L << 20;
    private static final long LISTING_OUTPUT_BYTES = 64L << 20;
    private static final Pattern MODE = Pattern.compile("[0-7]{3,4}");

    private final SandboxService sandboxes;
    private final SandboxRuntime runtime;
    private final SandboxWork work;
    private final Plans plans;

    public SandboxFiles(SandboxService sandboxes, SandboxRuntime runtime, SandboxWork work, Plans plans) {
        this.sandboxes = sandboxes;
        this.runtime = runtime;
        this.work = work;
        this.plans = plans;
    }

    /**
     * Opens a file for reading: all of it, or the bytes {@code range} covers. A range beyond the end still opens
     * (see {@link FileRead#unsatisfiable()}), so the caller can say how large the file is.
     *
     * @throws CorralException {@code not_found} for a missing file, {@code bad_request} for a directory or a
     *                         special file
     */
    public FileRead read(Principal caller, String sandbox, SandboxPath path, Optional<ByteRange> range)
            throws IOException {
        AccessPolicy.require(caller, Action.SANDBOX_FILES_READ);
        SandboxId id = sandboxes.ensureRunning(caller, sandbox).id();
        var slice = new PendingInput();
        SandboxOutput output = open(id, FileScripts.READ, List.of(path.value()), slice,
                (exit, stderr) -> requireSuccess("read", path, exit, stderr, TRANSFER_TIMEOUT));
        try {
            long size = parseSize(output.readLine(32));
            Optional<ByteRange.Slice> wanted = range.isEmpty() ? Optional.of(new ByteRange.Slice(0, size))
                    : range.get().resolve(size);
            slice.complete(wanted.map(s -> s.offset() + " " + s.length() + "\n").orElse(""));
            return new FileRead(size, range.isPresent(), wanted, output);
        } catch (IOException | RuntimeException e) {
            slice.complete("");
            output.close();
            throw e;
        }
    }

    /**
     * The caller's upload limit, refusing at once a caller that may not write ({@code forbidden}) and a body that
     * says it is larger ({@code payload_too_large}), before the body is read.
     *
     * @param declaredBytes the body's declared length, -1 when it has none
     */
    public long uploadLimit(Principal caller, long declaredBytes) {
        AccessPolicy.require(caller, Action.SANDBOX_FILES_WRITE);
        return limitFor(caller, declaredBytes);
    }

    private long limitFor(Principal caller, long declaredBytes) {
        long limit = plans.of(caller.organization().tier()).maxUploadBytes();
        if (declaredBytes > limit) {
            throw LimitedInput.tooLarge(limit);
        }
        return limit;
    }

    /** {@code payload_too_large} for an upload over {@code limit} bytes. */
    public static CorralException uploadTooLarge(long limit) {
        return LimitedInput.tooLarge(limit);
    }

    /**
     * Writes {@code body} to the file at {@code path}, making its parent directories, and returns the new file.
     * The body is opened only once the caller, the sandbox and the declared size have passed (so a client waiting
     * for {@code 100 Continue} sends nothing in vain), then streamed into the sandbox, never held whole. One longer
     * than the plan's upload limit is {@code payload_too_large} however it is sent, and leaves the old file (or
     * none) in place.
     *
     * @param mode          octal permissions such as {@code 0644}; empty keeps a replaced file's, or 0644
     * @param declaredBytes the body's declared length, -1 when it has none
     */
    public FileEntry write(Principal caller, String sandbox, SandboxPath path, Optional<String> mode,
                           long declaredBytes, FileUpload.Content body) throws InterruptedException {
        AccessPolicy.require(caller, Action.SANDBOX_FILES_WRITE);
        long limit = limitFor(caller, declaredBytes);
        mode.ifPresent(SandboxFiles::checkMode);
        SandboxId id = sandboxes.ensureRunning(caller, sandbox).id();
        try {
            return writeTo(id, path, mode, new LimitedInput(body.open(), limit));
        } catch (IOException e) {
            throw CorralException.badRequest("The request body could not be read: " + e.getMessage());
        }
    }

    /**
     * Writes several files below directory {@code dir}, one after the other, and returns them. Names are checked
     * before anything is written; a failure stops at that file, leaving the ones before it written.
     */
    public List<FileEntry> upload(Principal caller, String sandbox, SandboxPath dir, List<FileUpload> files)
            throws InterruptedException {
        AccessPolicy.require(caller, Action.SANDBOX_FILES_WRITE);
        long limit = limitFor(caller, files.stream().mapToLong(f -> Math.max(0, f.size())).sum());
        var targets = new ArrayList<SandboxPath>();
        for (int i = 0; i < files.size(); i++) {
            targets.add(dir.child("files[" + i + "]", files.get(i).name()));
        }
        SandboxId id = sandboxes.ensureRunning(caller, sandbox).id();
        var written = new ArrayList<FileEntry>();
        for (int i = 0; i < files.size(); i++) {
            try (InputStream content = files.get(i).content().open()) {
                written.add(writeTo(id, targets.get(i), Optional.empty(), new LimitedInput(content, limit)));
            } catch (IOException e) {
                throw CorralException.badRequest("Could not read the upload of " + targets.get(i) + ": "
                        + e.getMessage());
            }
        }
        return written;
    }

    private FileEntry writeTo(SandboxId id, SandboxPath path, Optional<String> mode, InputStream body)
            throws InterruptedException {
        String temporary = FileScripts.UPLOAD_PREFIX + UUID.randomUUID();
        ExecResult result = null;
        try {
            result = run(id, FileScripts.WRITE, List.of(path.parent().value(), path.name(), temporary,
                    mode.orElse("")), TRANSFER_TIMEOUT, ENTRY_OUTPUT_BYTES, body);
        } catch (UncheckedIOException e) {
            throw CorralException.badRequest("The upload was cut off: " + e.getCause().getMessage());
        } finally {
            // A script that ran to its end cleaned up after itself; one that was killed could not.
            if (result == null || result.timedOut()) {
                removeQuietly(id, path.parent(), temporary);
            }
        }
        return single("write", path, result, TRANSFER_TIMEOUT).at(path);
    }

    /** Removes what a failed write may have left; a failure here leaves a hidden file, nothing worse. */
    private void removeQuietly(SandboxId id, SandboxPath dir, String temporary) throws InterruptedException {
        try {
            run(id, FileScripts.REMOVE_TEMPORARY, List.of(dir.value(), temporary), OPERATION_TIMEOUT,
                    ENTRY_OUTPUT_BYTES, null);
        } catch (RuntimeException e) {
            // the sandbox is gone or stopped: so is the file, or it waits there, hidden, for the next start
        }
    }

    /**
     * The entries below directory {@code path} (a symlink to one is followed), sorted by path: its children only,
     * or with {@code recursive} (or a {@code depth}) down to {@code depth} levels, at most
     * {@link #MAX_LIST_DEPTH}; at most {@link #MAX_LIST_ENTRIES} of them.
     */
    public FileListing list(Principal caller, String sandbox, SandboxPath path, boolean recursive,
                            OptionalInt depth) throws InterruptedException {
        AccessPolicy.require(caller, Action.SANDBOX_FILES_READ);
        int levels = depth.orElse(recursive ? MAX_LIST_DEPTH : 1);
        if (levels < 1 || levels > MAX_LIST_DEPTH) {
            throw CorralException.invalid("depth", "must be 1 to " + MAX_LIST_DEPTH);
        }
        SandboxId id = sandboxes.ensureRunning(caller, sandbox).id();
        ExecResult result = run(id, FileScripts.LIST, List.of(path.value(), Integer.toString(levels),
                Integer.toString(MAX_LIST_ENTRIES + 1)), OPERATION_TIMEOUT, LISTING_OUTPUT_BYTES, null);
        requireSuccess("list", path, result, OPERATION_TIMEOUT);
        List<FileEntry> entries = FileEntry.parseAll(result.stdout());
        boolean truncated = result.truncated() || entries.size() > MAX_LIST_ENTRIES;
        List<FileEntry> kept = entries.subList(0, Math.min(entries.size(), MAX_LIST_ENTRIES)).stream()
                .sorted(Comparator.comparing(FileEntry::path)).toList();
        return new FileListing(path, kept, truncated);
    }

    /** The entry at {@code path} itself (a symlink is not followed); {@code not_found} when there is none. */
    public FileEntry stat(Principal caller, String sandbox, SandboxPath path) throws InterruptedException {
        AccessPolicy.require(caller, Action.SANDBOX_FILES_READ);
        SandboxId id = sandboxes.ensureRunning(caller, sandbox).id();
        return single("stat", path, run(id, FileScripts.STAT, List.of(path.value()), OPERATION_TIMEOUT,
                ENTRY_OUTPUT_BYTES, null), OPERATION_TIMEOUT);
    }

    /** Makes a directory and its parents; one already there is fine, a file there is {@code conflict}. */
    public FileEntry mkdir(Principal caller, String sandbox, SandboxPath path) throws InterruptedException {
        AccessPolicy.require(caller, Action.SANDBOX_FILES_WRITE);
        SandboxId id = sandboxes.ensureRunning(caller, sandbox).id();
        return single("make directory", path, run(id, FileScripts.MKDIR, List.of(path.value()), OPERATION_TIMEOUT,
                ENTRY_OUTPUT_BYTES, null), OPERATION_TIMEOUT);
    }

    /**
     * Moves (renames) {@code from} to {@code to}, making {@code to}'s parents, and returns what is at {@code to}.
     * A file at {@code to} is replaced, as {@code mv} does; a non-empty directory there is {@code conflict}.
     */
    public FileEntry move(Principal caller, String sandbox, SandboxPath from, SandboxPath to)
            throws InterruptedException {
        AccessPolicy.require(caller, Action.SANDBOX_FILES_WRITE);
        SandboxId id = sandboxes.ensureRunning(caller, sandbox).id();
        return single("move", from, run(id, FileScripts.MOVE, List.of(from.value(), to.value(),
                to.parent().value()), OPERATION_TIMEOUT, ENTRY_OUTPUT_BYTES, null), OPERATION_TIMEOUT);
    }

    /**
     * Deletes a file or symlink (never what it points to), or a directory: an empty one, or with
     * {@code recursive} everything in it on the same filesystem. A non-empty directory without {@code recursive} is
     * {@code conflict}.
     */
    public void delete(Principal caller, String sandbox, SandboxPath path, boolean recursive)
            throws InterruptedException {
        AccessPolicy.require(caller, Action.SANDBOX_FILES_WRITE);
        SandboxId id = sandboxes.ensureRunning(caller, sandbox).id();
        requireSuccess("delete", path, run(id, FileScripts.DELETE, List.of(path.value(), recursive ? "1" : "0"),
                OPERATION_TIMEOUT, ENTRY_OUTPUT_BYTES, null), OPERATION_TIMEOUT);
    }

    /**
     * Opens a tar archive of directory {@code path}'s contents, streamed as the sandbox makes it; the caller closes
     * it. A missing or non-directory path fails here, before any byte; a failure later is thrown by the stream's
     * read, so a cut-off archive never looks whole.
     */
    public InputStream download(Principal caller, String sandbox, SandboxPath path) throws IOException {
        AccessPolicy.require(caller, Action.SANDBOX_FILES_READ);
        SandboxId id = sandboxes.ensureRunning(caller, sandbox).id();
        SandboxOutput output = open(id, FileScripts.DOWNLOAD, List.of(path.value()), null, (exit, stderr) -> {
            if (exit.exitCode() != FileScripts.TAR_FILE_CHANGED || exit.timedOut()) {
                requireSuccess("download", path, exit, stderr, TRANSFER_TIMEOUT);
            }
        });
        try {
            output.awaitOutput();
            return output;
        } catch (IOException | RuntimeException e) {
            output.close();
            throw e;
        }
    }

    private static void checkMode(String mode) {
        if (!MODE.matcher(mode).matches()) {
            throw CorralException.invalid("mode", "must be octal permissions such as 0644");
        }
    }

    private ExecResult run(SandboxId id, String script, List<String> arguments, Duration timeout, long maxOutput,
                           InputStream stdin) throws InterruptedException {
        ExecSpec spec = spec(script, arguments, timeout, maxOutput);
        SandboxWork.Piece piece = work.begin(id);
        try (ExecStream stream = stdin == null ? runtime.exec(id, spec) : runtime.exec(id, spec, stdin)) {
            return ExecResult.drain(stream);
        } finally {
            piece.close();
            sandboxes.recordActivity(id);
        }
    }

    /** Starts a script whose output the caller streams; the work ends when the output is closed. */
    private SandboxOutput open(SandboxId id, String script, List<String> arguments, InputStream stdin,
                               SandboxOutput.Verdict verdict) {
        ExecSpec spec = spec(script, arguments, TRANSFER_TIMEOUT, Long.MAX_VALUE);
        SandboxWork.Piece piece = work.begin(id);
        try {
            ExecStream stream = stdin == null ? runtime.exec(id, spec) : runtime.exec(id, spec, stdin);
            return new SandboxOutput(stream, verdict, () -> {
                piece.close();
                sandboxes.recordActivity(id);
            });
        } catch (RuntimeException e) {
            piece.close();
            throw e;
        }
    }

    private static ExecSpec spec(String script, List<String> arguments, Duration timeout, long maxOutput) {
        return new ExecSpec(script, "/", FileScripts.ENV, timeout, maxOutput, arguments);
    }

    /** The one entry a script printed after succeeding. */
    private static FileEntry single(String action, SandboxPath path, ExecResult result, Duration timeout) {
        requireSuccess(action, path, result, timeout);
        List<FileEntry> entries = FileEntry.parseAll(result.stdout());
        if (entries.size() != 1) {
            throw CorralException.runtimeUnavailable("The sandbox did not describe " + path + " after it did "
                    + action, null);
        }
        return entries.getFirst();
    }

    private static void requireSuccess(String action, SandboxPath path, ExecResult result, Duration timeout) {
        requireSuccess(action, path, new ExecEvent.Exit(result.exitCode(), result.duration(), result.timedOut(),
                result.truncated()), result.stderrText(), timeout);
    }

    private static void requireSuccess(String action, SandboxPath path, ExecEvent.Exit exit, String stderr,
                                       Duration timeout) {
        if (exit.exitCode() != 0 || exit.timedOut()) {
            throw FileScripts.failure(action, path, exit.exitCode(), exit.timedOut(), timeout, stderr);
        }
    }

    private static long parseSize(String line) {
        try {
            return Long.parseLong(line);
        } catch (NumberFormatException e) {
            throw CorralException.runtimeUnavailable("The sandbox answered a file size Corral cannot read: '"
                    + line + "'", e);
        }
    }
}
