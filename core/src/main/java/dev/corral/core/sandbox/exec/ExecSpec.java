package dev.corral.core.sandbox.exec;

import dev.corral.core.sandbox.EnvironmentNames;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One command to run in a sandbox with {@code /bin/sh -c}, as the sandbox's root.
 *
 * @param cwd            absolute directory to run in; created when missing
 * @param env            variables added to (and overriding) the sandbox's own
 * @param timeout        after this the command's whole process group is killed and the exit says {@code timedOut};
 *                       {@link #UNTIL_KILLED} for never
 * @param maxOutputBytes how much stdout and stderr together are kept; the rest is read and dropped, and the exit
 *                       says {@code truncated}
 * @param arguments      the command's positional parameters {@code $1, $2, ...}, passed as they are: no shell reads
 *                       them as code, so a fixed script can take untrusted text such as a path safely
 */
public record ExecSpec(String command, String cwd, Map<String, String> env, Duration timeout, long maxOutputBytes,
                       List<String> arguments) {
    public static final String DEFAULT_CWD = "/workspace";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final long DEFAULT_MAX_OUTPUT_BYTES = 1L << 20;
    /** The timeout of a command that runs until it is killed or its sandbox ends: a background process's. */
    public static final Duration UNTIL_KILLED = Duration.ofSeconds(Long.MAX_VALUE);

    public ExecSpec {
        Objects.requireNonNull(command, "command");
        if (command.isBlank() || command.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("command must be non-blank text without NUL bytes");
        }
        Objects.requireNonNull(cwd, "cwd");
        if (!cwd.startsWith("/") || cwd.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("cwd must be an absolute path: " + cwd);
        }
        env = EnvironmentNames.checked(env);
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        if (maxOutputBytes < 0) {
            throw new IllegalArgumentException("maxOutputBytes cannot be negative: " + maxOutputBytes);
        }
        arguments = List.copyOf(arguments);
        for (String argument : arguments) {
            if (argument.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("arguments cannot contain NUL bytes");
            }
        }
    }

    /** Whether the command is killed after {@link #timeout()}; not when it runs {@link #UNTIL_KILLED}. */
    public boolean hasTimeout() {
        return !timeout.equals(UNTIL_KILLED);
    }

    /** A command without positional parameters. */
    public ExecSpec(String command, String cwd, Map<String, String> env, Duration timeout, long maxOutputBytes) {
        this(command, cwd, env, timeout, maxOutputBytes, List.of());
    }

    /** {@code command} with the defaults of the RunTools API: cwd /workspace, no extra env, 30 s, 1 MB of output. */
    public static ExecSpec of(String command) {
        return new ExecSpec(command, DEFAULT_CWD, Map.of(), DEFAULT_TIMEOUT, DEFAULT_MAX_OUTPUT_BYTES);
    }

    public ExecSpec withCwd(String newCwd) {
        return new ExecSpec(command, newCwd, env, timeout, maxOutputBytes, arguments);
    }

    public ExecSpec withEnv(Map<String, String> newEnv) {
        return new ExecSpec(command, cwd, newEnv, timeout, maxOutputBytes, arguments);
    }

    public ExecSpec withTimeout(Duration newTimeout) {
        return new ExecSpec(command, cwd, env, newTimeout, maxOutputBytes, arguments);
    }

    public ExecSpec withMaxOutputBytes(long newMaxOutputBytes) {
        return new ExecSpec(command, cwd, env, timeout, newMaxOutputBytes, arguments);
    }

    public ExecSpec withArguments(List<String> newArguments) {
        return new ExecSpec(command, cwd, env, timeout, maxOutputBytes, newArguments);
    }
}
