package dev.corral.testkit.fake;

import dev.corral.core.error.CorralException;
import dev.corral.core.org.Organization;
import dev.corral.core.org.OrganizationId;
import dev.corral.core.org.OrganizationStore;
import dev.corral.core.org.Tier;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An {@link OrganizationStore} in a map, for unit tests; it passes the same contract as the database stores.
 *
 * <p>Threading: safe for concurrent use; inserts hold one lock so that two cannot both take a slug.
 */
public final class InMemoryOrganizationStore implements OrganizationStore {
    private final ConcurrentHashMap<OrganizationId, Organization> byId = new ConcurrentHashMap<>();
    private final WriteLock writes = new WriteLock();

    @Override
    public void insert(Organization organization) {
        writes.run(() -> {
            if (byId.containsKey(organization.id()) || findBySlug(organization.slug()).isPresent()) {
                throw CorralException.conflict("An organization with slug '" + organization.slug()
                        + "' already exists");
            }
            byId.put(organization.id(), organization);
        });
    }

    @Override
    public Optional<Organization> find(OrganizationId id) {
        return Optional.ofNullable(byId.get(id));
    }

    @Override
    public Optional<Organization> findBySlug(String slug) {
        return byId.values().stream().filter(organization -> organization.slug().equals(slug)).findFirst();
    }

    @Override
    public void updateTier(OrganizationId id, Tier tier) {
        byId.computeIfPresent(id, (k, organization) -> organization.withTier(tier));
    }
}
