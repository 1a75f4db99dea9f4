package dev.corral.runtime.oci.network;

import dev.corral.core.error.CorralException;
import dev.corral.core.plan.Bandwidth;
import dev.corral.core.sandbox.EgressPolicy;
import dev.corral.core.sandbox.Ipv4Subnet;
import dev.corral.core.sandbox.NetworkUsage;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.SandboxSpec;
import dev.corral.runtime.oci.bundle.RuntimeDirectories;
import dev.corral.runtime.oci.bundle.SandboxPaths;
import dev.corral.runtime.oci.process.ProcessRunner;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Gives sandboxes a network of their own on this host and takes it back: a network namespace made by Corral
 * ({@code ip netns add}, so it belongs to the host's user namespace and root in the sandbox cannot change its
 * addresses, routes or rules), a veth pair whose host end is an isolated port of the bridge (sandboxes cannot reach
 * each other at layer 2) and whose other end is the sandbox's {@code eth0}, an address from the subnet with the
 * bridge as default route, each end of the pair shaped to the sandbox's bandwidth ({@link TrafficShaping}), and
 * the {@link EgressRules} of every sandbox rewritten whole on each change. What each network carries is counted by
 * the kernel and read by {@link TrafficCounters}.
 *
 * <p>A sandbox's address is kept in its directory ({@link SandboxPaths#networkAddress()}) from before its
 * namespace is made until after it is removed, so the runtime's directories name every network it made, a
 * restarted server finds them again, and an address is never given twice while its sandbox exists. Its egress
 * policy, when not the default, is kept beside it ({@link SandboxPaths#egressPolicy()}), and so is its bandwidth
 * ({@link SandboxPaths#bandwidth()}), so that a network made again is shaped as the first one was.
 *
 * <p>Fails closed: a network that cannot be made whole or shaped, or rules that cannot be applied, are a
 * {@code runtime_unavailable} and the sandbox does not start; what was made is taken back first.
 *
 * <p>Threading: safe for any number of threads. Callers hold the sandbox's own lock; one lock here orders the
 * allocation of addresses and the writing of the rules, so the rules written last hold every address.
 */
public final class SandboxNetworks {
    private static final Path NAMESPACES = Path.of("/run/netns");
    private static final Path INTERFACES = Path.of("/sys/class/net");
    private static final Path IP_FORWARD = Path.of("/proc/sys/net/ipv4/ip_forward");

    private final NetworkSettings settings;
    private final RuntimeDirectories directories;
    private final ProcessRunner runner;
    private final AddressAllocator allocator;
    private final EgressRules rules;
    private final ReentrantLock lock = new ReentrantLock();
    private final InstantSource clock = InstantSource.system();
    /** Guarded by {@link #lock}. */
    private final PinnedAddresses pins = new PinnedAddresses();
    private final SandboxDns dns = new SandboxDns(this::pin);
    private final TrafficCounters counters = new TrafficCounters();

    public SandboxNetworks(NetworkSettings settings, RuntimeDirectories directories, ProcessRunner runner) {
        this.settings = settings;
        this.directories = directories;
        this.runner = runner;
        this.allocator = new AddressAllocator(settings.subnet());
        this.rules = new EgressRules(settings);
    }

    public NetworkSettings settings() {
        return settings;
    }

    /**
     * Makes the host ready: checks that the subnet overlaps none of the host's routes (but the bridge's own),
     * turns on IPv4 forwarding, makes the bridge and checks that it holds the subnet's first address (a bridge
     * left by a server with another subnet would not be the sandboxes' gateway). Idempotent.
     *
     * @throws IllegalStateException when the subnet overlaps a route of the host, or the bridge has another address
     */
    public void prepareHost() {
        List<Ipv4Subnet> clashes = HostRoutes.overlapping(settings.subnet(), settings.bridge(),
                runner.check(List.of("ip", "-4", "-o", "route", "show", "table", "all")).stdoutText());
        if (!clashes.isEmpty()) {
            throw new IllegalStateException("network-subnet " + settings.subnet() + " overlaps the host's routes to "
                    + clashes + "; choose a subnet the host does not use");
        }
        ensureBridge();
        String gateway = Ipv4Subnet.text(settings.bridgeAddress()) + "/" + settings.subnet().prefix();
        String held = runner.check(List.of("ip", "-4", "-o", "addr", "show", "dev", settings.bridge())).stdoutText();
        if (!held.contains(" " + gateway + " ")) {
            throw new IllegalStateException("the bridge " + settings.bridge() + " does not hold " + gateway
                    + ", the first address of network-subnet " + settings.subnet() + " (it was made for another "
                    + "subnet?): delete it (ip link del " + settings.bridge() + ") with no sandbox running, or set "
                    + "network-subnet back");
        }
        dns.start(new InetSocketAddress(inet(settings.bridgeAddress()), SandboxDns.PORT), settings.dnsUpstreams());
    }

    /** Stops the sandboxes' DNS forwarder, at server shutdown; their networks and rules stay as they are. */
    public void close() {
        dns.close();
    }

    /** The path of the sandbox's network namespace, in which runc is started. */
    public Path namespacePath(SandboxId id) {
        return NAMESPACES.resolve(namespace(id));
    }

    /** Whether the sandbox was made with a network (it keeps an address). */
    public boolean hasNetwork(SandboxPaths paths) {
        return Files.exists(paths.networkAddress());
    }

    /**
     * Gives a new sandbox its network: an address, the namespace and veth pair shaped to {@code bandwidth}, and
     * rules that let it out as {@code policy} says.
     *
     * @return the namespace's path for runc
     * @throws CorralException {@code runtime_unavailable} naming what failed; nothing of it is left
     */
    public Path connect(SandboxPaths paths, EgressPolicy policy, Bandwidth bandwidth) {
        dns.requireServing();
        try {
            // Read-only in the sandbox (see ContainerConfig); what enforces the forwarder is the firewall.
            Files.writeString(paths.resolvConf(), "nameserver " + Ipv4Subnet.text(settings.bridgeAddress())
                    + "\n", StandardCharsets.UTF_8);
            writePolicy(paths, policy);
            Files.writeString(paths.bandwidth(), bandwidth.bitsPerSecond() + "\n", StandardCharsets.UTF_8);
            int address = allocate(paths);
            plumb(paths.id(), address);
            // Independent host commands, mostly process starts: side by side they cost a create less.
            together(this::applyRules, () -> shape(paths.id(), bandwidth), "corral-shape-" + paths.id());
            return namespacePath(paths.id());
        } catch (IOException | RuntimeException e) {
            try {
                disconnect(paths);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw failure("Cannot give sandbox " + paths.id() + " its network", e);
        }
    }

    /**
     * Makes the network of a sandbox that has one whole again, as at its start after a stop or a host reboot;
     * leaves a whole one as it is, but for its shaping, applied again. The rules are written by the caller
     * ({@link #applyRules()}).
     */
    public void reconnect(SandboxPaths paths) {
        int address = requireAddress(paths);
        try {
            if (!whole(paths.id(), address)) {
                unplumb(paths.id());
                plumb(paths.id(), address);
            }
            shape(paths.id(), bandwidth(paths));
        } catch (RuntimeException e) {
            throw failure("Cannot restore the network of sandbox " + paths.id(), e);
        }
    }

    /**
     * Puts the sandbox under another egress policy: the rules are rewritten at once (they are checked on every
     * packet, so connections already open are held to it too) and the addresses its names resolved to are
     * forgotten, as they were pinned under the old domain rules.
     *
     * @throws CorralException {@code runtime_unavailable} when it has no network or the rules cannot be applied;
     *     the old policy then stays, in the kernel and in its directory
     */
    public void change(SandboxPaths paths, EgressPolicy policy) {
        int address = requireAddress(paths);
        lock.lock();
        try {
            EgressPolicy old = policy(paths);
            writePolicy(paths, policy);
            try {
                pins.clear(address);
                applyRules();
            } catch (RuntimeException e) {
                writePolicy(paths, old);
                throw e;
            }
        } catch (IOException e) {
            throw CorralException.runtimeUnavailable("Cannot keep the egress policy of sandbox " + paths.id() + ": "
                    + e, e);
        } finally {
            lock.unlock();
        }
    }

    private static void writePolicy(SandboxPaths paths, EgressPolicy policy) throws IOException {
        if (policy.equals(EgressPolicy.DEFAULT)) {
            Files.deleteIfExists(paths.egressPolicy());
        } else {
            Files.writeString(paths.egressPolicy(), policy.toText() + "\n", StandardCharsets.UTF_8);
        }
    }

    /** Takes the sandbox's network back: namespace, veth pair, address and its place in the rules. Idempotent. */
    public void disconnect(SandboxPaths paths) {
        unplumb(paths.id());
        lock.lock();
        try {
            address(paths).ifPresent(address -> {
                pins.clear(address);
                dns.forget(address);
            });
            boolean had = Files.deleteIfExists(paths.networkAddress());
            counters.forget(paths.id());
            Files.deleteIfExists(paths.egressPolicy());
            Files.deleteIfExists(paths.bandwidth());
            if (had) {
                applyRules();
            }
        } catch (IOException e) {
            throw CorralException.runtimeUnavailable("Cannot release the address of sandbox " + paths.id() + ": "
                    + e, e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Rewrites the rules from the addresses the runtime's sandboxes hold now.
     *
     * @throws CorralException {@code runtime_unavailable} when nft is missing or refuses them
     */
    public void applyRules() {
        lock.lock();
        try {
            Map<Integer, EgressPolicy> held = held();
            var live = new HashMap<Integer, Map<Integer, Duration>>();
            Instant now = clock.instant();
            held.keySet().forEach(address -> live.put(address, pins.live(address, now)));
            String script = rules.render(held, live);
            runner.check(List.of("nft", "-f", "-"), script.getBytes(StandardCharsets.UTF_8));
            dns.serve(held);
        } catch (CorralException e) {
            throw failure("Cannot apply the sandboxes' network rules with nft (nftables)", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Lets the sandbox at {@code sandbox} out to {@code destinations}, which {@code name} resolved to, for
     * {@code ttl}: kept for the rewrites to come
     * and added to its set now, under the lock, so a rewrite in between cannot drop them. Called by the forwarder
     * before it answers.
     *
     * @throws IllegalStateException when they cannot be pinned; the forwarder then answers SERVFAIL
     */
    private void pin(int sandbox, String name, List<Integer> destinations, Duration ttl) {
        lock.lock();
        try {
            // Under the lock the served policies are those of the rules in force: a change since the name was
            // resolved has emptied the pins, and must not see them filled again under the old policy.
            if (!dns.pins(sandbox, name)) {
                throw new IllegalStateException("the policy of sandbox " + Ipv4Subnet.text(sandbox) + " changed "
                        + "while " + name + " was resolved");
            }
            Instant now = clock.instant();
            pins.pin(sandbox, destinations, now, now.plus(ttl));
            var added = new HashMap<Integer, Duration>();
            destinations.forEach(destination -> added.put(destination, ttl));
            runner.check(List.of("nft", "-f", "-"), rules.pinScript(sandbox, added).getBytes(StandardCharsets.UTF_8));
        } catch (CorralException e) {
            throw new IllegalStateException("cannot pin resolved addresses for sandbox " + Ipv4Subnet.text(sandbox)
                    + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    private int requireAddress(SandboxPaths paths) {
        return address(paths).orElseThrow(() -> CorralException.runtimeUnavailable(
                "Sandbox " + paths.id() + " has no network address", null));
    }

    /** The sandbox's address, while it has one. */
    public Optional<Integer> address(SandboxPaths paths) {
        try {
            return Optional.of(Ipv4Subnet.parse(Files.readString(paths.networkAddress()).strip() + "/32").network());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            throw CorralException.runtimeUnavailable("Cannot read the address of sandbox " + paths.id() + ": " + e,
                    e);
        }
    }

    /**
     * What the sandbox's network has carried since its veth pair was made; empty when it has no network, or its
     * veth is not there (being made again). Reads two files of the kernel's.
     */
    public Optional<NetworkUsage> usage(SandboxPaths paths) {
        return hasNetwork(paths) ? TrafficCounters.read(veth(paths.id())) : Optional.empty();
    }

    /** What every sandbox's network has carried: those there now, and those taken back since this was made. */
    public NetworkUsage totals() {
        return counters.total(() -> {
            var live = new HashSet<SandboxId>();
            for (SandboxId id : directories.sandboxes()) {
                if (hasNetwork(directories.of(id))) {
                    live.add(id);
                }
            }
            return live;
        }, SandboxNetworks::veth);
    }

    /**
     * The bandwidth the sandbox's network is held to. A sandbox made before bandwidths were kept has the largest
     * plan's, which holds none of them back.
     */
    private static Bandwidth bandwidth(SandboxPaths paths) {
        try {
            return new Bandwidth(Long.parseLong(Files.readString(paths.bandwidth()).strip()));
        } catch (NoSuchFileException e) {
            return SandboxSpec.DEFAULT_BANDWIDTH;
        } catch (IOException | IllegalArgumentException e) {
            throw CorralException.runtimeUnavailable("Cannot read the bandwidth of sandbox " + paths.id() + ": " + e,
                    e);
        }
    }

    /** The sandbox's address as the host connects to it, while it has one. */
    public Optional<InetAddress> inetAddress(SandboxPaths paths) {
        return address(paths).map(SandboxNetworks::inet);
    }

    private int allocate(SandboxPaths paths) {
        lock.lock();
        try {
            int address = allocator.allocate(held().keySet());
            Files.writeString(paths.networkAddress(), Ipv4Subnet.text(address) + "\n", StandardCharsets.UTF_8);
            return address;
        } catch (IOException e) {
            throw CorralException.runtimeUnavailable("Cannot keep the address of sandbox " + paths.id() + ": " + e,
                    e);
        } finally {
            lock.unlock();
        }
    }

    /** The address and egress policy of every sandbox of this runtime that has an address. */
    private Map<Integer, EgressPolicy> held() {
        var held = new HashMap<Integer, EgressPolicy>();
        for (SandboxId id : directories.sandboxes()) {
            SandboxPaths paths = directories.of(id);
            address(paths).ifPresent(address -> held.put(address, policy(paths)));
        }
        return held;
    }

    /** The sandbox's egress policy: the default unless it keeps another. */
    private static EgressPolicy policy(SandboxPaths paths) {
        try {
            return EgressPolicy.parse(Files.readString(paths.egressPolicy()));
        } catch (NoSuchFileException e) {
            return EgressPolicy.DEFAULT;
        } catch (IOException | IllegalArgumentException e) {
            // Never a wider policy than the one it was made with: its rules cannot be written, so none are.
            throw CorralException.runtimeUnavailable("Cannot read the egress policy of sandbox " + paths.id() + ": "
                    + e, e);
        }
    }

    /** Makes the namespace and veth pair with two {@code ip -batch} runs: the host's side, then the sandbox's. */
    private void plumb(SandboxId id, int address) {
        ensureBridge();
        String namespace = namespace(id);
        String veth = veth(id);
        runner.check(List.of("ip", "-batch", "-"), lines(
                "netns add " + namespace,
                "link add " + veth + " type veth peer name eth0 netns " + namespace,
                "link set " + veth + " master " + settings.bridge(),
                "link set " + veth + " type bridge_slave isolated on",
                "link set " + veth + " up"));
        runner.check(List.of("ip", "-n", namespace, "-batch", "-"), lines(
                "link set lo up",
                "addr add " + Ipv4Subnet.text(address) + "/" + settings.subnet().prefix() + " dev eth0",
                "link set eth0 up",
                "route add default via " + Ipv4Subnet.text(settings.bridgeAddress())));
        counters.renew(id);
    }

    /**
     * Shapes both ends of the sandbox's veth pair to {@code bandwidth}, each with its own {@code tc -batch}: the
     * host's end here, {@code eth0} in its namespace. Replaces what is there, so it may run again.
     */
    private void shape(SandboxId id, Bandwidth bandwidth) {
        try {
            runner.check(List.of("tc", "-batch", "-"), lines(TrafficShaping.shape(veth(id), bandwidth)));
            runner.check(List.of("tc", "-n", namespace(id), "-batch", "-"), lines(TrafficShaping.shape("eth0",
                    bandwidth)));
        } catch (CorralException e) {
            throw failure("Cannot hold the network of sandbox " + id + " to " + bandwidth + " with tc (iproute2)", e);
        }
    }

    /** Removes the veth pair and the namespace, whichever of them exists. */
    private void unplumb(SandboxId id) {
        if (Files.exists(INTERFACES.resolve(veth(id)))) {
            counters.retire(id, veth(id));
            runner.check(List.of("ip", "link", "del", veth(id)));
        }
        if (Files.exists(namespacePath(id))) {
            runner.check(List.of("ip", "netns", "del", namespace(id)));
        }
    }

    /** Whether the namespace, the bridge port and {@code eth0} with its address are all there. */
    private boolean whole(SandboxId id, int address) {
        if (!Files.exists(namespacePath(id)) || !Files.exists(INTERFACES.resolve(settings.bridge()).resolve("brif")
                .resolve(veth(id)))) {
            return false;
        }
        var shown = runner.run(List.of("ip", "-n", namespace(id), "-4", "-o", "addr", "show", "dev", "eth0"));
        return shown.exitCode() == 0 && shown.stdoutText().contains(" " + Ipv4Subnet.text(address) + "/");
    }

    private void ensureBridge() {
        try {
            if (!Files.readString(IP_FORWARD).strip().equals("1")) {
                Files.writeString(IP_FORWARD, "1\n");
            }
        } catch (IOException e) {
            throw CorralException.runtimeUnavailable("Cannot turn on IPv4 forwarding: " + e, e);
        }
        if (Files.exists(INTERFACES.resolve(settings.bridge()))) {
            return;
        }
        String bridge = settings.bridge();
        lock.lock();
        try {
            if (!Files.exists(INTERFACES.resolve(bridge))) {
                runner.check(List.of("ip", "-batch", "-"), lines(
                        "link add " + bridge + " type bridge",
                        "addr add " + Ipv4Subnet.text(settings.bridgeAddress()) + "/" + settings.subnet().prefix()
                                + " dev " + bridge,
                        "link set " + bridge + " up"));
            }
        } finally {
            lock.unlock();
        }
    }

    /** The namespace's name: the bridge's, so that servers with their own bridges never share names. */
    private String namespace(SandboxId id) {
        return settings.bridge() + "-" + suffix(id);
    }

    /** The host end of the veth pair: 14 characters, within the kernel's 15. */
    static String veth(SandboxId id) {
        return "cr" + suffix(id);
    }

    private static String suffix(SandboxId id) {
        return id.value().substring(id.value().indexOf('-') + 1);
    }

    static InetAddress inet(int address) {
        try {
            return InetAddress.getByAddress(ByteBuffer.allocate(4).putInt(address).array());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an address", e);
        }
    }

    /**
     * Runs {@code beside} on a virtual thread named {@code name} while {@code here} runs on this one, and returns
     * when both have ended, even when interrupted (the interrupt is kept), so that a clean-up never races either.
     * Throws the first failure, the other's suppressed in it.
     */
    private static void together(Runnable here, Runnable beside, String name) {
        var other = new FutureTask<Void>(beside, null);
        Thread.ofVirtual().name(name).start(other);
        RuntimeException failure = null;
        try {
            here.run();
        } catch (RuntimeException e) {
            failure = e;
        }
        boolean interrupted = false;
        while (true) {
            try {
                other.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException e) {
                RuntimeException besideFailure = e.getCause() instanceof RuntimeException runtime ? runtime
                        : new IllegalStateException(e.getCause());
                if (failure == null) {
                    failure = besideFailure;
                } else {
                    failure.addSuppressed(besideFailure);
                }
                break;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static byte[] lines(String... lines) {
        return (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static CorralException failure(String what, Exception cause) {
        return CorralException.runtimeUnavailable(what + ": " + cause.getMessage(), cause);
    }
}
