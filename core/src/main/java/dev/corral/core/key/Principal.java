package dev.corral.core.key;

import dev.corral.core.error.CorralException;
import dev.corral.core.org.Organization;
import dev.corral.core.org.OrganizationId;
import java.util.Objects;

/** Who is calling: an authenticated API key and the organization it belongs to. */
public record Principal(Organization organization, ApiKey key) {
    private static final Scope ADMIN = new Scope("admin:*");

    public Principal {
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(key, "key");
    }

    public OrganizationId organizationId() {
        return organization.id();
    }

    /** Returns normally when the key holds {@code scope}; {@code forbidden} naming the scope otherwise. */
    public void require(Scope scope) {
        if (!key.grants(scope)) {
            throw CorralException.forbidden("This API key lacks the scope '" + scope + "'");
        }
    }

    /**
     * Returns normally when the key holds {@code scope} or {@code alternative}; {@code forbidden} naming both
     * otherwise.
     */
    public void requireAny(Scope scope, Scope alternative) {
        if (!key.grants(scope) && !key.grants(alternative)) {
            throw CorralException.forbidden("This API key lacks the scope '" + scope + "' (or '" + alternative
                    + "')");
        }
    }

    /** Whether this caller administers the whole server: an admin key of the operator organization. */
    public boolean isOperatorAdmin() {
        return organization.operator() && key.grants(ADMIN);
    }

    /** Returns normally for an operator admin; {@code forbidden} otherwise. */
    public void requireOperatorAdmin() {
        if (!isOperatorAdmin()) {
            throw CorralException.forbidden("Only an admin key of the operator organization may do this");
        }
    }
}
