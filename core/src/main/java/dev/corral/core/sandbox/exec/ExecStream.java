package dev.corral.core.sandbox.exec;

import java.time.Duration;
import java.util.Optional;

/**
 * A running command's output as a blocking iterator: {@link #next()} until an {@link ExecEvent.Exit}. Holding
 * the stream back slows the command down (its pipes fill) rather than buffering without bound. A background
 * process is a stream its owner pumps on a thread of its own and keeps under its own process id, to
 * {@link #kill()} it by that id later.
 *
 * <p>Threading: one thread at a time calls {@link #next()}. {@link #kill()} may be called from any thread, also
 * while another blocks in {@code next()}, which then returns what is left and the exit. {@link #close()} belongs
 * to the thread that reads; a {@code next()} blocked elsewhere when it closes throws
 * {@link IllegalStateException}.
 */
public interface ExecStream extends AutoCloseable {

    /**
     * The next event, blocking until there is one. The last is always an {@link ExecEvent.Exit}.
     *
     * @throws java.util.NoSuchElementException after the exit was returned
     * @throws IllegalStateException             after {@link #close()}
     * @throws dev.corral.core.error.CorralException when the command never started: {@code invalid_state} for a
     *                                               paused or stopped sandbox, {@code not_found} for one that is
     *                                               gone, {@code runtime_unavailable} when the runtime failed
     */
    ExecEvent next() throws InterruptedException;

    /**
     * As {@link #next()}, but waits at most {@code wait}: empty when no event came in that time, so that a caller
     * can do something else between events (an SSE route writes a heartbeat, which tells it whether its client is
     * still there). A stream whose events never keep anyone waiting may keep this default, which waits as long as
     * {@code next()} does.
     */
    default Optional<ExecEvent> poll(Duration wait) throws InterruptedException {
        return Optional.of(next());
    }

    /**
     * Kills the command's whole process group, as its timeout would; the exit then says {@code timedOut}. Does
     * nothing once the command has ended. A process that left the group (with {@code setsid}) lives on until the
     * sandbox stops.
     */
    void kill();

    /** Kills the command if it still runs (see {@link #kill()}) and frees what the stream holds. Idempotent. */
    @Override
    void close();
}
