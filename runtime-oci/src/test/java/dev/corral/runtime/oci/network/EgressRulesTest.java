package dev.corral.runtime.oci.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EgressRulesTest {
    private final EgressRules rules = new EgressRules(NetworkSettings.of(Ipv4Subnet.parse("10.89.0.0/16")));

    @Test
    void render_replacesTheWholeTableInOneScript() {
        String script = rules.render(List.of());

        assertThat(script).startsWith("table inet corral\ndelete table inet corral\ntable inet corral {\n");
        assertThat(script.lines().filter(line -> line.startsWith("table") || line.startsWith("delete")))
                .hasSize(3);
    }

    @Test
    void render_sandboxes_listsTheirAddressesInOrderAsTheOnlyAllowedSources() {
        String script = rules.render(List.of(Ipv4Subnet.parse("10.89.0.3/32").network(),
                Ipv4Subnet.parse("10.89.0.2/32").network()));

        assertThat(script).contains("elements = { 10.89.0.2, 10.89.0.3 }")
                .contains("    ip saddr != @sandboxes drop\n");
    }

    @Test
    void render_noSandboxes_leavesTheSetEmptySoEveryPacketFromTheBridgeIsDropped() {
        String script = rules.render(List.of());

        assertThat(script).contains("set sandboxes {\n    type ipv4_addr\n  }");
    }

    @Test
    void render_egress_isCheckedOnEveryPacketBeforeAnyConnectionState() {
        String forward = section(rules.render(List.of()), "chain forward");

        assertThat(forward.indexOf("iifname \"corral0\" jump egress"))
                .isLessThan(forward.indexOf("ct state established,related accept"));
        assertThat(forward).contains("oifname \"corral0\" ct state established,related accept\n"
                + "    oifname \"corral0\" drop");
    }

    @Test
    void render_egress_dropsIpv6OtherSandboxesAndTheDeniedRangesThenAccepts() {
        String script = rules.render(List.of());

        assertThat(section(script, "chain egress")).contains("meta nfproto != ipv4 drop", "oifname \"corral0\" drop",
                "ip daddr @denied drop", "accept");
        assertThat(section(script, "set denied")).contains("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
                "100.64.0.0/10", "169.254.0.0/16", "127.0.0.0/8", "0.0.0.0/8", "224.0.0.0/4", "240.0.0.0/4")
                .doesNotContain("198.51.100.0/24");
    }

    @Test
    void render_host_takesNothingFromTheBridgeAndTheSubnetIsMasqueradedOut() {
        String script = rules.render(List.of());

        assertThat(section(script, "chain input")).contains("iifname \"corral0\" drop");
        assertThat(section(script, "chain postrouting")).contains("type nat hook postrouting",
                "ip saddr 10.89.0.0/16 oifname != \"corral0\" masquerade");
    }

    /** From the line opening {@code header} to the closing brace of that block. */
    private static String section(String script, String header) {
        int start = script.indexOf("  " + header + " {");
        return script.substring(start, script.indexOf("\n  }", start));
    }
}
