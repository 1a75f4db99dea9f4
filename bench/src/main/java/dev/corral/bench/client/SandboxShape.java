package dev.corral.bench.client;

import dev.corral.core.io.DataSize;
import java.util.Map;

/** The resources a benchmark asks for a sandbox, in the API's words ({@code "512MB"}). */
public record SandboxShape(int vcpus, String memory, String disk) {
    /** What create, exec, pause-resume and api use: small enough to make quickly, big enough for 64 execs. */
    public static final SandboxShape STANDARD = new SandboxShape(1, "512MB", "1GB");
    /** What the density scenario packs the host with. */
    public static final SandboxShape SMALL = new SandboxShape(1, "64MB", "64MB");

    public long diskBytes() {
        return DataSize.parse(disk).bytes();
    }

    Map<String, Object> toJson() {
        return Map.of("vcpus", vcpus, "memory", memory, "disk", disk);
    }
}
