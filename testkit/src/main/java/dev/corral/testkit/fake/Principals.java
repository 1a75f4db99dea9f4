package dev.corral.testkit.fake;

import dev.corral.core.id.RandomIds;
import dev.corral.core.key.ApiKey;
import dev.corral.core.key.ApiKeyId;
import dev.corral.core.key.ApiKeySecret;
import dev.corral.core.key.Principal;
import dev.corral.core.key.Scope;
import dev.corral.core.org.Organization;
import dev.corral.core.org.OrganizationId;
import dev.corral.core.org.OrganizationService;
import dev.corral.core.org.Tier;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Callers for service tests: a {@link Principal} is an organization and one of its keys with the scopes a test
 * needs. Nothing is stored; a test that needs the organization in a store inserts {@link Principal#organization()}.
 */
public final class Principals {
    private static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");

    private Principals() {
    }

    /** A new organization of {@code tier} (not the operator's), with a fresh id and slug. */
    public static Organization organization(Tier tier) {
        String slug = "org-" + RandomIds.lowerAlphanumeric(12);
        return new Organization(OrganizationId.random(), "Org " + slug, slug, tier, false, CREATED);
    }

    /** The operator organization, as {@link OrganizationService#bootstrap} makes it. */
    public static Organization operator() {
        return new Organization(OrganizationId.random(), "Default", OrganizationService.OPERATOR_SLUG,
                Tier.ENTERPRISE, true, CREATED);
    }

    /** A caller of {@code organization} whose key holds {@code scopes} (RunTools names); every scope when none. */
    public static Principal of(Organization organization, String... scopes) {
        List<Scope> held = scopes.length == 0 ? List.of(Scope.ALL)
                : Arrays.stream(scopes).map(scope -> Scope.parse("scopes", scope)).toList();
        ApiKeySecret secret = ApiKeySecret.generate(false);
        var key = new ApiKey(ApiKeyId.random(), organization.id(), "test key", secret.displayPrefix(),
                secret.sha256(), held, false, Optional.empty(), Optional.empty(), Optional.empty(), CREATED);
        return new Principal(organization, key);
    }

    /** A caller of a new organization of {@code tier} whose key holds {@code scopes}; every scope when none. */
    public static Principal inNewOrganization(Tier tier, String... scopes) {
        return of(organization(tier), scopes);
    }

    /** An admin of the operator organization: the caller that may create organizations and set tiers. */
    public static Principal operatorAdmin() {
        return of(operator(), "admin:*");
    }
}
