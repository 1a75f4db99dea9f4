package dev.corral.core.sandbox.files;

import java.time.Instant;

/**
 * One file, directory or symlink in a sandbox, as {@code lstat} sees it: a symlink is itself, not what it points
 * to.
 *
 * @param size bytes of a file; of a directory or symlink, what the filesystem says (a block, the target's length)
 * @param mode the permission bits, {@code 07777} at most
 */
public record FileEntry(String name, String path, FileType type, long size, int mode, Instant modifiedAt) {
}
