package dev.corral.core.org;

import java.util.Optional;

/** Where organizations are kept. Implementations are safe for concurrent use. */
public interface OrganizationStore {
    /** Stores a new organization; {@code conflict} when its slug is taken. */
    void insert(Organization organization);

    Optional<Organization> find(OrganizationId id);

    Optional<Organization> findBySlug(String slug);

    /** Replaces the stored tier; does nothing when the organization does not exist. */
    void updateTier(OrganizationId id, Tier tier);
}
