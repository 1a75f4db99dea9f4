package dev.corral.core.sandbox;

import dev.corral.core.error.FieldProblem;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/** The rule for environment variable names a sandbox accepts: what a POSIX shell can name and export. */
public final class EnvironmentNames {
    private static final int MAX_VARIABLES = 200;
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private EnvironmentNames() {
    }

    /** Whether {@code name} can name an environment variable. */
    public static boolean isName(String name) {
        return NAME.matcher(name).matches();
    }

    /** An immutable copy of {@code env} after checking every name, and that no value holds a NUL byte. */
    public static Map<String, String> checked(Map<String, String> env) {
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

    /** Adds a problem to {@code problems} for each name or value in {@code env} (the request field {@code field}) that is not fit. */
    public static void check(String field, Map<String, String> env, List<FieldProblem> problems) {
        if (env.size() > MAX_VARIABLES) {
            problems.add(new FieldProblem(field, "at most " + MAX_VARIABLES + " variables"));
        }
        env.forEach((name, value) -> {
            if (!isName(name)) {
                problems.add(new FieldProblem(field + "." + name, "is not a valid variable name"));
            } else if (value == null || value.indexOf('\0') >= 0) {
                problems.add(new FieldProblem(field + "." + name, "must be a string without NUL bytes"));
            }
        });
    }
}
