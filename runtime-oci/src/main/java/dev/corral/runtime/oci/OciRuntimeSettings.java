package dev.corral.runtime.oci;

import dev.corral.runtime.oci.bundle.IdMapping;
import dev.corral.runtime.oci.bundle.KernelLimits;
import dev.corral.runtime.oci.network.NetworkSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How {@link RuncSandboxRuntime} runs sandboxes on this host.
 *
 * @param dataDir        Corral's data directory; sandboxes live in {@code runtime/} below it and the OCI
 *                       runtime's state in {@code runc/}, apart from any other user of runc on the host
 * @param runtimeBinary  {@code runc}, or {@code crun}, which takes the same commands (but refuses hybrid cgroups)
 * @param initBinary     the tini binary bind-mounted as each sandbox's PID 1; a static one works in any template
 * @param idMapping      the host ids the sandboxes' ids map to
 * @param cgroupParent   the cgroup below which each sandbox gets its own, in every hierarchy
 * @param commandTimeout how long one runtime command (runc, mount, mkfs) may take before it counts as failed
 * @param agentBinary    the {@code corral-guest} binary bound into each sandbox, whose agent then runs commands
 *                       and serves files; empty to run every command with its own {@code runc exec}
 * @param kernelLimits   each sandbox's share of the kernel's host-wide counters: files, signals, queues, ptys,
 *                       inotify
 * @param network        the host side of the sandboxes' networks; empty when sandboxes can only have loopback
 */
public record OciRuntimeSettings(Path dataDir, String runtimeBinary, Path initBinary, IdMapping idMapping,
                                 String cgroupParent, Duration commandTimeout, Optional<Path> agentBinary,
                                 KernelLimits kernelLimits, Optional<NetworkSettings> network) {
    private static final Pattern CGROUP_NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]*");
    // The overlay's mount options are separated by commas and its lower layers by colons.
    private static final Pattern SAFE_PATH = Pattern.compile("[^,:\\s]+");

    public OciRuntimeSettings {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(runtimeBinary, "runtimeBinary");
        Objects.requireNonNull(initBinary, "initBinary");
        Objects.requireNonNull(idMapping, "idMapping");
        Objects.requireNonNull(commandTimeout, "commandTimeout");
        Objects.requireNonNull(agentBinary, "agentBinary");
        Objects.requireNonNull(kernelLimits, "kernelLimits");
        Objects.requireNonNull(network, "network");
        if (!dataDir.isAbsolute() || !SAFE_PATH.matcher(dataDir.toString()).matches()) {
            throw new IllegalArgumentException("dataDir must be an absolute path without commas, colons or blanks: "
                    + dataDir);
        }
        if (!CGROUP_NAME.matcher(cgroupParent).matches()) {
            throw new IllegalArgumentException("cgroupParent must be a plain lowercase name: " + cgroupParent);
        }
        if (commandTimeout.isNegative() || commandTimeout.isZero()) {
            throw new IllegalArgumentException("commandTimeout must be positive: " + commandTimeout);
        }
    }

    /**
     * runc, Debian's static tini (the dynamic one when it is missing), the default id range, cgroup "corral", no
     * agent (every command through {@code runc exec}) and the default {@link KernelLimits}.
     */
    public static OciRuntimeSettings defaults(Path dataDir) {
        Path staticTini = Path.of("/usr/bin/tini-static");
        Path tini = Files.isExecutable(staticTini) ? staticTini : Path.of("/usr/bin/tini");
        return new OciRuntimeSettings(dataDir, "runc", tini, IdMapping.DEFAULT, "corral", Duration.ofSeconds(60),
                Optional.empty(), KernelLimits.DEFAULTS, Optional.empty());
    }

    /** The same settings with another OCI runtime, e.g. {@code crun}. */
    public OciRuntimeSettings withRuntimeBinary(String binary) {
        return new OciRuntimeSettings(dataDir, binary, initBinary, idMapping, cgroupParent, commandTimeout,
                agentBinary, kernelLimits, network);
    }

    public OciRuntimeSettings withInitBinary(Path binary) {
        return new OciRuntimeSettings(dataDir, runtimeBinary, binary, idMapping, cgroupParent, commandTimeout,
                agentBinary, kernelLimits, network);
    }

    /** The same settings with the agent (a binary) or without it (empty). */
    public OciRuntimeSettings withAgentBinary(Optional<Path> binary) {
        return new OciRuntimeSettings(dataDir, runtimeBinary, initBinary, idMapping, cgroupParent, commandTimeout,
                binary, kernelLimits, network);
    }

    /** The same settings with other per-sandbox kernel limits. */
    public OciRuntimeSettings withKernelLimits(KernelLimits limits) {
        return new OciRuntimeSettings(dataDir, runtimeBinary, initBinary, idMapping, cgroupParent, commandTimeout,
                agentBinary, limits, network);
    }

    /** The same settings with networks for sandboxes that ask for one (empty: loopback only). */
    public OciRuntimeSettings withNetwork(Optional<NetworkSettings> settings) {
        return new OciRuntimeSettings(dataDir, runtimeBinary, initBinary, idMapping, cgroupParent, commandTimeout,
                agentBinary, kernelLimits, settings);
    }

    public Path runtimeDir() {
        return dataDir.resolve("runtime");
    }

    public Path runcRoot() {
        return dataDir.resolve("runc");
    }
}
