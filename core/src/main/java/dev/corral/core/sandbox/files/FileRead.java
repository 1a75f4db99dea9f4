package dev.corral.core.sandbox.files;

import dev.corral.core.error.CorralException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * A file being read from a sandbox: its size, the bytes that will be sent, and those bytes, streamed. The caller
 * must close it (which ends the read in the sandbox if it still runs). Its content ends where the sandbox's
 * answer ends: a failure in the sandbox is thrown by the content's read, never taken for the end of the file.
 *
 * <p>Threading: one thread transfers and closes it.
 */
public final class FileRead implements AutoCloseable {
    private static final int CHUNK_BYTES = 64 * 1024;

    private final long size;
    private final boolean ranged;
    private final Optional<ByteRange.Slice> slice;
    private final InputStream content;

    /**
     * @param ranged  whether a byte range was asked for
     * @param slice   the bytes {@code content} holds, empty when the range held none of the file
     * @param content the bytes of {@code slice}, streamed from the sandbox; closing it ends the read there
     */
    public FileRead(long size, boolean ranged, Optional<ByteRange.Slice> slice, InputStream content) {
        this.size = size;
        this.ranged = ranged;
        this.slice = slice;
        this.content = content;
    }

    /** The whole file's size in bytes. */
    public long size() {
        return size;
    }

    /** Whether a byte range was asked for; then only {@link #slice()} is sent. */
    public boolean ranged() {
        return ranged;
    }

    /** The bytes that will be sent (the whole file when no range was asked for); empty when the range held none. */
    public Optional<ByteRange.Slice> slice() {
        return slice;
    }

    /** How many bytes {@link #transferTo} writes. */
    public long length() {
        return slice.map(ByteRange.Slice::length).orElse(0L);
    }

    /**
     * {@code bad_request}, for a read whose range held none of the file: HTTP would say 416, but the closed list
     * of error codes (DECISIONS.md) has none for it, and the message and {@code Content-Range} give the size.
     */
    public CorralException unsatisfiable() {
        return CorralException.badRequest(
                "Range: the requested range is beyond the end of the file, which has " + size + " bytes");
    }

    /**
     * Writes exactly {@link #length()} bytes to {@code out}, blocking as the sandbox and {@code out} allow.
     *
     * @throws IOException     when writing to {@code out} fails (the client went away)
     * @throws CorralException when the sandbox could not send them all (the file shrank, the sandbox stopped):
     *                         the bytes written so far are not the file
     */
    public void transferTo(OutputStream out) throws IOException {
        byte[] buffer = new byte[CHUNK_BYTES];
        long left = length();
        while (left > 0) {
            int n = content.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw CorralException.runtimeUnavailable("The file changed while it was read: " + left
                        + " bytes are missing", null);
            }
            out.write(buffer, 0, n);
            left -= n;
        }
        if (content.read() >= 0) {
            throw CorralException.runtimeUnavailable("The sandbox sent more bytes than it said the file has", null);
        }
    }

    /** This read, releasing with {@code release} once its content is closed (see {@link ReleasingInput}). */
    FileRead whenClosed(Runnable release) {
        return new FileRead(size, ranged, slice, new ReleasingInput(content, release));
    }

    @Override
    public void close() {
        try {
            content.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
