package dev.corral.runtime.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.core.error.CorralException;
import dev.corral.core.sandbox.EgressPolicy;
import dev.corral.core.sandbox.NetworkUsage;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.SandboxRuntime;
import dev.corral.core.sandbox.SandboxSpec;
import dev.corral.core.sandbox.SandboxState;
import dev.corral.core.sandbox.exec.ExecSpec;
import dev.corral.core.sandbox.exec.ExecStream;
import dev.corral.core.sandbox.lifecycle.SandboxLocks;
import dev.corral.core.sandbox.ports.ListeningPort;
import dev.corral.core.sandbox.terminal.Terminal;
import dev.corral.core.sandbox.terminal.TerminalSpec;
import dev.corral.core.sandbox.processes.RuntimeProcess;
import dev.corral.runtime.oci.agent.AgentExecs;
import dev.corral.runtime.oci.agent.AgentProcesses;
import dev.corral.runtime.oci.agent.AgentTerminal;
import dev.corral.runtime.oci.agent.GuestClient;
import dev.corral.runtime.oci.agent.GuestClients;
import dev.corral.runtime.oci.agent.GuestLauncher;
import dev.corral.runtime.oci.bundle.ContainerConfig;
import dev.corral.runtime.oci.bundle.RuntimeDirectories;
import dev.corral.runtime.oci.bundle.SandboxPaths;
import dev.corral.runtime.oci.bundle.SandboxProcesses;
import dev.corral.runtime.oci.bundle.SeccompProfile;
import dev.corral.runtime.oci.cgroup.SandboxCgroups;
import dev.corral.runtime.oci.cgroup.SandboxFreezer;
import dev.corral.runtime.oci.disk.LoopDevices;
import dev.corral.runtime.oci.disk.MountTable;
import dev.corral.runtime.oci.exec.SandboxExecs;
import dev.corral.runtime.oci.network.ListeningSockets;
import dev.corral.runtime.oci.network.NetworkNames;
import dev.corral.runtime.oci.network.SandboxNetworks;
import dev.corral.runtime.oci.process.OciRuntimeCli;
import dev.corral.runtime.oci.process.ProcessRunner;
import dev.corral.runtime.oci.process.UserNamespaceLimits;
import dev.corral.runtime.oci.rootfs.SandboxFilesystem;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.BiConsumer;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each sandbox as an OCI container on this host with runc (or crun): an overlay root filesystem over a
 * template on a size-capped disk image of its own, a generated {@code config.json} (see {@link ContainerConfig}),
 * and tini as PID 1. Keeps no state in memory: runc's state directory, the mount table, the cgroup tree and the
 * sandbox directories are the truth, so a restarted server finds everything as it was.
 *
 * <p>Threading: safe for any number of threads. Transitions of one sandbox hold its lock from
 * {@link SandboxLocks}; execs take no lock and run concurrently. Every call blocks its caller.
 */
public final class RuncSandboxRuntime implements SandboxRuntime {
    private static final Logger log = LoggerFactory.getLogger(RuncSandboxRuntime.class);
    /** How long a killed init may take to exit before runc's own forced delete takes over. */
    private static final Duration KILL_WAIT = Duration.ofSeconds(5);
    private static final Duration EXIT_POLL = Duration.ofMillis(2);
    /** A terminal's shell when it names no command: found by path, as the agent never reads /etc/passwd. */
    private static final String LOGIN_SHELL = "if [ -x /bin/bash ]; then exec /bin/bash -l; else exec /bin/sh -l; fi";
    private final TemplateRootfs templates;
    private final RuntimeDirectories directories;
    private final OciRuntimeCli cli;
    private final SandboxFilesystem filesystem;
    private final SandboxCgroups cgroups;
    private final SandboxFreezer freezer;
    private final ContainerConfig containerConfig;
    private final UserNamespaceLimits namespaceLimits;
    private final SandboxExecs execs;
    /** Present when commands and files go through each sandbox's guest agent rather than runc exec. */
    private final Optional<AgentExecs> agentExecs;
    private final Optional<AgentProcesses> agentProcesses;
    private final GuestClients guests;
    /** Present when sandboxes may have a network of their own; without it they have loopback only. */
    private final Optional<SandboxNetworks> networks;
    private final MountTable mounts = MountTable.ofThisProcess();
    private final SandboxLocks locks = new SandboxLocks();
    private final ObjectMapper json = new ObjectMapper();
    private final SandboxProcesses configProcesses = new SandboxProcesses(json);

