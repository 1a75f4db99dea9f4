package dev.corral.bench.host;

import dev.corral.bench.baseline.BareRunc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The machine a run measured: what the report prints so that numbers are never read without their context.
 *
 * @param loadAverage the one-minute load average when the run began: other work on the host skews every figure
 */
public record HostInfo(String cpu, int cores, long memoryBytes, String os, String kernel, String cgroups,
                       String runc, String jdk, double loadAverage) {

    /** This host, now. */
    public static HostInfo describe() {
        return new HostInfo(cpuModel(), Runtime.getRuntime().availableProcessors(),
                HostMemory.read().totalBytes(), osName(), firstLine(Path.of("/proc/sys/kernel/osrelease")),
                cgroupMode(), BareRunc.version(),
                System.getProperty("java.vm.name") + " " + Runtime.version() + " (" + System.getProperty("java.vendor")
                        + ")", currentLoadAverage());
    }

    /** The one-minute load average from {@code /proc/loadavg}. */
    public static double currentLoadAverage() {
        return Double.parseDouble(firstLine(Path.of("/proc/loadavg")).split(" ")[0]);
    }

    private static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(line -> line.startsWith("model name")).findFirst()
                    .map(line -> line.substring(line.indexOf(':') + 1).strip()).orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String osName() {
        try (Stream<String> lines = Files.lines(Path.of("/etc/os-release"))) {
            return lines.filter(line -> line.startsWith("PRETTY_NAME=")).findFirst()
                    .map(line -> line.substring("PRETTY_NAME=".length()).replace("\"", "")).orElse("Linux");
        } catch (IOException e) {
            return "Linux";
        }
    }

    private static String cgroupMode() {
        Path root = Path.of("/sys/fs/cgroup");
        if (Files.exists(root.resolve("cgroup.controllers"))) {
            return "v2";
        }
        return Files.isDirectory(root.resolve("unified")) ? "v1 (hybrid)" : "v1";
    }

    private static String firstLine(Path file) {
        try {
            return KernelFiles.read(file).lines().findFirst().orElse("").strip();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
