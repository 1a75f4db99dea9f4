package dev.corral.core.sandbox;

import dev.corral.core.error.CorralException;
import dev.corral.core.id.RandomIds;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Names one sandbox: {@code sandbox-} and 12 lowercase letters or digits. The runtime also uses it as the
 * container id and the sandbox's hostname, so nothing else may ever be accepted as one.
 */
public record SandboxId(String value) {
    private static final String PREFIX = "sandbox-";
    private static final Pattern FORMAT = Pattern.compile("sandbox-[a-z0-9]{12}");

    public SandboxId {
        Objects.requireNonNull(value, "value");
        if (!FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException("not a sandbox id: " + value);
        }
    }

    public static SandboxId random() {
        return new SandboxId(RandomIds.prefixed(PREFIX, 12));
    }

    /** The id in {@code text}; {@code not_found} when it is not shaped like one, as it cannot name a sandbox. */
    public static SandboxId parse(String text) {
        if (text == null || !FORMAT.matcher(text).matches()) {
            throw CorralException.notFound("sandbox", String.valueOf(text));
        }
        return new SandboxId(text);
    }

    /** Whether {@code text} is shaped like a sandbox id, e.g. to tell a runtime's own directories from others. */
    public static boolean isId(String text) {
        return text != null && FORMAT.matcher(text).matches();
    }

    @Override
    public String toString() {
        return value;
    }
}
