package dev.corral.runtime.oci.bundle;

/**
 * The kernel's own counters that every sandbox gets a share of, rather than one budget on the host that a single
 * sandbox could use up for its neighbours and the host. The first three are rlimits of every process in the
 * sandbox (its init, its agent and every command, which inherit them or get them from its {@code config.json});
 * the kernel counts signals and message queues per user in the sandbox's user namespace, so they bound the sandbox,
 * not the host user it maps to. The pty cap is its own devpts instance's {@code max}; the inotify caps are the
 * sandbox's user namespace's {@code /proc/sys/user} limits, which the kernel checks before the host's.
 *
 * @param openFiles         open files per process ({@code RLIMIT_NOFILE}, soft and hard): a sandbox holds at most
 *                          its pids limit times this many, charged to the host's {@code fs.file-max}
 * @param pendingSignals    signals queued to the sandbox's processes at once ({@code RLIMIT_SIGPENDING})
 * @param messageQueueBytes bytes of POSIX message queues ({@code RLIMIT_MSGQUEUE})
 * @param ptys              pseudo-terminals open at once, out of the host's {@code kernel.pty.max}
 * @param inotifyWatches    inotify watches ({@code user.max_inotify_watches} in the sandbox's user namespace)
 * @param inotifyInstances  inotify instances ({@code user.max_inotify_instances} there)
 */
public record KernelLimits(long openFiles, long pendingSignals, long messageQueueBytes, int ptys,
                           int inotifyWatches, int inotifyInstances) {
    /**
     * What a process on a stock Linux host gets where that leaves room for neighbours (1024 files, 8192 watches,
     * 128 instances); 1024 pending signals and 160 KB of message queues (two queues of the default size), small
     * parts of the budgets all sandboxes share above them (see docs/SECURITY.md); and 64 ptys, room for every
     * terminal and SSH session a sandbox may hold.
     */
    public static final KernelLimits DEFAULTS = new KernelLimits(1024, 1024, 163_840, 64, 8192, 128);

    public KernelLimits {
        if (openFiles < 64 || pendingSignals < 1 || messageQueueBytes < 1 || ptys < 1 || inotifyWatches < 1
                || inotifyInstances < 1) {
            // The agent keeps a few dozen files open for its connections and commands.
            throw new IllegalArgumentException("kernel limits must be positive, open files at least 64: openFiles="
                    + openFiles + " pendingSignals=" + pendingSignals + " messageQueueBytes=" + messageQueueBytes
                    + " ptys=" + ptys + " inotifyWatches=" + inotifyWatches + " inotifyInstances=" + inotifyInstances);
        }
    }
}
