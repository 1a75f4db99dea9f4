package dev.corral.core.sandbox;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/** The rule for environment variable names a sandbox accepts: what a POSIX shell can name and export. */
final class EnvironmentNames {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private EnvironmentNames() {
    }

    /** Whether {@code name} can name an environment variable. */
    static boolean isName(String name) {
        return NAME.matcher(name).matches();
    }

    /** An immutable copy of {@code env} after checking every name, and that no value holds a NUL byte. */
    static Map<String, String> checked(Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        env.forEach((name, value) -> {
            if (!isName(name)) {
                throw new IllegalArgumentException("not an environment variable name: '" + name + "'");
            }
            if (value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("environment variable " + name + " holds a NUL byte");
            }
        });
        return Map.copyOf(env);
    }
}
