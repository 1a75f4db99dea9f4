package dev.corral.runtime.oci.process;

import java.io.IOException;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one process stream to its end on its own virtual thread, handing each chunk to a sink as it arrives.
 * Reading a pipe blocks, so every pumped stream gets its own thread; a sink that blocks slows the reader down and,
 * through the pipe, the process writing it.
 */
public final class StreamPump {
    public static final int CHUNK_BYTES = 64 * 1024;
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

    /** Starts pumping {@code in} into {@code sink}; the stream is closed when it ends. */
    public static Thread start(String name, InputStream in, Sink sink) {
        return Thread.ofVirtual().name(name).start(() -> pump(name, in, sink));
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
