package dev.corral.runtime.oci.network;

import dev.corral.core.error.CorralException;
import dev.corral.core.sandbox.EgressPolicy;
import dev.corral.runtime.oci.network.dns.DnsForwarder;
import dev.corral.runtime.oci.network.dns.DnsForwarderSettings;
import dev.corral.runtime.oci.network.dns.DomainPolicy;
import dev.corral.runtime.oci.network.dns.HostResolvConf;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandboxes' resolver: one {@link DnsForwarder} on the bridge address, port 53, serving each sandbox by its
 * address under the domain rules of its egress policy, and handing the addresses it answers to a deny-by-default
 * sandbox's {@link Pinner} (a sandbox whose policy lets the internet out needs no pins, and pins never open what
 * the default ranges deny).
 *
 * <p>Fails closed: when the forwarder cannot start (the host's resolv.conf names no resolver, or its address is
 * taken) the server still starts, for sandboxes with {@code network: "none"}, but says why in its log and refuses
 * every sandbox asking for a network ({@link #requireServing()}): a sandbox started without its resolver would have
 * no names, and one left to find another resolver would escape its domain rules.
 *
 * <p>Threading: thread-safe. The served policies are replaced whole ({@link #serve}) and read by the forwarder's
 * threads for every query without a lock.
 */
final class SandboxDns implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SandboxDns.class);
    static final int PORT = 53;

    /** Lets a sandbox out to the addresses its resolved name answered, for {@code ttl}. */
    @FunctionalInterface
    interface Pinner {
        void pin(int sandbox, String name, List<Integer> destinations, Duration ttl);
    }

    private final Pinner pinner;
    private volatile Map<Integer, EgressPolicy> policies = Map.of();
    private volatile Optional<DnsForwarder> forwarder = Optional.empty();
    private volatile String unavailable = "the sandboxes' DNS forwarder has not been started";

    SandboxDns(Pinner pinner) {
        this.pinner = pinner;
    }

    /**
     * Starts the forwarder on {@code bind}, asking {@code upstreams} (the host's resolvers when empty); when it
     * cannot, logs why and keeps it for {@link #requireServing()}. Does nothing when it runs already.
     */
    synchronized void start(InetSocketAddress bind, List<InetSocketAddress> upstreams) {
        if (forwarder.isPresent()) {
            return;
        }
        try {
            List<InetSocketAddress> resolvers = upstreams.isEmpty()
                    ? HostResolvConf.nameservers(HostResolvConf.DEFAULT) : upstreams;
            if (resolvers.isEmpty()) {
                throw new IllegalArgumentException("the host's " + HostResolvConf.DEFAULT + " names no nameserver "
                        + "(set dns-upstreams)");
            }
            forwarder = Optional.of(DnsForwarder.start(bind, DnsForwarderSettings.defaults(resolvers),
                    this::policyFor, this::resolved,
                    InstantSource.system()));
            log.info("Sandboxes' DNS forwarder on {} asks {}", bind, resolvers);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            unavailable = "the sandboxes' DNS forwarder cannot run on " + bind + ": " + e.getMessage()
                    + (e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")");
            log.error("{}; sandboxes with a network are refused until the server is restarted with one", unavailable);
        }
    }

    /**
     * @throws CorralException {@code runtime_unavailable} saying why, when the forwarder does not run
     */
    void requireServing() {
        if (forwarder.isEmpty()) {
            throw CorralException.runtimeUnavailable("Sandboxes cannot have a network on this server now: "
                    + unavailable + "; create it with network \"none\"", null);
        }
    }

    /** Serves exactly the sandboxes at these addresses, under these policies, from now on. */
    void serve(Map<Integer, EgressPolicy> held) {
        policies = Map.copyOf(new HashMap<>(held));
    }

    /** Forgets what the forwarder keeps about the sandbox at {@code address}, once it is gone. */
    void forget(int address) {
        forwarder.ifPresent(running -> running.forget(SandboxNetworks.inet(address)));
    }

    @Override
    public synchronized void close() {
        forwarder.ifPresent(DnsForwarder::close);
        forwarder = Optional.empty();
        unavailable = "the sandboxes' DNS forwarder was closed";
    }

    private Optional<DomainPolicy> policyFor(InetAddress client) {
        return address(client).map(policies::get).map(SandboxDns::domainPolicy);
    }

    /**
     * Whether the sandbox at {@code sandbox} is served now under a policy that pins {@code name}'s addresses: its
     * policy may have changed while the name was resolved under the old one.
     */
    boolean pins(int sandbox, String name) {
        EgressPolicy policy = policies.get(sandbox);
        return policy != null && !policy.allowByDefault()
                && domainPolicy(policy).allows(List.of(name.split("\\.", -1)));
    }

    private void resolved(InetAddress client, String name, List<InetAddress> addresses, Duration ttl) {
        Optional<Integer> sandbox = address(client);
        EgressPolicy policy = sandbox.map(policies::get).orElse(null);
        if (policy == null || policy.allowByDefault()) {
            return;
        }
        List<Integer> destinations = addresses.stream().map(SandboxDns::address).flatMap(Optional::stream)
                .toList();
        if (!destinations.isEmpty()) {
            pinner.pin(sandbox.get(), name, destinations, ttl);
        }
    }

    static DomainPolicy domainPolicy(EgressPolicy policy) {
        return new DomainPolicy(policy.allowByDefault() ? DomainPolicy.Egress.ALLOW : DomainPolicy.Egress.DENY,
                policy.allowDomains(), policy.denyDomains());
    }

    /** An IPv4 address as the rules keep it; none for IPv6, which no sandbox reaches. */
    private static Optional<Integer> address(InetAddress address) {
        return address instanceof Inet4Address v4 ? Optional.of(ByteBuffer.wrap(v4.getAddress()).getInt())
                : Optional.empty();
    }
}
