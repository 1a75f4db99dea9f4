package dev.corral.core.sandbox.files;

/** What a directory entry is. Devices, pipes and sockets count as files. */
public enum FileType {
    FILE("file"),
    DIRECTORY("dir"),
    SYMLINK("symlink");

    private final String wire;

    FileType(String wire) {
        this.wire = wire;
    }

    /** The type as the API writes it: {@code file}, {@code dir} or {@code symlink}. */
    public String wire() {
        return wire;
    }
}
