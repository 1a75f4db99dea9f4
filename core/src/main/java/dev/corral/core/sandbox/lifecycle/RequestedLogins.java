package dev.corral.core.sandbox.lifecycle;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The SSH logins a create asks for beside the organization's registered keys, as the client wrote them:
 * {@code sshKeys} (OpenSSH public keys or ids of registered keys) and {@code rootPassword}. Checked and kept by a
 * {@link SandboxLoginSetup}. Its text never shows the password.
 *
 * @param sshKeys entries in the client's order, a null one kept in place for the check to name by position
 */
public record RequestedLogins(List<String> sshKeys, Optional<String> rootPassword) {
    /** A create that asks for no logins of its own. */
    public static final RequestedLogins NONE = new RequestedLogins(List.of(), Optional.empty());

    public RequestedLogins {
        sshKeys = sshKeys == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(sshKeys));
        Objects.requireNonNull(rootPassword, "rootPassword");
    }

    public boolean isEmpty() {
        return sshKeys.isEmpty() && rootPassword.isEmpty();
    }

    @Override
    public String toString() {
        return "RequestedLogins[sshKeys=" + sshKeys.size() + ", rootPassword=" + (rootPassword.isPresent() ? "(set)"
                : "(none)") + "]";
    }
}
