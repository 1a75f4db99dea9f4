package dev.corral.runtime.oci.cgroup;

import dev.corral.core.error.CorralException;
import dev.corral.core.sandbox.SandboxId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The control group directories of sandboxes: {@code <hierarchy>/<parent>/<sandbox id>} in every mounted
 * hierarchy (each v1 controller and the unified one in hybrid mode, or the one v2 tree). runc makes and removes
 * them; this finds and removes the ones a crash left behind.
 */
public final class SandboxCgroups {
    private final Path cgroupRoot;
    private final String parent;

    public SandboxCgroups(Path cgroupRoot, String parent) {
        this.cgroupRoot = cgroupRoot;
        this.parent = parent;
    }

    /** The path runc is given in {@code linux.cgroupsPath}: below the parent, in every hierarchy. */
    public String cgroupsPath(SandboxId id) {
        return "/" + parent + "/" + id.value();
    }

    /** The sandbox's directories that exist now. */
    public List<Path> existing(SandboxId id) {
        return hierarchies().stream()
                .map(hierarchy -> hierarchy.resolve(parent).resolve(id.value()))
                .filter(Files::isDirectory)
                .toList();
    }

    /**
     * Makes a new, empty group for one command below the sandbox's own, in the pids hierarchy (cgroup v1) or the
     * unified one (v2); empty when neither can have one (the sandbox does not run), and the command then runs in
     * the sandbox's group as before.
     */
    public Optional<ExecGroup> newExecGroup(SandboxId id) {
        String name = "exec-" + UUID.randomUUID();
        Path v1 = cgroupRoot.resolve("pids").resolve(parent).resolve(id.value());
        Path v2 = cgroupRoot.resolve(parent).resolve(id.value());
        try {
            if (Files.isDirectory(v1)) {
                return Optional.of(new ExecGroup(Files.createDirectory(v1.resolve(name)), "pids:" + name));
            }
            if (Files.exists(cgroupRoot.resolve("cgroup.procs")) && Files.isDirectory(v2)) {
                return Optional.of(new ExecGroup(Files.createDirectory(v2.resolve(name)), name));
            }
        } catch (IOException e) {
            // The sandbox's group went away meanwhile: it is not running.
        }
        return Optional.empty();
    }

    /**
     * Removes the sandbox's directories. The kernel refuses while a process is still in one, which is reported:
     * only after its processes ended may a sandbox's cgroups go.
     */
    public void remove(SandboxId id) {
        for (Path dir : existing(id)) {
            try (var walk = Files.walk(dir)) {
                // Command groups first (ExecGroup): a cgroup with children cannot go.
                for (Path group : walk.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(group);
                }
            } catch (IOException e) {
                throw CorralException.runtimeUnavailable("Cannot remove cgroup " + dir + ": " + e, e);
            }
        }
    }

    private List<Path> hierarchies() {
        var found = new ArrayList<Path>();
        if (Files.exists(cgroupRoot.resolve("cgroup.procs"))) {
            found.add(cgroupRoot);
            return found;
        }
        try (Stream<Path> dirs = Files.list(cgroupRoot)) {
            dirs.filter(dir -> Files.exists(dir.resolve("cgroup.procs"))).forEach(found::add);
        } catch (IOException e) {
            throw CorralException.runtimeUnavailable("Cannot list cgroup hierarchies in " + cgroupRoot + ": " + e, e);
        }
        return found;
    }
}
