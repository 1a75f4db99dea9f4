package dev.corral.core.sandbox;

/**
 * A running command's output as a blocking iterator: {@link #next()} until an {@link ExecEvent.Exit}. Holding
 * the stream back slows the command down (its pipes fill) rather than buffering without bound.
 *
 * <p>Threading: one thread at a time calls {@link #next()}; {@link #kill()} and {@link #close()} may be called
 * from any thread, also while another blocks in {@code next()}, which then returns what is left and the exit.
 */
public interface ExecStream extends AutoCloseable {

    /**
     * The next event, blocking until there is one. The last is always an {@link ExecEvent.Exit}.
     *
     * @throws java.util.NoSuchElementException after the exit was returned
     * @throws dev.corral.core.error.CorralException {@code invalid_state} when the sandbox was paused or gone so
     *                                               the command never started, {@code runtime_unavailable} when
     *                                               the runtime failed to start it
     */
    ExecEvent next() throws InterruptedException;

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
