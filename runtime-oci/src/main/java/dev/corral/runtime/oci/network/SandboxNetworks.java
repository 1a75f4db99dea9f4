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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * <p>Making a network starts processes ({@code ip}, {@code tc}, {@code nft}), tens of milliseconds. So that a
 * sandbox with the default egress policy starts none, a few networks are made ahead of time ({@link NetworkSlots}),
 * once the host is prepared, by a thread of their own: each with its address in the rules as a default-policy
 * sandbox's and shaped at the bandwidth last asked for. A sandbox claims one by keeping its address and names
 * ({@link SandboxPaths#networkNames()}) in its directory, and is shaped again only when its bandwidth differs.
 * With no slot ready, or one that is not whole, the network is made for it as before. Slots are removed at
 * shutdown, and those no sandbox claimed when a server starts.
 *
 * <p>Fails closed: a network that cannot be made whole or shaped, or rules that cannot be applied, are a
 * {@code runtime_unavailable} and the sandbox does not start; what was made is taken back first. A slot that
 * cannot be made is logged and tried again later, never failing a sandbox.
 *
 * <p>Threading: safe for any number of threads. Callers hold the sandbox's own lock; one lock here orders the
 * allocation of addresses (the sandboxes' and the slots'), the claiming of slots and the writing of the rules, so
 * the rules written last hold every address. Slots are made on one platform thread, started by
 * {@link #prepareHost()} and stopped by {@link #close()}.
 */
public final class SandboxNetworks {
    private static final Path NAMESPACES = Path.of("/run/netns");
    private static final Path INTERFACES = Path.of("/sys/class/net");
    private static final Path IP_FORWARD = Path.of("/proc/sys/net/ipv4/ip_forward");
    private static final String NO_HARDWARE_ADDRESS = "00:00:00:00:00:00";
    /** How many networks are kept made ahead of time: enough for a burst of creates, few enough to cost nothing. */
    public static final int SLOTS = 2;
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration LAST_RETRY = Duration.ofMinutes(1);
    private static final Duration SLOTS_STOP = Duration.ofSeconds(30);
    /**
     * How long after a claim the next slot is made: its five processes would otherwise share the cores with the
     * create that claimed one (the disk, runc), and slow it by what the slot saved.
     */
    private static final Duration REFILL_DELAY = Duration.ofSeconds(1);
    private static final Logger log = LoggerFactory.getLogger(SandboxNetworks.class);

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
    /** Guarded by {@link #lock}. */
    private final NetworkSlots slots;
    /** Signalled when a slot is claimed or the slots stop. */
    private final Condition slotWanted = lock.newCondition();
    /** Signalled when the slots stop. */
    private final Condition stopping = lock.newCondition();
    /** Guarded by {@link #lock}: the thread making slots, once started. */
    private Thread slotMaker;
    /** Guarded by {@link #lock}. */
    private boolean closed;
    /** Guarded by {@link #lock}: {@link System#nanoTime()} at the last claim of a slot. */
    private long lastClaim = System.nanoTime() - REFILL_DELAY.toNanos();
    /** The bandwidth new slots are shaped to: the last one a sandbox that claimed a slot was shaped to again. */
    private volatile Bandwidth slotBandwidth = SandboxSpec.DEFAULT_BANDWIDTH;

    public SandboxNetworks(NetworkSettings settings, RuntimeDirectories directories, ProcessRunner runner) {
        this(settings, directories, runner, SLOTS);
    }

    /** @param slots how many networks to keep made ahead of time, once the host is prepared; 0 for none */
    public SandboxNetworks(NetworkSettings settings, RuntimeDirectories directories, ProcessRunner runner,
                           int slots) {
        this.settings = settings;
        this.directories = directories;
        this.runner = runner;
        this.allocator = new AddressAllocator(settings.subnet());
        this.rules = new EgressRules(settings);
        this.slots = new NetworkSlots(settings.subnet(), settings.bridge(), slots);
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
        keepBridgeAddress();
        String gateway = Ipv4Subnet.text(settings.bridgeAddress()) + "/" + settings.subnet().prefix();
        String held = runner.check(List.of("ip", "-4", "-o", "addr", "show", "dev", settings.bridge())).stdoutText();
        if (!held.contains(" " + gateway + " ")) {
            throw new IllegalStateException("the bridge " + settings.bridge() + " does not hold " + gateway
                    + ", the first address of network-subnet " + settings.subnet() + " (it was made for another "
                    + "subnet?): delete it (ip link del " + settings.bridge() + ") with no sandbox running, or set "
                    + "network-subnet back");
        }
        dns.start(new InetSocketAddress(inet(settings.bridgeAddress()), SandboxDns.PORT), settings.dnsUpstreams());
        startSlots();
    }

    /**
     * Stops making slots and removes those no sandbox claimed, then stops the sandboxes' DNS forwarder, at server
     * shutdown; the sandboxes' networks and rules stay as they are.
     */
    public void close() {
        try {
            stopSlots();
        } finally {
            dns.close();
        }
    }

    /** The path of the sandbox's network namespace, in which runc is started. */
    public Path namespacePath(SandboxPaths paths) {
        return NAMESPACES.resolve(names(paths).namespace());
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
            if (policy.equals(EgressPolicy.DEFAULT) && claimSlot(paths, bandwidth)) {
                return namespacePath(paths);
            }
            int address = allocate(paths);
            NetworkNames names = names(paths);
            plumb(names, address);
            counters.renew(paths.id());
            // Independent host commands, mostly process starts: side by side they cost a create less.
            together(this::applyRules, () -> shape("sandbox " + paths.id(), names, bandwidth),
                    "corral-shape-" + paths.id());
            return namespacePath(paths);
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
            NetworkNames names = names(paths);
            if (!whole(names, address)) {
                unplumb(paths);
                plumb(names, address);
                counters.renew(paths.id());
            }
            shape("sandbox " + paths.id(), names, bandwidth(paths));
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
        unplumb(paths);
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
            Files.deleteIfExists(paths.networkNames());
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
        return hasNetwork(paths) ? TrafficCounters.read(names(paths).veth()) : Optional.empty();
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
        }, id -> names(directories.of(id)).veth());
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

    /**
     * The address and egress policy of every sandbox of this runtime that has an address, and the address of every
     * slot, with the default policy. Under the lock.
     */
    private Map<Integer, EgressPolicy> held() {
        var held = new HashMap<Integer, EgressPolicy>();
        slots.addresses().forEach(address -> held.put(address, EgressPolicy.DEFAULT));
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
    private void plumb(NetworkNames names, int address) {
        ensureBridge();
        String namespace = names.namespace();
        String veth = names.veth();
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
    }

    /**
     * Shapes both ends of the veth pair of {@code names} to {@code bandwidth}, each with its own {@code tc -batch}:
     * the host's end here, {@code eth0} in its namespace. Replaces what is there, so it may run again.
     */
    private void shape(String whose, NetworkNames names, Bandwidth bandwidth) {
        try {
            runner.check(List.of("tc", "-batch", "-"), lines(TrafficShaping.shape(names.veth(), bandwidth)));
            runner.check(List.of("tc", "-n", names.namespace(), "-batch", "-"), lines(TrafficShaping.shape("eth0",
                    bandwidth)));
        } catch (CorralException e) {
            throw failure("Cannot hold the network of " + whose + " to " + bandwidth + " with tc (iproute2)", e);
        }
    }

    /** Removes the sandbox's veth pair, its counts kept, and its namespace, whichever of them exists. */
    private void unplumb(SandboxPaths paths) {
        NetworkNames names = names(paths);
        if (Files.exists(INTERFACES.resolve(names.veth()))) {
            counters.retire(paths.id(), names.veth());
        }
        remove(names);
    }

    /** Removes the veth pair and the namespace of {@code names}, whichever of them exists. */
    private void remove(NetworkNames names) {
        if (Files.exists(INTERFACES.resolve(names.veth()))) {
            runner.check(List.of("ip", "link", "del", names.veth()));
        }
        if (Files.exists(NAMESPACES.resolve(names.namespace()))) {
            runner.check(List.of("ip", "netns", "del", names.namespace()));
        }
    }

    /** Whether the namespace, the bridge port and {@code eth0} with its address are all there. */
    private boolean whole(NetworkNames names, int address) {
        if (!plumbed(names)) {
            return false;
        }
        var shown = runner.run(List.of("ip", "-n", names.namespace(), "-4", "-o", "addr", "show", "dev", "eth0"));
        return shown.exitCode() == 0 && shown.stdoutText().contains(" " + Ipv4Subnet.text(address) + "/");
    }

    /** Whether the namespace and the veth pair's host end, a port of the bridge, are there: files, no process. */
    private boolean plumbed(NetworkNames names) {
        return Files.exists(NAMESPACES.resolve(names.namespace()))
                && Files.exists(INTERFACES.resolve(settings.bridge()).resolve("brif").resolve(names.veth()));
    }

    /** A locally administered unicast address: the second-lowest bit of the first byte set, the lowest clear. */
    private static String randomHardwareAddress() {
        var bytes = new byte[6];
        ThreadLocalRandom.current().nextBytes(bytes);
        bytes[0] = (byte) ((bytes[0] & 0xfc) | 0x02);
        return HexFormat.ofDelimiter(":").formatHex(bytes);
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
            keepBridgeAddress();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sets the bridge's hardware address once: the one it has, or a random one while it has none (a bridge without
     * ports has only zeros). A bridge with none set takes the lowest of its ports', so a port added or removed (a
     * sandbox's, a slot's) could change it, and every sandbox would send to its gateway's old address until its
     * ARP entry is renewed, seconds later.
     */
    private void keepBridgeAddress() {
        Path bridge = INTERFACES.resolve(settings.bridge());
        try {
            // 3: NET_ADDR_SET, an address given by hand, which the bridge keeps.
            if (!Files.readString(bridge.resolve("addr_assign_type")).strip().equals("3")) {
                String address = Files.readString(bridge.resolve("address")).strip();
                runner.check(List.of("ip", "link", "set", "dev", settings.bridge(), "address",
                        address.equals(NO_HARDWARE_ADDRESS) ? randomHardwareAddress() : address));
            }
        } catch (IOException e) {
            throw CorralException.runtimeUnavailable("Cannot read the address of the bridge " + settings.bridge()
                    + ": " + e, e);
        }
    }

    /**
     * The names of the sandbox's network: those it keeps, from the slot it claimed, or else those derived from its
     * id.
     */
    private NetworkNames names(SandboxPaths paths) {
        try {
            return NetworkNames.parse(Files.readString(paths.networkNames()));
        } catch (NoSuchFileException e) {
            return NetworkNames.ofSandbox(settings.bridge(), paths.id());
        } catch (IOException | IllegalArgumentException e) {
            throw CorralException.runtimeUnavailable("Cannot read the network names of sandbox " + paths.id() + ": "
                    + e, e);
        }
    }

    /**
     * Gives the sandbox a ready slot, if there is one and it is still there: its address and names kept in the
     * sandbox's directory, its rules already written (a slot's address is in them with the default policy), its
     * shaping done again only when {@code bandwidth} is not the one it was made with.
     *
     * @return false when no slot was claimed: the network is to be made for the sandbox
     */
    private boolean claimSlot(SandboxPaths paths, Bandwidth bandwidth) throws IOException {
        Optional<NetworkSlots.Slot> claimed;
        var broken = new ArrayList<NetworkSlots.Slot>();
        lock.lock();
        try {
            claimed = slots.claim();
            // A slot whose namespace or bridge port went away (removed by hand, or by a server started on the
            // same directories) is no network: it is removed, and the next one tried.
            while (claimed.isPresent() && !plumbed(claimed.get().names())) {
                broken.add(claimed.get());
                claimed = slots.claim();
            }
            slotWanted.signal();
            lastClaim = System.nanoTime();
            if (claimed.isPresent()) {
                NetworkNames names = claimed.get().names();
                try {
                    Files.writeString(paths.networkNames(), names.toText(), StandardCharsets.UTF_8);
                    Files.writeString(paths.networkAddress(), Ipv4Subnet.text(claimed.get().address()) + "\n",
                            StandardCharsets.UTF_8);
                } catch (IOException e) {
                    Files.deleteIfExists(paths.networkNames());
                    remove(names);
                    throw e;
                }
                counters.renew(paths.id());
                log.debug("sandbox {} claimed network slot {}", paths.id(), names.namespace());
            }
        } finally {
            lock.unlock();
        }
        for (NetworkSlots.Slot slot : broken) {
            log.warn("network slot {} was not whole; removing it", slot.names().namespace());
            remove(slot.names());
        }
        if (claimed.isEmpty()) {
            return false;
        }
        if (!claimed.get().shapedTo().equals(bandwidth)) {
            shape("sandbox " + paths.id(), claimed.get().names(), bandwidth);
            // Only a bandwidth tc took: one it refuses would keep every slot from being made.
            slotBandwidth = bandwidth;
        }
        return true;
    }

    /** The address and names of every slot, being made or ready: what the host holds for no sandbox yet. */
    public Map<Integer, NetworkNames> slots() {
        lock.lock();
        try {
            return slots.all();
        } finally {
            lock.unlock();
        }
    }

    /** Removes the slots no sandbox claimed that a server before this one left, then starts making slots. */
    private void startSlots() {
        lock.lock();
        try {
            if (slotMaker != null || closed) {
                return;
            }
            removeUnclaimedSlots();
            if (!slots.wanted()) {
                return;
            }
            slotMaker = Thread.ofPlatform().daemon().name("corral-network-slots-" + settings.bridge())
                    .start(this::makeSlots);
        } finally {
            lock.unlock();
        }
    }

    /** Removes the slots of this bridge that no sandbox keeps the names of and that are not this one's. Locked. */
    private void removeUnclaimedSlots() {
        var claimed = new HashSet<String>();
        for (SandboxId id : directories.sandboxes()) {
            claimed.add(names(directories.of(id)).namespace());
        }
        claimed.addAll(slots.all().values().stream().map(NetworkNames::namespace).toList());
        if (!Files.isDirectory(NAMESPACES)) {
            return;
        }
        try (Stream<Path> namespaces = Files.list(NAMESPACES)) {
            for (Path namespace : namespaces.toList()) {
                String name = namespace.getFileName().toString();
                Optional<NetworkNames> slot = NetworkNames.ofSlotNamespace(settings.bridge(), name);
                if (slot.isPresent() && !claimed.contains(name)) {
                    log.info("removing network slot {}, which no sandbox claimed", name);
                    remove(slot.get());
                }
            }
        } catch (IOException e) {
            throw CorralException.runtimeUnavailable("Cannot list the network namespaces: " + e, e);
        }
    }

    /**
     * Keeps the slots full until they stop: reserves an address, makes its network, shapes it, writes the rules
     * holding it, then offers it. A slot that cannot be made is removed and tried again later, waiting longer each
     * time it fails. On the slots' own platform thread.
     */
    private void makeSlots() {
        Duration retry = FIRST_RETRY;
        while (true) {
            int address;
            Bandwidth bandwidth = slotBandwidth;
            lock.lock();
            try {
                while (!closed && !slots.wanted()) {
                    slotWanted.awaitUninterruptibly();
                }
                if (closed) {
                    return;
                }
                long settling = REFILL_DELAY.toNanos() - (System.nanoTime() - lastClaim);
                if (settling > 0) {
                    stopping.awaitNanos(settling);
                    continue;
                }
                address = slots.reserve(held().keySet());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warn("cannot reserve a network slot, trying again in {}: {}", retry, e.getMessage());
                retry = waitToRetry(retry);
                continue;
            } finally {
                lock.unlock();
            }
            NetworkNames names = NetworkNames.ofSlot(settings.bridge(), address);
            try {
                plumb(names, address);
                shape("network slot " + names.namespace(), names, bandwidth);
                applyRules();
                lock.lock();
                try {
                    slots.ready(address, bandwidth);
                    log.debug("network slot {} is ready", names.namespace());
                } finally {
                    lock.unlock();
                }
                retry = FIRST_RETRY;
            } catch (RuntimeException e) {
                log.warn("cannot make network slot {}, trying again in {}: {}", names.namespace(), retry,
                        e.getMessage());
                try {
                    remove(names);
                } catch (RuntimeException removal) {
                    log.warn("cannot remove network slot {}: {}", names.namespace(), removal.getMessage());
                }
                lock.lock();
                try {
                    slots.drop(address);
                } finally {
                    lock.unlock();
                }
                lock.lock();
                try {
                    retry = waitToRetry(retry);
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    /** Waits {@code retry} or until the slots stop, under the lock; answers the next wait, twice as long. */
    private Duration waitToRetry(Duration retry) {
        try {
            if (!closed) {
                stopping.await(retry.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
        Duration next = retry.multipliedBy(2);
        return next.compareTo(LAST_RETRY) > 0 ? LAST_RETRY : next;
    }

    /** Stops making slots, waiting for the one being made, and removes every slot no sandbox claimed. */
    private void stopSlots() {
        Thread maker;
        lock.lock();
        try {
            closed = true;
            slotWanted.signalAll();
            stopping.signalAll();
            maker = slotMaker;
        } finally {
            lock.unlock();
        }
        if (maker == null) {
            return;
        }
        try {
            if (!maker.join(SLOTS_STOP)) {
                log.warn("network slots still being made after {}; the next server removes them", SLOTS_STOP);
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        Map<Integer, NetworkNames> left;
        lock.lock();
        try {
            left = slots.all();
            left.keySet().forEach(slots::drop);
        } finally {
            lock.unlock();
        }
        for (NetworkNames names : left.values()) {
            try {
                remove(names);
            } catch (RuntimeException e) {
                log.warn("cannot remove network slot {}: {}", names.namespace(), e.getMessage());
            }
        }
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
