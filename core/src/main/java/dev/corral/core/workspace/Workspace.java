package dev.corral.core.workspace;

import dev.corral.core.org.OrganizationId;
import java.time.Instant;
import java.util.Objects;

/**
 * A named volume of an organization that outlives every sandbox.
 *
 * @param quotaBytes the bytes of files it can hold, which is the size of its volume
 */
public record Workspace(WorkspaceId id, OrganizationId organizationId, String name, String slug, long quotaBytes,
                        Instant createdAt, Instant updatedAt) {
    public Workspace {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(organizationId, "organizationId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(slug, "slug");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    public Workspace withChanges(String newName, long newQuotaBytes, Instant at) {
        return new Workspace(id, organizationId, newName, slug, newQuotaBytes, createdAt, at);
    }
}
