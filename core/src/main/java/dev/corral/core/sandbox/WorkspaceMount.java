package dev.corral.core.sandbox;

import dev.corral.core.workspace.WorkspaceId;
import java.util.Objects;

/** A workspace mounted into a sandbox at an absolute {@code path}, writable unless {@code readOnly}. */
public record WorkspaceMount(WorkspaceId workspaceId, String path, boolean readOnly) {
    public WorkspaceMount {
        Objects.requireNonNull(workspaceId, "workspaceId");
        Objects.requireNonNull(path, "path");
    }
}
