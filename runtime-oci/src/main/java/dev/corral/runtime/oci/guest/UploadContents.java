package dev.corral.runtime.oci.guest;

import dev.corral.core.sandbox.files.NewFile;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * The contents of several uploaded files one after the other, each exactly its declared size, for one script that
 * writes them all ({@link FileScripts#WRITE_MANY} reads each file's size from its arguments). A content that ends
 * before its size, or has more, fails the read: a file must never take another's bytes. Each content is opened
 * when its turn comes and closed at its end.
 *
 * <p>Threading: one reader at a time, as any input stream.
 */
public final class UploadContents extends InputStream {
    private final List<NewFile> files;
    private int index = -1;
    private InputStream current;
    private long remaining;

    public UploadContents(List<NewFile> files) {
        this.files = List.copyOf(files);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (remaining == 0) {
            if (!next()) {
                return -1;
            }
        }
        int n = current.read(buffer, offset, (int) Math.min(length, remaining));
        if (n < 0) {
            throw new IOException("the upload of " + files.get(index).path() + " ended " + remaining
                    + " bytes before its declared size");
        }
        remaining -= n;
        return n;
    }

    /** Closes the content that is done and opens the next one; false when there is none. */
    private boolean next() throws IOException {
        if (current != null) {
            try (InputStream done = current) {
                current = null;
                if (done.read() >= 0) {
                    throw new IOException("the upload of " + files.get(index).path() + " is longer than its "
                            + "declared size");
                }
            }
        }
        if (index + 1 >= files.size()) {
            return false;
        }
        index++;
        current = files.get(index).content().open();
        remaining = files.get(index).size();
        return true;
    }

    @Override
    public void close() throws IOException {
        if (current != null) {
            current.close();
            current = null;
        }
    }
}
