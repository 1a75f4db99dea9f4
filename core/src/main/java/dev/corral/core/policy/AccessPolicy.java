package dev.corral.core.policy;

import dev.corral.core.error.CorralException;
import dev.corral.core.key.Principal;
import dev.corral.core.key.Scope;
import dev.corral.core.org.OrganizationId;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Who may do what: the one place that decides whether a caller may take an {@link Action}. Every core service
 * method that serves a request calls {@link #require} before it reads or changes anything; routes only
 * authenticate and translate HTTP, so a route cannot skip a check and agents, tools or any other caller of the
 * services get the same rules.
 *
 * <p>The rules. A scoped action needs a key holding one of its scopes ({@link Scope#grants}: the scope itself,
 * its resource's wildcard, or {@code *}); without one the call is {@code forbidden}, naming the scopes. An operator
 * action needs an <em>operator admin</em>: a key of the operator organization (the one made at first start)
 * holding {@code admin:*} (which {@code *} includes). Acting on another organization than the caller's is for
 * operator admins only; to anyone else that organization does not exist ({@code not_found}). Resources inside an
 * organization (sandboxes, workspaces, keys) are looked up within the caller's organization by the services, so
 * another organization's are {@code not_found} there too. A key may grant only scopes it holds itself.
 *
 * <p>Threading: stateless; safe from any thread.
 */
public final class AccessPolicy {
    private static final Scope ADMIN = new Scope("admin:*");

    private AccessPolicy() {
    }

    /** Returns normally when {@code caller} may take {@code action}; {@code forbidden} naming why otherwise. */
    public static void require(Principal caller, Action action) {
        if (allows(caller, action)) {
            return;
        }
        if (action.audience() == Action.Audience.OPERATOR_ADMIN) {
            throw CorralException.forbidden("Only an admin key of the operator organization may do this");
        }
        List<Scope> scopes = action.scopes();
        String alternatives = scopes.stream().skip(1).map(scope -> " (or '" + scope + "')")
                .collect(Collectors.joining());
        throw CorralException.forbidden("This API key lacks the scope '" + scopes.getFirst() + "'" + alternatives);
    }

    /**
     * As {@link #require(Principal, Action)}, on organization {@code target}: another organization than the
     * caller's is {@code not_found} unless the caller is an operator admin, whatever the action, so that no
     * answer tells another organization that exists (a 403 on PATCH) from one that does not.
     */
    public static void require(Principal caller, Action action, OrganizationId target) {
        if (!caller.organizationId().equals(target) && !isOperatorAdmin(caller)) {
            throw CorralException.notFound("organization", target.toString());
        }
        require(caller, action);
    }

    /** Whether {@code caller} may take {@code action}, as {@link #require(Principal, Action)} decides. */
    public static boolean allows(Principal caller, Action action) {
        return switch (action.audience()) {
            case KEY_WITH_SCOPE -> action.scopes().stream().anyMatch(caller.key()::grants);
            case EVERY_KEY -> true;
            case OPERATOR_ADMIN -> isOperatorAdmin(caller);
        };
    }

    /** Whether {@code caller} administers the whole server: an admin key of the operator organization. */
    public static boolean isOperatorAdmin(Principal caller) {
        return caller.organization().operator() && caller.key().grants(ADMIN);
    }

    /**
     * Returns normally when {@code caller} holds every scope of {@code scopes}, which a key it makes or changes is
     * to carry; {@code forbidden} otherwise: a key cannot make a key more powerful than it is.
     */
    public static void requireGrantable(Principal caller, List<Scope> scopes) {
        for (Scope scope : scopes) {
            if (caller.key().grants(scope)) {
                continue;
            }
            if (scope.equals(Scope.ALL)) {
                throw CorralException.forbidden("Only a key with scope '*' can create a key with every scope; "
                        + "name the scopes");
            }
            throw CorralException.forbidden("This API key cannot grant the scope '" + scope
                    + "', which it does not hold");
        }
    }
}
