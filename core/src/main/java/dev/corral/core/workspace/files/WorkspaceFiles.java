package dev.corral.core.workspace.files;

import dev.corral.core.error.CorralException;
import java.io.InputStream;
import java.util.List;

/**
 * The files of one workspace, reached without ever following a symbolic link: sandboxes write into workspaces,
 * so any name may be a link they made, and a link must not lead the server anywhere. Writes land whole or not at
 * all (a copy is staged and renamed into place), and the workspace's own file system bounds them: running out of
 * room is {@code quota_exceeded}.
 *
 * <p>Errors: {@code not_found} for a missing path (or one that passes through a link), {@code conflict} when a
 * target exists, {@code validation_failed} when a path names the wrong kind of entry. Every method blocks on the
 * file system; implementations are safe for concurrent use.
 */
public interface WorkspaceFiles {
    /** The entries of folder {@code dir}, in name order. */
    List<WorkspaceEntry> list(WorkspacePath dir);

    WorkspaceEntry stat(WorkspacePath path);

    /** The bytes and files below {@code path} (of a file: itself). */
    TreeSize measure(WorkspacePath path);

    /** Makes folder {@code path}; its parent must exist. */
    WorkspaceEntry createFolder(WorkspacePath path);

    /**
     * Writes {@code content} to file {@code path}, replacing a file there when {@code replace} and refusing with
     * {@code conflict} otherwise; the parent folder must exist. The stream is read to its end, not closed.
     */
    WorkspaceEntry write(WorkspacePath path, InputStream content, boolean replace);

    /** Opens file {@code path} for reading; the caller closes it. */
    OpenFile read(WorkspacePath path);

    /** Moves {@code from} to {@code to}, whose parent must exist and which must not exist. */
    WorkspaceEntry move(WorkspacePath from, WorkspacePath to);

    /** Copies file or folder {@code from} to {@code to} (which must not exist); links inside are left out. */
    WorkspaceEntry copy(WorkspacePath from, WorkspacePath to);

    /** The bytes of file data there is room for now. */
    long freeBytes();

    /** Deletes {@code path} and, for a folder, everything in it. */
    void delete(WorkspacePath path);

    /** {@code quota_exceeded} for a write the workspace has no room for. */
    static CorralException full() {
        return CorralException.quotaExceeded("The workspace is full: its quota leaves no room for this");
    }

    /** An open regular file and its size when opened. */
    record OpenFile(InputStream content, long size) {
    }
}
