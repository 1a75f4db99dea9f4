package dev.corral.core.sandbox.files;

import dev.corral.core.io.FileUpload;

/**
 * A file to write into a sandbox: where, how many bytes exactly, and its content, opened when its turn comes.
 *
 * @param size the content's length, known before it is read (a content that ends early or runs long fails)
 */
public record NewFile(SandboxPath path, long size, FileUpload.Content content) {
    public NewFile {
        if (size < 0) {
            throw new IllegalArgumentException("the size of " + path + " must be known, not " + size);
        }
    }
}
