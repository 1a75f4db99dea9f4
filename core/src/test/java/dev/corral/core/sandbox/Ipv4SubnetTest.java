package dev.corral.core.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class Ipv4SubnetTest {
    @Test
    void parse_aNetwork_readsItsAddressAndPrefix() {
        Ipv4Subnet subnet = Ipv4Subnet.parse("10.89.0.0/16");

        assertThat(subnet.toString()).isEqualTo("10.89.0.0/16");
        assertThat(subnet.size()).isEqualTo(65_536);
        assertThat(Ipv4Subnet.text(subnet.address(1))).isEqualTo("10.89.0.1");
        assertThat(Ipv4Subnet.text(subnet.address(65_535))).isEqualTo("10.89.255.255");
    }

    @Test
    void parse_hostBitsSet_isRefusedNamingTheNetwork() {
        assertThatThrownBy(() -> Ipv4Subnet.parse("10.89.0.1/16")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("10.89.0.0/16");
    }

    @Test
    void parse_notCidr_isRefused() {
        for (String text : new String[] {"10.89.0.0", "10.89.0.256/24", "10.89.0.0/33", "fd00::/8", "a.b.c.d/8"}) {
            assertThatThrownBy(() -> Ipv4Subnet.parse(text)).as(text).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void address_highAddresses_areUnsigned() {
        Ipv4Subnet subnet = Ipv4Subnet.parse("240.0.0.0/4");

        assertThat(subnet.contains(Ipv4Subnet.parse("255.255.255.255/32").network())).isTrue();
        assertThat(Ipv4Subnet.text(subnet.address(subnet.size() - 1))).isEqualTo("255.255.255.255");
    }

    @Test
    void overlaps_nestedOrDisjoint_answersAccordingly() {
        Ipv4Subnet subnet = Ipv4Subnet.parse("10.89.0.0/16");

        assertThat(subnet.overlaps(Ipv4Subnet.parse("10.0.0.0/8"))).isTrue();
        assertThat(subnet.overlaps(Ipv4Subnet.parse("10.89.3.0/24"))).isTrue();
        assertThat(subnet.overlaps(Ipv4Subnet.parse("10.90.0.0/16"))).isFalse();
        assertThat(subnet.overlaps(Ipv4Subnet.parse("192.0.2.0/24"))).isFalse();
    }
}
