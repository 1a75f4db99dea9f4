package dev.corral.runtime.oci.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.error.CorralException;
import dev.corral.core.sandbox.DomainRule;
import dev.corral.core.sandbox.EgressPolicy;
import dev.corral.core.sandbox.Ipv4Subnet;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SandboxDnsTest {
    private static final int SANDBOX = Ipv4Subnet.parse("10.89.0.2/32").network();
    private static final EgressPolicy ONLY_PEER = new EgressPolicy(false, List.of(), List.of(),
            List.of(DomainRule.parse("peer.test")), List.of());

    private final SandboxDns dns = new SandboxDns((sandbox, name, destinations, ttl) -> { });

    @Test
    void pins_onlyNamesTheServedDenyByDefaultPolicyAllows() {
        dns.serve(Map.of(SANDBOX, ONLY_PEER));

        assertThat(dns.pins(SANDBOX, "peer.test")).isTrue();
        assertThat(dns.pins(SANDBOX, "other.test")).isFalse();
        assertThat(dns.pins(SANDBOX + 1, "peer.test")).isFalse();
    }

    @Test
    void pins_afterThePolicyChanged_isFalseForTheOldPolicysNames() {
        dns.serve(Map.of(SANDBOX, ONLY_PEER));

        dns.serve(Map.of(SANDBOX, new EgressPolicy(false, List.of(), List.of())));

        assertThat(dns.pins(SANDBOX, "peer.test")).isFalse();
    }

    @Test
    void requireServing_whenTheForwarderCannotBind_refusesNetworksSayingWhy() {
        // 192.0.2.1 is no address of this host: the bind fails, which is what is said.
        dns.start(new InetSocketAddress("192.0.2.1", 0), List.of(new InetSocketAddress("127.0.0.1", 53)));

        assertThatThrownBy(dns::requireServing).isInstanceOf(CorralException.class)
                .hasMessageContaining("cannot run on /192.0.2.1").hasMessageContaining("network \"none\"");
    }
}
