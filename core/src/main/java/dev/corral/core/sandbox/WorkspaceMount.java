package dev.corral.core.sandbox;

import dev.corral.core.workspace.WorkspaceId;
import java.util.Objects;

/**
 * A workspace mounted into a sandbox at an absolute {@code path}, writable unless {@code readOnly}.
 *
 * @param reference the workspace as the client named it (its UUID, its slug, or a DEV-style free-form id), which
 *                  the sandbox shows back; {@code workspaceId} is what it resolved to
 */
public record WorkspaceMount(WorkspaceId workspaceId, String path, boolean readOnly, String reference) {
    public WorkspaceMount {
        Objects.requireNonNull(workspaceId, "workspaceId");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(reference, "reference");
    }

    /** A mount the client named by the workspace's UUID. */
    public WorkspaceMount(WorkspaceId workspaceId, String path, boolean readOnly) {
        this(workspaceId, path, readOnly, workspaceId.toString());
    }
}
