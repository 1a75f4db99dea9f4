package dev.corral.runtime.oci.disk;

import dev.corral.core.error.CorralException;
import dev.corral.runtime.oci.bundle.SandboxPaths;
import dev.corral.runtime.oci.process.CommandResult;
import dev.corral.runtime.oci.process.ProcessRunner;
import dev.corral.runtime.oci.volumes.HostWorkspaceVolumes;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

/**
 * A sparse file formatted as ext4 and mounted through a loop device: the hard size cap behind sandbox disks and
 * workspaces. Writing past its size fails with ENOSPC for whoever writes, and cannot fill the host's disk. No
 * blocks are reserved for the host's root, so the owner can use all of it.
 *
 * <p>Stateless; callers serialize calls for one image.
 */
public final class Ext4Image {
    /** How long the kernel may take to let go of a loop device after its unmount. */
    private static final Duration DETACH_WAIT = Duration.ofSeconds(5);

    private final ProcessRunner runner;
    private final MountTable mounts;
    private final LoopDevices loops;

    public Ext4Image(ProcessRunner runner, MountTable mounts, LoopDevices loops) {
        this.runner = runner;
        this.mounts = mounts;
        this.loops = loops;
    }

    /** Creates {@code image} of {@code bytes}, readable by the host's root only; {@code owner} owns its root. */
    public void create(Path image, long bytes, int owner) {
        try {
            Files.createFile(image, PosixFilePermissions.asFileAttribute(SandboxPaths.PRIVATE_FILE));
            setLength(image, bytes);
        } catch (IOException e) {
            throw CorralException.runtimeUnavailable("Cannot create disk image " + image + ": " + e, e);
        }
        // The same layout at every size, so that what ext4 keeps for itself is predictable (HostWorkspaceVolumes
        // sizes images by it): 4 KiB blocks, an inode per 16 KiB, a 4 MiB journal whatever the size (the images
        // are many and small), and no blocks reserved for online growth, which resizing offline does not need.
        runner.check(List.of("mkfs.ext4", "-q", "-F", "-m", "0", "-b", "4096", "-i", "16384", "-O", "^resize_inode",
                "-J", "size=4",
                "-E", "root_owner=" + owner + ":" + owner + ",lazy_itable_init=1,lazy_journal_init=1,nodiscard",
                image.toString()));
    }

    /** Mounts {@code image} on {@code point} (which must exist) unless something is mounted there already. */
    public void mount(Path image, Path point) {
        if (!mounts.isMountPoint(point)) {
            // noinit_itable: the image is sparse, so its inode tables already read as zeroes and the kernel need
            // not write them (which would allocate them on the host); discard gives freed blocks back.
            runner.check(List.of("mount", "-t", "ext4", "-o", "loop,noinit_itable,discard,nodev,nosuid",
                    image.toString(), point.toString()));
        }
    }

    /**
     * Gives the image at {@code point} a new size, growing or shrinking the file system with it. Done offline
     * (unmounted, checked, resized, mounted again): growing a mounted ext4 needs CAP_SYS_RESOURCE, which hosts
     * that run Corral in a container often lack. Nothing else may use the file system meanwhile.
     */
    public void resize(Path image, Path point, long bytes) {
        unmount(point);
        detach(image);
        try {
            // e2fsck exits 1 when it corrected something, which resize2fs then accepts.
            CommandResult check = runner.run(List.of("e2fsck", "-f", "-p", image.toString()));
            if (check.exitCode() > 1) {
                throw CorralException.runtimeUnavailable("e2fsck found errors it could not correct in " + image
                        + ": " + check.stderrTail(), null);
            }
            long current = Files.size(image);
            if (bytes > current) {
                setLength(image, bytes);
                runner.check(List.of("resize2fs", image.toString()));
            } else if (bytes < current) {
                runner.check(List.of("resize2fs", image.toString(), (bytes / 1024) + "K"));
                setLength(image, bytes);
            }
        } catch (IOException e) {
            throw CorralException.runtimeUnavailable("Cannot resize disk image " + image + ": " + e, e);
        } finally {
            mount(image, point);
        }
    }

    /** Unmounts whatever is mounted at or below {@code point}. */
    public void unmount(Path point) {
        for (Path mounted : mounts.mountPointsUnder(point)) {
            runner.check(List.of("umount", mounted.toString()));
        }
    }

    /**
     * Detaches the loop devices still backed by {@code image} (a mount made with {@code -o loop} detaches its own
     * when unmounted; this catches a crash in between) and waits for the kernel to let them go.
     */
    public void detach(Path image) {
        for (Path device : loops.backedBy(image)) {
            runner.run(List.of("losetup", "-d", device.toString()));
        }
        loops.awaitDetached(image, DETACH_WAIT);
    }

    private static void setLength(Path image, long bytes) throws IOException {
        try (var file = new RandomAccessFile(image.toFile(), "rw")) {
            file.setLength(bytes);
        }
    }
}
