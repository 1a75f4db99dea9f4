package dev.corral.core.sandbox.exec;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A command a client asks to run, as written: checked by the service against the rules and the caller's plan.
 *
 * @param timeoutMillis absent for the default of 30 s
 * @param cwd           absent for {@code /workspace}
 * @param stdin         bytes for the command's standard input, closed after them; absent for none (the command
 *                      reads end-of-file at once)
 */
public record ExecRequest(String command, Optional<Long> timeoutMillis, Optional<String> cwd,
                          Map<String, String> env, Optional<byte[]> stdin) {
    public ExecRequest {
        Objects.requireNonNull(timeoutMillis, "timeoutMillis");
        Objects.requireNonNull(cwd, "cwd");
        env = env == null ? Map.of() : env;
        Objects.requireNonNull(stdin, "stdin");
    }

    /** A command without standard input. */
    public ExecRequest(String command, Optional<Long> timeoutMillis, Optional<String> cwd, Map<String, String> env) {
        this(command, timeoutMillis, cwd, env, Optional.empty());
    }
}
