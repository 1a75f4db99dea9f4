package dev.corral.runtime.oci.bundle;

import dev.corral.core.error.CorralException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A host directory on the way to a sandbox's bundle: the host root's, mode {@code 0710}, its group the sandboxes'
 * root group. runc 1.1 prepares a sandbox's root filesystem inside the user namespace, as the sandbox's
 * unprivileged host user, so that user must pass through every directory down to the bundle; no other host user
 * may, or it could reach files a sandbox made (a setuid one, say) through the host's paths.
 *
 * <p>Threading: stateless apart from the group; safe from any thread.
 */
public record SandboxPassage(int sandboxGid) {
    public static SandboxPassage of(IdMapping mapping) {
        return new SandboxPassage(mapping.toHost(0));
    }

    /** Makes {@code dir} (which must exist) a passage, whatever its mode and group were: it fixes older layouts. */
    public void open(Path dir) throws IOException {
        Files.setAttribute(dir, "unix:gid", sandboxGid, LinkOption.NOFOLLOW_LINKS);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x---"));
    }

    /**
     * Fails unless the sandboxes' host user may pass through every directory down to {@code dir}: searchable by
     * others, or a passage. Directories above the data directory are the operator's; this only reports them.
     */
    public void requireReachable(Path dir) {
        for (Path step = dir.toAbsolutePath(); step != null; step = step.getParent()) {
            try {
                int mode = (int) Files.getAttribute(step, "unix:mode");
                int gid = (int) Files.getAttribute(step, "unix:gid");
                boolean others = (mode & 01) != 0;
                boolean group = (mode & 010) != 0 && gid == sandboxGid;
                if (!others && !group) {
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
