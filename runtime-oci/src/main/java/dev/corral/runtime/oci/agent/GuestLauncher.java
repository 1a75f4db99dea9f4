package dev.corral.runtime.oci.agent;

import dev.corral.core.sandbox.SandboxId;

/** Starts a sandbox's agent binding {@code socketName} in {@code /.corral/run}, detached; returns once started. */
@FunctionalInterface
public interface GuestLauncher {
    /** Where the host's guest directory appears in every sandbox. */
    String RUN_DIR = "/.corral/run";
    /** Where the agent's binary appears in every sandbox, bound read-only. */
    String BINARY = "/.corral/bin/corral-guest";

    void launch(SandboxId sandbox, String socketName);
}
