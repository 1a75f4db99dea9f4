package dev.corral.runtime.oci.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.core.sandbox.SandboxSpec;
import dev.corral.core.sandbox.WorkspaceMount;
import dev.corral.core.workspace.WorkspaceId;
import dev.corral.runtime.oci.agent.GuestLauncher;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Writes the OCI runtime spec ({@code config.json}) of a sandbox: what isolates it and what it may use.
 *
 * <ul>
 *   <li>PID 1 is tini, bind-mounted read-only from the host, reaping orphans and keeping the sandbox alive with
 *       {@code sleep infinity} as its only child; with an agent, that child starts as the agent, which forks
 *       itself off (tini adopts it) and becomes {@code sleep infinity};</li>
 *   <li>own pid, mount, ipc, uts and cgroup namespaces, a network namespace (Corral's, with the sandbox's
 *       {@code eth0}, or a new one holding only loopback), and a user namespace mapping the sandbox's ids onto the
 *       shared unprivileged host range;</li>
 *   <li>no new privileges, a small capability set (Docker's default without MKNOD, NET_RAW, AUDIT_WRITE and
 *       SETFCAP), the default-deny {@link SeccompProfile}, Docker's masked and read-only {@code /proc} paths;</li>
 *   <li>workspaces bind-mounted where the sandbox asked, read-only when it asked;</li>
 *   <li>cgroup limits: CPU quota of {@code vcpus} periods per period, memory with no swap on top, pids, and no
 *       devices but runc's defaults ({@code null}, {@code zero}, {@code random}, ...);</li>
 *   <li>its share of the kernel's host-wide counters ({@link KernelLimits}): rlimits on open files, pending
 *       signals and message queues, and a devpts instance of its own holding at most its cap of ptys.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class ContainerConfig {
    /** Where tini appears inside the sandbox. */
    static final String INIT_PATH = "/sbin/corral-init";
    static final long CPU_PERIOD_MICROS = 100_000;
    static final List<String> CAPABILITIES = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID",
            "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT");
    private static final List<String> MASKED_PATHS = List.of("/proc/acpi", "/proc/asound", "/proc/kcore",
            "/proc/keys", "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
            "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap");
    private static final List<String> READONLY_PATHS = List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
            "/proc/sysrq-trigger");
    private static final Map<String, String> BASE_ENV = Map.of(
            "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "HOME", "/root",
            "LANG", "C.UTF-8");

    private final ObjectMapper json;
    private final IdMapping mapping;
    private final Path initBinary;
    private final SeccompProfile seccomp;
    private final Function<WorkspaceId, Path> workspaceFiles;
    private final Optional<Path> agentBinary;
    private final KernelLimits kernelLimits;

    /** @param workspaceFiles the host directory of a workspace's files, which a mount binds */
    public ContainerConfig(ObjectMapper json, IdMapping mapping, Path initBinary, SeccompProfile seccomp,
                    Function<WorkspaceId, Path> workspaceFiles) {
        this(json, mapping, initBinary, seccomp, workspaceFiles, Optional.empty());
    }

    /** @param agentBinary the guest agent bound into every sandbox, with its socket directory; empty for none */
    public ContainerConfig(ObjectMapper json, IdMapping mapping, Path initBinary, SeccompProfile seccomp,
                    Function<WorkspaceId, Path> workspaceFiles, Optional<Path> agentBinary) {
        this(json, mapping, initBinary, seccomp, workspaceFiles, agentBinary, KernelLimits.DEFAULTS);
    }

    /** @param kernelLimits each sandbox's share of the kernel's host-wide counters */
    public ContainerConfig(ObjectMapper json, IdMapping mapping, Path initBinary, SeccompProfile seccomp,
                    Function<WorkspaceId, Path> workspaceFiles, Optional<Path> agentBinary,
                    KernelLimits kernelLimits) {
        this.kernelLimits = kernelLimits;
        this.agentBinary = agentBinary;
        this.json = json;
        this.workspaceFiles = workspaceFiles;
        this.mapping = mapping;
        this.initBinary = initBinary;
        this.seccomp = seccomp;
    }

    /** The spec of {@code spec}'s sandbox, whose cgroups runc is to make at {@code cgroupsPath}. */
    public ObjectNode forSandbox(SandboxSpec spec, String cgroupsPath) {
        return forSandbox(spec, cgroupsPath, Path.of("/nonexistent"));
    }

    /**
     * As {@link #forSandbox(SandboxSpec, String)}; with an agent, {@code guestDir} (the sandbox's socket directory
     * on the host) is bound read-write at {@code /.corral/run} and the agent's binary read-only at
     * {@code /.corral/bin/corral-guest}.
     */
    public ObjectNode forSandbox(SandboxSpec spec, String cgroupsPath, Path guestDir) {
        return forSandbox(spec, cgroupsPath, guestDir, Optional.empty());
    }

    /**
     * As {@link #forSandbox(SandboxSpec, String, Path)}, in the network namespace at {@code networkNamespace} when
     * one is given (made by Corral, owned by the host's user namespace) instead of a new one holding only loopback.
     * runc cannot join such a namespace (it enters the sandbox's user namespace first, and is then nobody in the
     * host's), so the spec names no network namespace and runc is started in that one, which the sandbox shares
     * (see {@code OciRuntimeCli#run}). sysfs cannot be mounted from a user namespace that does not own the network
     * namespace, so such a sandbox's {@code /sys} is an empty read-only tmpfs holding only the cgroup mount.
     */
    public ObjectNode forSandbox(SandboxSpec spec, String cgroupsPath, Path guestDir,
                                 Optional<Path> networkNamespace) {
        return forSandbox(spec, cgroupsPath, guestDir, networkNamespace, Optional.empty());
    }

    /**
     * As {@link #forSandbox(SandboxSpec, String, Path, Optional)}, with {@code resolvConf} (a file of the sandbox's
     * directory naming its DNS forwarder) bound read-only at /etc/resolv.conf: the host writes it and the template
     * cannot shadow it. Root in the sandbox could still unmount it and write its own; the firewall, which lets DNS
     * reach the forwarder only, is what holds then.
     */
    public ObjectNode forSandbox(SandboxSpec spec, String cgroupsPath, Path guestDir,
                                 Optional<Path> networkNamespace, Optional<Path> resolvConf) {
        ObjectNode config = json.createObjectNode();
        config.put("ociVersion", "1.0.2");
        config.set("process", process(spec));
        config.putObject("root").put("path", "rootfs").put("readonly", false);
        config.put("hostname", spec.id().value());
        ArrayNode mounts = mounts(spec.mounts(), guestDir, networkNamespace.isPresent());
        resolvConf.ifPresent(file -> mount(mounts, "/etc/resolv.conf", "bind", file.toString(),
                List.of("bind", "ro", "nosuid", "nodev", "noexec")));
        config.set("mounts", mounts);
        config.set("linux", linux(spec, cgroupsPath, networkNamespace));
        return config;
    }

    /**
     * The process of one exec: the sandbox's own process from its {@code config.json} (capabilities, limits, no
     * new privileges, environment) running {@code args}, with {@code env} added to and overriding the sandbox's.
     */
    public ObjectNode forExec(JsonNode sandboxConfig, List<String> args, Map<String, String> env) {
        ObjectNode process = sandboxConfig.path("process").deepCopy();
        strings(process.putArray("args"), args);
        var merged = new LinkedHashMap<String, String>();
        process.path("env").forEach(entry -> {
            String text = entry.asText();
            int equals = text.indexOf('=');
            merged.put(text.substring(0, equals), text.substring(equals + 1));
        });
        // Replaced rather than appended: with a name twice, C programs would see the first, the sandbox's value.
        merged.putAll(env);
        ArrayNode envArray = process.putArray("env");
        merged.forEach((name, value) -> envArray.add(name + "=" + value));
        return process;
    }

    private ObjectNode process(SandboxSpec spec) {
        ObjectNode process = json.createObjectNode();
        process.put("terminal", false);
        process.putObject("user").put("uid", 0).put("gid", 0);
        strings(process.putArray("args"), agentBinary.isPresent()
                ? List.of(INIT_PATH, "--", GuestLauncher.BINARY, "--socket",
                        GuestLauncher.RUN_DIR + "/" + GuestLauncher.FIRST_SOCKET, "--nice", GuestLauncher.NICENESS,
                        "--then", "sleep", "infinity")
                : List.of(INIT_PATH, "--", "sleep", "infinity"));
        var env = new LinkedHashMap<>(BASE_ENV);
        env.putAll(spec.env());
        ArrayNode envArray = process.putArray("env");
        env.forEach((name, value) -> envArray.add(name + "=" + value));
        process.put("cwd", "/");
        ObjectNode capabilities = process.putObject("capabilities");
        for (String set : List.of("bounding", "effective", "permitted")) {
            strings(capabilities.putArray(set), CAPABILITIES);
        }
        // Soft and hard alike: no process in the sandbox can raise them (it lacks CAP_SYS_RESOURCE). runc sets them
        // on the init from outside; the agent, its commands and every runc exec (whose process is this one) share them.
        ArrayNode rlimits = process.putArray("rlimits");
        rlimit(rlimits, "RLIMIT_NOFILE", kernelLimits.openFiles());
        rlimit(rlimits, "RLIMIT_SIGPENDING", kernelLimits.pendingSignals());
        rlimit(rlimits, "RLIMIT_MSGQUEUE", kernelLimits.messageQueueBytes());
        process.put("noNewPrivileges", true);
        return process;
    }

    private ArrayNode mounts(List<WorkspaceMount> workspaces, Path guestDir, boolean hostNetworkNamespace) {
        ArrayNode mounts = json.createArrayNode();
        mount(mounts, "/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev"));
        mount(mounts, "/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k"));
        // An instance of its own (runc points /dev/ptmx at its ptmx), whose max caps the sandbox's share of the
        // host's kernel.pty.max.
        mount(mounts, "/dev/pts", "devpts", "devpts", List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666",
                "mode=0620", "gid=5", "max=" + kernelLimits.ptys()));
        mount(mounts, "/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k"));
        mount(mounts, "/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev"));
        if (hostNetworkNamespace) {
            // runc makes a read-only tmpfs read-only only after the mounts below it are made.
            mount(mounts, "/sys", "tmpfs", "tmpfs", List.of("nosuid", "noexec", "nodev", "ro", "mode=755",
                    "size=64k"));
        } else {
            mount(mounts, "/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro"));
        }
        // Read-only and, with the cgroup namespace, showing only the sandbox's own limits: runtimes such as the
        // JVM size themselves from them.
        mount(mounts, "/sys/fs/cgroup", "cgroup", "cgroup", List.of("nosuid", "noexec", "nodev", "relatime", "ro"));
        mount(mounts, INIT_PATH, "bind", initBinary.toString(), List.of("bind", "ro", "nosuid", "nodev"));
        agentBinary.ifPresent(binary -> {
            mount(mounts, GuestLauncher.RUN_DIR, "bind", guestDir.toString(),
                    List.of("bind", "rw", "nosuid", "nodev", "noexec"));
            mount(mounts, GuestLauncher.BINARY, "bind", binary.toString(), List.of("bind", "ro", "nosuid", "nodev"));
        });
        // The workspace's files belong to the host user that is root in every sandbox, so through the user
        // namespace they are root's inside and nobody's privileged outside; ro is enforced by the kernel.
        for (WorkspaceMount workspace : workspaces) {
            mount(mounts, workspace.path(), "bind", workspaceFiles.apply(workspace.workspaceId()).toString(),
                    List.of("rbind", "nosuid", "nodev", workspace.readOnly() ? "ro" : "rw"));
        }
        return mounts;
    }

    private ObjectNode linux(SandboxSpec spec, String cgroupsPath, Optional<Path> networkNamespace) {
        ObjectNode linux = json.createObjectNode();
        ArrayNode namespaces = linux.putArray("namespaces");
        for (String type : List.of("pid", "network", "ipc", "uts", "mount", "user", "cgroup")) {
            if (!type.equals("network") || networkNamespace.isEmpty()) {
                namespaces.addObject().put("type", type);
            }
        }
        for (String field : List.of("uidMappings", "gidMappings")) {
            linux.putArray(field).addObject()
                    .put("containerID", 0).put("hostID", mapping.hostId()).put("size", mapping.size());
        }
        linux.put("cgroupsPath", cgroupsPath);
        ObjectNode resources = linux.putObject("resources");
        resources.putArray("devices").addObject().put("allow", false).put("access", "rwm");
        long memory = spec.resources().memoryBytes();
        resources.putObject("memory").put("limit", memory).put("swap", memory);
        resources.putObject("cpu")
                .put("quota", spec.resources().vcpus() * CPU_PERIOD_MICROS).put("period", CPU_PERIOD_MICROS);
        resources.putObject("pids").put("limit", spec.resources().pids());
        strings(linux.putArray("maskedPaths"), MASKED_PATHS);
        strings(linux.putArray("readonlyPaths"), READONLY_PATHS);
        linux.set("seccomp", seccomp.json());
        return linux;
    }

    private void mount(ArrayNode mounts, String destination, String type, String source, List<String> options) {
        ObjectNode mount = mounts.addObject();
        mount.put("destination", destination).put("type", type).put("source", source);
        strings(mount.putArray("options"), options);
    }

    private static void rlimit(ArrayNode rlimits, String type, long value) {
        rlimits.addObject().put("type", type).put("hard", value).put("soft", value);
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }
}
