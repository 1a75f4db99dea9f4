package dev.corral.runtime.oci.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code process} of each sandbox's {@code config.json} (its environment, capabilities, limits), which every
 * command in the sandbox starts from: read and parsed on a sandbox's first command, then kept, since the file is
 * written once when the sandbox is made and never changes while it lives. The runtime {@link #forget forgets} a
 * sandbox's entry whenever it makes, starts, stops or removes it, so an entry never outlives its file and the
 * map holds at most one small tree per sandbox on disk.
 *
 * <p>Threading: any number of threads at once; entries are read-only trees (callers copy what they change).
 */
public final class SandboxProcesses {
    private final ObjectMapper json;
    private final ConcurrentHashMap<Path, JsonNode> byConfig = new ConcurrentHashMap<>();

    public SandboxProcesses(ObjectMapper json) {
        this.json = json;
    }

    /**
     * The sandbox config at {@code config} reduced to its {@code process}, as {@link ContainerConfig#forExec}
     * takes it; not to be changed.
     *
     * @throws IOException when the file cannot be read or parsed (nothing is kept then)
     */
    public JsonNode of(Path config) throws IOException {
        JsonNode known = byConfig.get(config);
        if (known != null) {
            return known;
        }
        ObjectNode process = json.createObjectNode();
        process.set("process", json.readTree(Files.readAllBytes(config)).path("process"));
        byConfig.put(config, process);
        return process;
    }

    /** Drops what was read of {@code config}: the sandbox is being made, started, stopped or removed. */
    public void forget(Path config) {
        byConfig.remove(config);
    }
}
