package dev.corral.runtime.oci;

import dev.corral.core.sandbox.SandboxId;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The locks that serialize state transitions of each sandbox (create, pause, stop, destroy, ...). A fixed set of
 * stripes instead of a lock per sandbox, so that no lock has to be removed when its sandbox goes (which would race
 * with a thread about to take it); two sandboxes sharing a stripe only wait for each other now and then.
 * Reentrant locks rather than monitors, because runc calls block while holding them.
 */
final class SandboxLocks {
    private static final int STRIPES = 64;

    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];

    SandboxLocks() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    ReentrantLock of(SandboxId id) {
        return stripes[Math.floorMod(id.value().hashCode(), STRIPES)];
    }
}
