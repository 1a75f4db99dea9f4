package dev.corral.runtime.oci.process;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.core.error.CorralException;
import dev.corral.runtime.oci.cgroup.ExecGroup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The command line of an OCI runtime ({@code runc}, or {@code crun}, which takes the same commands), with its
 * state kept in a directory of Corral's own so that other users of the runtime on the host are never touched.
 *
 * <p>Threading: stateless; safe for any number of threads (the runtime itself locks each container's state).
 */
public final class OciRuntimeCli {
    static final int EXEC_NICENESS = 10;
    private static final int LOG_TAIL_BYTES = 2048;

    private final String binary;
    private final Path stateRoot;
    private final ProcessRunner runner;
    private final ObjectMapper json;
    private final Duration timeout;

    public OciRuntimeCli(String binary, Path stateRoot, ProcessRunner runner, ObjectMapper json, Duration timeout) {
        this.binary = binary;
        this.stateRoot = stateRoot;
        this.runner = runner;
        this.json = json;
        this.timeout = timeout;
    }

    /**
     * Whether the runtime's binary can be started: the executable file it names, or one of that name in a
     * directory of this process's {@code PATH}, where starting a process looks for it. Reads a few directory
     * entries and starts nothing.
     */
    public boolean installed() {
        if (binary.contains("/")) {
            return Files.isExecutable(Path.of(binary));
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, binary))
                    && !Files.isDirectory(Path.of(dir, binary))) {
                return true;
            }
        }
        return false;
    }

    /** The binary this runs, as configured: {@code runc}, {@code crun} or a path. */
    public String binary() {
        return binary;
    }

    /**
     * Creates and starts container {@code id} from {@code bundle}, detached. Its init inherits this command's
     * standard streams, so they go to {@code /dev/null} and the runtime's own errors are read from {@code log}.
     *
     * @param network the network namespace the runtime runs in, which a container whose spec names none shares
     *                (see {@link #inNetwork}); empty for this process's own
     */
    public void run(String id, Path bundle, Path pidFile, Path log, Optional<Path> network) {
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            throw CorralException.runtimeUnavailable("Cannot reset " + log + ": " + e, e);
        }
        List<String> command = inNetwork(network, List.of(binary, "--root", stateRoot.toString(), "--log",
                log.toString(), "run", "--detach", "--bundle", bundle.toString(), "--pid-file", pidFile.toString(), id));
        int exitCode = runner.runDetached(command, timeout);
        if (exitCode != 0) {
            throw CorralException.runtimeUnavailable(ProcessRunner.describe(command) + " exited with " + exitCode
                    + ": " + tail(log), null);
        }
    }

    /**
     * The command that runs the process described in {@code processFile} (an OCI {@code process} object) in
     * container {@code id}, writing the host pid of the started process to {@code pidFile}; the caller starts and
     * owns it. The process goes by file rather than by arguments so that its command line and environment, which
     * may hold secrets, never show in the host's process list.
     */
    public List<String> execCommand(String id, Path pidFile, Path processFile, Optional<ExecGroup> group,
                                    Optional<Path> network) {
        // Niced: runc's own start and its copying of output run on the host beside the server, and a burst of
        // commands must not take the CPU from requests; the command inherits it (its sandbox's CPU limit applies
        // either way).
        var command = new ArrayList<>(List.of("nice", "-n", Integer.toString(EXEC_NICENESS), binary, "--root",
                stateRoot.toString(), "exec", "--process", processFile.toString(), "--pid-file", pidFile.toString()));
        group.ifPresent(g -> command.addAll(List.of("--cgroup", g.runcArgument())));
        command.add(id);
        return inNetwork(network, command);
    }

    /**
     * {@code command} run in the network namespace at {@code network}, when there is one: a sandbox in a network
     * namespace Corral made (owned by the host's user namespace) cannot have runc join it, as runc joins the
     * sandbox's user namespace first and is then nobody in the host's; its spec names no network namespace, and
     * runc, entered into Corral's, hands it on to what it starts.
     */
    static List<String> inNetwork(Optional<Path> network, List<String> command) {
        if (network.isEmpty()) {
            return command;
        }
        var entered = new ArrayList<>(List.of("nsenter", "--net=" + network.get(), "--"));
        entered.addAll(command);
        return entered;
    }

    /**
     * Starts the process described in {@code processFile} in container {@code id} and returns once it runs,
     * leaving it there: how a guest agent that died is started again (the first is the init's). Niced as
     * {@link #execCommand} is: every command the agent starts inherits it, so a burst of them does not take the
     * CPU from the server's requests either.
     */
    public void execDetached(String id, Path processFile, Optional<Path> network) {
        List<String> command = inNetwork(network, List.of("nice", "-n", Integer.toString(EXEC_NICENESS), binary,
                "--root", stateRoot.toString(), "exec", "--detach", "--process", processFile.toString(), id));
        int exitCode = runner.runDetached(command, timeout);
        if (exitCode != 0) {
            throw CorralException.runtimeUnavailable(ProcessRunner.describe(command) + " exited with " + exitCode,
                    null);
        }
    }

    public void pause(String id) {
        runner.check(List.of(binary, "--root", stateRoot.toString(), "pause", id), timeout);
    }

    public void resume(String id) {
        runner.check(List.of(binary, "--root", stateRoot.toString(), "resume", id), timeout);
    }

    /** Kills the container's processes and removes it; a container that does not exist is not an error. */
    public void forceDelete(String id) {
        runner.check(List.of(binary, "--root", stateRoot.toString(), "delete", "--force", id), timeout);
    }

    /** Removes a container whose processes have all exited (its cgroups and state). */
    public void delete(String id) {
        runner.check(List.of(binary, "--root", stateRoot.toString(), "delete", id), timeout);
    }

    /** Sends SIGKILL to the container's init; in its own pid namespace, that ends every process in it. */
    public void kill(String id) {
        runner.check(List.of(binary, "--root", stateRoot.toString(), "kill", id, "KILL"), timeout);
    }

    /** The runtime's status of container {@code id} ({@code created}, {@code running}, {@code paused}, ...). */
    public Optional<String> status(String id) {
        // The runtime keeps one directory per container under its root; without it there is nothing to ask.
        if (!Files.isDirectory(stateRoot.resolve(id))) {
            return Optional.empty();
        }
        CommandResult result = runner.run(List.of(binary, "--root", stateRoot.toString(), "state", id), timeout);
        if (!result.succeeded()) {
            if (!Files.isDirectory(stateRoot.resolve(id))) {
                return Optional.empty(); // deleted in the meantime
            }
            throw CorralException.runtimeUnavailable(ProcessRunner.describe(result.command()) + " exited with "
                    + result.exitCode() + ": " + result.stderrTail(), null);
        }
        return Optional.of(parse(result).path("status").asText());
    }

    /** Every container under Corral's state root, by id, with its status. */
    public Map<String, String> statuses() {
        CommandResult result = runner.check(List.of(binary, "--root", stateRoot.toString(), "list", "--format",
                "json"), timeout);
        var statuses = new LinkedHashMap<String, String>();
        // runc answers "null" rather than [] when there are no containers.
        parse(result).forEach(container -> statuses.put(container.path("id").asText(),
                container.path("status").asText()));
        return statuses;
    }

    private JsonNode parse(CommandResult result) {
        try {
            return json.readTree(result.stdout());
        } catch (IOException e) {
            throw CorralException.runtimeUnavailable("Cannot read the answer of "
                    + ProcessRunner.describe(result.command()) + ": " + e.getMessage(), e);
        }
    }

    private static String tail(Path log) {
        try {
            byte[] bytes = Files.readAllBytes(log);
            int from = Math.max(0, bytes.length - LOG_TAIL_BYTES);
            return new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
