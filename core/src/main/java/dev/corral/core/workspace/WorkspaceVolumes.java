package dev.corral.core.workspace;

import dev.corral.core.workspace.files.WorkspaceFiles;

/**
 * Where workspaces keep their files: one volume per workspace whose size is its quota, so that every writer (the
 * storage API and sandboxes that mount it alike) runs out of room at the same point. Implementations are safe for
 * concurrent use on different workspaces; every method blocks on the file system.
 */
public interface WorkspaceVolumes {
    /** Makes the workspace's empty volume with room for {@code quotaBytes} of files, ready to use. */
    void create(WorkspaceId id, long quotaBytes);

    /**
     * Makes an existing volume ready to use again (after the host restarted) and discards what an interrupted
     * write left half-done; does nothing else to a volume that is ready.
     */
    void attach(WorkspaceId id);

    /**
     * Gives the volume room for {@code quotaBytes}, more or less than it has; the volume is unavailable meanwhile,
     * so no sandbox may mount it. Shrinking below what its files take fails.
     */
    void resize(WorkspaceId id, long quotaBytes);

    /** Deletes the volume and every file on it; does nothing when there is none. */
    void delete(WorkspaceId id);

    /** The files on the workspace's volume. */
    WorkspaceFiles files(WorkspaceId id);
}
