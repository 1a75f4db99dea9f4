package dev.corral.core.policy;

import dev.corral.core.key.Scope;
import java.util.Arrays;
import java.util.List;

/**
 * Every operation of the API that needs a permission, and who may take it: a key holding one of its scopes
 * (DECISIONS.md's vocabulary; a wildcard or {@code *} holding it too), every authenticated key, or only an admin
 * key of the operator organization. {@link AccessPolicy} decides; a new operation gets a constant here first.
 */
public enum Action {
    SANDBOX_CREATE(Audience.KEY_WITH_SCOPE, "sandbox:create"),
    /** Get, list, and follow the logs of sandboxes. */
    SANDBOX_READ(Audience.KEY_WITH_SCOPE, "sandbox:read"),
    /** Pause, resume or otherwise change a sandbox. */
    SANDBOX_WRITE(Audience.KEY_WITH_SCOPE, "sandbox:write"),
    SANDBOX_DELETE(Audience.KEY_WITH_SCOPE, "sandbox:write"),
    /** Run a command, in the foreground or the background. */
    SANDBOX_EXEC(Audience.KEY_WITH_SCOPE, "sandbox:write"),
    PROCESS_LIST(Audience.KEY_WITH_SCOPE, "sandbox:read"),
    PROCESS_KILL(Audience.KEY_WITH_SCOPE, "sandbox:write"),
    /** Read, list, stat, download and watch a sandbox's files. */
    SANDBOX_FILES_READ(Audience.KEY_WITH_SCOPE, "files:read", "sandbox:read"),
    /** Write, upload, make directories in, move and delete a sandbox's files. */
    SANDBOX_FILES_WRITE(Audience.KEY_WITH_SCOPE, "files:write", "sandbox:write"),
    /** Get, list and measure workspaces, and see the organization's storage. */
    WORKSPACE_READ(Audience.KEY_WITH_SCOPE, "files:read"),
    /** Create, rename, re-quota and delete workspaces. */
    WORKSPACE_WRITE(Audience.KEY_WITH_SCOPE, "files:write"),
    WORKSPACE_FILES_READ(Audience.KEY_WITH_SCOPE, "files:read"),
    WORKSPACE_FILES_WRITE(Audience.KEY_WITH_SCOPE, "files:write"),
    KEY_ISSUE(Audience.KEY_WITH_SCOPE, "org:write"),
    /** List and get the organization's API keys. */
    KEY_READ(Audience.KEY_WITH_SCOPE, "org:read"),
    KEY_UPDATE(Audience.KEY_WITH_SCOPE, "org:write"),
    KEY_REVOKE(Audience.KEY_WITH_SCOPE, "org:write"),
    /** See an organization: any key its own, an operator admin any one. */
    ORGANIZATION_READ(Audience.EVERY_KEY),
    ORGANIZATION_CREATE(Audience.OPERATOR_ADMIN),
    /** Change an organization, such as its tier. */
    ORGANIZATION_WRITE(Audience.OPERATOR_ADMIN);

    /** Who may take an action at all. */
    public enum Audience {
        /** A key holding one of the action's scopes. */
        KEY_WITH_SCOPE,
        /** Any authenticated key. */
        EVERY_KEY,
        /** An admin key ({@code admin:*}) of the operator organization. */
        OPERATOR_ADMIN
    }

    private final Audience audience;
    private final List<Scope> scopes;

    Action(Audience audience, String... scopes) {
        if ((audience == Audience.KEY_WITH_SCOPE) == (scopes.length == 0)) {
            throw new IllegalArgumentException("an action needs scopes exactly when keys need a scope for it");
        }
        this.audience = audience;
        this.scopes = Arrays.stream(scopes).map(scope -> Scope.parse("scope", scope)).toList();
    }

    public Audience audience() {
        return audience;
    }

    /** The scopes of which a key needs one, in the order a denial names them; empty unless scoped. */
    public List<Scope> scopes() {
        return scopes;
    }
}
