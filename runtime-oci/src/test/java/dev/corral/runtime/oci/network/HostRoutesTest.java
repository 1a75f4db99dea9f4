package dev.corral.runtime.oci.network;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.sandbox.Ipv4Subnet;
import org.junit.jupiter.api.Test;

class HostRoutesTest {
    private static final Ipv4Subnet SUBNET = Ipv4Subnet.parse("10.89.0.0/16");
    private static final String ROUTES = """
            default via 192.0.2.1 dev eth0
            192.0.2.0/24 dev eth0 proto kernel scope link src 192.0.2.2
            10.89.0.0/16 dev corral0 proto kernel scope link src 10.89.0.1
            local 10.89.0.1 dev corral0 table local proto kernel scope host src 10.89.0.1
            broadcast 10.89.255.255 dev corral0 table local proto kernel scope link src 10.89.0.1
            local 127.0.0.0/8 dev lo table local proto kernel scope host src 127.0.0.1
            """;

    @Test
    void overlapping_onlyTheBridgesOwnAndDefaultRoutes_findsNone() {
        assertThat(HostRoutes.overlapping(SUBNET, "corral0", ROUTES)).isEmpty();
    }

    @Test
    void overlapping_aRouteOfTheHostInsideOrAround_findsIt() {
        String routes = ROUTES + "10.0.0.0/8 via 192.0.2.1 dev eth0\nblackhole 10.89.7.0/24\n10.90.0.0/16 dev eth1\n";

        assertThat(HostRoutes.overlapping(SUBNET, "corral0", routes)).extracting(Ipv4Subnet::toString)
                .containsExactly("10.0.0.0/8", "10.89.7.0/24");
    }

    @Test
    void overlapping_theBridgesRoutesUnderAnotherBridgeName_areClashes() {
        assertThat(HostRoutes.overlapping(SUBNET, "corral1", ROUTES)).extracting(Ipv4Subnet::toString)
                .containsExactly("10.89.0.0/16", "10.89.0.1/32", "10.89.255.255/32");
    }
}
