package dev.corral.core.sandbox.files;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One change a watch saw below its directory: a file or directory created, modified (written), deleted, or renamed
 * from {@code oldPath}. Paths are absolute, inside the sandbox, spelled from the watched path as the client gave it.
 */
public record FileChange(Type type, String path, Optional<String> oldPath, Instant timestamp) implements WatchEvent {

    /** The kinds of change; {@link #wire()} is the {@code type} a client sees. */
    public enum Type {
        CREATED, MODIFIED, DELETED, RENAMED;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public FileChange {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(oldPath, "oldPath");
        Objects.requireNonNull(timestamp, "timestamp");
        if (oldPath.isPresent() != (type == Type.RENAMED)) {
            throw new IllegalArgumentException("only a rename has an old path");
        }
    }

    /** A change of {@code type}, other than a rename, to {@code path} at {@code at}. */
    public static FileChange of(Type type, String path, Instant at) {
        return new FileChange(type, path, Optional.empty(), at);
    }

    /** {@code oldPath} renamed to {@code path} at {@code at}. */
    public static FileChange renamed(String oldPath, String path, Instant at) {
        return new FileChange(Type.RENAMED, path, Optional.of(oldPath), at);
    }
}
