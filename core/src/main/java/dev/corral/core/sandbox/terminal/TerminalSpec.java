package dev.corral.core.sandbox.terminal;

import java.util.Map;
import java.util.Optional;

/**
 * What a terminal runs: {@code command} with {@code /bin/sh -c}, or the sandbox's login shell when empty, in
 * {@code cwd} with {@code env} over the sandbox's own environment, on a pty of {@code size}.
 */
public record TerminalSpec(Optional<String> command, String cwd, Map<String, String> env, TerminalSize size) {
    public TerminalSpec {
        env = Map.copyOf(env);
    }
}
