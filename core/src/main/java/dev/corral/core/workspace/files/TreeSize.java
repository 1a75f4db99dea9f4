package dev.corral.core.workspace.files;

/** What a file or a folder tree holds: the bytes of its regular files and how many files there are. */
public record TreeSize(long bytes, long files) {
    public static final TreeSize EMPTY = new TreeSize(0, 0);

    public TreeSize {
        if (bytes < 0 || files < 0) {
            throw new IllegalArgumentException("sizes cannot be negative");
        }
    }

    public TreeSize plus(TreeSize other) {
        return new TreeSize(bytes + other.bytes, files + other.files);
    }
}
