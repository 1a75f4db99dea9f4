package dev.corral.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import dev.corral.core.key.ApiKey;
import dev.corral.core.key.ApiKeyId;
import dev.corral.core.key.Principal;
import dev.corral.core.key.Scope;
import dev.corral.core.org.Organization;
import dev.corral.core.org.OrganizationId;
import dev.corral.core.org.Tier;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class AccessPolicyTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    /**
     * The permission table, written out: for each action, the scopes of which one key needs one (in an operator
     * organization for the operator actions). A new action fails {@link #table_coversEveryAction} until it is added
     * here.
     */
    private static final Map<Action, Set<String>> GRANTED_BY = new EnumMap<>(Map.ofEntries(
            Map.entry(Action.SANDBOX_CREATE, Set.of("*", "sandbox:*", "sandbox:create")),
            Map.entry(Action.SANDBOX_READ, Set.of("*", "sandbox:*", "sandbox:read")),
            Map.entry(Action.SANDBOX_WRITE, Set.of("*", "sandbox:*", "sandbox:write")),
            Map.entry(Action.SANDBOX_DELETE, Set.of("*", "sandbox:*", "sandbox:write")),
            Map.entry(Action.SANDBOX_EXEC, Set.of("*", "sandbox:*", "sandbox:write")),
            Map.entry(Action.SANDBOX_PORTS, Set.of("*", "sandbox:*", "sandbox:write")),
            Map.entry(Action.PROCESS_LIST, Set.of("*", "sandbox:*", "sandbox:read")),
            Map.entry(Action.PROCESS_KILL, Set.of("*", "sandbox:*", "sandbox:write")),
            Map.entry(Action.TERMINAL_OPEN, Set.of("*", "sandbox:*", "sandbox:write")),
            Map.entry(Action.SANDBOX_FILES_READ, Set.of("*", "sandbox:*", "sandbox:read", "files:*", "files:read")),
            Map.entry(Action.SANDBOX_FILES_WRITE, Set.of("*", "sandbox:*", "sandbox:write", "files:*",
                    "files:write")),
            Map.entry(Action.WORKSPACE_READ, Set.of("*", "files:*", "files:read")),
            Map.entry(Action.WORKSPACE_WRITE, Set.of("*", "files:*", "files:write")),
            Map.entry(Action.WORKSPACE_FILES_READ, Set.of("*", "files:*", "files:read")),
            Map.entry(Action.WORKSPACE_FILES_WRITE, Set.of("*", "files:*", "files:write")),
            Map.entry(Action.KEY_ISSUE, Set.of("*", "org:*", "org:write")),
            Map.entry(Action.KEY_READ, Set.of("*", "org:*", "org:read")),
            Map.entry(Action.KEY_UPDATE, Set.of("*", "org:*", "org:write")),
            Map.entry(Action.KEY_REVOKE, Set.of("*", "org:*", "org:write")),
            Map.entry(Action.SSH_KEY_READ, Set.of("*", "ssh-key:*", "org:*", "org:read")),
            Map.entry(Action.SSH_KEY_WRITE, Set.of("*", "ssh-key:*", "org:*", "org:write")),
            Map.entry(Action.ORGANIZATION_READ, names(Scope.known())),
            Map.entry(Action.ORGANIZATION_CREATE, Set.of("*", "admin:*")),
            Map.entry(Action.ORGANIZATION_WRITE, Set.of("*", "admin:*"))));

    private final Organization team = organization(false);
    private final Organization operator = organization(true);

    @Test
    void table_coversEveryAction() {
        assertThat(GRANTED_BY.keySet()).containsExactlyInAnyOrder(Action.values());
    }

    @Test
    void allows_eachKnownScopeInTheOperatorOrganization_matchesTheTable() {
        for (Action action : Action.values()) {
            for (Scope scope : Scope.known()) {
                assertThat(AccessPolicy.allows(principal(operator, scope.value()), action))
                        .as("%s with %s", action, scope)
                        .isEqualTo(GRANTED_BY.get(action).contains(scope.value()));
            }
        }
    }

    @Test
    void allows_eachKnownScopeInAnotherOrganization_matchesTheTableButNoOperatorAction() {
        for (Action action : Action.values()) {
            boolean operatorOnly = action.audience() == Action.Audience.OPERATOR_ADMIN;
            for (Scope scope : Scope.known()) {
                assertThat(AccessPolicy.allows(principal(team, scope.value()), action))
                        .as("%s with %s", action, scope)
                        .isEqualTo(!operatorOnly && GRANTED_BY.get(action).contains(scope.value()));
            }
        }
    }

    @Test
    void allows_devAliases_grantWhatTheirNewNamesGrant() {
        assertAllows(principal(team, Scope.parse("scopes[0]", "sandboxes").value()),
                Set.of(Action.SANDBOX_EXEC, Action.SANDBOX_FILES_WRITE), Set.of(Action.WORKSPACE_READ));
        assertAllows(principal(team, Scope.parse("scopes[0]", "sandboxes:read").value()),
                Set.of(Action.SANDBOX_READ), Set.of(Action.SANDBOX_WRITE));
    }

    @Test
    void allows_severalScopes_addUp() {
        assertAllows(principal(team, "sandbox:read", "files:write"),
                Set.of(Action.SANDBOX_READ, Action.WORKSPACE_FILES_WRITE),
                Set.of(Action.WORKSPACE_FILES_READ, Action.SANDBOX_EXEC));
    }

    @Test
    void require_missingScope_isForbiddenNamingTheScope() {
        assertRefused(() -> AccessPolicy.require(principal(team, "files:write"), Action.SANDBOX_READ),
                ErrorCode.FORBIDDEN, "This API key lacks the scope 'sandbox:read'");
    }

    @Test
    void require_missingEitherScope_isForbiddenNamingBoth() {
        assertRefused(() -> AccessPolicy.require(principal(team, "org:*"), Action.SANDBOX_FILES_READ),
                ErrorCode.FORBIDDEN, "This API key lacks the scope 'files:read' (or 'sandbox:read')");
    }

    @Test
    void require_operatorActionByAnotherOrganizationsWildcardKey_isForbidden() {
        assertRefused(() -> AccessPolicy.require(principal(team, "*"), Action.ORGANIZATION_CREATE),
                ErrorCode.FORBIDDEN, "Only an admin key of the operator organization may do this");
    }

    @Test
    void require_operatorActionByOperatorKeyWithoutAdmin_isForbidden() {
        assertRefused(() -> AccessPolicy.require(principal(operator, "org:*", "sandbox:*"),
                Action.ORGANIZATION_WRITE), ErrorCode.FORBIDDEN, "operator organization");
    }

    @Test
    void isOperatorAdmin_onlyAdminKeysOfTheOperatorOrganization() {
        assertThat(AccessPolicy.isOperatorAdmin(principal(operator, "admin:*"))).isTrue();
        assertThat(AccessPolicy.isOperatorAdmin(principal(operator, "*"))).isTrue();
        assertThat(AccessPolicy.isOperatorAdmin(principal(operator, "admin:resources"))).isFalse();
        assertThat(AccessPolicy.isOperatorAdmin(principal(team, "*"))).isFalse();
    }

    @Test
    void requireOnOrganization_ownOrganization_isAllowedToEveryKey() {
        assertThatCode(() -> AccessPolicy.require(principal(team, "files:read"), Action.ORGANIZATION_READ,
                team.id())).doesNotThrowAnyException();
    }

    @Test
    void requireOnOrganization_anotherOrganization_isNotFoundUnlessOperatorAdmin() {
        assertRefused(() -> AccessPolicy.require(principal(team, "*"), Action.ORGANIZATION_READ, operator.id()),
                ErrorCode.NOT_FOUND, "Organization '" + operator.id() + "' not found");
        assertRefused(() -> AccessPolicy.require(principal(operator, "org:*"), Action.ORGANIZATION_READ, team.id()),
                ErrorCode.NOT_FOUND, "not found");
        assertThatCode(() -> AccessPolicy.require(principal(operator, "admin:*"), Action.ORGANIZATION_WRITE,
                team.id())).doesNotThrowAnyException();
    }

    @Test
    void requireOnOrganization_operatorActionOnAnotherOrganization_isNotFoundAsForOneThatDoesNotExist() {
        assertRefused(() -> AccessPolicy.require(principal(team, "*"), Action.ORGANIZATION_WRITE, operator.id()),
                ErrorCode.NOT_FOUND, "not found");
    }

    @Test
    void requireOnOrganization_operatorActionOnItsOwnOrganization_isForbidden() {
        assertRefused(() -> AccessPolicy.require(principal(team, "*"), Action.ORGANIZATION_WRITE, team.id()),
                ErrorCode.FORBIDDEN, "operator organization");
    }

    @Test
    void requireGrantable_scopesTheKeyHolds_areAllowed() {
        assertThatCode(() -> AccessPolicy.requireGrantable(principal(team, "org:*", "sandbox:read"),
                scopes("org:read", "org:write", "sandbox:read"))).doesNotThrowAnyException();
        assertThatCode(() -> AccessPolicy.requireGrantable(principal(team, "*"), List.copyOf(Scope.known())))
                .doesNotThrowAnyException();
    }

    @Test
    void requireGrantable_aScopeTheKeyLacks_isForbiddenNamingIt() {
        assertRefused(() -> AccessPolicy.requireGrantable(principal(team, "org:*"), scopes("org:read",
                "sandbox:read")), ErrorCode.FORBIDDEN, "'sandbox:read'");
    }

    @Test
    void requireGrantable_everyScopeWithoutWildcardKey_isForbidden() {
        assertRefused(() -> AccessPolicy.requireGrantable(principal(team, "org:*", "sandbox:*", "files:*"),
                scopes("*")), ErrorCode.FORBIDDEN, "every scope");
    }

    private static void assertAllows(Principal caller, Set<Action> allowed, Set<Action> refused) {
        allowed.forEach(action -> assertThat(AccessPolicy.allows(caller, action)).as("%s", action).isTrue());
        refused.forEach(action -> assertThat(AccessPolicy.allows(caller, action)).as("%s", action).isFalse());
    }

    private static void assertRefused(ThrowingCallable call, ErrorCode code, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(CorralException.class, e -> {
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.getMessage()).contains(message);
        });
    }

    private static Organization organization(boolean operator) {
        return new Organization(OrganizationId.random(), operator ? "Default" : "Team", operator ? "default" : "team",
                Tier.FREE, operator, NOW);
    }

    private static Principal principal(Organization organization, String... scopes) {
        var key = new ApiKey(ApiKeyId.random(), organization.id(), "test", "rt_live_abcd", "hash", scopes(scopes),
                false, Optional.empty(), Optional.empty(), Optional.empty(), NOW);
        return new Principal(organization, key);
    }

    private static List<Scope> scopes(String... names) {
        return Arrays.stream(names).map(Scope::new).toList();
    }

    private static Set<String> names(Set<Scope> scopes) {
        return scopes.stream().map(Scope::value).collect(Collectors.toSet());
    }
}
