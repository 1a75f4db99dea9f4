package dev.corral.core.sandbox;

/** What a runtime actually has for a sandbox id, as opposed to what a store remembers. */
public enum SandboxState {
    /** Its processes run and it accepts execs. */
    RUNNING,
    /** Its processes are frozen with their memory kept; {@link SandboxRuntime#resume} thaws them. */
    PAUSED,
    /** No process runs but its disk is kept: stopped on purpose, or its init died, or the host rebooted. */
    STOPPED,
    /** The runtime holds nothing for it. */
    ABSENT
}
