package dev.corral.runtime.oci.process;

import dev.corral.core.error.CorralException;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The one place Corral starts external processes: runc, mount, mkfs, mmdebstrap, kill. Every run has a timeout
 * (the process is killed when it passes), standard input from {@code /dev/null} unless the caller feeds it
 * ({@link #startWithInput}), and failures become {@code runtime_unavailable} naming the command and the tail of
 * what it wrote to standard error. An interrupted caller gets the process killed, its interrupt flag set again,
 * and a {@code runtime_unavailable}.
 *
 * <p>Threading: safe for any number of threads. Each call blocks its caller; the output of each process is read
 * by a platform thread of the runner's {@link ProcessThreads} per stream, never by a virtual thread (a blocked
 * pipe read would hold its carrier). Waiting uses {@link Process#onExit()} rather than {@link Process#waitFor()}.
 * The runner owns its threads: {@link #close()} ends them, on shutdown.
 */
public final class ProcessRunner implements AutoCloseable {
    /** Reading threads of a runner that only runs short host commands (tests, the CLI's template builder). */
    public static final int DEFAULT_IO_THREADS = 64;
    private static final int STDERR_TAIL_BYTES = 4096;
    private static final int MAX_STDOUT_BYTES = 16 << 20;
    private static final Duration PUMP_GRACE = Duration.ofSeconds(5);
    private static final File DEV_NULL = new File("/dev/null");

    private final Duration defaultTimeout;
    private final ProcessThreads threads;

    public ProcessRunner(Duration defaultTimeout) {
        this(defaultTimeout, DEFAULT_IO_THREADS);
    }

    /** @param ioThreads how many process streams may be read at once, by every command and exec together */
    public ProcessRunner(Duration defaultTimeout, int ioThreads) {
        this.defaultTimeout = defaultTimeout;
        this.threads = new ProcessThreads(ioThreads);
    }

    /** The threads that read process streams and fire timeouts, for those who follow a process themselves. */
    public ProcessThreads threads() {
        return threads;
    }

    @Override
    public void close() {
        threads.close();
    }

    /** Runs {@code command} with the default timeout and returns how it ended, whatever its exit status. */
    public CommandResult run(List<String> command) {
        return run(command, defaultTimeout);
    }

    public CommandResult run(List<String> command, Duration timeout) {
        return collect(start(new ProcessBuilder(command).redirectInput(DEV_NULL), command), command, timeout);
    }

    /**
     * Runs {@code command} with {@code input} as its standard input (small: a script for {@code ip -batch} or
     * {@code nft -f -}, written before the output is read); anything but exit status 0 is
     * {@code runtime_unavailable}.
     */
    public CommandResult check(List<String> command, byte[] input) {
        Process process = start(new ProcessBuilder(command), command);
        try (var stdin = process.getOutputStream()) {
            stdin.write(input);
        } catch (IOException e) {
            // It exited before reading all of it: its exit status and standard error tell why.
        }
        CommandResult result = collect(process, command, defaultTimeout);
        if (!result.succeeded()) {
            throw failed(result.command(), result.exitCode(), result.stderrTail());
        }
        return result;
    }

    private CommandResult collect(Process process, List<String> command, Duration timeout) {
        var stdout = new ByteArrayOutputStream();
        var stderr = new ByteTail(STDERR_TAIL_BYTES);
        Future<?> out;
        Future<?> err;
        try {
            out = StreamPump.start(threads, threadName(command, "stdout"), process.getInputStream(), (buffer, n) -> {
                if (stdout.size() + n <= MAX_STDOUT_BYTES) {
                    stdout.write(buffer, 0, n);
                }
            });
            err = StreamPump.start(threads, threadName(command, "stderr"), process.getErrorStream(), stderr::write);
        } catch (RuntimeException e) {
            kill(process);
            throw e;
        }
        int exitCode = await(process, command, timeout);
        join(out, command);
        join(err, command);
        return new CommandResult(command, exitCode, stdout.toByteArray(), stderr.text());
    }

    /** Runs {@code command} with the default timeout; anything but exit status 0 is {@code runtime_unavailable}. */
    public CommandResult check(List<String> command) {
        return check(command, defaultTimeout);
    }

    public CommandResult check(List<String> command, Duration timeout) {
        CommandResult result = run(command, timeout);
        if (!result.succeeded()) {
            throw failed(result.command(), result.exitCode(), result.stderrTail());
        }
        return result;
    }

    /**
     * Runs a command that leaves a daemon behind which inherits its standard streams (as {@code runc run
     * --detach} leaves the sandbox's init): they go to {@code /dev/null}, so that no pipe stays open and nothing
     * the daemon writes can reach the host. Such commands report errors in a log file of their own.
     *
     * @return the exit status
     */
    int runDetached(List<String> command, Duration timeout) {
        var builder = new ProcessBuilder(command).redirectInput(DEV_NULL)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        return await(start(builder, command), command, timeout);
    }

    /**
     * Runs {@code command} with standard output and error merged, passing each line to {@code lines} on the
     * reading thread as it comes; anything but exit status 0 is {@code runtime_unavailable} with the last lines.
     */
    public void checkLines(List<String> command, Duration timeout, Consumer<String> lines) {
        Process process = start(new ProcessBuilder(command).redirectInput(DEV_NULL).redirectErrorStream(true),
                command);
        var tail = new ByteTail(STDERR_TAIL_BYTES);
        Future<?> reader;
        try {
            reader = threads.read(threadName(command, "output"),
                    () -> forwardLines(process.getInputStream(), tail, lines));
        } catch (RuntimeException e) {
            kill(process);
            throw e;
        }
        int exitCode = await(process, command, timeout);
        join(reader, command);
        if (exitCode != 0) {
            throw failed(command, exitCode, tail.text());
        }
    }

    /**
     * Starts a long-running command and hands it over: its standard output and error are pipes the caller must
     * read, standard input is {@code /dev/null}. The caller owns the process from here on.
     */
    public Process start(List<String> command) {
        return start(new ProcessBuilder(command).redirectInput(DEV_NULL), command);
    }

    /**
     * As {@link #start(List)}, but standard input is a pipe too ({@link Process#getOutputStream()}), which the
     * caller feeds and closes.
     */
    public Process startWithInput(List<String> command) {
        return start(new ProcessBuilder(command), command);
    }

    /**
     * Sends SIGKILL to every process of a process group. A group that no longer exists is not an error: the
     * processes ended on their own.
     */
    public void killProcessGroup(long processGroupId) {
        run(List.of("kill", "-KILL", "--", "-" + processGroupId));
    }

    /** Starts the process on a platform thread (see {@link ProcessThreads#call}); the caller only waits. */
    private Process start(ProcessBuilder builder, List<String> command) {
        CompletableFuture<Process> started = threads.call(threadName(command, "start"), () -> {
            try {
                return builder.start();
            } catch (IOException e) {
                throw CorralException.runtimeUnavailable("Cannot start " + describe(command) + ": " + e.getMessage(),
                        e);
            }
        });
        try {
            return started.get();
        } catch (InterruptedException e) {
            started.thenAccept(ProcessRunner::kill);
            Thread.currentThread().interrupt();
            throw CorralException.runtimeUnavailable("Interrupted while starting " + describe(command), e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw CorralException.runtimeUnavailable("Cannot start " + describe(command), e.getCause());
        }
    }

    private static int await(Process process, List<String> command, Duration timeout) {
        try {
            return process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS).exitValue();
        } catch (TimeoutException e) {
            kill(process);
            throw CorralException.runtimeUnavailable(
                    describe(command) + " did not finish within " + timeout.toSeconds() + " s and was killed", e);
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw CorralException.runtimeUnavailable("Interrupted while running " + describe(command), e);
        } catch (ExecutionException e) {
            throw CorralException.runtimeUnavailable("Lost track of " + describe(command), e.getCause());
        }
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static void join(Future<?> pump, List<String> command) {
        try {
            pump.get(PUMP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // A grandchild still holds the pipe; its output is not this command's result any more.
            throw CorralException.runtimeUnavailable(describe(command)
                    + " exited but something it started still holds its output open", null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CorralException.runtimeUnavailable("Interrupted while reading " + describe(command), e);
        } catch (ExecutionException e) {
            throw CorralException.runtimeUnavailable("Could not read the output of " + describe(command),
                    e.getCause());
        }
    }

    private static void forwardLines(InputStream in, ByteTail tail, Consumer<String> lines) {
        try (var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
                tail.write(bytes, bytes.length);
                lines.accept(line);
            }
        } catch (IOException e) {
            // The exit status tells whether the command failed; a broken pipe only ends the line feed.
            byte[] bytes = e.toString().getBytes(StandardCharsets.UTF_8);
            tail.write(bytes, bytes.length);
        }
    }

    private static CorralException failed(List<String> command, int exitCode, String stderrTail) {
        String detail = stderrTail.isEmpty() ? "" : ": " + stderrTail;
        return CorralException.runtimeUnavailable(describe(command) + " exited with " + exitCode + detail, null);
    }

    /** The command as shown in messages: program and arguments, cut short so a message stays readable. */
    static String describe(List<String> command) {
        String text = String.join(" ", command);
        return "'" + (text.length() > 200 ? text.substring(0, 200) + "..." : text) + "'";
    }

    private static String threadName(List<String> command, String stream) {
        return "process-" + command.getFirst() + "-" + stream;
    }
}
