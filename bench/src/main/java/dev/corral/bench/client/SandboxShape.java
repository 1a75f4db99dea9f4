package dev.corral.bench.client;

import dev.corral.core.io.DataSize;
import java.util.Map;

/**
 * The resources a benchmark asks for a sandbox, in the API's words ({@code "512MB"}), and whether it has a network
 * of its own (the default) or loopback only ({@code network: "none"}).
 */
public record SandboxShape(int vcpus, String memory, String disk, boolean networked) {
    /** What create, exec, pause-resume and api use: small enough to make quickly, big enough for 64 execs. */
    public static final SandboxShape STANDARD = new SandboxShape(1, "512MB", "1GB", true);
    /** What the density scenario packs the host with. */
    public static final SandboxShape SMALL = new SandboxShape(1, "64MB", "64MB", true);

    /** The same with loopback only, as before sandboxes had networks (and as bare runc's baselines run). */
    public SandboxShape withoutNetwork() {
        return new SandboxShape(vcpus, memory, disk, false);
    }

    public long diskBytes() {
        return DataSize.parse(disk).bytes();
    }

    Map<String, Object> resources() {
        return Map.of("vcpus", vcpus, "memory", memory, "disk", disk);
    }
}
