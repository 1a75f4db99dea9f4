package dev.corral.core.sandbox.files;

import dev.corral.core.sandbox.SandboxId;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * The files inside running sandboxes, as the runtime reaches them. Paths are resolved inside the sandbox, by its
 * kernel, as the sandbox's root: {@code ..}, absolute symlinks, {@code /proc/1/root} and links swapped while an
 * operation runs all stay inside it, and what is written belongs to the sandbox's root, never to a user of the
 * host. Contents stream both ways a chunk at a time and are never held whole.
 *
 * <p>Every method takes a sandbox that is running (callers resume a paused one first) and blocks until its
 * operation is done, or, for the streams it returns, until they are closed. Errors, besides those each method
 * names: {@code not_found} for a path that is not there, {@code conflict} with the sandbox's own explanation for
 * an operation the sandbox refused (permissions, a full disk), {@code runtime_unavailable} when the sandbox could
 * not be reached or answered something unreadable, and for an operation that took so long it was stopped;
 * {@code invalid_state} or {@code not_found} from the runtime for a sandbox that is not running or is gone.
 *
 * <p>Threading: any thread may call any method; operations on one sandbox run concurrently.
 */
public interface SandboxFileSystem {

    /**
     * Opens a file for reading: all of it, or the bytes {@code range} covers of it as it is when opened (size and
     * bytes come from the same file, whatever is renamed meanwhile). A range beyond the end still opens, with no
     * slice, so the caller can say how large the file is. The caller closes it.
     *
     * @throws dev.corral.core.error.CorralException {@code bad_request} for a directory or a special file
     * @throws IOException                           when the sandbox's answer could not be read
     */
    FileRead read(SandboxId sandbox, SandboxPath path, Optional<ByteRange> range) throws IOException;

    /**
     * Writes {@code content} to the file at {@code path}, making its parent directories, and returns the new file
     * under the name {@code path} gives it. The content goes to a temporary file beside the target, renamed over
     * it once whole, so a write cut short (the content's read failed or went past its limit, the disk is full)
     * leaves the old file, or none, in place, and no temporary file behind. A symlink at {@code path} is replaced,
     * not followed. {@code content} stays the caller's to close.
     *
     * @param mode octal permissions such as {@code 0644}; empty keeps a replaced file's, or 0644
     * @throws dev.corral.core.error.CorralException {@code bad_request} for a directory at {@code path}, or a
     *                                               content whose read failed; what reading {@code content}
     *                                               threw, when that is a {@code CorralException}
     */
    FileEntry write(SandboxId sandbox, SandboxPath path, Optional<String> mode, InputStream content)
            throws InterruptedException;

    /**
     * Writes each of {@code files}, in order, as {@link #write} does (without a mode: a replaced file keeps its
     * own), and returns them in the same order. Each content is opened when its turn comes, closed at its end,
     * and must be exactly its declared size. Many small files cost far less together than one by one: this is
     * how a multi-file upload is written. A failure stops at that file, leaving the ones before it written and
     * the ones after it untouched.
     *
     * @throws dev.corral.core.error.CorralException as {@link #write} does, for the file at fault; {@code
     *                                               bad_request} for a content shorter or longer than declared
     */
    List<FileEntry> writeAll(SandboxId sandbox, List<NewFile> files) throws InterruptedException;

    /** The entry at {@code path} itself: a symlink is not followed. */
    FileEntry stat(SandboxId sandbox, SandboxPath path) throws InterruptedException;

    /**
     * The entries below directory {@code dir} (a symlink to one is followed) down to {@code depth} levels, at most
     * {@code maxEntries} of them; the listing says when there were more.
     *
     * @throws dev.corral.core.error.CorralException {@code bad_request} for a path that is not a directory
     */
    FileListing list(SandboxId sandbox, SandboxPath dir, int depth, int maxEntries) throws InterruptedException;

    /**
     * Makes a directory and its parents, and returns it; one already there is fine.
     *
     * @throws dev.corral.core.error.CorralException {@code conflict} for something other than a directory there
     */
    FileEntry mkdir(SandboxId sandbox, SandboxPath path) throws InterruptedException;

    /**
     * Moves (renames) {@code from} to {@code to}, making {@code to}'s parents, and returns what is at {@code to}.
     * A file at {@code to} is replaced, as {@code mv} does.
     *
     * @throws dev.corral.core.error.CorralException {@code conflict} for a non-empty directory at {@code to}
     */
    FileEntry move(SandboxId sandbox, SandboxPath from, SandboxPath to) throws InterruptedException;

    /**
     * Deletes a file or symlink (never what it points to), or a directory: an empty one, or with
     * {@code recursive} everything in it on the same filesystem.
     *
     * @throws dev.corral.core.error.CorralException {@code conflict} for a non-empty directory without
     *                                               {@code recursive}
     */
    void delete(SandboxId sandbox, SandboxPath path, boolean recursive) throws InterruptedException;

    /**
     * Opens a tar archive of directory {@code dir}'s contents, not descending into other filesystems, streamed as
     * the sandbox makes it; the caller closes it. A missing or non-directory path fails here, before any byte; a
     * failure later is thrown by the stream's read, so a cut-off archive never looks whole.
     *
     * @throws dev.corral.core.error.CorralException {@code bad_request} for a path that is not a directory
     * @throws IOException                           when the sandbox's answer could not be read
     */
    InputStream archive(SandboxId sandbox, SandboxPath dir) throws IOException;

    /**
     * Starts watching directory {@code dir}, with {@code recursive} every directory below it too, and returns at
     * once; see {@link FileWatch} for what it yields. The caller closes it. Errors that keep the watch from
     * beginning are thrown by its first {@link FileWatch#next()}: {@code not_found}, {@code bad_request} for a
     * path that is not a directory, {@code invalid_state} for a sandbox that cannot watch.
     */
    FileWatch watch(SandboxId sandbox, SandboxPath dir, boolean recursive);
}
