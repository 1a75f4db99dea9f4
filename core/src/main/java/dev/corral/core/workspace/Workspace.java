package dev.corral.core.workspace;

import dev.corral.core.org.OrganizationId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A named directory of an organization that outlives every sandbox. {@code quotaBytes} is absent when the
 * workspace may use all of the plan's storage.
 */
public record Workspace(WorkspaceId id, OrganizationId organizationId, String name, String slug,
                        Optional<Long> quotaBytes, Instant createdAt, Instant updatedAt) {
    public Workspace {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(organizationId, "organizationId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(slug, "slug");
        Objects.requireNonNull(quotaBytes, "quotaBytes");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    public Workspace withChanges(String newName, Optional<Long> newQuotaBytes, Instant at) {
        return new Workspace(id, organizationId, newName, slug, newQuotaBytes, createdAt, at);
    }
}
