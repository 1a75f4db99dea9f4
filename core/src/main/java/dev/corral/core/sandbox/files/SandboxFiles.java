package dev.corral.core.sandbox.files;

import dev.corral.core.error.CorralException;
import dev.corral.core.io.FileUpload;
import dev.corral.core.io.LimitedInput;
import dev.corral.core.key.Principal;
import dev.corral.core.plan.Plans;
import dev.corral.core.policy.AccessPolicy;
import dev.corral.core.policy.Action;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.lifecycle.SandboxService;
import dev.corral.core.sandbox.lifecycle.SandboxWork;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * The files of sandboxes: read (whole or a byte range), write, list, stat, make directories, move, delete, upload
 * several at once, download a directory as a tar archive. A paused sandbox is resumed first; any file call is
 * activity.
 *
 * <p>Implementation notes. Nothing here touches a sandbox's files: this service checks the caller, the request
 * and the plan's limits, makes sure the sandbox runs, and hands the operation to the runtime's
 * {@link SandboxFileSystem}, which resolves paths inside the sandbox and streams contents a chunk at a time. Each
 * operation counts as work in its sandbox ({@link SandboxWork}) so the idle reaper never pauses it midway, and
 * its end is recorded as activity; a streamed read or download ends when its stream is closed. File contents
 * never go to the logs.
 *
 * <p>Threading: any request thread may call any method; each blocks its caller for the operation, and a streamed
 * read or download until the returned stream is closed.
 */
public final class SandboxFiles {
    /** The most entries one listing returns. */
    public static final int MAX_LIST_ENTRIES = 10_000;
    /** The deepest a listing goes, and how deep a recursive one goes when no depth is given. */
    public static final int MAX_LIST_DEPTH = 10;

    private static final Pattern MODE = Pattern.compile("[0-7]{3,4}");
    /** The arguments of one script that writes many files, at most: far below what Linux passes to a program. */
    private static final int BATCH_ARGUMENT_BYTES = 64 << 10;

    private final SandboxService sandboxes;
    private final SandboxFileSystem fileSystem;
    private final SandboxWork work;
    private final Plans plans;

    public SandboxFiles(SandboxService sandboxes, SandboxFileSystem fileSystem, SandboxWork work, Plans plans) {
        this.sandboxes = sandboxes;
        this.fileSystem = fileSystem;
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
        SandboxWork.Piece piece = work.begin(id);
        try {
            return fileSystem.read(id, path, range).whenClosed(() -> finish(id, piece));
        } catch (IOException | RuntimeException e) {
            finish(id, piece);
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
        InputStream content;
        try {
            content = new LimitedInput(body.open(), limit);
        } catch (IOException e) {
            throw CorralException.badRequest("The request body could not be read: " + e.getMessage());
        }
        return working(id, () -> fileSystem.write(id, path, mode, content));
    }

    /**
     * Writes several files below directory {@code dir} and returns them. Their number ({@code payload_too_large}
     * past the plan's) and names are checked before anything is written; then they are written as
     * {@link SandboxFileSystem#writeAll} does, together and in order, a failure stopping at that file.
     */
    public List<FileEntry> upload(Principal caller, String sandbox, SandboxPath dir, List<FileUpload> files)
            throws InterruptedException {
        AccessPolicy.require(caller, Action.SANDBOX_FILES_WRITE);
        plans.of(caller.organization().tier()).checkUploadFiles(files.size());
        limitFor(caller, files.stream().mapToLong(f -> Math.max(0, f.size())).sum());
        var newFiles = new ArrayList<NewFile>(files.size());
        for (int i = 0; i < files.size(); i++) {
            FileUpload file = files.get(i);
            newFiles.add(new NewFile(dir.child("files[" + i + "]", file.name()), file.size(), file.content()));
        }
        SandboxId id = sandboxes.ensureRunning(caller, sandbox).id();
        return working(id, () -> fileSystem.writeAll(id, newFiles));
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
        return working(id, () -> fileSystem.list(id, path, levels, MAX_LIST_ENTRIES));
    }

    /** The entry at {@code path} itself (a symlink is not followed); {@code not_found} when there is none. */
    public FileEntry stat(Principal caller, String sandbox, SandboxPath path) throws InterruptedException {
        AccessPolicy.require(caller, Action.SANDBOX_FILES_READ);
        SandboxId id = sandboxes.ensureRunning(caller, sandbox).id();
        return working(id, () -> fileSystem.stat(id, path));
    }

    /** Makes a directory and its parents; one already there is fine, a file there is {@code conflict}. */
    public FileEntry mkdir(Principal caller, String sandbox, SandboxPath path) throws InterruptedException {
        AccessPolicy.require(caller, Action.SANDBOX_FILES_WRITE);
        SandboxId id = sandboxes.ensureRunning(caller, sandbox).id();
        return working(id, () -> fileSystem.mkdir(id, path));
    }

    /**
     * Moves (renames) {@code from} to {@code to}, making {@code to}'s parents, and returns what is at {@code to}.
     * A file at {@code to} is replaced, as {@code mv} does; a non-empty directory there is {@code conflict}.
     */
    public FileEntry move(Principal caller, String sandbox, SandboxPath from, SandboxPath to)
            throws InterruptedException {
        AccessPolicy.require(caller, Action.SANDBOX_FILES_WRITE);
        SandboxId id = sandboxes.ensureRunning(caller, sandbox).id();
        return working(id, () -> fileSystem.move(id, from, to));
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
        working(id, () -> {
            fileSystem.delete(id, path, recursive);
            return null;
        });
    }

    /**
     * Opens a tar archive of directory {@code path}'s contents, streamed as the sandbox makes it; the caller closes
     * it. A missing or non-directory path fails here, before any byte; a failure later is thrown by the stream's
     * read, so a cut-off archive never looks whole.
     */
    public InputStream download(Principal caller, String sandbox, SandboxPath path) throws IOException {
        AccessPolicy.require(caller, Action.SANDBOX_FILES_READ);
        SandboxId id = sandboxes.ensureRunning(caller, sandbox).id();
        SandboxWork.Piece piece = work.begin(id);
        try {
            return new ReleasingInput(fileSystem.archive(id, path), () -> finish(id, piece));
        } catch (IOException | RuntimeException e) {
            finish(id, piece);
            throw e;
        }
    }

    private static void checkMode(String mode) {
        if (!MODE.matcher(mode).matches()) {
            throw CorralException.invalid("mode", "must be octal permissions such as 0644");
        }
    }

    /** One file operation that runs to its end before it returns. */
    @FunctionalInterface
    private interface Operation<T> {
        T run() throws InterruptedException;
    }

    /** Runs {@code operation} as work in sandbox {@code id}. */
    private <T> T working(SandboxId id, Operation<T> operation) throws InterruptedException {
        SandboxWork.Piece piece = work.begin(id);
        try {
            return operation.run();
        } finally {
            finish(id, piece);
        }
    }

    private void finish(SandboxId id, SandboxWork.Piece piece) {
        piece.close();
        sandboxes.recordActivity(id);
    }
}
