package dev.corral.runtime.oci;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.core.error.CorralException;
import dev.corral.core.sandbox.ExecSpec;
import dev.corral.core.sandbox.SandboxId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.UUID;
import java.util.function.BiFunction;

/**
 * Starts commands in running sandboxes with {@code runc exec}: each gets an OCI process made from the sandbox's own
 * (same capabilities, limits and environment), written to a file only the host's root can read, and comes back as
 * a {@link RuncExecStream}.
 *
 * <p>Threading: stateless; any number of threads may start commands at once, in one sandbox or many.
 */
final class SandboxExecs {
    /**
     * Runs the command ({@code $1}) in its directory ({@code $0}), made first when missing as the API promises, by
     * replacing this shell with the command's own: the pid runc reports stays the command's, and a directory that
     * cannot be made is the command's failure (exit 126) rather than runc's.
     */
    private static final String IN_DIRECTORY =
            "cd -- \"$0\" 2>/dev/null || { mkdir -p -- \"$0\" && cd -- \"$0\"; } || exit 126; exec /bin/sh -c \"$1\"";

    private final OciRuntimeCli cli;
    private final ProcessRunner runner;
    private final ContainerConfig containerConfig;
    private final ObjectMapper json;
    private final BiFunction<SandboxId, String, CorralException> neverStarted;

    /**
     * @param neverStarted the error for a command that never started in a sandbox, given what runc said; it
     *                     depends on the sandbox's state, which only the runtime knows how to find
     */
    SandboxExecs(OciRuntimeCli cli, ProcessRunner runner, ContainerConfig containerConfig, ObjectMapper json,
                 BiFunction<SandboxId, String, CorralException> neverStarted) {
        this.cli = cli;
        this.runner = runner;
        this.containerConfig = containerConfig;
        this.json = json;
        this.neverStarted = neverStarted;
    }

    RuncExecStream start(SandboxPaths paths, ExecSpec spec) {
        SandboxId id = paths.id();
        String name = UUID.randomUUID().toString();
        Path processFile = paths.execDir().resolve(name + ".json");
        Path pidFile = paths.execDir().resolve(name + ".pid");
        try {
            List<String> args = List.of("/bin/sh", "-c", IN_DIRECTORY, spec.cwd(), spec.command());
            var process = containerConfig.forExec(json.readTree(Files.readAllBytes(paths.config())), args,
                    spec.env());
            Files.createFile(processFile, PosixFilePermissions.asFileAttribute(SandboxPaths.PRIVATE_FILE));
            json.writeValue(processFile.toFile(), process);
        } catch (NoSuchFileException e) {
            throw neverStarted.apply(id, "no " + e.getFile());
        } catch (IOException e) {
            throw CorralException.runtimeUnavailable("Cannot prepare a command for sandbox " + id + ": " + e, e);
        }
        Process runc = runner.start(cli.execCommand(id.value(), pidFile, processFile));
        return RuncExecStream.follow(runc, List.of(pidFile, processFile), spec.maxOutputBytes(), spec.timeout(),
                runner, runcStderr -> neverStarted.apply(id, runcStderr));
    }
}
