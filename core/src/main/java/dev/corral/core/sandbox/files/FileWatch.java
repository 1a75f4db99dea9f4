package dev.corral.core.sandbox.files;

import java.time.Duration;
import java.util.NoSuchElementException;

/**
 * One watch of a directory in a sandbox, as a blocking iterator of {@link WatchEvent}s: {@link WatchEvent.Ready}
 * once the watcher is in place, then each {@link FileChange} below the directory, then exactly one
 * {@link WatchEvent.End}. Holding it back never buffers without bound: changes that overflow end the watch as
 * {@link WatchEvent.Reason#EVENTS_LOST}. Closing it stops the watcher in the sandbox.
 *
 * <p>Threading: one consumer calls {@link #next()}. {@link #end}, {@link #close()} and {@link #whenStopped} may
 * be called from any thread, also while the consumer blocks in {@code next()}, which then returns the end.
 */
public interface FileWatch extends AutoCloseable {

    /**
     * The next event, blocking until there is one; the last is always an {@link WatchEvent.End}.
     *
     * @throws dev.corral.core.error.CorralException when the watch could not begin: {@code not_found} for a missing
     *                                               directory, {@code bad_request} for a path that is no directory,
     *                                               {@code invalid_state} for a sandbox that cannot watch
     * @throws NoSuchElementException                after the end
     */
    WatchEvent next() throws InterruptedException;

    /** Ends the watch and stops its watcher; {@link #next()} then returns {@code end}. The first end given wins. */
    void end(WatchEvent.End end);

    /** Waits up to {@code wait} for the watcher to have stopped after {@link #end}; true when it has. */
    boolean awaitStopped(Duration wait) throws InterruptedException;

    /**
     * Runs {@code action} once the watcher has stopped, however the watch ended: on the watch's own thread, or at
     * once on the caller's when it has stopped already.
     */
    void whenStopped(Runnable action);

    /** Ends the watch, if it has not ended, as {@link WatchEvent.Reason#CLOSED}. Idempotent. */
    @Override
    void close();
}
