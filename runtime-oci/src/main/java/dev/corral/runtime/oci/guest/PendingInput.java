package dev.corral.runtime.oci.guest;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Standard input decided after a script has started: reads block until {@link #complete} gives the bytes, then
 * return them and end. A read script first prints the file's size, and only then learns which bytes to send.
 *
 * <p>Threading: one thread reads (the runtime's stdin copier), any other completes; a blocked read ends when
 * its thread is interrupted.
 */
final class PendingInput extends InputStream {
    private final CompletableFuture<byte[]> bytes = new CompletableFuture<>();
    private int position;

    /** Gives the input; later calls change nothing. */
    void complete(String text) {
        bytes.complete(text.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public int read() throws IOException {
        byte[] data = await();
        return position < data.length ? data[position++] & 0xff : -1;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        byte[] data = await();
        if (position >= data.length) {
            return -1;
        }
        int n = Math.min(length, data.length - position);
        System.arraycopy(data, position, buffer, offset, n);
        position += n;
        return n;
    }

    private byte[] await() throws IOException {
        try {
            return bytes.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("stopped waiting for the input");
        } catch (ExecutionException e) {
            throw new IOException(e.getCause());
        }
    }
}
