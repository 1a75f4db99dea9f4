package dev.corral.core.org;

import java.time.Instant;
import java.util.Objects;

/**
 * A team that owns API keys, sandboxes and everything else. The {@code operator} organization is the one made at
 * first start: its admin keys may create other organizations and set their tiers.
 */
public record Organization(OrganizationId id, String name, String slug, Tier tier, boolean operator,
                           Instant createdAt) {
    public Organization {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(slug, "slug");
        Objects.requireNonNull(tier, "tier");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    public Organization withTier(Tier newTier) {
        return new Organization(id, name, slug, newTier, operator, createdAt);
    }
}
