package dev.corral.runtime.oci.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The control group of one command in a sandbox, a child of the sandbox's own in the pids hierarchy: everything
 * the command starts stays in it, also a process that leaves its process group with {@code setsid}, which is what
 * lets a timeout end all of it. The sandbox cannot move its processes out (its cgroup file system is read-only).
 *
 * @param dir           the group's directory on the host
 * @param runcArgument  what {@code runc exec --cgroup} takes to start the command in it
 */
public record ExecGroup(Path dir, String runcArgument) {
    /** Rounds of killing, for processes that fork while they are killed; the pids limit bounds how many can. */
    private static final int KILL_ROUNDS = 20;
    private static final long RECHECK_NANOS = 1_000_000;

    /** SIGKILLs every process in the group, again while forks keep adding some. */
    public void killAll() {
        for (int round = 0; round < KILL_ROUNDS; round++) {
            List<Long> pids = pids();
            if (pids.isEmpty()) {
                return;
            }
            pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        }
    }

    /** Removes the group if no process is left in it; a group still in use (a background server) stays. */
    public void removeIfEmpty() {
        removeWhenEmpty(Duration.ZERO);
    }

    /**
     * Removes the group once no process is left in it, waiting up to {@code wait} for that: processes just
     * SIGKILLed leave it only as the kernel gets to them, and a group left behind would stay until its sandbox went.
     */
    public void removeWhenEmpty(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            if (pids().isEmpty()) {
                try {
                    Files.deleteIfExists(dir);
                    return;
                } catch (IOException e) {
                    // Busy for a moment more, or gone: tried again below while there is time.
                }
            }
            if (System.nanoTime() >= deadline) {
                return;
            }
            LockSupport.parkNanos(RECHECK_NANOS);
        }
    }

    private List<Long> pids() {
        try {
            return Files.readAllLines(dir.resolve("cgroup.procs")).stream()
                    .filter(line -> !line.isBlank())
                    .map(Long::parseLong)
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
