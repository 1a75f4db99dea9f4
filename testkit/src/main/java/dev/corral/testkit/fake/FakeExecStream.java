package dev.corral.testkit.fake;

import dev.corral.core.sandbox.exec.ExecEvent;
import dev.corral.core.sandbox.exec.ExecStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The output of one command of {@link FakeSandboxRuntime}, known in full when it starts: its chunks (cut to the
 * byte limit), then its exit. A command that outlives its output ({@code sleep}) blocks {@link #next()} until it is
 * killed or its timeout passes, then exits with 137 and {@code timedOut}; one whose sandbox stops under it exits
 * with 137 without.
 *
 * <p>Threading: as {@link ExecStream}: one reading thread; {@link #kill()} and {@link #terminate()} from any.
 */
final class FakeExecStream implements ExecStream {
    private static final int KILLED = 137;

    private final List<ExecEvent> output;
    private final int exitCode;
    private final boolean outlives;
    private final boolean truncated;
    private final Duration timeout;
    private final RuntimeException neverStarted;
    private final Runnable onEnd;
    private final long startedNanos = System.nanoTime();
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile boolean killed;
    private volatile boolean closed;
    private int next;
    private boolean exited;

    private FakeExecStream(List<ExecEvent> output, int exitCode, boolean outlives, boolean truncated,
                           Duration timeout, RuntimeException neverStarted, Runnable onEnd) {
        this.output = output;
        this.exitCode = exitCode;
        this.outlives = outlives;
        this.truncated = truncated;
        this.timeout = timeout;
        this.neverStarted = neverStarted;
        this.onEnd = onEnd;
    }

    /** A command that ran to {@code outcome}, its output cut to {@code maxOutputBytes} of both streams together. */
    static FakeExecStream of(FakeShell.Outcome outcome, long maxOutputBytes, Duration timeout, Runnable onEnd) {
        var events = new ArrayList<ExecEvent>();
        long room = maxOutputBytes;
        boolean truncated = false;
        for (FakeShell.Chunk chunk : outcome.output()) {
            byte[] kept = Arrays.copyOf(chunk.data(), (int) Math.min(room, chunk.data().length));
            truncated |= kept.length < chunk.data().length;
            room -= kept.length;
            if (kept.length > 0) {
                events.add(chunk.stderr() ? new ExecEvent.Stderr(kept) : new ExecEvent.Stdout(kept));
            }
        }
        return new FakeExecStream(List.copyOf(events), outcome.exitCode(), outcome.outlives(), truncated, timeout,
                null, onEnd);
    }

    /**
     * A command that never started, or whose input failed: {@link #next()} throws {@code error} in place of the
     * exit, as the real runtime does.
     */
    static FakeExecStream refused(RuntimeException error) {
        return new FakeExecStream(List.of(), 0, false, false, Duration.ZERO, error, () -> { });
    }

    @Override
    public ExecEvent next() throws InterruptedException {
        if (closed) {
            throw new IllegalStateException("the exec stream was closed");
        }
        if (exited) {
            throw new NoSuchElementException("the command has exited");
        }
        if (neverStarted != null) {
            exited = true;
            throw neverStarted;
        }
        if (next < output.size()) {
            return output.get(next++);
        }
        boolean timedOut = false;
        int code = exitCode;
        if (outlives) {
            // ExecSpec.UNTIL_KILLED is longer than a long holds in nanoseconds: wait in seconds for anything that long
            boolean ended = timeout.compareTo(Duration.ofDays(365)) > 0
                    ? this.ended.await(timeout.getSeconds(), TimeUnit.SECONDS)
                    : this.ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (closed) {
                throw new IllegalStateException("the exec stream was closed");
            }
            timedOut = !ended || killed;
            code = KILLED;
        }
        exited = true;
        onEnd.run();
        return new ExecEvent.Exit(code, Duration.ofNanos(System.nanoTime() - startedNanos), timedOut, truncated);
    }

    @Override
    public void kill() {
        if (ended.getCount() > 0) {
            killed = true;
            ended.countDown();
        }
    }

    /** Ends the command as its sandbox stopping would: exit 137, not {@code timedOut}. */
    void terminate() {
        ended.countDown();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            kill();
            onEnd.run();
        }
    }
}
