package dev.corral.core.workspace.files;

import dev.corral.core.error.CorralException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A path inside a workspace, as the storage API names files: {@code /src/index.ts}, relative to the workspace's
 * root ({@code /}). Parsing is the one place that refuses what could leave the workspace by name: {@code ..} is
 * refused, empty and {@code .} components are dropped. Symbolic links are the file system's business
 * ({@link WorkspaceFiles} never follows them).
 */
public record WorkspacePath(List<String> names) {
    public static final WorkspacePath ROOT = new WorkspacePath(List.of());
    static final int MAX_NAME_BYTES = 255;
    static final int MAX_PATH_BYTES = 4096;

    public WorkspacePath {
        names = List.copyOf(names);
    }

    /**
     * The path {@code text} names; {@code validation_failed} naming {@code field} when it is blank, holds
     * {@code ..} or a NUL byte, or is longer than Linux allows.
     */
    public static WorkspacePath parse(String field, String text) {
        if (text == null || text.isBlank()) {
            throw CorralException.invalid(field, "must name a path, such as /src/index.ts (/ is the root)");
        }
        if (text.indexOf('\0') >= 0 || text.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
            throw CorralException.invalid(field, "must be at most " + MAX_PATH_BYTES + " bytes without NUL");
        }
        var names = new ArrayList<String>();
        for (String name : text.split("/")) {
            if (name.isEmpty() || name.equals(".")) {
                continue;
            }
            names.add(validName(field, name));
        }
        return new WorkspacePath(names);
    }

    /** {@code name} when it can be one file's name in a directory; {@code validation_failed} otherwise. */
    public static String validName(String field, String name) {
        if (name == null || name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0
                || name.indexOf('\0') >= 0 || name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw CorralException.invalid(field, "must be a file name: not '..', without '/' or NUL, at most "
                    + MAX_NAME_BYTES + " bytes");
        }
        return name;
    }

    public boolean isRoot() {
        return names.isEmpty();
    }

    /** The last name; {@code /} for the root. */
    public String name() {
        return isRoot() ? "/" : names.getLast();
    }

    /** The directory holding this path; the root is its own parent. */
    public WorkspacePath parent() {
        return isRoot() ? this : new WorkspacePath(names.subList(0, names.size() - 1));
    }

    public WorkspacePath resolve(String name) {
        var longer = new ArrayList<>(names);
        longer.add(name);
        return new WorkspacePath(longer);
    }

    /** Whether {@code other} is this path or lies below it. */
    public boolean contains(WorkspacePath other) {
        return other.names.size() >= names.size() && other.names.subList(0, names.size()).equals(names);
    }

    @Override
    public String toString() {
        return "/" + String.join("/", names);
    }
}
