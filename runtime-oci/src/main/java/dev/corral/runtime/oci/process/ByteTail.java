package dev.corral.runtime.oci.process;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The last bytes written to it, up to a limit: what is left of a command's standard error for an error message.
 * Not thread-safe: one pump writes it, and it is read after that pump has ended.
 */
public final class ByteTail {
    private final int limit;
    private byte[] bytes = new byte[0];

    public ByteTail(int limit) {
        this.limit = limit;
    }

    public void write(byte[] chunk, int length) {
        int keepOld = Math.max(0, Math.min(bytes.length, limit - length));
        int keepNew = Math.min(length, limit);
        byte[] next = Arrays.copyOfRange(bytes, bytes.length - keepOld, bytes.length + keepNew);
        System.arraycopy(chunk, length - keepNew, next, keepOld, keepNew);
        bytes = next;
    }

    /** The kept bytes as UTF-8, stripped; a character cut at the start shows as a replacement mark. */
    public String text() {
        return new String(bytes, StandardCharsets.UTF_8).strip();
    }
}
