package dev.corral.bench.baseline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.bench.BenchException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * runc driven directly, without Corral: what the baselines time. Every call is one {@code runc --root <root> ...}
 * command, started and waited for, with its output read through a pipe as Corral reads its own.
 *
 * <p>Threading: stateless; any number of threads may call at once (runc locks each container's state itself).
 */
public final class BareRunc {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;

    /** runc with its state in {@code root}: Corral's own ({@code <dataDir>/runc}) to act on Corral's sandboxes. */
    public BareRunc(Path root) {
        this.root = root;
    }

    /** {@code runc exec <id> <args...>}; returns what the process wrote. */
    public String exec(String id, String... args) {
        var command = new ArrayList<>(List.of("runc", "--root", root.toString(), "exec", id));
        command.addAll(List.of(args));
        return HostCommands.run(command);
    }

    public void pause(String id) {
        HostCommands.run(List.of("runc", "--root", root.toString(), "pause", id));
    }

    public void resume(String id) {
        HostCommands.run(List.of("runc", "--root", root.toString(), "resume", id));
    }

    /** {@code runc run --detach}, with runc's own errors going to {@code log} as the container holds its streams. */
    public void runDetached(String id, Path bundle, Path pidFile, Path log) {
        HostCommands.runDetached(List.of("runc", "--root", root.toString(), "--log", log.toString(), "run",
                "--detach", "--bundle", bundle.toString(), "--pid-file", pidFile.toString(), id));
    }

    /** The container's status from {@code runc state}: {@code created}, {@code running}, {@code paused}, ... */
    public String state(String id) {
        return stateOf(id).path("status").asText();
    }

    /** The host's pid of the container's init, from {@code runc state}. */
    public long pid(String id) {
        long pid = stateOf(id).path("pid").asLong(0);
        if (pid <= 0) {
            throw new BenchException("runc state " + id + " names no process: is it running?");
        }
        return pid;
    }

    private JsonNode stateOf(String id) {
        String answer = HostCommands.run(List.of("runc", "--root", root.toString(), "state", id));
        try {
            return JSON.readTree(answer);
        } catch (IOException e) {
            throw new BenchException("runc state " + id + " answered no JSON: " + answer, e);
        }
    }

    /** Kills the container's processes and removes it. */
    public void delete(String id) {
        HostCommands.run(List.of("runc", "--root", root.toString(), "delete", "--force", id));
    }

    /** The first line of {@code runc --version}, e.g. {@code runc version 1.1.5+ds1}. */
    public static String version() {
        return HostCommands.run(List.of("runc", "--version")).lines().findFirst().orElse("runc").strip();
    }
}
