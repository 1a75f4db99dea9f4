package dev.corral.testkit.contract;

import dev.corral.core.id.RandomIds;
import dev.corral.core.org.Organization;
import dev.corral.core.org.OrganizationId;
import dev.corral.core.org.OrganizationStore;
import dev.corral.core.org.Tier;
import dev.corral.core.sandbox.Resources;
import dev.corral.core.sandbox.Sandbox;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.SandboxNetwork;
import dev.corral.core.sandbox.SandboxStatus;
import dev.corral.core.sandbox.SandboxStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Organizations and sandboxes stored for the contracts of stores whose rows belong to a sandbox (a database's
 * foreign keys want them there): each new, so that tests never share one.
 */
final class StoredSandboxes {
    private StoredSandboxes() {
    }

    /** A new free organization, stored. */
    static OrganizationId organization(OrganizationStore organizations, Instant createdAt) {
        String slug = "org-" + RandomIds.lowerAlphanumeric(12);
        var organization = new Organization(OrganizationId.random(), "Org " + slug, slug, Tier.FREE, false,
                createdAt);
        organizations.insert(organization);
        return organization.id();
    }

    /** A new running sandbox of {@code organization}, stored. */
    static SandboxId sandbox(SandboxStore sandboxes, OrganizationId organization, Instant createdAt) {
        var sandbox = new Sandbox(SandboxId.random(), organization, Optional.empty(), "base", SandboxStatus.RUNNING,
                List.of(), Map.of(), Map.of(), List.of(), new Resources(1, 1L << 30, 1L << 30, 256),
                Duration.ofMinutes(10), Duration.ofHours(1), Optional.empty(), createdAt, createdAt, Optional.empty(),
                Optional.empty(), false, SandboxNetwork.DEFAULT);
        sandboxes.insert(sandbox);
        return sandbox.id();
    }
}
