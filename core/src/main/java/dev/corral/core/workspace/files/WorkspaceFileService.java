package dev.corral.core.workspace.files;

import dev.corral.core.error.CorralException;
import dev.corral.core.key.Principal;
import dev.corral.core.plan.Plans;
import dev.corral.core.policy.AccessPolicy;
import dev.corral.core.policy.Action;
import dev.corral.core.io.FileUpload;
import dev.corral.core.io.LimitedInput;
import dev.corral.core.workspace.Workspace;
import dev.corral.core.workspace.WorkspaceService;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The storage API of workspaces (RunTools §3.2): list, measure, create, upload, write, rename, move, copy, delete
 * and read the files of the caller's workspace named by UUID or slug. Paths are checked here ({@link
 * WorkspacePath}); links and concurrent changes are {@link WorkspaceFiles}' business; quotas are the volumes'.
 *
 * <p>Threading: stateless; safe for concurrent use. Batches run one item after the other and stop at the first
 * failure, leaving the items before it done.
 */
public final class WorkspaceFileService {
    /** RunTools' limit for batch copy, move and delete. */
    public static final int MAX_BATCH = 250;

    private final WorkspaceService workspaces;
    private final Plans plans;

    public WorkspaceFileService(WorkspaceService workspaces, Plans plans) {
        this.workspaces = workspaces;
        this.plans = plans;
    }

    /** The entries of folder {@code dir}, names starting with a dot only when {@code showHidden}. */
    public List<WorkspaceEntry> list(Principal caller, String workspace, WorkspacePath dir, boolean showHidden) {
        AccessPolicy.require(caller, Action.WORKSPACE_FILES_READ);
        return files(caller, workspace).list(dir).stream()
                .filter(entry -> showHidden || !entry.isHidden())
                .toList();
    }

    /** What {@code path} is and what it holds, with the workspace it is in. */
    public PathInfo info(Principal caller, String workspace, WorkspacePath path) {
        AccessPolicy.require(caller, Action.WORKSPACE_FILES_READ);
        Workspace found = workspaces.lookup(caller, workspace);
        WorkspaceFiles files = workspaces.files(found);
        return new PathInfo(found, files.stat(path), files.measure(path));
    }

    /** A path's entry and the bytes and files below it, in {@code workspace}. */
    public record PathInfo(Workspace workspace, WorkspaceEntry entry, TreeSize size) {
    }

    /**
     * Makes a file or folder {@code name} in folder {@code dir}; a file gets {@code contents} (UTF-8 text) or
     * nothing. {@code type} is {@code file}, {@code folder} or {@code directory}.
     */
    public WorkspaceEntry create(Principal caller, String workspace, WorkspacePath dir, String name, String type,
                                 String contents) {
        AccessPolicy.require(caller, Action.WORKSPACE_FILES_WRITE);
        WorkspacePath path = dir.resolve(WorkspacePath.validName("name", name));
        String kind = type == null ? "" : type.toLowerCase(Locale.ROOT);
        return switch (kind) {
            case "folder", "directory" -> {
                if (contents != null) {
                    throw CorralException.invalid("contents", "a folder has no contents");
                }
                yield files(caller, workspace).createFolder(path);
            }
            case "file" -> files(caller, workspace).write(path, text(caller, contents), false);
            default -> throw CorralException.invalid("type", "must be file or folder");
        };
    }

    /**
     * Writes {@code body}, at most the plan's upload size, to file {@code path}, replacing what is there. The body
     * is opened only once the declared size and the workspace have passed, so a client waiting for {@code 100
     * Continue} sends nothing in vain.
     *
     * @param declaredBytes the body's declared length, -1 when it has none
     */
    public WorkspaceEntry write(Principal caller, String workspace, WorkspacePath path, long declaredBytes,
                                FileUpload.Content body) {
        AccessPolicy.require(caller, Action.WORKSPACE_FILES_WRITE);
        long limit = limitFor(caller, declaredBytes);
        WorkspaceFiles files = files(caller, workspace);
        if (declaredBytes > files.freeBytes()) {
            // Refused before the body is asked for, so a client that waits for 100 Continue sends none of it.
            throw WorkspaceFiles.full();
        }
        try {
            return files.write(path, new ClientBody(new LimitedInput(body.open(), limit)), true);
        } catch (IOException e) {
            throw unreadable(e);
        }
    }


    private static CorralException unreadable(IOException e) {
        return CorralException.badRequest("The request body could not be read: " + e.getMessage());
    }

