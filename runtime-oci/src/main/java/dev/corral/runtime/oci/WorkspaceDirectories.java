package dev.corral.runtime.oci;

import dev.corral.core.workspace.WorkspaceId;
import java.nio.file.Path;

/**
 * Where a workspace's files lie on this host, to bind-mount into the sandboxes that mount it.
 * {@link dev.corral.runtime.oci.volumes.HostWorkspaceVolumes} keeps them.
 */
@FunctionalInterface
public interface WorkspaceDirectories {
    /** The directory holding the workspace's files; it exists while the workspace's volume is attached. */
    Path filesOf(WorkspaceId id);
}
