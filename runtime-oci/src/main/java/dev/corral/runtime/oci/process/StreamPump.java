package dev.corral.runtime.oci.process;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one process stream to its end on a platform thread of {@link ProcessThreads}, handing each chunk to a sink
 * as it arrives. Reading a pipe blocks, so every pumped stream has a thread of its own while it runs, never a
 * virtual one (see {@link ProcessThreads}); a sink that blocks slows the reader down and, through the pipe, the
 * process writing it.
 */
public final class StreamPump {
    public static final int CHUNK_BYTES = 32 * 1024;
    private static final Logger log = LoggerFactory.getLogger(StreamPump.class);

    /** Receives a pumped stream's chunks on the pump's thread. */
    public interface Sink {
        /** One chunk: the first {@code length} bytes of {@code buffer}, which is reused after this returns. */
        void accept(byte[] buffer, int length) throws InterruptedException;

        /** The stream ended (or failed to read); called exactly once, last. */
        default void end() {
        }
    }

    private StreamPump() {
    }

    /**
     * Starts pumping {@code in} into {@code sink}; the stream is closed when it ends. Cancelling the returned future
     * with interruption stops a sink waiting for room.
     *
     * @throws dev.corral.core.error.CorralException {@code rate_limited} when no reading thread is free; the
     *                                               stream is then closed and the sink never called
     */
    public static Future<?> start(ProcessThreads threads, String name, InputStream in, Sink sink) {
        try {
            return threads.read(name, () -> pump(name, in, sink));
        } catch (RuntimeException e) {
            try {
                in.close();
            } catch (IOException ignored) {
                // the process's own end of the pipe then sees it closed
            }
            throw e;
        }
    }

    private static void pump(String name, InputStream in, Sink sink) {
        byte[] buffer = new byte[CHUNK_BYTES];
        try (in) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                sink.accept(buffer, n);
            }
        } catch (IOException e) {
            // A closed or broken pipe ends the stream like EOF does: the process's exit status says what happened.
            log.debug("{}: stream ended with {}", name, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            sink.end();
        }
    }
}
