package dev.corral.core.sandbox.files;

import dev.corral.core.error.CorralException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A path in a sandbox's filesystem as a client names it, made absolute: relative paths are under
 * {@code /workspace}, trailing slashes are dropped. It is text handed to the sandbox, never resolved on the host:
 * the sandbox's kernel resolves {@code ..} and symlinks, inside the sandbox (see {@link SandboxFileSystem}).
 */
public record SandboxPath(String value) {
    public static final String WORKSPACE = "/workspace";
    /** Linux refuses longer paths (PATH_MAX, with its NUL). */
    static final int MAX_BYTES = 4095;

    public SandboxPath {
        Objects.requireNonNull(value, "value");
        if (!value.startsWith("/") || value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("not an absolute path without NUL bytes: " + value);
        }
    }

    /** The path {@code text} names; {@code validation_failed} on {@code field} when it is empty or malformed. */
    public static SandboxPath of(String field, String text) {
        if (text == null || text.isEmpty()) {
            throw CorralException.invalid(field, "is required: an absolute path, or one relative to " + WORKSPACE);
        }
        if (text.indexOf('\0') >= 0) {
            throw CorralException.invalid(field, "must not contain NUL bytes");
        }
        String absolute = text.startsWith("/") ? text : WORKSPACE + "/" + text;
        int end = absolute.length();
        while (end > 1 && absolute.charAt(end - 1) == '/') {
            end--;
        }
        absolute = absolute.substring(0, end);
        if (absolute.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw CorralException.invalid(field, "must be at most " + MAX_BYTES + " bytes");
        }
        return new SandboxPath(absolute);
    }

    /**
     * {@code name} below this directory, for an uploaded file: one or more components separated by {@code /},
     * none of them empty, {@code .} or {@code ..}; {@code validation_failed} on {@code field} otherwise.
     */
    public SandboxPath child(String field, String name) {
        if (name == null || name.isEmpty() || name.startsWith("/") || name.indexOf('\0') >= 0) {
            throw CorralException.invalid(field, "must be a relative file name");
        }
        for (String component : name.split("/", -1)) {
            if (component.isEmpty() || component.equals(".") || component.equals("..")) {
                throw CorralException.invalid(field, "must be a file name without empty, '.' or '..' parts");
            }
        }
        return of(field, (value.equals("/") ? "" : value) + "/" + name);
    }

    /** The directory holding this path ({@code /} for {@code /} itself). */
    public SandboxPath parent() {
        int slash = value.lastIndexOf('/');
        return new SandboxPath(slash <= 0 ? "/" : value.substring(0, slash));
    }

    /** The last component, or {@code /} for the root. */
    public String name() {
        return value.equals("/") ? "/" : value.substring(value.lastIndexOf('/') + 1);
    }

    @Override
    public String toString() {
        return value;
    }
}
