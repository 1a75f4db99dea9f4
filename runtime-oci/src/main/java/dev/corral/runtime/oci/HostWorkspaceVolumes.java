package dev.corral.runtime.oci;

import dev.corral.core.workspace.WorkspaceId;
import dev.corral.core.workspace.WorkspaceUsage;
import dev.corral.core.workspace.WorkspaceVolumes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Workspaces as plain host directories, {@code <root>/<workspace-id>}, mode 0755 and owned by the host user that
 * is root inside every sandbox ({@link IdMapping#hostId()}), so a sandbox can later get one bind-mounted and write
 * to it. Walks never follow symbolic links: a link a sandbox made must not lead the server out of the workspace.
 * Safe for concurrent use on different workspaces; every method blocks on the file system.
 */
public final class HostWorkspaceVolumes implements WorkspaceVolumes {
    private final Path root;
    private final IdMapping mapping;

    public HostWorkspaceVolumes(Path root, IdMapping mapping) {
        this.root = root;
        this.mapping = mapping;
    }

    /** The directory of a workspace, whether it exists or not. */
    public Path directoryOf(WorkspaceId id) {
        return root.resolve(id.toString());
    }

    @Override
    public void create(WorkspaceId id) {
        Path directory = directoryOf(id);
        try {
            if (!Files.isDirectory(root)) {
                // Searchable but not listable by others, like the data directory above it.
                Files.createDirectories(root);
                Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx--x--x"));
            }
            if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(directory);
            }
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setAttribute(directory, "unix:uid", mapping.hostId(), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(directory, "unix:gid", mapping.hostId(), LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the workspace directory " + directory, e);
        }
    }

    @Override
    public void delete(WorkspaceId id) {
        Path directory = directoryOf(id);
        if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(directory, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                    if (failure != null) {
                        throw failure;
                    }
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the workspace directory " + directory, e);
        }
    }

    @Override
    public WorkspaceUsage usage(WorkspaceId id) {
        Path directory = directoryOf(id);
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            return WorkspaceUsage.EMPTY;
        }
        var counter = new UsageCounter();
        try {
            Files.walkFileTree(directory, counter);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot measure the workspace directory " + directory, e);
        }
        return new WorkspaceUsage(counter.bytes, counter.files);
    }

    /** Adds up regular files; links count as nothing, and a file removed mid-walk is skipped. */
    private static final class UsageCounter extends SimpleFileVisitor<Path> {
        long bytes;
        long files;

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
            if (attributes.isRegularFile()) {
                bytes += attributes.size();
                files++;
            }
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException failure) throws IOException {
            if (failure instanceof NoSuchFileException) {
                return FileVisitResult.CONTINUE;
            }
            throw failure;
        }
    }
}
