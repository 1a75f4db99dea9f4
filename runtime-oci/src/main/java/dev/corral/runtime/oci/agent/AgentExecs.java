package dev.corral.runtime.oci.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.core.error.CorralException;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.exec.ExecSpec;
import dev.corral.core.sandbox.terminal.TerminalSize;
import dev.corral.runtime.oci.bundle.ContainerConfig;
import dev.corral.runtime.oci.bundle.SandboxProcesses;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Starts commands in running sandboxes through their agents: the same {@code /bin/sh -c} with positional
 * arguments, environment (the sandbox's own, overridden by the command's) and directory (made when missing) as
 * a {@code runc exec}, as the sandbox's root by number, so a broken {@code /etc/passwd} stops nothing.
 *
 * <p>Threading: stateless; any number of threads may start commands at once.
 */
public final class AgentExecs {
    /** The agent's largest {@code max_output}: far beyond anything sent, and "no limit" to a command. */
    static final long MAX_OUTPUT = 1L << 62;

    private final ContainerConfig containerConfig;
    private final SandboxProcesses processes;
    private final BiFunction<SandboxId, String, CorralException> neverStarted;

    /** @param neverStarted the error for a command the agent did not start, given what it said */
    public AgentExecs(ContainerConfig containerConfig, SandboxProcesses processes,
                      BiFunction<SandboxId, String, CorralException> neverStarted) {
        this.containerConfig = containerConfig;
        this.processes = processes;
        this.neverStarted = neverStarted;
    }

    /** Starts {@code spec}; {@code stdin}, when not null, is the command's input, else {@code /dev/null}. */
    public AgentExecStream start(GuestClient guest, Path sandboxConfig, ExecSpec spec, InputStream stdin,
                                 boolean background) {
        GuestFields request = request(sandboxConfig, spec, stdin != null, background, Optional.empty());
        long startNanos = System.nanoTime();
        SandboxId id = guest.sandbox();
        return AgentExecStream.start(guest.connect(), "exec", request, startNanos, stdin,
                message -> neverStarted.apply(id, message));
    }

    /** The {@code exec} request of {@code spec}, on a pty of {@code pty} when given. */
    public GuestFields request(Path sandboxConfig, ExecSpec spec, boolean stdin, boolean background,
                               Optional<TerminalSize> pty) {
        var args = new ArrayList<>(List.of("/bin/sh", "-c", spec.command(), "/bin/sh"));
        args.addAll(spec.arguments());
        JsonNode process = containerConfig.forExec(readConfig(sandboxConfig), args, spec.env());
        var fields = GuestFields.builder();
        process.path("args").forEach(arg -> fields.add("arg", arg.asText()));
        process.path("env").forEach(variable -> fields.add("env", variable.asText()));
        fields.add("cwd", spec.cwd()).add("uid", 0).add("gid", 0)
                .add("pty", pty.isPresent()).add("stdin", stdin)
                .add("timeout_ms", spec.hasTimeout() ? Math.max(1, spec.timeout().toMillis()) : 0)
                .add("max_output", Math.min(spec.maxOutputBytes(), MAX_OUTPUT)).add("background", background);
        pty.ifPresent(size -> fields.add("cols", size.cols()).add("rows", size.rows()));
        return fields.build();
    }

    private JsonNode readConfig(Path sandboxConfig) {
        try {
            return processes.of(sandboxConfig);
        } catch (IOException e) {
            throw CorralException.runtimeUnavailable("Cannot read the sandbox's process: " + e, e);
        }
    }
}
