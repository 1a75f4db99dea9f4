package dev.corral.http.workspaces;

import dev.corral.core.workspace.Workspace;
import java.time.Instant;

/**
 * A workspace as the API shows it (RunTools §4.2). {@code quotaBytes} is null when the plan sets no storage limit;
 * Corral has no users, so every workspace belongs to the organization and the owner fields are null.
 */
public record WorkspaceResponse(
        String id,
        String slug,
        String name,
        long sizeBytes,
        Long quotaBytes,
        Instant createdAt,
        Instant updatedAt,
        Instant lastAccessedAt,
        boolean isPersonal,
        String ownerUserId,
        String ownerDisplayName,
        String ownerEmail) {

    static WorkspaceResponse of(Workspace workspace, long sizeBytes, long quotaBytes) {
        return new WorkspaceResponse(workspace.id().toString(), workspace.slug(), workspace.name(), sizeBytes,
                orUnlimited(quotaBytes), workspace.createdAt(), workspace.updatedAt(), null, false, null, null,
                null);
    }

    /** {@link Long#MAX_VALUE}, the plans' "unlimited", is shown as null. */
    static Long orUnlimited(long quotaBytes) {
        return quotaBytes == Long.MAX_VALUE ? null : quotaBytes;
    }
}
