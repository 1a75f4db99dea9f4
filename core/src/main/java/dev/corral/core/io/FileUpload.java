package dev.corral.core.io;

import java.io.IOException;
import java.io.InputStream;

/**
 * One file of a multi-file upload: its name below the target directory (it may hold {@code /}), its size when
 * known (-1 otherwise), and a way to open its content when its turn comes.
 */
public record FileUpload(String name, long size, Content content) {

    /** Opens an upload's bytes; each is opened once, read to its end and closed by whoever takes the upload. */
    @FunctionalInterface
    public interface Content {
        InputStream open() throws IOException;
    }
}
