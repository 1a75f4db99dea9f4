package dev.corral.runtime.oci.volumes;

import dev.corral.core.error.CorralException;
import dev.corral.core.workspace.files.TreeSize;
import dev.corral.core.workspace.files.WorkspaceEntry.Kind;
import dev.corral.core.workspace.files.WorkspaceEntry;
import dev.corral.core.workspace.files.WorkspaceFiles;
import dev.corral.core.workspace.files.WorkspacePath;
import dev.corral.runtime.oci.rootfs.OwnershipShift;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A workspace's files on the host, reached only through directory file descriptors ({@link ConfinedFolder}:
 * {@code openat}, {@code fstatat}, {@code renameat}, {@code unlinkat}, all without following links). Sandboxes
 * write into the same tree, so a name the server walks may be swapped for a link to {@code /} at any moment; a walk
 * by descriptors cannot be led out of the tree by that, a walk by path strings could.
 *
 * <p>New files and folders are made whole in {@code staging} (on the same file system, never seen by sandboxes),
 * given to the sandboxes' root user there, and renamed into the tree: a reader sees all of a file or none of it, and
 * a crash leaves its remains in staging, which {@link HostWorkspaceVolumes} empties when it attaches the workspace.
 *
 * <p>Threading: stateless apart from the paths; every call opens and closes its own descriptors.
 */
public final class ConfinedWorkspaceFiles implements WorkspaceFiles {
    private static final String NO_SPACE = "No space left on device";

    private final Path tree;
    private final Path staging;
    private final OwnershipShift ownership;

    ConfinedWorkspaceFiles(Path tree, Path staging, OwnershipShift ownership) {
        this.tree = tree;
        this.staging = staging;
        this.ownership = ownership;
    }

    @Override
    public List<WorkspaceEntry> list(WorkspacePath dir) {
        try (var folder = openFolder(dir)) {
            List<String> names = folder.names();
            var entries = new ArrayList<WorkspaceEntry>(names.size());
            for (String name : names) {
                // Gone between the listing and the look: skipped, as if listed a moment later.
                describe(folder, dir.resolve(name)).ifPresent(entries::add);
            }
            entries.sort(Comparator.comparing(WorkspaceEntry::name));
            return entries;
        } catch (IOException e) {
            throw failure("list", dir, e);
        }
    }

    @Override
    public WorkspaceEntry stat(WorkspacePath path) {
        if (path.isRoot()) {
            try (var root = openFolder(path)) {
                return new WorkspaceEntry(path, Kind.FOLDER, 0, root.names().size(),
                        Files.getLastModifiedTime(tree).toInstant());
            } catch (IOException e) {
                throw failure("read", path, e);
            }
        }
        try (var parent = openFolder(path.parent())) {
            return describe(parent, path).orElseThrow(() -> notFound(path));
        } catch (IOException e) {
            throw failure("read", path, e);
        }
    }

    @Override
    public TreeSize measure(WorkspacePath path) {
        WorkspaceEntry entry = stat(path);
        if (entry.kind() != Kind.FOLDER) {
            return entry.kind() == Kind.FILE ? new TreeSize(entry.size(), 1) : TreeSize.EMPTY;
        }
        try (var folder = openFolder(path)) {
            return sizeOf(folder);
        } catch (IOException e) {
            throw failure("measure", path, e);
        }
    }

    @Override
    public WorkspaceEntry createFolder(WorkspacePath path) {
        requireNotRoot(path);
        return place(path, false, staged -> {
            Files.createDirectory(staged);
            Files.setPosixFilePermissions(staged, PosixFilePermissions.fromString("rwxr-xr-x"));
        });
    }

    @Override
    public WorkspaceEntry write(WorkspacePath path, InputStream content, boolean replace) {
        requireNotRoot(path);
        return place(path, replace, staged -> {
            try (OutputStream out = Files.newOutputStream(staged, StandardOpenOption.CREATE_NEW)) {
                content.transferTo(out);
            }
            Files.setPosixFilePermissions(staged, PosixFilePermissions.fromString("rw-r--r--"));
        });
    }

