package dev.corral.core.workspace;

/**
 * The host directories that hold workspaces' files, one per workspace. Implementations are safe for concurrent
 * use on different workspaces; every method blocks on the file system.
 */
public interface WorkspaceVolumes {
    /** Creates the workspace's empty directory, owned by the sandboxes' root; an existing one is kept. */
    void create(WorkspaceId id);

    /** Deletes the directory and everything in it; does nothing when it does not exist. */
    void delete(WorkspaceId id);

    /** What the directory holds now; zero for a directory that does not exist. */
    WorkspaceUsage usage(WorkspaceId id);
}
