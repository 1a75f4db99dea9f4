package dev.corral.http.workspaces;

import dev.corral.core.workspace.Workspace;
import java.time.Instant;

/**
 * A workspace as the API shows it (RunTools §4.2). Corral has no users, so every workspace belongs to the organization and the owner fields are null.
 */
public record WorkspaceResponse(
        String id,
        String slug,
        String name,
        long sizeBytes,
        long quotaBytes,
        Instant createdAt,
        Instant updatedAt,
        Instant lastAccessedAt,
        boolean isPersonal,
        String ownerUserId,
        String ownerDisplayName,
        String ownerEmail) {

    static WorkspaceResponse of(Workspace workspace, long sizeBytes) {
        return new WorkspaceResponse(workspace.id().toString(), workspace.slug(), workspace.name(), sizeBytes,
                workspace.quotaBytes(), workspace.createdAt(), workspace.updatedAt(), null, false, null, null,
                null);
    }
}
