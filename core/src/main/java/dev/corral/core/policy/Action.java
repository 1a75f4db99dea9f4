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
    SANDBOX_CREATE("sandbox:create"),
    /** Get, list, and follow the logs of sandboxes. */
    SANDBOX_READ("sandbox:read"),
    /** Pause, resume or otherwise change a sandbox. */
    SANDBOX_WRITE("sandbox:write"),
    SANDBOX_DELETE("sandbox:write"),
    /** Run a command, in the foreground or the background. */
    SANDBOX_EXEC("sandbox:write"),
    /**
     * Reach a sandbox's ports through the proxy: a request to a port can change what runs there, as a command can.
     */
    SANDBOX_PORTS("sandbox:write"),
    PROCESS_LIST("sandbox:read"),
    PROCESS_KILL("sandbox:write"),
    /** Open a terminal in a sandbox, or mint a one-time session for one: a shell is as strong as any command. */
    TERMINAL_OPEN("sandbox:write"),
    /** Read, list, stat, download and watch a sandbox's files. */
    SANDBOX_FILES_READ("files:read", "sandbox:read"),
    /** Write, upload, make directories in, move and delete a sandbox's files. */
    SANDBOX_FILES_WRITE("files:write", "sandbox:write"),
    /** Get, list and measure workspaces, and see the organization's storage. */
    WORKSPACE_READ("files:read"),
    /** Create, rename, re-quota and delete workspaces. */
    WORKSPACE_WRITE("files:write"),
    WORKSPACE_FILES_READ("files:read"),
    WORKSPACE_FILES_WRITE("files:write"),
    KEY_ISSUE("org:write"),
    /** List and get the organization's API keys. */
    KEY_READ("org:read"),
    KEY_UPDATE("org:write"),
    KEY_REVOKE("org:write"),
    /**
     * List and get the organization's SSH keys. SSH keys are credentials of the organization, as API keys are,
     * so the {@code org:} scopes that manage API keys manage them too, beside RunTools' own {@code ssh-key:*}.
     */
    SSH_KEY_READ("ssh-key:*", "org:read"),
    /** Register and delete the organization's SSH keys. */
    SSH_KEY_WRITE("ssh-key:*", "org:write"),
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

    /** An action for keys holding one of {@code scopes}. */
    Action(String... scopes) {
        if (scopes.length == 0) {
            throw new IllegalArgumentException("a scoped action needs a scope");
        }
        this.audience = Audience.KEY_WITH_SCOPE;
        this.scopes = Arrays.stream(scopes).map(scope -> Scope.parse("scope", scope)).toList();
    }

    /** An action whose audience needs no scope of its own. */
    Action(Audience audience) {
        if (audience == Audience.KEY_WITH_SCOPE) {
            throw new IllegalArgumentException("a scoped action names its scopes");
        }
        this.audience = audience;
        this.scopes = List.of();
    }

    public Audience audience() {
        return audience;
    }

    /** The scopes of which a key needs one, in the order a denial names them; empty unless scoped. */
    public List<Scope> scopes() {
        return scopes;
    }
}
