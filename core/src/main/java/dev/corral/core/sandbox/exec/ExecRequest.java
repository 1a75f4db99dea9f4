package dev.corral.core.sandbox.exec;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A command a client asks to run, as written: checked by the service against the rules and the caller's plan.
 *
 * @param timeoutMillis absent for the default of 30 s
 * @param cwd           absent for {@code /workspace}
 */
public record ExecRequest(String command, Optional<Long> timeoutMillis, Optional<String> cwd,
                          Map<String, String> env) {
    public ExecRequest {
        Objects.requireNonNull(timeoutMillis, "timeoutMillis");
        Objects.requireNonNull(cwd, "cwd");
        env = env == null ? Map.of() : env;
    }
}
