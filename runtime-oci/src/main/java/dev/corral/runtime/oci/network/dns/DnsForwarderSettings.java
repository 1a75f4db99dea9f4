package dev.corral.runtime.oci.network.dns;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * The forwarder's upstreams and bounds. Every bound is finite:
 *
 * @param upstreams resolvers asked in order, each after the one before failed or answered SERVFAIL or REFUSED
 * @param upstreamTimeout the whole time a query may wait for upstreams (shared among them); then SERVFAIL
 * @param maxInFlight upstream queries at once, all clients together; past it SERVFAIL
 * @param maxInFlightPerClient upstream queries at once from one client; past it SERVFAIL
 * @param maxPendingUdp UDP queries being answered at once (each holds a virtual thread); past it a packet is dropped
 * @param maxTcpConnections open TCP connections; past it a new one is closed at once
 * @param tcpIdleTimeout how long a TCP connection may wait for the next bytes of a query
 * @param queriesPerSecond a client's sustained query rate; past its burst a query is REFUSED
 * @param queryBurst how many queries a client may send at once before its rate applies
 * @param maxTrackedClients clients whose rate is remembered; the least recently seen is forgotten first
 * @param maxQueryBytes the largest query taken, on UDP or TCP (a query is one question, far below this)
 * @param maxUdpAnswerBytes the largest UDP answer, even when a client's EDNS offers more (larger ones truncate
 *     with TC and the client retries over TCP; 1232 is the size that needs no IP fragmentation)
 * @param minPinTtl the shortest time an answer's addresses are pinned, however short its TTL
 * @param maxPinTtl the longest time they are pinned; answers' TTLs are cut to it, so no client caches an address
 *     for longer than it is pinned
 */
public record DnsForwarderSettings(
        List<InetSocketAddress> upstreams,
        Duration upstreamTimeout,
        int maxInFlight,
        int maxInFlightPerClient,
        int maxPendingUdp,
        int maxTcpConnections,
        Duration tcpIdleTimeout,
        int queriesPerSecond,
        int queryBurst,
        int maxTrackedClients,
        int maxQueryBytes,
        int maxUdpAnswerBytes,
        Duration minPinTtl,
        Duration maxPinTtl) {

    private static final int UDP_MINIMUM = 512;

    public DnsForwarderSettings {
        upstreams = List.copyOf(upstreams);
        if (upstreams.isEmpty()) {
            throw new IllegalArgumentException("the DNS forwarder needs at least one upstream resolver");
        }
        positive("upstreamTimeout", upstreamTimeout);
        positive("tcpIdleTimeout", tcpIdleTimeout);
        positive("minPinTtl", minPinTtl);
        positive("maxInFlight", maxInFlight);
        positive("maxInFlightPerClient", maxInFlightPerClient);
        positive("maxPendingUdp", maxPendingUdp);
        positive("maxTcpConnections", maxTcpConnections);
        positive("queriesPerSecond", queriesPerSecond);
        positive("queryBurst", queryBurst);
        positive("maxTrackedClients", maxTrackedClients);
        if (maxPinTtl.compareTo(minPinTtl) < 0) {
            throw new IllegalArgumentException("maxPinTtl must not be shorter than minPinTtl");
        }
        if (maxQueryBytes < UDP_MINIMUM || maxQueryBytes > 65_535) {
            throw new IllegalArgumentException("maxQueryBytes must be within 512..65535");
        }
        if (maxUdpAnswerBytes < UDP_MINIMUM || maxUdpAnswerBytes > 65_535) {
            throw new IllegalArgumentException("maxUdpAnswerBytes must be within 512..65535");
        }
    }

    /** The defaults, forwarding to the given resolvers. */
    public static DnsForwarderSettings defaults(List<InetSocketAddress> upstreams) {
        return new DnsForwarderSettings(upstreams, Duration.ofSeconds(4), 256, 32, 512, 128, Duration.ofSeconds(10),
                50, 200, 4096, 4096, 1232, Duration.ofSeconds(5), Duration.ofHours(1));
    }

    /** The defaults, forwarding to the host's resolvers (its /etc/resolv.conf, read now). */
    public static DnsForwarderSettings fromHost() {
        return defaults(HostResolvConf.nameservers(HostResolvConf.DEFAULT));
    }

    public DnsForwarderSettings withUpstreamTimeout(Duration timeout) {
        return new DnsForwarderSettings(upstreams, timeout, maxInFlight, maxInFlightPerClient, maxPendingUdp,
                maxTcpConnections, tcpIdleTimeout, queriesPerSecond, queryBurst, maxTrackedClients, maxQueryBytes,
                maxUdpAnswerBytes, minPinTtl, maxPinTtl);
    }

    public DnsForwarderSettings withQueryRate(int perSecond, int burst) {
        return new DnsForwarderSettings(upstreams, upstreamTimeout, maxInFlight, maxInFlightPerClient, maxPendingUdp,
                maxTcpConnections, tcpIdleTimeout, perSecond, burst, maxTrackedClients, maxQueryBytes,
                maxUdpAnswerBytes, minPinTtl, maxPinTtl);
    }

    public DnsForwarderSettings withTcpLimits(int maxConnections, Duration idleTimeout) {
        return new DnsForwarderSettings(upstreams, upstreamTimeout, maxInFlight, maxInFlightPerClient, maxPendingUdp,
                maxConnections, idleTimeout, queriesPerSecond, queryBurst, maxTrackedClients, maxQueryBytes,
                maxUdpAnswerBytes, minPinTtl, maxPinTtl);
    }

    /** The pin duration of an answer whose smallest TTL is {@code ttl}. */
    Duration pinFor(Duration ttl) {
        return ttl.compareTo(minPinTtl) < 0 ? minPinTtl : ttl.compareTo(maxPinTtl) > 0 ? maxPinTtl : ttl;
    }

    private static void positive(String key, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(key + " must be a positive duration");
        }
    }

    private static void positive(String key, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(key + " must be at least 1");
        }
    }
}
