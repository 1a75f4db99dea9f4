package dev.corral.core.sandbox.files;

import java.util.Comparator;
import java.util.List;

/**
 * The entries below a directory, sorted by path (whatever order they are given in).
 *
 * @param truncated whether there were more than the listing could hold ({@link SandboxFiles#MAX_LIST_ENTRIES}), of
 *                  which only that many are here
 */
public record FileListing(SandboxPath path, List<FileEntry> entries, boolean truncated) {
    public FileListing {
        entries = entries.stream().sorted(Comparator.comparing(FileEntry::path)).toList();
    }
}