    @Override
    public OpenFile read(WorkspacePath path) {
        requireNotRoot(path);
        try (var parent = openFolder(path.parent())) {
            WorkspaceEntry entry = describe(parent, path).orElseThrow(() -> notFound(path));
            if (entry.kind() != Kind.FILE) {
                throw CorralException.invalid("path", path + " is a " + entry.kind().wire() + ", not a file");
            }
            FileChannel channel = parent.readFile(path.name());
            return new OpenFile(Channels.newInputStream(channel), channel.size());
        } catch (IOException e) {
            throw failure("read", path, e);
        }
    }

    @Override
    public WorkspaceEntry move(WorkspacePath from, WorkspacePath to) {
        requireNotRoot(from);
        requireNotRoot(to);
        if (from.contains(to)) {
            throw CorralException.invalid("target", "cannot move " + from + " into itself");
        }
        try (var source = openFolder(from.parent()); var target = openFolder(to.parent())) {
            describe(source, from).orElseThrow(() -> notFound(from));
            requireAbsent(target, to);
            source.move(from.name(), target, to.name());
            return describe(target, to).orElseThrow(() -> notFound(to));
        } catch (IOException e) {
            throw failure("move", from, e);
        }
    }

    @Override
    public WorkspaceEntry copy(WorkspacePath from, WorkspacePath to) {
        requireNotRoot(to);
        if (from.contains(to)) {
            throw CorralException.invalid("target", "cannot copy " + from + " into itself");
        }
        WorkspaceEntry source = stat(from);
        if (source.kind() != Kind.FILE && source.kind() != Kind.FOLDER) {
            throw CorralException.invalid("path", from + " is a " + source.kind().wire() + "; only files and "
                    + "folders are copied");
        }
        return place(to, false, staged -> {
            if (source.kind() == Kind.FILE) {
                try (InputStream in = read(from).content()) {
                    Files.copy(in, staged);
                }
                Files.setPosixFilePermissions(staged, PosixFilePermissions.fromString("rw-r--r--"));
            } else {
                try (var folder = openFolder(from)) {
                    copyFolder(folder, staged);
                }
            }
        });
    }

    @Override
    public long freeBytes() {
        try {
            return Files.getFileStore(tree).getUsableSpace();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the free space of " + tree, e);
        }
    }

    @Override
    public void delete(WorkspacePath path) {
        if (path.isRoot()) {
            throw CorralException.invalid("path", "the root of a workspace cannot be deleted");
        }
        try (var parent = openFolder(path.parent())) {
            WorkspaceEntry entry = describe(parent, path).orElseThrow(() -> notFound(path));
            if (entry.kind() == Kind.FOLDER) {
                deleteFolder(parent, path.name());
            } else {
                parent.deleteFile(path.name());
            }
        } catch (NoSuchFileException e) {
            // Deleted meanwhile by someone else: what was asked for holds.
        } catch (IOException e) {
            throw failure("delete", path, e);
        }
    }

    /** Stages a new entry with {@code make}, owns it to the sandboxes' root, and renames it to {@code path}. */
    private WorkspaceEntry place(WorkspacePath path, boolean replace, StagedWrite make) {
        Path staged = staging.resolve(UUID.randomUUID().toString());
        try (var parent = openFolder(path.parent());
             var stagingFolder = ConfinedFolder.open(staging)) {
            Optional<WorkspaceEntry> existing = describe(parent, path);
            if (existing.isPresent() && (!replace || existing.get().kind() == Kind.FOLDER)) {
                throw CorralException.conflict(path + " already exists");
            }
            make.into(staged);
            giveToSandboxes(staged);
            stagingFolder.move(staged.getFileName().toString(), parent, path.name());
            return describe(parent, path).orElseThrow(() -> notFound(path));
        } catch (IOException e) {
            throw failure("write", path, e);
        } catch (UncheckedIOException e) {
            throw failure("write", path, e.getCause());
        } finally {
            discard(staged);
        }
    }

