package dev.corral.core.io;

import dev.corral.core.error.CorralException;
import java.io.IOException;
import java.io.InputStream;

/**
 * An upload's body, counted as it is read: reading past {@code limit} bytes throws {@code payload_too_large}, so a
 * body that lied about its size (or gave none) is stopped there, however it is sent. Every way of reading (skip
 * included) goes through the one counted {@link #read(byte[], int, int)}.
 *
 * <p>Threading: one reading thread (the runtime's stdin copier).
 */
public final class LimitedInput extends InputStream {
    private final InputStream in;
    private final long limit;
    private long remaining;

    public LimitedInput(InputStream in, long limit) {
        this.in = in;
        this.limit = limit;
        this.remaining = limit;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        // One byte more than is left is enough to tell a body of exactly the limit from a longer one.
        int n = in.read(buffer, offset, (int) Math.min(length, remaining + 1));
        if (n > 0) {
            remaining -= n;
            if (remaining < 0) {
                throw tooLarge(limit);
            }
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    public static CorralException tooLarge(long limit) {
        return CorralException.payloadTooLarge("Uploads are limited to " + new DataSize(limit) + " on your plan");
    }
}
