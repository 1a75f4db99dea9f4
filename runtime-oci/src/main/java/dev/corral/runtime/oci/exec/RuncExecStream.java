package dev.corral.runtime.oci.exec;

import dev.corral.core.error.CorralException;
import dev.corral.core.sandbox.exec.ExecEvent;
import dev.corral.core.sandbox.exec.ExecStream;
import dev.corral.runtime.oci.cgroup.ExecGroup;
import dev.corral.runtime.oci.process.ByteTail;
import dev.corral.runtime.oci.process.ProcessRunner;
import dev.corral.runtime.oci.process.ProcessThreads;
import dev.corral.runtime.oci.process.StreamPump;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * One command running in a sandbox through {@code runc exec}, seen as an {@link ExecStream}.
 *
 * <p>Implementation notes. runc copies the command's stdout and stderr through pipes of its own to ours and exits
 * with the command's status once the command has exited and every process holding those pipes has closed them
 * (a {@code cmd &} that keeps its output open keeps the exec going, as with {@code docker exec}). One platform
 * thread of {@link ProcessThreads} per stream pumps chunks into a small bounded queue, so a slow reader slows the
 * command down instead of filling memory; after {@code maxOutputBytes} (shared by both streams) chunks are still
 * read but dropped. When both pumps have ended and runc has exited, {@link #next()} yields the exit.
 *
 * <p>runc makes the command a session and process-group leader and writes its host pid to the pid file, so
 * killing that group from the host ends the command and all it started in its group; the command's own control
 * group ({@link ExecGroup}) is then emptied too, for what left the process group with {@code setsid}. The timeout
 * does that, scheduled on the one timer thread of {@link ProcessThreads} and cancelled when runc exits; a command
 * without a timeout (a background process) runs until killed. If runc has not exited within a grace period after
 * the kill (a process that left the group still holds the pipes), runc itself is killed, which closes our pipes. A command that never started (runc
 * failed: sandbox paused, gone, out of pids) leaves no pid file; its first {@code next()} then throws what
 * {@code neverStarted} makes of runc's stderr instead of passing runc's message off as the command's output.
 *
 * <p>Standard input, when given, is copied by a third platform thread of {@link ProcessThreads} into runc's stdin
 * pipe, which runc hands to
 * the command; the copier closes the pipe at the input's end, so the command sees EOF. A full pipe blocks the
 * copier, so input goes at the command's pace. If the command stops reading (it exited or closed its input), the
 * rest is left unread. If reading the input fails, the copier keeps the failure and kills the command, and
 * {@code next()} throws the failure where the exit would have been: a command must not look as if it had
 * succeeded on half of its input.
 *
 * <p>Threading: no virtual thread ever blocks on a pipe here (see {@link ProcessThreads}): the pumps and the stdin
 * copier are platform threads, the consumer only waits on the queue. One consumer calls {@code next()} or
 * {@code poll()}; {@code kill()} may come from any thread, serialized by a lock; {@code close()} is for the consumer, and a {@code next()} blocked in another thread then throws
 * {@link IllegalStateException}.
 */
public final class RuncExecStream implements ExecStream {
    /** With chunks of {@link StreamPump#CHUNK_BYTES}, at most 256 KiB of output waits per command. */
    private static final int QUEUE_CHUNKS = 8;
    private static final int STDERR_TAIL_BYTES = 2048;
    private static final Duration KILL_GRACE = Duration.ofSeconds(2);
    /** How long a killed command's control group may take to empty before close gives up removing it. */
    private static final Duration KILLED_GROUP_WAIT = Duration.ofSeconds(1);
    private static final Duration START_WAIT = Duration.ofSeconds(10);
    private static final Duration PUMP_WAIT = Duration.ofSeconds(1);
    private static final Duration POLL = Duration.ofMillis(5);
    private static final Object END = new Object();
    private static final Object CLOSED = new Object();

    private final Process runc;
    private final Path pidFile;
    private final List<Path> ownFiles;
    private final ProcessRunner runner;
    private final Function<String, CorralException> neverStarted;
    private final long startNanos;
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE_CHUNKS);
    private final AtomicLong outputBudget;
    private final ByteTail stderrTail = new ByteTail(STDERR_TAIL_BYTES);
    private final ReentrantLock killLock = new ReentrantLock();
    private final Optional<ExecGroup> group;
    private final Future<?> stdoutPump;
    private final Future<?> stderrPump;
    private final Future<?> watchdog;
    private final Future<?> stdinCopier;
    private final CompletableFuture<Long> exitNanos;
    private volatile boolean truncated;
    private volatile boolean killed;
    private volatile boolean closed;
    private volatile RuntimeException inputFailure;
    private int pumpsEnded;
    private boolean started;
    private boolean exitReturned;

    private RuncExecStream(Process runc, long startNanos, InputStream stdin, List<Path> ownFiles,
                           Optional<ExecGroup> group,
                           long maxOutputBytes, Optional<Duration> timeout, ProcessRunner runner,
                           Function<String, CorralException> neverStarted) {
        this.runc = runc;
        this.startNanos = startNanos;
        this.group = group;
        this.pidFile = ownFiles.getFirst();
        this.ownFiles = List.copyOf(ownFiles);
        this.runner = runner;
        this.neverStarted = neverStarted;
        this.outputBudget = new AtomicLong(maxOutputBytes);
        this.exitNanos = runc.onExit().thenApply(exited -> System.nanoTime());
        String name = "exec-" + runc.pid();
        ProcessThreads threads = runner.threads();
        Future<?> out = null;
        Future<?> err = null;
        try {
            out = StreamPump.start(threads, name + "-stdout", runc.getInputStream(), sink(false));
            err = StreamPump.start(threads, name + "-stderr", runc.getErrorStream(), sink(true));
            this.stdinCopier = stdin == null ? null
                    : threads.read(name + "-stdin", () -> copyInput(stdin, runc.getOutputStream()));
        } catch (RuntimeException noThreadFree) {
            runc.descendants().forEach(ProcessHandle::destroyForcibly);
            runc.destroyForcibly();
            for (Future<?> pump : new Future<?>[] {out, err}) {
                if (pump != null) {
                    pump.cancel(true);
                }
            }
            deleteOwnFiles();
            group.ifPresent(ExecGroup::removeIfEmpty);
            throw noThreadFree;
        }
        this.stdoutPump = out;
        this.stderrPump = err;
        this.watchdog = timeout.map(limit -> threads.after(limit, this::kill)).orElse(null);
        if (watchdog != null) {
            runc.onExit().thenRun(() -> watchdog.cancel(false));
        }
    }

    /**
     * Streams the started {@code runc exec} process.
     *
     * @param startNanos   {@link System#nanoTime()} just before runc was started: the command's duration counts
     *                     from there, not from whenever the starting thread got to run again
     * @param stdin        copied into the command's standard input when not null; runc must then have been
     *                     started with a stdin pipe
     * @param ownFiles     the pid file runc writes the command's host pid to, then any other file made for this
     *                     exec; all are deleted on close
     * @param group        the command's own control group, killed with it and removed on close when empty
     * @param timeout      when the command is killed; empty for never (it runs until killed)
     * @param neverStarted turns runc's stderr into the error for a command that never started
     */
    static RuncExecStream follow(Process runc, long startNanos, InputStream stdin, List<Path> ownFiles,
                                 Optional<ExecGroup> group,
                                 long maxOutputBytes, Optional<Duration> timeout, ProcessRunner runner,
                                 Function<String, CorralException> neverStarted) {
        return new RuncExecStream(runc, startNanos, stdin, ownFiles, group, maxOutputBytes, timeout, runner,
                neverStarted);
    }

    @Override
    public ExecEvent next() throws InterruptedException {
        return nextWithin(null);
    }

    @Override
    public Optional<ExecEvent> poll(Duration wait) throws InterruptedException {
        return Optional.ofNullable(nextWithin(wait));
    }

    /** The next event, waiting at most {@code wait} (for ever when null); null when none came in time. */
    private ExecEvent nextWithin(Duration wait) throws InterruptedException {
        if (closed) {
            throw new IllegalStateException("the exec stream was closed");
        }
        if (exitReturned) {
            throw new NoSuchElementException("the command has exited");
        }
        long deadline = wait == null ? 0 : System.nanoTime() + wait.toNanos();
        while (pumpsEnded < 2) {
            Object item = wait == null ? queue.take()
                    : queue.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (item == null) {
                return null;
            }
            if (item == CLOSED) {
                throw new IllegalStateException("the exec stream was closed");
            }
            if (item == END) {
                pumpsEnded++;
            } else {
                confirmStarted();
                return (ExecEvent) item;
            }
        }
        Long endNanos = awaitExit(wait == null ? Long.MAX_VALUE : deadline - System.nanoTime());
        if (endNanos == null) {
            return null;
        }
        confirmStarted();
        exitReturned = true;
        if (inputFailure != null) {
            throw inputFailure;
        }
        return new ExecEvent.Exit(runc.exitValue(), Duration.ofNanos(endNanos - startNanos), killed, truncated);
    }

    @Override
    public void kill() {
        killLock.lock();
        // The kill must go through even for an interrupted caller: its own waits would end at once otherwise.
        boolean interrupted = Thread.interrupted();
        try {
            if (killed || !runc.isAlive()) {
                return;
            }
            killed = true;
            try {
                hostPid().ifPresent(runner::killProcessGroup);
                // What left the group with setsid is still in the command's control group.
                group.ifPresent(ExecGroup::killAll);
                if (exitsWithin(KILL_GRACE)) {
                    return;
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
            runc.descendants().forEach(ProcessHandle::destroyForcibly);
            runc.destroyForcibly();
        } finally {
            killLock.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        kill();
        if (watchdog != null) {
            watchdog.cancel(false);
        }
        if (stdinCopier != null) {
            stdinCopier.cancel(true);
        }
        stdoutPump.cancel(true);
        stderrPump.cancel(true);
        queue.clear();
        queue.offer(CLOSED);
        // A killed command's processes may still be on their way out; a daemon of one that ended keeps its group.
        group.ifPresent(g -> g.removeWhenEmpty(killed ? KILLED_GROUP_WAIT : Duration.ZERO));
        deleteOwnFiles();
    }

    private void deleteOwnFiles() {
        for (Path file : ownFiles) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a stray file is removed with the sandbox's directory
            }
        }
    }

    private StreamPump.Sink sink(boolean stderr) {
        return new StreamPump.Sink() {
            @Override
            public void accept(byte[] buffer, int length) {
                if (stderr) {
                    stderrTail.write(buffer, length);
                }
                int kept = (int) Math.min(length, Math.max(0, outputBudget.getAndAdd(-length)));
                if (kept < length) {
                    truncated = true;
                }
                if (kept > 0) {
                    byte[] data = Arrays.copyOf(buffer, kept);
                    deliver(stderr ? new ExecEvent.Stderr(data) : new ExecEvent.Stdout(data));
                }
            }

            @Override
            public void end() {
                deliver(END);
            }
        };
    }

    /** Queues an item for the consumer, waiting for room; after close everything is dropped. */
    private void deliver(Object item) {
        if (closed) {
            return;
        }
        try {
            queue.put(item);
        } catch (InterruptedException e) {
            // close() interrupts a pump waiting for room: the item has nobody to go to any more.
        }
    }

    /** Copies {@code in} to the command's stdin until either ends; see the class notes for failures. */
    private void copyInput(InputStream in, OutputStream toCommand) {
        byte[] buffer = new byte[StreamPump.CHUNK_BYTES];
        try (toCommand) {
            int n;
            while ((n = readInput(in, buffer)) >= 0) {
                toCommand.write(buffer, 0, n);
                toCommand.flush();
            }
        } catch (IOException e) {
            // The command closed its input or exited: what it did not read is not for it.
        }
    }

    /** One read of the input; a failure kills the command and ends the copy (as -1). */
    private int readInput(InputStream in, byte[] buffer) {
        try {
            return in.read(buffer);
        } catch (IOException | RuntimeException e) {
            if (!closed && runc.isAlive()) {
                inputFailure = e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
                kill();
            }
            return -1;
        }
    }

    /**
     * Makes sure the command really started before any of its events is handed out: runc writes the pid file
     * right after starting it and never when it failed to, so wait for whichever comes first, the file or runc's
     * exit.
     */
    private void confirmStarted() throws InterruptedException {
        if (started) {
            return;
        }
        long deadline = System.nanoTime() + START_WAIT.toNanos();
        while (!Files.exists(pidFile) && runc.isAlive() && System.nanoTime() < deadline) {
            exitsWithin(POLL);
        }
        if (!Files.exists(pidFile) && !runc.isAlive()) {
            awaitQuietly(stderrPump, PUMP_WAIT);
            throw neverStarted.apply(stderrTail.text());
        }
        started = true;
    }

    /** The host pid of the command, which is also its process group id; empty when runc ended without one. */
    private OptionalLong hostPid() throws InterruptedException {
        long deadline = System.nanoTime() + START_WAIT.toNanos();
        do {
            try {
                return OptionalLong.of(Long.parseLong(Files.readString(pidFile).strip()));
            } catch (IOException | NumberFormatException e) {
                // not written yet: runc writes it (atomically, by renaming) right after starting the command
            }
        } while (!exitsWithin(POLL) && System.nanoTime() < deadline);
        return OptionalLong.empty();
    }

    /** Waits up to {@code waitNanos} for runc to exit and returns when it did; null when it has not yet. */
    private Long awaitExit(long waitNanos) throws InterruptedException {
        try {
            return waitNanos == Long.MAX_VALUE ? exitNanos.get() : exitNanos.get(waitNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (ExecutionException e) {
            throw CorralException.runtimeUnavailable("Lost track of runc exec " + runc.pid(), e.getCause());
        }
    }

    /** Waits up to {@code wait} for a pump to end, whatever became of it. */
    private static void awaitQuietly(Future<?> pump, Duration wait) throws InterruptedException {
        try {
            pump.get(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException | java.util.concurrent.CancellationException e) {
            // what the pump read so far is all there is to tell
        }
    }

    /** Waits up to {@code wait} for runc to exit; true when it has. */
    private boolean exitsWithin(Duration wait) throws InterruptedException {
        try {
            runc.onExit().get(wait.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !runc.isAlive();
        }
    }
}
