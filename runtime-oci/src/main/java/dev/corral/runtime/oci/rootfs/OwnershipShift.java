package dev.corral.runtime.oci.rootfs;

import dev.corral.core.error.CorralException;
import dev.corral.runtime.oci.bundle.IdMapping;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;

/**
 * Moves the ownership of a file tree into the sandboxes' mapped id range, so that what belongs to root in a
 * template belongs to the sandbox's root (host uid 100000) and not to the host's.
 *
 * <p>Implementation notes: ids already in the range are left alone, which makes a second pass (a retried
 * build, a second name of a hard link) change nothing. Symbolic links are changed themselves, never followed.
 * {@code chown} clears the setuid and setgid bits, so they are put back afterwards; file capabilities (the
 * {@code security.capability} attribute) are cleared by the kernel as well and are not restored, as a
 * capability set by the host's root would not apply inside a user namespace anyway.
 */
public final class OwnershipShift {
    private static final int SET_ID_BITS = 06000;

    private final IdMapping mapping;

    public OwnershipShift(IdMapping mapping) {
        this.mapping = mapping;
    }

    /** Shifts every file under {@code root}, {@code root} included, not crossing into other mounts. */
    void apply(Path root) {
        try {
            Object rootDevice = Files.getAttribute(root, "unix:dev", LinkOption.NOFOLLOW_LINKS);
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    if (!rootDevice.equals(Files.getAttribute(dir, "unix:dev", LinkOption.NOFOLLOW_LINKS))) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    shift(dir);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    shift(file);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw CorralException.runtimeUnavailable("Cannot shift the ownership of " + root + ": " + e, e);
        }
    }

    /** Gives one new file or directory to the sandbox's root, as if it had made it. */
    public void giveToRoot(Path path) throws IOException {
        Files.setAttribute(path, "unix:uid", mapping.toHost(0), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:gid", mapping.toHost(0), LinkOption.NOFOLLOW_LINKS);
    }

    private void shift(Path path) throws IOException {
        Map<String, Object> attributes = Files.readAttributes(path, "unix:uid,gid,mode,isSymbolicLink",
                LinkOption.NOFOLLOW_LINKS);
        int uid = (Integer) attributes.get("uid");
        int gid = (Integer) attributes.get("gid");
        int mode = (Integer) attributes.get("mode");
        boolean shiftUid = !mapping.isMapped(uid);
        boolean shiftGid = !mapping.isMapped(gid);
        if (shiftUid) {
            Files.setAttribute(path, "unix:uid", mapping.toHost(uid), LinkOption.NOFOLLOW_LINKS);
        }
        if (shiftGid) {
            Files.setAttribute(path, "unix:gid", mapping.toHost(gid), LinkOption.NOFOLLOW_LINKS);
        }
        boolean isLink = (Boolean) attributes.get("isSymbolicLink");
        if ((shiftUid || shiftGid) && !isLink && (mode & SET_ID_BITS) != 0) {
            Files.setAttribute(path, "unix:mode", mode & 07777, LinkOption.NOFOLLOW_LINKS);
        }
    }
}