    /**
     * A client's body, whose read failures (the client went away, a broken chunk) are the client's: {@code
     * bad_request}, told apart from the server's own write failures, which stay I/O errors.
     */
    private static final class ClientBody extends FilterInputStream {
        ClientBody(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                throw unreadable(e);
            }
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            try {
                return super.read(buffer, offset, length);
            } catch (IOException e) {
                throw unreadable(e);
            }
        }
    }

    /** Replaces file {@code path}'s contents with UTF-8 text. */
    public WorkspaceEntry writeText(Principal caller, String workspace, WorkspacePath path, String contents) {
        AccessPolicy.require(caller, Action.WORKSPACE_FILES_WRITE);
        if (contents == null) {
            throw CorralException.invalid("contents", "is required to write a file");
        }
        return files(caller, workspace).write(path, text(caller, contents), true);
    }

    /**
     * Writes each upload into folder {@code dir} under its own name, or {@code rename} when there is one file,
     * replacing files there; all of them together are at most the plan's upload size, and there are at most the
     * plan's number of files per upload ({@code payload_too_large}).
     */
    public List<WorkspaceEntry> upload(Principal caller, String workspace, WorkspacePath dir,
                                       List<FileUpload> uploads, String rename) {
        AccessPolicy.require(caller, Action.WORKSPACE_FILES_WRITE);
        plans.of(caller.organization().tier()).checkUploadFiles(uploads.size());
        if (rename != null && uploads.size() != 1) {
            throw CorralException.invalid("name", "renames one uploaded file; this upload has " + uploads.size());
        }
        var names = new ArrayList<String>(uploads.size());
        for (FileUpload upload : uploads) {
            names.add(rename != null ? WorkspacePath.validName("name", rename)
                    : WorkspacePath.validName("file", upload.name()));
        }
        WorkspaceFiles files = files(caller, workspace);
        var written = new ArrayList<WorkspaceEntry>(uploads.size());
        for (int i = 0; i < uploads.size(); i++) {
            try (InputStream in = uploads.get(i).content().open()) {
                written.add(files.write(dir.resolve(names.get(i)), in, true));
            } catch (IOException e) {
                throw CorralException.badRequest("The upload could not be read: " + e.getMessage());
            }
        }
        return written;
    }

    /** Gives {@code path} a new {@code name} in the same folder. */
    public WorkspaceEntry rename(Principal caller, String workspace, WorkspacePath path, String name) {
        AccessPolicy.require(caller, Action.WORKSPACE_FILES_WRITE);
        return files(caller, workspace).move(path, path.parent().resolve(WorkspacePath.validName("target", name)));
    }

    /** Moves each of {@code paths} into folder {@code target}, keeping its name. */
    public List<WorkspaceEntry> move(Principal caller, String workspace, List<WorkspacePath> paths,
                                     WorkspacePath target) {
        AccessPolicy.require(caller, Action.WORKSPACE_FILES_WRITE);
        WorkspaceFiles files = files(caller, workspace);
        checkBatch(paths);
        return paths.stream().map(path -> files.move(path, target.resolve(nameOf(path)))).toList();
    }

    /** Copies each of {@code paths} into folder {@code target}, keeping its name. */
    public List<WorkspaceEntry> copy(Principal caller, String workspace, List<WorkspacePath> paths,
                                     WorkspacePath target) {
        AccessPolicy.require(caller, Action.WORKSPACE_FILES_WRITE);
        WorkspaceFiles files = files(caller, workspace);
        checkBatch(paths);
        return paths.stream().map(path -> files.copy(path, target.resolve(nameOf(path)))).toList();
    }

    public void delete(Principal caller, String workspace, List<WorkspacePath> paths) {
        AccessPolicy.require(caller, Action.WORKSPACE_FILES_WRITE);
        WorkspaceFiles files = files(caller, workspace);
        checkBatch(paths);
        paths.forEach(files::delete);
    }

    /** Opens file {@code path}; the caller closes its stream. */
    public WorkspaceFiles.OpenFile read(Principal caller, String workspace, WorkspacePath path) {
        AccessPolicy.require(caller, Action.WORKSPACE_FILES_READ);
        return files(caller, workspace).read(path);
    }

    /**
     * The plan's upload size, asked before an upload's body is read: {@code forbidden} at once for a caller that
     * may not write, {@code payload_too_large} when the declared size is above it.
     */
    public long uploadLimit(Principal caller, long declaredBytes) {
        AccessPolicy.require(caller, Action.WORKSPACE_FILES_WRITE);
        return limitFor(caller, declaredBytes);
    }

    private long limitFor(Principal caller, long declaredBytes) {
        long limit = plans.of(caller.organization().tier()).maxUploadBytes();
        if (declaredBytes > limit) {
            throw LimitedInput.tooLarge(limit);
        }
        return limit;
    }

    private WorkspaceFiles files(Principal caller, String workspace) {
        Workspace found = workspaces.lookup(caller, workspace);
        return workspaces.files(found);
    }

    private InputStream text(Principal caller, String contents) {
        byte[] bytes = contents == null ? new byte[0] : contents.getBytes(StandardCharsets.UTF_8);
        limitFor(caller, bytes.length);
        return new ByteArrayInputStream(bytes);
    }

    private static void checkBatch(List<WorkspacePath> paths) {
        if (paths.isEmpty() || paths.size() > MAX_BATCH) {
            throw CorralException.invalid("ids", "must list 1 to " + MAX_BATCH + " paths");
        }
    }

    private static String nameOf(WorkspacePath path) {
        if (path.isRoot()) {
            throw CorralException.invalid("ids", "the root of a workspace cannot be moved or copied");
        }
        return path.name();
    }
}