    /**
     * @throws IllegalStateException when the data directory is not searchable by others, which runc needs (see
     *                               {@link RuntimeDirectories})
     */
    public RuncSandboxRuntime(OciRuntimeSettings settings, TemplateRootfs templates,
                              WorkspaceDirectories workspaces, ProcessRunner runner) {
        this.templates = templates;
        this.directories = new RuntimeDirectories(settings);
        this.cli = new OciRuntimeCli(settings.runtimeBinary(), settings.runcRoot(), runner, json,
                settings.commandTimeout());
        this.filesystem = new SandboxFilesystem(runner, mounts, LoopDevices.ofHost(), settings.idMapping());
        this.cgroups = new SandboxCgroups(Path.of("/sys/fs/cgroup"), settings.cgroupParent());
        this.freezer = new SandboxFreezer(Path.of("/sys/fs/cgroup"), settings.cgroupParent());
        this.containerConfig = new ContainerConfig(json, settings.idMapping(), settings.initBinary(),
                SeccompProfile.forThisHost(json), workspaces::filesOf, settings.agentBinary(),
                settings.kernelLimits());
        this.namespaceLimits = new UserNamespaceLimits(runner, settings.kernelLimits());
        this.execs = new SandboxExecs(cli, cgroups, runner, containerConfig, json, this::neverStarted);
        this.agentExecs = settings.agentBinary().map(binary -> new AgentExecs(containerConfig, configProcesses,
                this::neverStarted));
        this.agentProcesses = agentExecs.map(AgentProcesses::new);
        this.guests = new GuestClients(this::launchAgent);
        this.networks = settings.network().map(network -> new SandboxNetworks(network, directories, runner));
    }

    /**
     * Makes the host ready for the sandboxes' networks (see {@link SandboxNetworks#prepareHost()}), when this
     * runtime gives sandboxes networks; called once at server start.
     *
     * @throws IllegalStateException when the configured subnet overlaps a route of the host
     */
    public void prepareNetwork() {
        networks.ifPresent(SandboxNetworks::prepareHost);
    }

    @Override
    public void changeNetwork(SandboxId id, EgressPolicy policy) {
        transition(id, () -> networks().change(paths(id), policy));
    }

    @Override
    public Optional<InetAddress> address(SandboxId id) {
        return networks.flatMap(n -> n.inetAddress(paths(id)));
    }

    @Override
    public Optional<NetworkUsage> networkUsage(SandboxId id) {
        return networks.flatMap(n -> n.usage(paths(id)));
    }

    @Override
    public NetworkUsage networkTotals() {
        return networks.map(SandboxNetworks::totals).orElse(NetworkUsage.NONE);
    }

    /** Read from the sandbox's network namespace as its init sees it, from the host: nothing runs in it. */
    @Override
    public List<ListeningPort> listeningPorts(SandboxId id) {
        long pid = initPid(paths(id)).orElseThrow(() -> CorralException.invalidState("Sandbox " + id
                + " is not running"));
        try {
            return ListeningSockets.parse(Files.readString(Path.of("/proc", Long.toString(pid), "net", "tcp")),
                    Files.readString(Path.of("/proc", Long.toString(pid), "net", "tcp6")));
        } catch (IOException e) {
            throw CorralException.invalidState("Sandbox " + id + " is not running (its init is gone)");
        }
    }

    /**
     * Stops what {@link #prepareNetwork()} started on the host (the sandboxes' DNS forwarder, the making of network
     * slots) and removes the slots no sandbox claimed, at shutdown.
     */
    public void closeNetwork() {
        networks.ifPresent(SandboxNetworks::close);
    }

