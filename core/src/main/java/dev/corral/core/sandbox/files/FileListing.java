package dev.corral.core.sandbox.files;

import java.util.List;

/**
 * The entries below a directory, sorted by path.
 *
 * @param truncated whether there were more than {@link SandboxFiles#MAX_LIST_ENTRIES}, of which only that many are
 *                  here
 */
public record FileListing(SandboxPath path, List<FileEntry> entries, boolean truncated) {
    public FileListing {
        entries = List.copyOf(entries);
    }
}
