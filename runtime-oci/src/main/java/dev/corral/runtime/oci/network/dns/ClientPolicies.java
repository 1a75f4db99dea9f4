package dev.corral.runtime.oci.network.dns;

import java.net.InetAddress;
import java.util.Optional;

/**
 * Which sandbox a DNS query comes from, by its source address, and that sandbox's domain policy. The forwarder
 * serves only the clients this knows: an empty answer is REFUSED. Called on the forwarder's threads for every
 * query, so it must be quick and thread-safe (a map lookup).
 */
@FunctionalInterface
public interface ClientPolicies {
    Optional<DomainPolicy> policyFor(InetAddress client);
}
