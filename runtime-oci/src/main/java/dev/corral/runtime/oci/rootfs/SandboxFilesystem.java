package dev.corral.runtime.oci.rootfs;

import dev.corral.core.error.CorralException;
import dev.corral.runtime.oci.bundle.IdMapping;
import dev.corral.runtime.oci.bundle.SandboxPassage;
import dev.corral.runtime.oci.bundle.SandboxPaths;
import dev.corral.runtime.oci.disk.Ext4Image;
import dev.corral.runtime.oci.disk.LoopDevices;
import dev.corral.runtime.oci.disk.MountTable;
import dev.corral.runtime.oci.process.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A sandbox's root filesystem: an overlay whose lower layer is the read-only template and whose upper layer lives
 * on the sandbox's own disk, an {@link Ext4Image} whose size is a hard cap.
 *
 * <p>Threading: stateless; the runtime calls it for one sandbox at a time, under that sandbox's lock.
 */
public final class SandboxFilesystem {

    private final ProcessRunner runner;
    private final MountTable mounts;
    private final Ext4Image images;
    private final IdMapping mapping;
    private final OwnershipShift ownership;
    private final SandboxPassage passage;

    public SandboxFilesystem(ProcessRunner runner, MountTable mounts, LoopDevices loops, IdMapping mapping) {
        this.runner = runner;
        this.mounts = mounts;
        this.images = new Ext4Image(runner, mounts, loops);
        this.mapping = mapping;
        this.ownership = new OwnershipShift(mapping);
        this.passage = SandboxPassage.of(mapping);
    }

    /** Makes the sandbox's disk: an ext4 image of {@code bytes} whose root belongs to the sandbox's root. */
    public void createDisk(SandboxPaths paths, long bytes) {
        images.create(paths.diskImage(), bytes, mapping.toHost(0));
    }

    /**
     * Mounts the disk and the overlay over {@code templateRootfs}, skipping what is mounted already, so that a
     * start after a crash half-way through works. Both are {@code nosuid,nodev}: a setuid file or a device node
     * made in a sandbox is inert on the host, whoever reaches it there.
     */
    public void mount(SandboxPaths paths, Path templateRootfs) {
        try {
            Files.createDirectories(paths.diskMount());
            Files.createDirectories(paths.rootfs());
            // Again at every start, so that a sandbox made by an older version is closed to other host users too.
            passage.open(paths.dir());
            passage.open(paths.bundle());
            if (!mounts.isMountPoint(paths.diskMount())) {
                images.mount(paths.diskImage(), paths.diskMount());
                // The overlay reaches its layers as the host's root; nobody else on the host should.
                Files.setPosixFilePermissions(paths.diskMount(), SandboxPaths.PRIVATE_DIR);
            }
            for (Path dir : List.of(paths.upper(), paths.work())) {
                if (!Files.isDirectory(dir)) {
                    Files.createDirectory(dir);
                    ownership.giveToRoot(dir);
                }
            }
            if (!mounts.isMountPoint(paths.rootfs())) {
                runner.check(List.of("mount", "-t", "overlay", "overlay", "-o",
                        "lowerdir=" + templateRootfs + ",upperdir=" + paths.upper() + ",workdir=" + paths.work()
                                + ",nosuid,nodev",
                        paths.rootfs().toString()));
            }
        } catch (IOException e) {
            throw CorralException.runtimeUnavailable("Cannot prepare the filesystem of " + paths.id() + ": " + e, e);
        }
    }

    /**
     * Writes what a new sandbox has that its template lacks: {@code /workspace}, and {@code /etc/hostname} and
     * {@code /etc/hosts} naming the sandbox. Written to the upper layer before anything runs in the sandbox, so no
     * link made inside can redirect these writes on the host.
     */
    public void seed(SandboxPaths paths) {
        String hostname = paths.id().value();
        try {
            makeDirectory(paths.upper().resolve("workspace"));
            makeDirectory(paths.upper().resolve("etc"));
            writeFile(paths.upper().resolve("etc/hostname"), hostname + "\n");
            writeFile(paths.upper().resolve("etc/hosts"), "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost "
                    + "ip6-loopback\n127.0.1.1\t" + hostname + "\n");
        } catch (IOException e) {
            throw CorralException.runtimeUnavailable("Cannot seed the filesystem of " + paths.id() + ": " + e, e);
        }
    }

    /** Unmounts the overlay and the disk and detaches the disk's loop device; what is not there is skipped. */
    public void unmount(SandboxPaths paths) {
        images.unmount(paths.dir());
        // The kernel clears an auto-detaching loop device after the unmount returns, on its own time; wait for it,
        // so that a destroyed sandbox holds no device when destroy returns.
        images.detach(paths.diskImage());
    }

    private void makeDirectory(Path dir) throws IOException {
        Files.createDirectories(dir);
        ownership.giveToRoot(dir);
    }

    private void writeFile(Path file, String content) throws IOException {
        Files.writeString(file, content);
        ownership.giveToRoot(file);
    }
}
