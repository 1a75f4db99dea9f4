package dev.corral.core.workspace.files;

import java.time.Instant;

/**
 * One file, folder or symbolic link in a workspace as {@code lstat} sees it (a link is itself, never its target).
 *
 * @param size     bytes of a file; 0 for folders and links
 * @param children entries in a folder; 0 for files and links
 */
public record WorkspaceEntry(WorkspacePath path, Kind kind, long size, long children, Instant modifiedAt) {
    /** What an entry is; the wire names of the storage API. */
    public enum Kind {
        FILE("file"), FOLDER("folder"), SYMLINK("symlink"), OTHER("other");

        private final String wire;

        Kind(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    public String name() {
        return path.name();
    }

    public boolean isHidden() {
        return name().startsWith(".");
    }
}
