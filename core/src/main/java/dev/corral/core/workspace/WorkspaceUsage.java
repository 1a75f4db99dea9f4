package dev.corral.core.workspace;

/** What a workspace's directory holds: the bytes of its regular files and how many files there are. */
public record WorkspaceUsage(long usedBytes, long files) {
    public static final WorkspaceUsage EMPTY = new WorkspaceUsage(0, 0);

    public WorkspaceUsage {
        if (usedBytes < 0 || files < 0) {
            throw new IllegalArgumentException("usage cannot be negative");
        }
    }
}
