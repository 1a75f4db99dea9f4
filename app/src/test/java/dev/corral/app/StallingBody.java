package dev.corral.app;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * A request body that sends {@code bytes} and then blocks until released, like a client stalled mid-upload; once
 * released it fails, so the request never completes normally.
 */
final class StallingBody extends InputStream {
    private final CountDownLatch release;
    private long remaining;

    StallingBody(long bytes, CountDownLatch release) {
        this.remaining = bytes;
        this.release = release;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (remaining == 0) {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("the upload was abandoned");
        }
        int n = (int) Math.min(length, remaining);
        Arrays.fill(buffer, offset, offset + n, (byte) 'x');
        remaining -= n;
        return n;
    }
}
