package dev.corral.runtime.oci.exec;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.core.error.CorralException;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.exec.ExecSpec;
import dev.corral.runtime.oci.bundle.ContainerConfig;
import dev.corral.runtime.oci.bundle.SandboxPaths;
import dev.corral.runtime.oci.cgroup.ExecGroup;
import dev.corral.runtime.oci.cgroup.SandboxCgroups;
import dev.corral.runtime.oci.process.OciRuntimeCli;
import dev.corral.runtime.oci.process.ProcessRunner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiFunction;

/**
 * Starts commands in running sandboxes with {@code runc exec}: each gets an OCI process made from the sandbox's own
 * (same capabilities, limits and environment), written to a file only the host's root can read, and a control group
 * of its own ({@link ExecGroup}), and comes back as a {@link RuncExecStream}.
 *
 * <p>Threading: stateless; any number of threads may start commands at once, in one sandbox or many.
 */
public final class SandboxExecs {
    /**
     * Runs the command ({@code $2}) in its directory ({@code $1}), made first when missing as the API promises, by
     * replacing this shell with the command's own, which gets the remaining arguments as its {@code $1, $2, ...}
     * (and {@code /bin/sh} as its {@code $0}, as a plain {@code sh -c} would): the pid runc reports stays the
     * command's, and a directory that cannot be made is the command's failure (exit 126) rather than runc's.
     */
    private static final String IN_DIRECTORY = "cd -- \"$1\" 2>/dev/null || { mkdir -p -- \"$1\" && cd -- \"$1\"; }"
            + " || exit 126; command=$2; shift 2; exec /bin/sh -c \"$command\" /bin/sh \"$@\"";

    private final OciRuntimeCli cli;
    private final SandboxCgroups cgroups;
    private final ProcessRunner runner;
    private final ContainerConfig containerConfig;
    private final ObjectMapper json;
    private final BiFunction<SandboxId, String, CorralException> neverStarted;

    /**
     * @param neverStarted the error for a command that never started in a sandbox, given what runc said; it
     *                     depends on the sandbox's state, which only the runtime knows how to find
     */
    public SandboxExecs(OciRuntimeCli cli, SandboxCgroups cgroups, ProcessRunner runner, ContainerConfig containerConfig,
                 ObjectMapper json, BiFunction<SandboxId, String, CorralException> neverStarted) {
        this.cli = cli;
        this.cgroups = cgroups;
        this.runner = runner;
        this.containerConfig = containerConfig;
        this.json = json;
        this.neverStarted = neverStarted;
    }

    /**
     * Starts {@code spec} in the sandbox; {@code stdin}, when not null, is copied into the command's standard input
     * (see {@link RuncExecStream}), which is {@code /dev/null} otherwise.
     *
     * @param network the network namespace Corral made for the sandbox, which runc must be started in; empty for a
     *                sandbox with a namespace of its own (loopback only)
     */
    public RuncExecStream start(SandboxPaths paths, ExecSpec spec, InputStream stdin, Optional<Path> network) {
        SandboxId id = paths.id();
        String name = UUID.randomUUID().toString();
        Path processFile = paths.execDir().resolve(name + ".json");
        Path pidFile = paths.execDir().resolve(name + ".pid");
        try {
            var args = new ArrayList<>(List.of("/bin/sh", "-c", IN_DIRECTORY, "sh", spec.cwd(), spec.command()));
            args.addAll(spec.arguments());
            var process = containerConfig.forExec(json.readTree(Files.readAllBytes(paths.config())), args,
                    spec.env());
            Files.createFile(processFile, PosixFilePermissions.asFileAttribute(SandboxPaths.PRIVATE_FILE));
            json.writeValue(processFile.toFile(), process);
        } catch (NoSuchFileException e) {
            throw neverStarted.apply(id, "no " + e.getFile());
        } catch (IOException e) {
            throw CorralException.runtimeUnavailable("Cannot prepare a command for sandbox " + id + ": " + e, e);
        }
        Optional<ExecGroup> group = cgroups.newExecGroup(id);
        List<String> command = cli.execCommand(id.value(), pidFile, processFile, group, network);
        long startNanos = System.nanoTime();
        Process runc;
        try {
            runc = stdin == null ? runner.start(command) : runner.startWithInput(command);
        } catch (RuntimeException e) {
            group.ifPresent(ExecGroup::removeIfEmpty);
            throw e;
        }
        return RuncExecStream.follow(runc, startNanos, stdin, List.of(pidFile, processFile), group, spec.maxOutputBytes(),
                spec.hasTimeout() ? Optional.of(spec.timeout()) : Optional.empty(), runner, runcStderr -> neverStarted.apply(id, runcStderr));
    }
}