    /**
     * Who hears what the runtime did on its own in a sandbox, such as restarting its agent: the sandbox's logs.
     * Called on whatever thread noticed it.
     */
    public void onNotice(BiConsumer<SandboxId, String> listener) {
        guests.onNotice(listener);
    }

    /** Whether commands and files go through each sandbox's guest agent. */
    public boolean usesAgent() {
        return agentExecs.isPresent();
    }

    /**
     * Whether this sandbox's commands and files go through its agent: with {@code guest: agent}, for every sandbox
     * made so (its guest directory is bound into it); one made by a server with {@code guest: runc} has no agent
     * bound in, and keeps being reached with {@code runc exec}.
     */
    public boolean hasAgent(SandboxId id) {
        return agentExecs.isPresent() && Files.isDirectory(paths(id).guestDir(), LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * The way to the agent of a running sandbox.
     *
     * @throws CorralException {@code invalid_state} for a paused or stopped sandbox, {@code not_found} for one
     *                         that is gone, {@code invalid_state} when this runtime runs no agents
     */
    public GuestClient guest(SandboxId id) {
        if (agentExecs.isEmpty()) {
            throw CorralException.invalidState("This server runs commands without the guest agent: set guest to "
                    + "agent");
        }
        // The freezer cgroup answers with a file read where runc state would start a process.
        if (!freezer.frozen(id).equals(Optional.of(false))) {
            throw neverStarted(id, "the sandbox is not running");
        }
        return guests.of(id, paths(id).guestDir());
    }

    /** Refuses when the OCI runtime's binary is not installed, which no sandbox can run without. */
    @Override
    public void requireAvailable() {
        if (!cli.installed()) {
            throw CorralException.runtimeUnavailable("The OCI runtime " + cli.binary() + " is not installed on this"
                    + " server; sandboxes cannot run until it is", null);
        }
    }

    @Override
    public void create(SandboxSpec spec) {
        SandboxId id = spec.id();
        Path templateRootfs = templates.rootfs(spec.template(), line -> log.info("template {}: {}",
                spec.template(), line));
        ReentrantLock lock = locks.of(id);
        lock.lock();
        try {
            SandboxPaths paths = paths(id);
            if (Files.exists(paths.dir()) || cli.status(id.value()).isPresent()) {
                throw CorralException.conflict("Sandbox " + id + " already exists");
            }
            try {
                directories.createSandboxDir(paths);
                Files.writeString(paths.templateName(), spec.template());
                // Its host commands overlap the disk's: most of their time is process start-up, not work.
                FutureTask<Optional<Path>> network = connect(spec, paths);
                try {
                    filesystem.createDisk(paths, spec.resources().diskBytes());
                    filesystem.mount(paths, templateRootfs);
                    filesystem.seed(paths);
                } catch (RuntimeException e) {
                    try {
                        finish(network);
                    } catch (RuntimeException alsoFailed) {
                        e.addSuppressed(alsoFailed);
                    }
                    throw e;
                }
                Optional<Path> networkNamespace = finish(network);
                configProcesses.forget(paths.config());
                Files.createFile(paths.config(), PosixFilePermissions.asFileAttribute(SandboxPaths.PRIVATE_FILE));
                json.writerWithDefaultPrettyPrinter().writeValue(paths.config().toFile(),
                        containerConfig.forSandbox(spec, cgroups.cgroupsPath(id), paths.guestDir(),
                                networkNamespace, networkNamespace.map(namespace -> paths.resolvConf())));
                startContainer(paths);
            } catch (IOException | RuntimeException e) {
                try {
                    remove(id);
                } catch (IOException | RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e instanceof RuntimeException runtime ? runtime
                        : CorralException.runtimeUnavailable("Cannot create sandbox " + id + ": " + e, e);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Gives the new sandbox its network on a virtual thread of its own, when it asks for one.
     *
     * @return the path of its network namespace, or empty for loopback only, once {@link #finish finished}
     */
    private FutureTask<Optional<Path>> connect(SandboxSpec spec, SandboxPaths paths) {
        var task = new FutureTask<>(() -> spec.network().egress().map(policy -> networks().connect(paths,
                policy, spec.bandwidth())));
        if (spec.network().loopbackOnly()) {
            task.run();
        } else {
            Thread.ofVirtual().name("corral-network-" + spec.id()).start(task);
        }
        return task;
    }

    /**
     * Waits for {@link #connect} to end, even when interrupted (the interrupt is kept): the clean-up of a failed
     * create must not race it. Its failure is thrown as it was.
     */
    private static Optional<Path> finish(FutureTask<Optional<Path>> network) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return network.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof RuntimeException failure ? failure
                            : CorralException.runtimeUnavailable("Cannot make the sandbox's network: "
                            + e.getCause(), e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public ExecStream exec(SandboxId id, ExecSpec spec) {
        return start(id, spec, null);
    }

    @Override
    public ExecStream exec(SandboxId id, ExecSpec spec, InputStream stdin) {
        return start(id, spec, java.util.Objects.requireNonNull(stdin, "stdin"));
    }

    private ExecStream start(SandboxId id, ExecSpec spec, InputStream stdin) {
        if (hasAgent(id)) {
            return agentExecs.get().start(guest(id), paths(id).config(), spec, stdin, false);
        }
        return execs.start(paths(id), spec, stdin, networkNamespace(paths(id)));
    }

    @Override
    public boolean keepsProcesses() {
        return agentProcesses.isPresent();
    }

    @Override
    public ExecStream startBackground(SandboxId id, String processId, ExecSpec spec, Optional<InputStream> stdin) {
        if (!hasAgent(id)) {
            return SandboxRuntime.super.startBackground(id, processId, spec, stdin);
        }
        SandboxPaths paths = paths(id);
        return agentProcesses.get().start(guest(id), paths.config(), paths.processesDir(), processId, spec, stdin);
    }

    @Override
    public List<RuntimeProcess> processes(SandboxId id) {
        if (!hasAgent(id)) {
            return SandboxRuntime.super.processes(id);
        }
        return agentProcesses.get().list(guest(id), paths(id).processesDir());
    }

    @Override
    public ExecStream attach(SandboxId id, String processId) {
        if (!hasAgent(id)) {
            return SandboxRuntime.super.attach(id, processId);
        }
        return agentProcesses.get().attach(guest(id), paths(id).processesDir(), processId);
    }

    @Override
    public void signal(SandboxId id, String processId, int signal) {
        if (!hasAgent(id)) {
            SandboxRuntime.super.signal(id, processId, signal);
            return;
        }
        agentProcesses.get().signal(guest(id), paths(id).processesDir(), processId, signal);
    }

    /** A terminal through the sandbox's agent: its login shell (bash when it has one) or the command, on a pty. */
    @Override
    public Terminal openTerminal(SandboxId id, TerminalSpec spec) {
        if (!hasAgent(id)) {
            return SandboxRuntime.super.openTerminal(id, spec);
        }
        var env = new java.util.HashMap<String, String>();
        env.put("TERM", "xterm-256color");
        env.putAll(spec.env());
        var exec = new ExecSpec(spec.command().orElse(LOGIN_SHELL), spec.cwd(), env, ExecSpec.UNTIL_KILLED,
                Long.MAX_VALUE);
        GuestClient guest = guest(id);
        return AgentTerminal.open(guest.connect(), agentExecs.get().request(paths(id).config(), exec, true, false,
                Optional.of(spec.size())));
    }

    @Override
    public void pause(SandboxId id) {
        transition(id, () -> freeze(id, true, "Sandbox " + id + " is stopped and cannot be paused"));
    }

    @Override
    public void resume(SandboxId id) {
        transition(id, () -> freeze(id, false, "Sandbox " + id + " is stopped; start it instead"));
    }

    /**
     * Freezes or thaws the sandbox unless it already is so. The freezer cgroup tells without starting a runc;
     * {@code runc state} answers when it cannot (no cgroup: the sandbox is not running).
     */
    private void freeze(SandboxId id, boolean freeze, String whenStopped) {
        boolean frozen = freezer.frozen(id).orElseGet(() -> switch (existingState(id)) {
            case PAUSED -> true;
            case RUNNING -> false;
            default -> throw CorralException.invalidState(whenStopped);
        });
        if (frozen == freeze) {
            return;
        }
        // The freezer cgroup directly, as runc would write it; runc itself only where there is none to write.
        if (freeze && !freezer.freeze(id)) {
            cli.pause(id.value());
        } else if (!freeze && !freezer.thaw(id)) {
            cli.resume(id.value());
        }
    }

    @Override
    public void stop(SandboxId id) {
        transition(id, () -> {
            existingState(id);
            guests.forget(id);
            configProcesses.forget(paths(id).config());
            endContainer(id);
            filesystem.unmount(paths(id));
        });
    }

    @Override
    public void start(SandboxId id) {
        transition(id, () -> {
            if (existingState(id) != SandboxState.STOPPED) {
                return;
            }
            SandboxPaths paths = paths(id);
            endContainer(id);
            if (Files.exists(paths.networkAddress())) {
                networks().reconnect(paths);
                networks().applyRules();
            }
            String template = read(paths.templateName());
            filesystem.mount(paths, templates.rootfs(template, line -> log.info("template {}: {}", template, line)));
            startContainer(paths);
        });
    }

    @Override
    public void destroy(SandboxId id) {
        transition(id, () -> remove(id));
    }

    @Override
    public SandboxState state(SandboxId id) {
        return cli.status(id.value()).map(RuncSandboxRuntime::stateOf)
                .orElseGet(() -> Files.isDirectory(paths(id).dir()) ? SandboxState.STOPPED : SandboxState.ABSENT);
    }

    @Override
    public Map<SandboxId, SandboxState> list() {
        var states = new TreeMap<SandboxId, SandboxState>(Comparator.comparing(SandboxId::value));
        cli.statuses().forEach((name, status) -> {
            if (SandboxId.isId(name)) {
                states.put(new SandboxId(name), stateOf(status));
            }
        });
        for (SandboxId id : directories.sandboxes()) {
            states.putIfAbsent(id, SandboxState.STOPPED);
        }
        return states;
    }

    @Override
    public Set<SandboxId> removeAllExcept(Set<SandboxId> known) {
        // Only what this runtime's state directory and data directory hold: the cgroup parent and the mount
        // table are shared with any other Corral (or test run) on the host, whose sandboxes are not strays.
        var removed = new LinkedHashSet<SandboxId>();
        for (SandboxId id : list().keySet()) {
            if (!known.contains(id)) {
                log.info("removing sandbox {}, which nobody knows of", id);
                destroy(id);
                removed.add(id);
            }
        }
        networks.ifPresent(this::reconcileNetworks);
        return removed;
    }

    /**
     * Makes the network of every running sandbox that has one whole again (after a host's network was changed
     * under a stopped server) and writes the rules of all of them: what a restarted server finds is enforced.
     * A network or rules that cannot be made are logged, not thrown: the rest of the reconciliation goes on, the
     * rules the kernel holds stay as they were, and creating a sandbox with a network fails until it works.
     */
    private void reconcileNetworks(SandboxNetworks networks) {
        for (var entry : list().entrySet()) {
            SandboxPaths paths = paths(entry.getKey());
            if (entry.getValue() != SandboxState.STOPPED && networks.hasNetwork(paths)) {
                try {
                    transition(entry.getKey(), () -> networks.reconnect(paths));
                } catch (CorralException e) {
                    log.error("the network of sandbox {} could not be restored: {}", entry.getKey(), e.getMessage());
                }
            }
        }
        try {
            networks.applyRules();
        } catch (CorralException e) {
            log.error("the sandboxes' network rules could not be written: {}", e.getMessage());
        }
    }

    /**
     * The network namespace Corral made for the sandbox, which every runc that starts a process in it must be
     * started in (see {@link OciRuntimeCli#run}); empty for a sandbox with loopback only.
     *
     * @throws CorralException {@code runtime_unavailable} for a sandbox with a network on a server that gives none:
     *                         its processes would start in the host's network
     */
    private Optional<Path> networkNamespace(SandboxPaths paths) {
        if (!Files.exists(paths.networkAddress())) {
            return Optional.empty();
        }
        return Optional.of(networks().namespacePath(paths));
    }

    /** The networks made ahead of time for the next sandboxes, by address: none when this server gives none. */
    Map<Integer, NetworkNames> networkSlots() {
        return networks.map(SandboxNetworks::slots).orElse(Map.of());
    }

    /** The sandboxes' networks, which a sandbox asking for one needs. */
    private SandboxNetworks networks() {
        return networks.orElseThrow(() -> CorralException.runtimeUnavailable("This server gives sandboxes no "
                + "network of their own (no network-subnet is configured); create it with network \"none\"", null));
    }

    private void startContainer(SandboxPaths paths) throws IOException {
        Files.createDirectories(paths.execDir());
        guests.forget(paths.id());
        configProcesses.forget(paths.config());
        if (agentExecs.isPresent()) {
            createGuestDir(paths.guestDir());
            // The last run's sockets are dead; the new agent's must not be mistaken for one of them.
            guests.of(paths.id(), paths.guestDir()).clear();
            // What the last run kept in the background ended with it.
            directories.deleteTree(paths.processesDir());
        }
        cli.run(paths.id().value(), paths.bundle(), paths.initPidFile(), paths.runcLog(), networkNamespace(paths));
        // Before any command of the sandbox's runs: so far only its init and agent do.
        namespaceLimits.applyTo(initPid(paths).orElseThrow(() -> CorralException.runtimeUnavailable(
                "Sandbox " + paths.id() + " started without writing its init's pid", null)));
        if (agentExecs.isPresent()) {
            GuestClient guest = guests.of(paths.id(), paths.guestDir());
            if (initStartsAgent(paths)) {
                guest.adoptFirst();
            } else {
                guest.launchFirst();
            }
        }
    }

    /** The guest directory, host root's with mode {@code 1733} whatever the umask (see {@link GuestClient}). */
    private static void createGuestDir(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(dir);
        }
        Files.setAttribute(dir, "unix:mode", 01733, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Whether the sandbox's init starts its first agent itself (see {@link ContainerConfig}); reads the process its
     * commands will start from, which is then kept for them.
     */
    private boolean initStartsAgent(SandboxPaths paths) throws IOException {
        for (JsonNode arg : configProcesses.of(paths.config()).path("process").path("args")) {
            if (arg.asText().equals(GuestLauncher.BINARY)) {
                return true;
            }
        }
        return false;
    }

    /** Starts the agent in the sandbox with {@code runc exec --detach}, from a process file only root reads. */
    private void launchAgent(SandboxId id, String socketName) {
        SandboxPaths paths = paths(id);
        String binary = GuestLauncher.BINARY;
        Path processFile = paths.execDir().resolve("agent-" + UUID.randomUUID() + ".json");
        try {
            var process = containerConfig.forExec(configProcesses.of(paths.config()),
                    List.of(binary, "--socket", GuestLauncher.RUN_DIR + "/" + socketName, "--detach"), Map.of());
            Files.createFile(processFile, PosixFilePermissions.asFileAttribute(SandboxPaths.PRIVATE_FILE));
            json.writeValue(processFile.toFile(), process);
            cli.execDetached(id.value(), processFile, networkNamespace(paths));
        } catch (IOException e) {
            throw CorralException.runtimeUnavailable("Cannot start the guest agent of sandbox " + id + ": " + e, e);
        } finally {
            try {
                Files.deleteIfExists(processFile);
            } catch (IOException e) {
                // removed with the sandbox's directory
            }
        }
    }

    /** Removes everything of the sandbox, whatever state a crash left it in. */
    private void remove(SandboxId id) throws IOException {
        SandboxPaths paths = paths(id);
        guests.forget(id);
        configProcesses.forget(paths.config());
        endContainer(id);
        if (networks.isPresent()) {
            networks.get().disconnect(paths);
        }
        filesystem.unmount(paths);
        cgroups.remove(id);
        List<Path> stillMounted = mounts.mountPointsUnder(paths.dir());
        if (!stillMounted.isEmpty()) {
            throw CorralException.runtimeUnavailable("Sandbox " + id + " still has mounts: " + stillMounted, null);
        }
        directories.deleteSandboxDir(paths);
    }

    /**
     * Ends the container: SIGKILL to its init (which ends its pid namespace), a wait for the init to be gone, and a
     * plain delete. {@code runc delete --force} would do it in one call, but runc 1.1 sleeps 100 ms after its
     * SIGKILL before it first looks; it remains the fallback when the init outlives {@link #KILL_WAIT}.
     */
    private void endContainer(SandboxId id) {
        var status = cli.status(id.value());
        if (status.isEmpty()) {
            return;
        }
        if (status.get().equals("paused")) {
            // A frozen process cannot act on SIGKILL until thawed, and runc would wait for it.
            cli.resume(id.value());
        }
        if (!status.get().equals("stopped")) {
            OptionalLong init = initPid(paths(id));
            cli.kill(id.value());
            if (init.isPresent() && !awaitExit(init.getAsLong())) {
                cli.forceDelete(id.value());
                return;
            }
        }
        cli.delete(id.value());
    }

    /** The host pid of the sandbox's init, as runc wrote it at start. */
    private static OptionalLong initPid(SandboxPaths paths) {
        try {
            return OptionalLong.of(Long.parseLong(Files.readString(paths.initPidFile()).strip()));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** Waits for {@code pid} to exit; true once it has, false when it outlived {@link #KILL_WAIT}. */
    private static boolean awaitExit(long pid) {
        long deadline = System.nanoTime() + KILL_WAIT.toNanos();
        try {
            while (!hasExited(pid)) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(EXIT_POLL.toMillis());
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Gone, or a zombie: the kernel ended it, whoever reaps it (runc counts a zombie init as stopped too). */
    private static boolean hasExited(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state == 'Z' || state == 'X';
        } catch (IOException | IndexOutOfBoundsException e) {
            return true;
        }
    }

    /** The sandbox's state, which must not be absent. */
    private SandboxState existingState(SandboxId id) {
        SandboxState state = state(id);
        if (state == SandboxState.ABSENT) {
            throw CorralException.notFound("sandbox", id.value());
        }
        return state;
    }

    private CorralException neverStarted(SandboxId id, String runcStderr) {
        return switch (state(id)) {
            case PAUSED -> CorralException.invalidState("Sandbox " + id + " is paused; resume it to run commands");
            case STOPPED -> CorralException.invalidState("Sandbox " + id + " is stopped");
            case ABSENT -> CorralException.notFound("sandbox", id.value());
            case RUNNING -> CorralException.runtimeUnavailable("Cannot start a command in sandbox " + id + ": "
                    + runcStderr, null);
        };
    }

    private void transition(SandboxId id, Transition transition) {
        ReentrantLock lock = locks.of(id);
        lock.lock();
        try {
            transition.run();
        } catch (IOException e) {
            throw CorralException.runtimeUnavailable("Sandbox " + id + ": " + e, e);
        } finally {
            lock.unlock();
        }
    }

    /** One state change of one sandbox, run under its lock. */
    @FunctionalInterface
    private interface Transition {
        void run() throws IOException;
    }

    private static SandboxState stateOf(String runcStatus) {
        return switch (runcStatus) {
            case "running" -> SandboxState.RUNNING;
            case "paused", "pausing" -> SandboxState.PAUSED;
            // "created" (never started) and "stopped" (its init died) hold no running process either
            default -> SandboxState.STOPPED;
        };
    }

    private SandboxPaths paths(SandboxId id) {
        return directories.of(id);
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file).strip();
    }

}
