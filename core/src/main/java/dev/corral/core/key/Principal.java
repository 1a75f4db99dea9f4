package dev.corral.core.key;

import dev.corral.core.org.Organization;
import dev.corral.core.org.OrganizationId;
import java.util.Objects;

/**
 * Who is calling: an authenticated API key and the organization it belongs to. What it may do is decided by
 * {@link dev.corral.core.policy.AccessPolicy}.
 */
public record Principal(Organization organization, ApiKey key) {
    public Principal {
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(key, "key");
    }

    public OrganizationId organizationId() {
        return organization.id();
    }
}