    private void copyFolder(ConfinedFolder source, Path staged) throws IOException {
        Files.createDirectory(staged);
        Files.setPosixFilePermissions(staged, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String name : source.names()) {
            try {
                BasicFileAttributes attributes = source.attributes(name);
                if (attributes.isRegularFile()) {
                    try (var in = Channels.newInputStream(source.readFile(name))) {
                        Files.copy(in, staged.resolve(name));
                    }
                    Files.setPosixFilePermissions(staged.resolve(name), PosixFilePermissions.fromString("rw-r--r--"));
                } else if (attributes.isDirectory()) {
                    try (var folder = source.folder(name)) {
                        copyFolder(folder, staged.resolve(name));
                    }
                }
            } catch (NoSuchFileException | NotDirectoryException e) {
                // Gone or swapped while copied: left out, as links are.
            } catch (FileSystemException e) {
                if (!isLink(e) && !isNotRegular(e)) {
                    throw e;
                }
            }
        }
    }

    private void giveToSandboxes(Path staged) throws IOException {
        if (Files.isDirectory(staged, LinkOption.NOFOLLOW_LINKS)) {
            try (var walk = Files.walk(staged)) {
                for (Path path : (Iterable<Path>) walk::iterator) {
                    ownership.giveToRoot(path);
                }
            }
        } else {
            ownership.giveToRoot(staged);
        }
    }

    private static void deleteFolder(ConfinedFolder parent, String name) throws IOException {
        try (var folder = parent.folder(name)) {
            for (String child : folder.names()) {
                try {
                    if (folder.attributes(child).isDirectory()) {
                        deleteFolder(folder, child);
                    } else {
                        folder.deleteFile(child);
                    }
                } catch (NoSuchFileException e) {
                    // Gone already.
                }
            }
        } catch (NotDirectoryException e) {
            // Swapped for a file meanwhile: that is what is deleted.
            parent.deleteFile(name);
            return;
        } catch (FileSystemException e) {
            if (!isLink(e)) {
                throw e;
            }
            // Swapped for a link meanwhile: the link is what is deleted, never what it points to.
            parent.deleteFile(name);
            return;
        }
        try {
            parent.deleteFolder(name);
        } catch (DirectoryNotEmptyException e) {
            // Something was written inside while we deleted: delete again, as the caller asked for all of it.
            deleteFolder(parent, name);
        }
    }

    private static TreeSize sizeOf(ConfinedFolder folder) throws IOException {
        TreeSize total = TreeSize.EMPTY;
        for (String name : folder.names()) {
            try {
                BasicFileAttributes attributes = folder.attributes(name);
                if (attributes.isRegularFile()) {
                    total = total.plus(new TreeSize(attributes.size(), 1));
                } else if (attributes.isDirectory()) {
                    try (var child = folder.folder(name)) {
                        total = total.plus(sizeOf(child));
                    }
                }
            } catch (NoSuchFileException | NotDirectoryException e) {
                // Removed or swapped while measured.
            } catch (FileSystemException e) {
                if (!isLink(e)) {
                    throw e;
                }
            }
        }
        return total;
    }

    /**
     * Opens folder {@code path} one name at a time, each relative to the last and without following a link:
     * {@code not_found} when a name is missing or is a link, {@code validation_failed} when it is a file.
     */
    private ConfinedFolder openFolder(WorkspacePath path) throws IOException {
        ConfinedFolder current = ConfinedFolder.open(tree);
        WorkspacePath walked = WorkspacePath.ROOT;
        try {
            for (String name : path.names()) {
                walked = walked.resolve(name);
                ConfinedFolder next;
                try {
                    next = current.folder(name);
                } catch (NoSuchFileException e) {
                    throw notFound(walked);
                } catch (NotDirectoryException e) {
                    throw notAFolder(current, walked);
                } catch (FileSystemException e) {
                    if (isLink(e)) {
                        throw notFound(walked);
                    }
                    throw e;
                }
                current.close();
                current = next;
            }
            return current;
        } catch (IOException | RuntimeException e) {
            current.close();
            throw e;
        }
    }

