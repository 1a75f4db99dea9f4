package dev.corral.bench.host;

import dev.corral.bench.BenchException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * One reading of the host's memory from {@code /proc/meminfo}: its total, what is available to new work without
 * swapping (the kernel's own estimate, counting reclaimable caches as available), and the kernel's unreclaimable
 * slab, where mounts, namespaces, cgroups and loop devices keep their objects.
 */
public record HostMemory(long totalBytes, long availableBytes, long slabUnreclaimableBytes) {

    public static HostMemory read() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/meminfo"))) {
            var fields = lines.toList();
            return new HostMemory(kilobytes(fields, "MemTotal:") * 1024, kilobytes(fields, "MemAvailable:") * 1024,
                    kilobytes(fields, "SUnreclaim:") * 1024);
        } catch (IOException e) {
            throw new BenchException("cannot read /proc/meminfo: " + e, e);
        }
    }

    /** What is in use: total minus available. */
    public long usedBytes() {
        return totalBytes - availableBytes;
    }

    /**
     * The memory charged to a sandbox's cgroup below {@code parent}: {@code memory.usage_in_bytes} on cgroup v1,
     * {@code memory.current} on v2; empty when neither can be read.
     */
    public static OptionalLong cgroupBytes(String parent, String sandboxId) {
        Path cgroupRoot = Path.of("/sys/fs/cgroup");
        for (Path file : List.of(cgroupRoot.resolve("memory").resolve(parent).resolve(sandboxId)
                        .resolve("memory.usage_in_bytes"),
                cgroupRoot.resolve(parent).resolve(sandboxId).resolve("memory.current"))) {
            try {
                return OptionalLong.of(Long.parseLong(KernelFiles.read(file).strip()));
            } catch (IOException | NumberFormatException e) {
                // not this cgroup version; try the next
            }
        }
        return OptionalLong.empty();
    }

    private static long kilobytes(List<String> meminfo, String field) {
        return meminfo.stream().filter(line -> line.startsWith(field)).findFirst()
                .map(line -> Long.parseLong(line.substring(field.length()).replace("kB", "").strip()))
                .orElseThrow(() -> new BenchException("/proc/meminfo has no " + field));
    }
}
