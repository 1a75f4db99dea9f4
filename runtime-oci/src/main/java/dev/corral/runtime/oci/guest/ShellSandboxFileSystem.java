package dev.corral.runtime.oci.guest;

import dev.corral.core.error.CorralException;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.SandboxRuntime;
import dev.corral.core.sandbox.exec.ExecEvent;
import dev.corral.core.sandbox.exec.ExecResult;
import dev.corral.core.sandbox.exec.ExecSpec;
import dev.corral.core.sandbox.exec.ExecStream;
import dev.corral.core.sandbox.files.ByteRange;
import dev.corral.core.sandbox.files.FileEntry;
import dev.corral.core.sandbox.files.FileListing;
import dev.corral.core.sandbox.files.FileRead;
import dev.corral.core.sandbox.files.FileWatch;
import dev.corral.core.sandbox.files.NewFile;
import dev.corral.core.sandbox.files.SandboxFileSystem;
import dev.corral.core.sandbox.files.SandboxPath;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A sandbox's files reached with POSIX shell: every operation is one of the small fixed scripts of
 * {@link FileScripts}, run inside the sandbox through the runtime's exec.
 *
 * <p>Implementation notes. Nothing here touches the host's filesystem. The scripts run as the sandbox's root, in
 * its own mount namespace and root filesystem, with the client's paths as positional arguments, never as script
 * text. So {@code ..}, absolute symlinks, {@code /proc/1/root} and links swapped while an operation runs all
 * resolve inside the sandbox, by its kernel, and what is written belongs to the sandbox's root (an unprivileged
 * uid on the host). Contents stream through the exec's standard input and output, a chunk at a time
 * ({@link SandboxOutput}). A read learns the file's size before it is told which bytes to send
 * ({@link PendingInput}). A write goes to a temporary file beside its target and is renamed over it at the end,
 * so an upload cut short (too large, the client gone, the sandbox's disk full) never replaces the old file; the
 * temporary file is then removed by a second script, as the first may have been killed. Many files are written
 * by one script that reads them one after the other from its input ({@link UploadContents}). A watch is inotifywait's
 * output, parsed and translated ({@link InotifyWatch}). Scripts tell their outcomes apart by exit code
 * ({@link FileScripts#failure}).
 *
 * <p>Threading: any thread may call any method; each runs its own scripts and shares nothing with the others.
 */
public final class ShellSandboxFileSystem implements SandboxFileSystem {
    private static final Duration TRANSFER_TIMEOUT = Duration.ofMinutes(30);
    private static final Duration OPERATION_TIMEOUT = Duration.ofMinutes(5);
    /** A watch ends with its socket or its sandbox; this only bounds a watcher that everyone forgot. */
    private static final Duration WATCH_TIMEOUT = Duration.ofDays(365);
    private static final long ENTRY_OUTPUT_BYTES = 1L << 20;
    private static final long LISTING_OUTPUT_BYTES = 64L << 20;
    /** The arguments of one script that writes many files, at most: far below what Linux passes to a program. */
    private static final int BATCH_ARGUMENT_BYTES = 64 << 10;

    private final SandboxRuntime runtime;
    private final InstantSource clock;

    /** @param clock stamps what a watch sees with the time it arrived */
    public ShellSandboxFileSystem(SandboxRuntime runtime, InstantSource clock) {
        this.runtime = runtime;
        this.clock = clock;
    }

    @Override
    public FileRead read(SandboxId sandbox, SandboxPath path, Optional<ByteRange> range) throws IOException {
        var slice = new PendingInput();
        SandboxOutput output = open(sandbox, FileScripts.READ, List.of(path.value()), slice,
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

    @Override
    public FileEntry write(SandboxId sandbox, SandboxPath path, Optional<String> mode, InputStream content)
            throws InterruptedException {
        String temporary = FileScripts.UPLOAD_PREFIX + UUID.randomUUID();
        ExecResult result = null;
        try {
            result = run(sandbox, FileScripts.WRITE, List.of(path.parent().value(), path.name(), temporary,
                    mode.orElse("")), TRANSFER_TIMEOUT, ENTRY_OUTPUT_BYTES, content);
        } catch (UncheckedIOException e) {
            throw CorralException.badRequest("The upload was cut off: " + e.getCause().getMessage());
        } finally {
            // A script that ran to its end cleaned up after itself; one that was killed could not.
            if (result == null || result.timedOut()) {
                removeQuietly(sandbox, path.parent(), temporary);
            }
        }
        return FindEntries.at(single("write", path, result, TRANSFER_TIMEOUT), path);
    }

    /**
     * Writes the files in batches, each one {@link FileScripts#WRITE_MANY} script that reads the files' contents one
     * after the other from its input: a batch costs one exec (and two processes a file inside the sandbox), not an
     * exec a file. A batch ends where its arguments would grow past {@link #BATCH_ARGUMENT_BYTES}.
     */
    @Override
    public List<FileEntry> writeAll(SandboxId sandbox, List<NewFile> files) throws InterruptedException {
        var written = new ArrayList<FileEntry>(files.size());
        for (int from = 0, to; from < files.size(); from = to) {
            to = batchEnd(files, from);
            written.addAll(writeBatch(sandbox, files.subList(from, to)));
        }
        return written;
    }

    /** Where the batch that starts at {@code from} ends, its arguments kept short. */
    private static int batchEnd(List<NewFile> files, int from) {
        long bytes = 0;
        int to = from;
        while (to < files.size()) {
            // the path twice (as directory and name, then whole) and, roughly, the size and the separators
            bytes += 2L * files.get(to).path().value().getBytes(StandardCharsets.UTF_8).length + 32;
            if (bytes > BATCH_ARGUMENT_BYTES && to > from) {
                break;
            }
            to++;
        }
        return to;
    }

    private List<FileEntry> writeBatch(SandboxId sandbox, List<NewFile> files) throws InterruptedException {
        String temporary = FileScripts.UPLOAD_PREFIX + UUID.randomUUID() + "-";
        var arguments = new ArrayList<String>(2 + 4 * files.size());
        arguments.add(temporary);
        for (NewFile file : files) {
            arguments.addAll(List.of(file.path().parent().value(), file.path().name(), Long.toString(file.size())));
        }
        arguments.add("--");
        files.forEach(file -> arguments.add(file.path().value()));
        ExecResult result = null;
        try (var contents = new UploadContents(files)) {
            result = run(sandbox, FileScripts.WRITE_MANY, arguments, TRANSFER_TIMEOUT, LISTING_OUTPUT_BYTES,
                    contents);
        } catch (UncheckedIOException e) {
            throw CorralException.badRequest("The upload was cut off: " + e.getCause().getMessage());
        } catch (IOException e) {
            throw CorralException.badRequest("The upload could not be read: " + e.getMessage());
        } finally {
            // A script that ran to its end cleaned up after itself; one that was killed could not.
            if (result == null || result.timedOut()) {
                removeTemporaries(sandbox, files, temporary);
            }
        }
        if (result.exitCode() != 0 || result.timedOut()) {
            requireSuccess("write", files.get(failedAt(result, files.size())).path(), result, TRANSFER_TIMEOUT);
        }
        List<FileEntry> entries = FindEntries.parseAll(result.stdout());
        if (entries.size() != files.size()) {
            throw CorralException.runtimeUnavailable("The sandbox described " + entries.size() + " of the "
                    + files.size() + " files it wrote", null);
        }
        var written = new ArrayList<FileEntry>(files.size());
        for (int i = 0; i < files.size(); i++) {
            written.add(FindEntries.at(entries.get(i), files.get(i).path()));
        }
        return written;
    }

    /** Which of {@code count} files a failed {@link FileScripts#WRITE_MANY} stopped at (the first if unsaid). */
    private static int failedAt(ExecResult result, int count) {
        try {
            int number = Integer.parseInt(new String(result.stdout(), StandardCharsets.US_ASCII).strip());
            return number >= 1 && number <= count ? number - 1 : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Removes what a killed {@link FileScripts#WRITE_MANY} may have left; a failure leaves hidden files. */
    private void removeTemporaries(SandboxId sandbox, List<NewFile> files, String temporary)
            throws InterruptedException {
        var arguments = new ArrayList<String>(3 * files.size());
        for (int i = 0; i < files.size(); i++) {
            arguments.addAll(List.of(files.get(i).path().parent().value(), temporary, Integer.toString(i + 1)));
        }
        try {
            run(sandbox, FileScripts.REMOVE_TEMPORARIES, arguments, OPERATION_TIMEOUT, ENTRY_OUTPUT_BYTES, null);
        } catch (RuntimeException e) {
            // the sandbox is gone or stopped: so are the files, or they wait there, hidden, for the next start
        }
    }

    /** Removes what a failed write may have left; a failure here leaves a hidden file, nothing worse. */
    private void removeQuietly(SandboxId sandbox, SandboxPath dir, String temporary) throws InterruptedException {
        try {
            run(sandbox, FileScripts.REMOVE_TEMPORARY, List.of(dir.value(), temporary), OPERATION_TIMEOUT,
                    ENTRY_OUTPUT_BYTES, null);
        } catch (RuntimeException e) {
            // the sandbox is gone or stopped: so is the file, or it waits there, hidden, for the next start
        }
    }

    @Override
    public FileListing list(SandboxId sandbox, SandboxPath dir, int depth, int maxEntries)
            throws InterruptedException {
        ExecResult result = run(sandbox, FileScripts.LIST, List.of(dir.value(), Integer.toString(depth),
                Integer.toString(maxEntries + 1)), OPERATION_TIMEOUT, LISTING_OUTPUT_BYTES, null);
        requireSuccess("list", dir, result, OPERATION_TIMEOUT);
        List<FileEntry> entries = FindEntries.parseAll(result.stdout());
        boolean truncated = result.truncated() || entries.size() > maxEntries;
        return new FileListing(dir, entries.subList(0, Math.min(entries.size(), maxEntries)), truncated);
    }

    @Override
    public FileEntry stat(SandboxId sandbox, SandboxPath path) throws InterruptedException {
        return single("stat", path, run(sandbox, FileScripts.STAT, List.of(path.value()), OPERATION_TIMEOUT,
                ENTRY_OUTPUT_BYTES, null), OPERATION_TIMEOUT);
    }

    @Override
    public FileEntry mkdir(SandboxId sandbox, SandboxPath path) throws InterruptedException {
        return single("make directory", path, run(sandbox, FileScripts.MKDIR, List.of(path.value()),
                OPERATION_TIMEOUT, ENTRY_OUTPUT_BYTES, null), OPERATION_TIMEOUT);
    }

    @Override
    public FileEntry move(SandboxId sandbox, SandboxPath from, SandboxPath to) throws InterruptedException {
        return single("move", from, run(sandbox, FileScripts.MOVE, List.of(from.value(), to.value(),
                to.parent().value()), OPERATION_TIMEOUT, ENTRY_OUTPUT_BYTES, null), OPERATION_TIMEOUT);
    }

    @Override
    public void delete(SandboxId sandbox, SandboxPath path, boolean recursive) throws InterruptedException {
        requireSuccess("delete", path, run(sandbox, FileScripts.DELETE, List.of(path.value(), recursive ? "1" : "0"),
                OPERATION_TIMEOUT, ENTRY_OUTPUT_BYTES, null), OPERATION_TIMEOUT);
    }

    @Override
    public InputStream archive(SandboxId sandbox, SandboxPath dir) throws IOException {
        SandboxOutput output = open(sandbox, FileScripts.DOWNLOAD, List.of(dir.value()), null, (exit, stderr) -> {
            if (exit.exitCode() != FileScripts.TAR_FILE_CHANGED || exit.timedOut()) {
                requireSuccess("download", dir, exit, stderr, TRANSFER_TIMEOUT);
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

    @Override
    public FileWatch watch(SandboxId sandbox, SandboxPath dir, boolean recursive) {
        var watch = new InotifyWatch(dir, runtime.exec(sandbox, spec(FileScripts.WATCH, List.of(dir.value(),
                recursive ? "1" : "0"), WATCH_TIMEOUT, Long.MAX_VALUE)), WATCH_TIMEOUT, clock);
        watch.start();
        return watch;
    }

    private ExecResult run(SandboxId sandbox, String script, List<String> arguments, Duration timeout,
                           long maxOutput, InputStream stdin) throws InterruptedException {
        ExecSpec spec = spec(script, arguments, timeout, maxOutput);
        try (ExecStream stream = stdin == null ? runtime.exec(sandbox, spec) : runtime.exec(sandbox, spec, stdin)) {
            return ExecResult.drain(stream);
        }
    }

    /** Starts a script whose output the caller streams and closes. */
    private SandboxOutput open(SandboxId sandbox, String script, List<String> arguments, InputStream stdin,
                               SandboxOutput.Verdict verdict) {
        ExecSpec spec = spec(script, arguments, TRANSFER_TIMEOUT, Long.MAX_VALUE);
        return new SandboxOutput(stdin == null ? runtime.exec(sandbox, spec) : runtime.exec(sandbox, spec, stdin),
                verdict);
    }

    private static ExecSpec spec(String script, List<String> arguments, Duration timeout, long maxOutput) {
        return new ExecSpec(script, "/", FileScripts.ENV, timeout, maxOutput, arguments);
    }

    /** The one entry a script printed after succeeding. */
    private static FileEntry single(String action, SandboxPath path, ExecResult result, Duration timeout) {
        requireSuccess(action, path, result, timeout);
        List<FileEntry> entries = FindEntries.parseAll(result.stdout());
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