    private static CorralException notAFolder(ConfinedFolder parent, WorkspacePath path) {
        try {
            if (parent.attributes(path.name()).isRegularFile()) {
                return CorralException.invalid("path", path + " is a file, not a folder");
            }
        } catch (IOException e) {
            // Gone or unreadable: not found either way.
        }
        return notFound(path);
    }

    /** The entry at {@code path} in {@code parent}, its folder; empty when there is none. */
    private static Optional<WorkspaceEntry> describe(ConfinedFolder parent, WorkspacePath path) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = parent.attributes(path.name());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        Kind kind = kindOf(attributes);
        long children = 0;
        if (kind == Kind.FOLDER) {
            try (var folder = parent.folder(path.name())) {
                children = folder.names().size();
            } catch (FileSystemException e) {
                // Swapped or removed since the look: shown as it was then, empty.
            }
        }
        return Optional.of(new WorkspaceEntry(path, kind, kind == Kind.FILE ? attributes.size() : 0, children,
                attributes.lastModifiedTime().toInstant()));
    }

    private static Kind kindOf(BasicFileAttributes attributes) {
        if (attributes.isRegularFile()) {
            return Kind.FILE;
        }
        if (attributes.isDirectory()) {
            return Kind.FOLDER;
        }
        return attributes.isSymbolicLink() ? Kind.SYMLINK : Kind.OTHER;
    }

    private static void requireAbsent(ConfinedFolder parent, WorkspacePath path) throws IOException {
        if (describe(parent, path).isPresent()) {
            throw CorralException.conflict(path + " already exists");
        }
    }

    private static void requireNotRoot(WorkspacePath path) {
        if (path.isRoot()) {
            throw CorralException.invalid("path", "must name a file or folder below the root");
        }
    }

    private static boolean isLink(FileSystemException e) {
        // The JDK words ELOOP, which O_NOFOLLOW gives for a link, as this and more.
        return e.getReason() != null && e.getReason().startsWith("Too many levels of symbolic links");
    }

    private static boolean isNotRegular(FileSystemException e) {
        return ConfinedFolder.NOT_REGULAR.equals(e.getReason());
    }

    private static void discard(Path staged) {
        try {
            if (Files.isDirectory(staged, LinkOption.NOFOLLOW_LINKS)) {
                try (var walk = Files.walk(staged)) {
                    for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(path);
                    }
                }
            } else {
                Files.deleteIfExists(staged);
            }
        } catch (IOException e) {
            // Left for the sweep of staging when the workspace is next attached.
        }
    }

    private static CorralException notFound(WorkspacePath path) {
        return CorralException.notFound("file", path.toString());
    }

    private static RuntimeException failure(String action, WorkspacePath path, IOException e) {
        if (e instanceof FileSystemException fs && NO_SPACE.equals(fs.getReason())
                || e.getMessage() != null && e.getMessage().contains(NO_SPACE)) {
            return WorkspaceFiles.full();
        }
        if (e instanceof NoSuchFileException) {
            return notFound(path);
        }
        if (e instanceof FileAlreadyExistsException || e instanceof DirectoryNotEmptyException) {
            return CorralException.conflict(path + " already exists");
        }
        if (e instanceof NotDirectoryException || e instanceof FileSystemException fs && isNotRegular(fs)) {
            // Swapped for another kind of entry while the call ran.
            return CorralException.conflict(path + " changed while it was used; try again");
        }
        return new UncheckedIOException("Cannot " + action + " " + path + " in a workspace", e);
    }

    @FunctionalInterface
    private interface StagedWrite {
        void into(Path staged) throws IOException;
    }
}
