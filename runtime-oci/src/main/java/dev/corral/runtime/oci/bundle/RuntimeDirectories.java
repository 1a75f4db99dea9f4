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
 * host's root, and {@code runtime/} with one directory per sandbox. The data directory, {@code runtime/} and each
 * sandbox's directory are {@link SandboxPassage}s: runc prepares a sandbox's root filesystem as the sandbox's
 * unprivileged host user, who must pass through them, and no other host user may.
 *
 * <p>Threading: stateless apart from its paths; the runtime calls it for one sandbox at a time under that
 * sandbox's lock.
 */
public final class RuntimeDirectories {
    private final Path runtimeDir;
    private final SandboxPassage passage;

    public RuntimeDirectories(OciRuntimeSettings settings) {
        this.runtimeDir = settings.runtimeDir();
        this.passage = SandboxPassage.of(settings.idMapping());
        create(settings.runcRoot(), SandboxPaths.PRIVATE_DIR);
        try {
            Files.createDirectories(runtimeDir);
            passage.open(settings.dataDir());
            passage.open(runtimeDir);
        } catch (IOException e) {
            throw CorralException.runtimeUnavailable("Cannot create " + runtimeDir + ": " + e, e);
        }
        passage.requireReachable(runtimeDir);
    }

    public SandboxPaths of(SandboxId id) {
        return SandboxPaths.of(runtimeDir, id);
    }

    /** Makes the sandbox's own directory; fails when it exists already. */
    public void createSandboxDir(SandboxPaths paths) throws IOException {
        Files.createDirectory(paths.dir());
        passage.open(paths.dir());
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
}
