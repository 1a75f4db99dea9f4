package dev.corral.core.org;

import dev.corral.core.error.CorralException;
import dev.corral.core.id.Slugs;
import dev.corral.core.key.ApiKeySecret;
import dev.corral.core.key.ApiKeyService;
import dev.corral.core.key.ApiKeyStore;
import dev.corral.core.key.CreateApiKey;
import dev.corral.core.key.IssuedKey;
import dev.corral.core.key.Principal;
import dev.corral.core.policy.AccessPolicy;
import dev.corral.core.policy.Action;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;

/** Makes organizations (the operator's at first start, others on an operator admin's request) and sets tiers. */
public final class OrganizationService {
    public static final String OPERATOR_SLUG = "default";
    private static final int MAX_NAME_LENGTH = 100;

    private final OrganizationStore organizations;
    private final ApiKeyStore keys;
    private final ApiKeyService keyService;
    private final InstantSource clock;

    public OrganizationService(OrganizationStore organizations, ApiKeyStore keys, ApiKeyService keyService,
                               InstantSource clock) {
        this.organizations = organizations;
        this.keys = keys;
        this.keyService = keyService;
        this.clock = clock;
    }

    /**
     * Makes sure the operator organization exists. On first start it is created with an admin key, which is
     * returned so it can be shown once. A {@code given} secret is used as that key, and is added as an admin key
     * on later starts when the store does not know it yet, so scripts can always rely on it.
     */
    public Optional<IssuedKey> bootstrap(Optional<ApiKeySecret> given) {
        Optional<Organization> existing = organizations.findBySlug(OPERATOR_SLUG);
        if (existing.isEmpty()) {
            var organization = new Organization(OrganizationId.random(), "Default", OPERATOR_SLUG, Tier.ENTERPRISE,
                    true, clock.instant());
            organizations.insert(organization);
            return Optional.of(issueAdminKey(organization.id(), given));
        }
        if (given.isPresent() && keys.findByHash(given.get().sha256()).isEmpty()) {
            return Optional.of(issueAdminKey(existing.get().id(), given));
        }
        return Optional.empty();
    }

    /** Creates an organization with an admin key; only an operator admin may. */
    public NewOrganization create(Principal caller, String name, Optional<String> slug, Tier tier) {
        AccessPolicy.require(caller, Action.ORGANIZATION_CREATE);
        String validName = name == null ? "" : name.strip();
        if (validName.isEmpty() || validName.length() > MAX_NAME_LENGTH) {
            throw CorralException.invalid("name", "must be 1 to " + MAX_NAME_LENGTH + " characters");
        }
        String validSlug = Slugs.requireValid("slug", slug.orElseGet(() -> Slugs.of(validName, "org")));
        if (organizations.findBySlug(validSlug).isPresent()) {
            throw CorralException.conflict("An organization with slug '" + validSlug + "' already exists");
        }
        var organization = new Organization(OrganizationId.random(), validName, validSlug, tier, false,
                clock.instant());
        organizations.insert(organization);
        return new NewOrganization(organization, issueAdminKey(organization.id(), Optional.empty()));
    }

    /** The caller's own organization, or any one for an operator admin; {@code not_found} otherwise. */
    public Organization get(Principal caller, OrganizationId id) {
        AccessPolicy.require(caller, Action.ORGANIZATION_READ, id);
        return organizations.find(id).orElseThrow(() -> CorralException.notFound("organization", id.toString()));
    }

    /** Sets an organization's tier; only an operator admin may. */
    public Organization setTier(Principal caller, OrganizationId id, Tier tier) {
        AccessPolicy.require(caller, Action.ORGANIZATION_WRITE, id);
        Organization organization = get(caller, id);
        organizations.updateTier(id, tier);
        keyService.organizationChanged(id);
        return organization.withTier(tier);
    }

    private IssuedKey issueAdminKey(OrganizationId organizationId, Optional<ApiKeySecret> given) {
        var request = new CreateApiKey("admin", List.of(), Optional.empty(), false);
        return given.map(secret -> keyService.issue(organizationId, request, secret))
                .orElseGet(() -> keyService.issue(organizationId, request));
    }
}
