package dev.corral.runtime.oci.volumes;

import dev.corral.core.error.CorralException;
import dev.corral.core.workspace.WorkspaceId;
import dev.corral.core.workspace.WorkspaceVolumes;
import dev.corral.core.workspace.files.WorkspaceFiles;
import dev.corral.runtime.oci.WorkspaceDirectories;
import dev.corral.runtime.oci.bundle.IdMapping;
import dev.corral.runtime.oci.bundle.SandboxPassage;
import dev.corral.runtime.oci.bundle.SandboxPaths;
import dev.corral.runtime.oci.disk.Ext4Image;
import dev.corral.runtime.oci.disk.LoopDevices;
import dev.corral.runtime.oci.disk.MountTable;
import dev.corral.runtime.oci.process.ProcessRunner;
import dev.corral.runtime.oci.rootfs.OwnershipShift;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;

/**
 * Workspaces as {@link Ext4Image}s on the host: {@code <root>/<id>.img}, mounted at {@code <root>/<id>}, which
 * holds {@code files} (the tree sandboxes mount and the storage API serves, owned by the sandboxes' root user) and
 * {@code staging} (where {@link ConfinedWorkspaceFiles} prepares writes, seen by the host's root only). The image is
 * the quota: it has room for {@code quotaBytes} of files plus what ext4 needs for itself, so sandboxes writing
 * through a mount and the API hit the same wall.
 *
 * <p>Threading: safe for concurrent use on different workspaces; the caller serializes calls for one.
 */
public final class HostWorkspaceVolumes implements WorkspaceVolumes, WorkspaceDirectories {
    private static final long MB = 1L << 20;

    private final Path root;
    private final Ext4Image images;
    private final OwnershipShift ownership;
    private final SandboxPassage passage;

    public HostWorkspaceVolumes(Path root, IdMapping mapping, ProcessRunner runner) {
        this.root = root;
        this.images = new Ext4Image(runner, MountTable.ofThisProcess(), LoopDevices.ofHost());
        this.ownership = new OwnershipShift(mapping);
        this.passage = SandboxPassage.of(mapping);
    }

    @Override
    public Path filesOf(WorkspaceId id) {
        return mountOf(id).resolve("files");
    }

    /**
     * The size of the image that leaves {@code quotaBytes} for files, within about 2 MiB above it (more below an
     * 8 MiB quota): ext4 takes an inode table of 1/64 of the image, a 4 MiB journal, and holds back 2 % of it, at
     * most 16 MiB, for its own metadata (see {@link Ext4Image#create}).
     */
    static long imageBytes(long quotaBytes) {
        return quotaBytes + quotaBytes / 64 + quotaBytes / 4096 + Math.min(quotaBytes / 48, 16 * MB) + 6 * MB;
    }

    @Override
    public void create(WorkspaceId id, long quotaBytes) {
        try {
            if (!Files.isDirectory(root)) {
                // Like the data directory above it: only the sandboxes' host user passes through.
                Files.createDirectories(root);
                passage.open(root);
            }
            images.create(imageOf(id), imageBytes(quotaBytes), 0);
            attach(id);
        } catch (IOException | RuntimeException e) {
            delete(id);
            throw e instanceof IOException io ? new UncheckedIOException("Cannot create workspace " + id, io)
                    : (RuntimeException) e;
        }
    }

    @Override
    public void attach(WorkspaceId id) {
        Path mount = mountOf(id);
        if (!Files.exists(imageOf(id))) {
            throw CorralException.runtimeUnavailable("The volume of workspace " + id + " is missing: "
                    + imageOf(id), null);
        }
        try {
            Files.createDirectories(mount);
            images.mount(imageOf(id), mount);
            // Sandboxes pass through to files/ as their own root user; they may not list what is beside it, and
            // no other host user may pass (the volume is nosuid,nodev besides, see Ext4Image#mount).
            passage.open(mount);
            passage.open(root); // a root made by an older version was searchable by every host user
            Path files = filesOf(id);
            if (!Files.isDirectory(files, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(files);
                Files.setPosixFilePermissions(files, PosixFilePermissions.fromString("rwxr-xr-x"));
                ownership.giveToRoot(files);
            }
            Path staging = stagingOf(id);
            if (Files.isDirectory(staging, LinkOption.NOFOLLOW_LINKS)) {
                emptyStaging(staging);
            } else {
                Files.createDirectory(staging, PosixFilePermissions.asFileAttribute(SandboxPaths.PRIVATE_DIR));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot attach the volume of workspace " + id, e);
        }
    }

    @Override
    public void resize(WorkspaceId id, long quotaBytes) {
        long wanted = imageBytes(quotaBytes);
        try {
            if (Files.size(imageOf(id)) == wanted) {
                return;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the volume of workspace " + id, e);
        }
        images.resize(imageOf(id), mountOf(id), wanted);
    }

    @Override
    public void delete(WorkspaceId id) {
        Path mount = mountOf(id);
        // Sandboxes that still mount it keep the file system until they stop; the host lets go of it here.
        images.unmount(mount);
        images.detach(imageOf(id));
        try {
            Files.deleteIfExists(imageOf(id));
            if (Files.isDirectory(mount, LinkOption.NOFOLLOW_LINKS)) {
                Files.delete(mount);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete the volume of workspace " + id, e);
        }
    }

    /**
     * Unmounts every workspace's volume and detaches its loop device, keeping the images: what a host going down
     * does, and how tests leave nothing mounted behind them.
     */
    public void detachAll() {
        images.unmount(root);
        if (!Files.isDirectory(root)) {
            return;
        }
        try (var entries = Files.list(root)) {
            for (Path image : entries.filter(path -> path.toString().endsWith(".img")).toList()) {
                images.detach(image);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the workspace volumes in " + root, e);
        }
    }

    @Override
    public WorkspaceFiles files(WorkspaceId id) {
        return new ConfinedWorkspaceFiles(filesOf(id), stagingOf(id), ownership);
    }

    private Path imageOf(WorkspaceId id) {
        return root.resolve(id + ".img");
    }

    private Path mountOf(WorkspaceId id) {
        return root.resolve(id.toString());
    }

    private Path stagingOf(WorkspaceId id) {
        return mountOf(id).resolve("staging");
    }

    /** Staging belongs to the server alone, so a plain walk is safe there. */
    private static void emptyStaging(Path staging) throws IOException {
        try (var walk = Files.walk(staging)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                if (!path.equals(staging)) {
                    Files.delete(path);
                }
            }
        }
    }
}
