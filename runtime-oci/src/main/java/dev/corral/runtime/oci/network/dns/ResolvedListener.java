package dev.corral.runtime.oci.network.dns;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * Told of every allowed answer that carries addresses, so the addresses can be pinned into the sandbox's allowed
 * set for {@code ttl}. Called on the query's thread before the answer is sent, so the set holds the addresses by the
 * time the sandbox connects; an exception turns the answer into SERVFAIL (an address that could not be pinned would
 * only be blocked). Must be thread-safe.
 */
@FunctionalInterface
public interface ResolvedListener {
    /**
     * @param client the sandbox's address
     * @param name the queried name, lower case without the trailing dot
     * @param addresses the A and AAAA addresses of the answer (at the end of its CNAME chain), never empty
     * @param ttl how long to keep them: the answer's smallest TTL, clamped to the forwarder's pin range
     */
    void resolved(InetAddress client, String name, List<InetAddress> addresses, Duration ttl);
}
