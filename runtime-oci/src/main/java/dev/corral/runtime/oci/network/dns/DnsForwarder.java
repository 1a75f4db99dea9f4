package dev.corral.runtime.oci.network.dns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.time.InstantSource;

/**
 * The sandboxes' DNS server: it listens on one address (the bridge address, port 53, written into each sandbox's
 * /etc/resolv.conf), over UDP and TCP, serves only the clients {@link ClientPolicies} knows, applies each one's
 * {@link DomainPolicy} and forwards allowed questions to the upstream resolvers, telling {@link ResolvedListener}
 * the addresses it answered so they can be let through for the answer's TTL. DNS messages are read and written
 * with dnsjava, never by hand.
 *
 * <p>A name the policy refuses is answered NXDOMAIN ("no such host"), not REFUSED: programs take NXDOMAIN as final
 * and fail at once with a clear message, while REFUSED makes resolvers try the next server and retry, so a denied
 * name would cost the sandbox seconds of timeouts. REFUSED is kept for clients the forwarder does not serve, or
 * that are past their query rate. The decisions are in {@link PolicyResolver}; every bound is a field of
 * {@link DnsForwarderSettings}.
 *
 * <p>Threading: one platform thread receives UDP packets and one accepts TCP connections; each UDP query and each
 * TCP connection runs on a virtual thread (they wait on sockets and on dnsjava's futures, never on process pipes),
 * bounded by semaphores. {@link #close} stops both listeners and closes open connections; queries in flight end
 * when their upstream budget does.
 */
public final class DnsForwarder implements AutoCloseable {
    private static final int BIND_ATTEMPTS = 5;

    private final UdpListener udp;
    private final TcpListener tcp;
    private final ClientQueryRates rates;
    private final InetSocketAddress address;

    private DnsForwarder(UdpListener udp, TcpListener tcp, ClientQueryRates rates, InetSocketAddress address) {
        this.udp = udp;
        this.tcp = tcp;
        this.rates = rates;
        this.address = address;
    }

    /**
     * Binds UDP and TCP on the same address and starts serving. With port 0 both get the same free port.
     *
     * @throws UncheckedIOException when the address cannot be bound
     */
    public static DnsForwarder start(InetSocketAddress bind, DnsForwarderSettings settings, ClientPolicies policies,
            ResolvedListener listener, InstantSource clock) {
        ClientQueryRates rates = new ClientQueryRates(clock, settings.queriesPerSecond(), settings.queryBurst(),
                settings.maxTrackedClients());
        PolicyResolver resolver = new PolicyResolver(policies, rates,
                new Upstreams(settings.upstreams(), settings.upstreamTimeout()), listener, settings);
        Sockets sockets = bindBoth(bind);
        UdpListener udp = new UdpListener(sockets.udp(), resolver, settings);
        TcpListener tcp = new TcpListener(sockets.tcp(), resolver, settings);
        udp.start();
        tcp.start();
        return new DnsForwarder(udp, tcp, rates, sockets.address());
    }

    /** The address both listeners are bound to (with the port chosen when 0 was asked for). */
    public InetSocketAddress address() {
        return address;
    }

    /** Forgets what is kept about a client (its query rate), for when its sandbox is deleted. */
    public void forget(InetAddress client) {
        rates.forget(client);
    }

    @Override
    public void close() {
        try (udp; tcp) {
            // both closed in reverse order, each even when the other fails
        } catch (IOException e) {
            throw new UncheckedIOException("closing the DNS forwarder failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A UDP channel and a TCP socket bound to the same address. */
    record Sockets(DatagramChannel udp, ServerSocket tcp, InetSocketAddress address) {}

    /** UDP first; with port 0, TCP then takes the port UDP got, which another program may hold: then try again. */
    static Sockets bindBoth(InetSocketAddress bind) {
        IOException last = null;
        for (int attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
            DatagramChannel udp = null;
            try {
                udp = DatagramChannel.open(bind.getAddress() instanceof Inet6Address
                        ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
                udp.bind(bind);
                InetSocketAddress bound = (InetSocketAddress) udp.getLocalAddress();
                ServerSocket tcp = new ServerSocket();
                try {
                    tcp.bind(bound);
                } catch (IOException e) {
                    tcp.close();
                    throw e;
                }
                return new Sockets(udp, tcp, bound);
            } catch (IOException e) {
                last = e;
                closeQuietly(udp);
                if (!(e instanceof BindException) || bind.getPort() != 0) {
                    break;
                }
            }
        }
        throw new UncheckedIOException("cannot bind the DNS forwarder to " + bind, last);
    }

    private static void closeQuietly(DatagramChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // already failing to bind; the bind error is the one reported
            }
        }
    }
}
