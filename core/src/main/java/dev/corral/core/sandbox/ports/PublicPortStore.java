package dev.corral.core.sandbox.ports;

import dev.corral.core.sandbox.SandboxId;
import java.util.List;
import java.util.Optional;

/** Where the public ports of sandboxes are kept, so that they outlive a restart of the server. */
public interface PublicPortStore {
    /** Marks the port public, replacing what opened it before. */
    void save(PublicPort port);

    /** Makes the port private again; {@code false} when it was not public. */
    boolean remove(SandboxId sandbox, int port);

    Optional<PublicPort> find(SandboxId sandbox, int port);

    /** The sandbox's public ports, lowest port first. */
    List<PublicPort> list(SandboxId sandbox);
}
