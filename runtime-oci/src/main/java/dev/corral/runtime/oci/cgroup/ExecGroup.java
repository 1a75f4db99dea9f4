package dev.corral.runtime.oci.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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

    /** Removes the group once no process is left in it; a group still in use (a background server) stays. */
    public void removeIfEmpty() {
        try {
            if (pids().isEmpty()) {
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            // Busy after all, or gone: either way it goes with the sandbox's own group.
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
