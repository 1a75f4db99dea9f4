package dev.corral.core.sandbox.lifecycle;

import dev.corral.core.error.CorralException;
import dev.corral.core.key.Principal;
import dev.corral.core.sandbox.Sandbox;

/**
 * Where a create's {@link RequestedLogins} are checked and kept. The SSH side implements it, so that the lifecycle
 * knows nothing of keys or password hashes. Checking comes before anything is recorded (a bad key refuses the
 * whole create, and the slow work of hashing a password is done outside the admission lock); keeping comes once
 * the sandbox's row is written.
 */
public interface SandboxLoginSetup {
    /** A server that keeps no logins of sandboxes: a create that asks for any is refused, naming the field. */
    SandboxLoginSetup NONE = (caller, requested) -> {
        if (!requested.sshKeys().isEmpty()) {
            throw CorralException.invalid("sshKeys", "this server keeps no SSH keys of single sandboxes");
        }
        if (requested.rootPassword().isPresent()) {
            throw CorralException.invalid("rootPassword", "this server keeps no passwords of sandboxes");
        }
        return sandbox -> { };
    };

    /**
     * The requested logins checked; nothing is stored yet.
     *
     * @throws CorralException {@code validation_failed} naming the field at fault
     */
    Checked check(Principal caller, RequestedLogins requested);

    /** Logins checked and ready to be kept for the sandbox being created. */
    @FunctionalInterface
    interface Checked {
        /** Stores the logins of {@code sandbox}, whose row exists by now. */
        void keep(Sandbox sandbox);
    }
}
