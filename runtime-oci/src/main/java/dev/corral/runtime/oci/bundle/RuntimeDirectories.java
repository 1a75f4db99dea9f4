package dev.corral.runtime.oci.bundle;

import dev.corral.core.error.CorralException;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.runtime.oci.OciRuntimeSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The runtime's directories in the data directory: {@code runc/} for the OCI runtime's state, private to the
 * host's root, and {@code runtime/} with one directory per sandbox, which others may pass through but not list,
 * because runc prepares a sandbox's root filesystem as the sandbox's unprivileged host user.
 *
 * <p>Threading: stateless apart from its paths; the runtime calls it for one sandbox at a time under that
 * sandbox's lock.
 */
public final class RuntimeDirectories {
    private final Path runtimeDir;

    public RuntimeDirectories(OciRuntimeSettings settings) {
        this.runtimeDir = settings.runtimeDir();
        create(settings.runcRoot(), SandboxPaths.PRIVATE_DIR);
        create(runtimeDir, SandboxPaths.SEARCHABLE_DIR);
        requireSearchable(runtimeDir);
    }

    public SandboxPaths of(SandboxId id) {
        return SandboxPaths.of(runtimeDir, id);
    }

    /** Makes the sandbox's own directory; fails when it exists already. */
    public void createSandboxDir(SandboxPaths paths) throws IOException {
        Files.createDirectory(paths.dir());
        Files.setPosixFilePermissions(paths.dir(), SandboxPaths.SEARCHABLE_DIR);
    }

    /** The sandboxes that have a directory, made completely or not. */
    public List<SandboxId> sandboxes() {
        try (Stream<Path> dirs = Files.list(runtimeDir)) {
            return dirs.map(dir -> dir.getFileName().toString()).filter(SandboxId::isId).map(SandboxId::new)
                    .toList();
        } catch (IOException e) {
            throw CorralException.runtimeUnavailable("Cannot list " + runtimeDir + ": " + e, e);
        }
    }

    /** Deletes the sandbox's directory and all in it; the caller has unmounted everything below it. */
    public void deleteSandboxDir(SandboxPaths paths) throws IOException {
        deleteTree(paths.dir());
    }

    /** Deletes {@code dir} and all in it, if it is there; nothing may be mounted below it. */
    public void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(dir)) {
            for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private static void create(Path dir, Set<PosixFilePermission> permissions) {
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, permissions);
        } catch (IOException e) {
            throw CorralException.runtimeUnavailable("Cannot create " + dir + ": " + e, e);
        }
    }

    /** Fails unless others may pass through every directory down to {@code dir}, so sandboxes reach bundles. */
    private static void requireSearchable(Path dir) {
        for (Path step = dir.toAbsolutePath(); step != null; step = step.getParent()) {
            try {
                if (!Files.getPosixFilePermissions(step).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    throw new IllegalStateException("Sandboxes cannot reach " + dir + ": " + step
                            + " must be searchable by others (chmod o+x), as runc prepares a sandbox's root"
                            + " filesystem as the sandbox's unprivileged host user");
                }
            } catch (IOException e) {
                throw CorralException.runtimeUnavailable("Cannot read the permissions of " + step + ": " + e, e);
            }
        }
    }
}
