package dev.corral.runtime.oci.process;

import dev.corral.runtime.oci.bundle.KernelLimits;
import java.util.List;

/**
 * Writes a sandbox's inotify limits into its own user namespace. A user namespace starts with no limit of its own
 * ({@code /proc/sys/user/*} read {@code INT_MAX} there), so every watch a sandbox added counted only against the
 * host's limit of the user that created the namespace, host root, which every sandbox and the host's own daemons
 * then shared. The kernel checks each namespace's limit on the way up, so a limit written here caps the sandbox
 * first.
 *
 * <p>runc cannot write them: it refuses {@code user.*} in {@code linux.sysctl}. Only a process inside the namespace
 * with {@code CAP_SYS_RESOURCE} there may, so host root enters it with {@code nsenter} (whose uid 0 in the namespace
 * holds every capability of it); the sandbox's own processes lack that capability and cannot raise them, and its
 * {@code /proc/sys} is read-only anyway.
 *
 * <p>Threading: stateless; safe for any number of threads.
 */
public final class UserNamespaceLimits {
    private final ProcessRunner runner;
    private final KernelLimits limits;

    public UserNamespaceLimits(ProcessRunner runner, KernelLimits limits) {
        this.runner = runner;
        this.limits = limits;
    }

    /**
     * Applies the limits to the user namespace of host process {@code pid}.
     *
     * @throws dev.corral.core.error.CorralException {@code runtime_unavailable} when they cannot be written
     */
    public void applyTo(long pid) {
        // sysctl writes /proc/sys/user, which shows the limits of the user namespace its writer is in.
        runner.check(List.of("nsenter", "--user=/proc/" + pid + "/ns/user", "--", "sysctl", "-q", "-w",
                "user.max_inotify_watches=" + limits.inotifyWatches(),
                "user.max_inotify_instances=" + limits.inotifyInstances()));
    }
}
