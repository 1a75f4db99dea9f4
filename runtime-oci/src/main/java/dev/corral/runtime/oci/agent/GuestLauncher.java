package dev.corral.runtime.oci.agent;

import dev.corral.core.sandbox.SandboxId;

/** Starts a sandbox's agent binding {@code socketName} in {@code /.corral/run}, detached; returns once started. */
@FunctionalInterface
public interface GuestLauncher {
    /** Where the host's guest directory appears in every sandbox. */
    String RUN_DIR = "/.corral/run";
    /** Where the agent's binary appears in every sandbox, bound read-only. */
    String BINARY = "/.corral/bin/corral-guest";
    /**
     * The socket of a sandbox's first agent, which its init starts beside {@code sleep infinity} (the sandbox's
     * {@code config.json} says so); later generations, after the agent died, are started by a launcher.
     */
    String FIRST_SOCKET = "agent-1.sock";
    /** The agent's nice value, which its commands inherit: that of runc exec's commands (see OciRuntimeCli). */
    String NICENESS = "10";

    void launch(SandboxId sandbox, String socketName);
}
