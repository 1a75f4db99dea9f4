package dev.corral.testkit.fake;

import dev.corral.core.error.CorralException;
import dev.corral.core.workspace.files.TreeSize;
import dev.corral.core.workspace.files.WorkspaceEntry;
import dev.corral.core.workspace.files.WorkspaceEntry.Kind;
import dev.corral.core.workspace.files.WorkspaceFiles;
import dev.corral.core.workspace.files.WorkspacePath;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The files of one workspace as a tree in memory, for unit tests of what uses {@link WorkspaceFiles}. It keeps
 * the interface's rules and errors (those of {@code ConfinedWorkspaceFiles}; both pass
 * {@code WorkspaceFilesContract}): {@code not_found} for a missing path, {@code conflict} for a taken one,
 * {@code validation_failed} for the wrong kind of entry or the root where it cannot be; writes land whole or not
 * at all. Its room is exactly the quota's bytes of file data ({@code quota_exceeded} beyond), where a real volume
 * also spends some on metadata. There are no symbolic links: nothing but the server writes here.
 *
 * <p>Threading: safe for concurrent use; every call holds the workspace's one lock, reading a write's content
 * included.
 */
final class InMemoryWorkspaceFiles implements WorkspaceFiles {
    private final WriteLock lock;
    private final Folder root;
    private final Supplier<Long> quotaBytes;
    private final InstantSource clock;

    InMemoryWorkspaceFiles(WriteLock lock, Folder root, Supplier<Long> quotaBytes, InstantSource clock) {
        this.lock = lock;
        this.root = root;
        this.quotaBytes = quotaBytes;
        this.clock = clock;
    }

    /** A file or a folder of the tree. */
    sealed interface Node permits File, Folder {
        Instant modifiedAt();
    }

    record File(byte[] data, Instant modifiedAt) implements Node {
    }

    /** A folder; its map of children, by name, is changed in place under the workspace's lock. */
    record Folder(TreeMap<String, Node> children, Instant modifiedAt) implements Node {
        static Folder empty(Instant at) {
            return new Folder(new TreeMap<>(), at);
        }
    }

    @Override
    public List<WorkspaceEntry> list(WorkspacePath dir) {
        return locked(() -> folder(dir).children().entrySet().stream()
                .map(child -> describe(dir.resolve(child.getKey()), child.getValue()))
                .toList());
    }

    @Override
    public WorkspaceEntry stat(WorkspacePath path) {
        return locked(() -> describe(path, node(path)));
    }

    @Override
    public TreeSize measure(WorkspacePath path) {
        return locked(() -> sizeOf(node(path)));
    }

    @Override
    public WorkspaceEntry createFolder(WorkspacePath path) {
        requireNotRoot(path);
        return locked(() -> place(path, false, Folder.empty(clock.instant())));
    }

    @Override
    public WorkspaceEntry write(WorkspacePath path, InputStream content, boolean replace) {
        requireNotRoot(path);
        return locked(() -> {
            Folder parent = folder(path.parent());
            Node existing = parent.children().get(path.name());
            if (existing != null && (!replace || existing instanceof Folder)) {
                throw CorralException.conflict(path + " already exists");
            }
            byte[] data = readAll(content);
            long freed = existing instanceof File file ? file.data().length : 0;
            if (data.length > free() + freed) {
                throw WorkspaceFiles.full();
            }
            return place(path, true, new File(data, clock.instant()));
        });
    }

    @Override
    public OpenFile read(WorkspacePath path) {
        requireNotRoot(path);
        return locked(() -> {
            if (!(node(path) instanceof File file)) {
                throw CorralException.invalid("path", path + " is a folder, not a file");
            }
            return new OpenFile(new ByteArrayInputStream(file.data()), file.data().length);
        });
    }

    @Override
    public WorkspaceEntry move(WorkspacePath from, WorkspacePath to) {
        requireNotRoot(from);
        requireNotRoot(to);
        if (from.contains(to)) {
            throw CorralException.invalid("target", "cannot move " + from + " into itself");
        }
        return locked(() -> {
            Node moved = node(from);
            WorkspaceEntry placed = place(to, false, moved);
            folder(from.parent()).children().remove(from.name());
            return placed;
        });
    }

    @Override
    public WorkspaceEntry copy(WorkspacePath from, WorkspacePath to) {
        requireNotRoot(to);
        if (from.contains(to)) {
            throw CorralException.invalid("target", "cannot copy " + from + " into itself");
        }
        return locked(() -> {
            Node source = node(from);
            if (sizeOf(source).bytes() > free()) {
                throw WorkspaceFiles.full();
            }
            return place(to, false, deepCopy(source, clock.instant()));
        });
    }

    @Override
    public long freeBytes() {
        return locked(this::free);
    }

    @Override
    public void delete(WorkspacePath path) {
        if (path.isRoot()) {
            throw CorralException.invalid("path", "the root of a workspace cannot be deleted");
        }
        locked(() -> {
            node(path);
            return folder(path.parent()).children().remove(path.name());
        });
    }

    /** Puts {@code node} at {@code path}, whose parent must be a folder; {@code conflict} when taken unless told. */
    private WorkspaceEntry place(WorkspacePath path, boolean replace, Node node) {
        Folder parent = folder(path.parent());
        if (!replace && parent.children().containsKey(path.name())) {
            throw CorralException.conflict(path + " already exists");
        }
        parent.children().put(path.name(), node);
        return describe(path, node);
    }

    private Node node(WorkspacePath path) {
        Node current = root;
        WorkspacePath walked = WorkspacePath.ROOT;
        for (String name : path.names()) {
            walked = walked.resolve(name);
            if (!(current instanceof Folder folder)) {
                throw CorralException.invalid("path", walked.parent() + " is a file, not a folder");
            }
            current = folder.children().get(name);
            if (current == null) {
                throw CorralException.notFound("file", walked.toString());
            }
        }
        return current;
    }

    private Folder folder(WorkspacePath path) {
        if (node(path) instanceof Folder folder) {
            return folder;
        }
        throw CorralException.invalid("path", path + " is a file, not a folder");
    }

    private long free() {
        return Math.max(0, quotaBytes.get() - sizeOf(root).bytes());
    }

    private static WorkspaceEntry describe(WorkspacePath path, Node node) {
        return switch (node) {
            case File file -> new WorkspaceEntry(path, Kind.FILE, file.data().length, 0, file.modifiedAt());
            case Folder folder -> new WorkspaceEntry(path, Kind.FOLDER, 0, folder.children().size(),
                    folder.modifiedAt());
        };
    }

    private static TreeSize sizeOf(Node node) {
        return switch (node) {
            case File file -> new TreeSize(file.data().length, 1);
            case Folder folder -> folder.children().values().stream().map(InMemoryWorkspaceFiles::sizeOf)
                    .reduce(TreeSize.EMPTY, TreeSize::plus);
        };
    }

    private static Node deepCopy(Node node, Instant at) {
        return switch (node) {
            case File file -> new File(file.data(), at);
            case Folder folder -> {
                var copy = Folder.empty(at);
                for (Map.Entry<String, Node> child : folder.children().entrySet()) {
                    copy.children().put(child.getKey(), deepCopy(child.getValue(), at));
                }
                yield copy;
            }
        };
    }

    private static void requireNotRoot(WorkspacePath path) {
        if (path.isRoot()) {
            throw CorralException.invalid("path", "must name a file or folder below the root");
        }
    }

    private static byte[] readAll(InputStream content) {
        try {
            return content.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write a file in a workspace", e);
        }
    }

    private <T> T locked(Supplier<T> call) {
        return lock.call(call);
    }
}
