package dev.corral.runtime.oci.network;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.sandbox.EgressPolicy;
import dev.corral.core.sandbox.Ipv4Subnet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EgressRulesTest {
    private final EgressRules rules = new EgressRules(NetworkSettings.of(Ipv4Subnet.parse("10.89.0.0/16")));

    @Test
    void render_replacesTheWholeTableInOneScript() {
        String script = rules.render(Map.of());

        assertThat(script).startsWith("table inet corral\ndelete table inet corral\ntable inet corral {\n");
        assertThat(script.lines().filter(line -> line.startsWith("table") || line.startsWith("delete")))
                .hasSize(3);
    }

    @Test
    void render_sandboxes_listsTheirAddressesInOrderAsTheOnlyAllowedSources() {
        String script = rules.render(Map.of(address("10.89.0.3"), EgressPolicy.DEFAULT, address("10.89.0.2"),
                EgressPolicy.DEFAULT));

        assertThat(script).contains("elements = { 10.89.0.2, 10.89.0.3 }")
                .contains("    ip saddr != @sandboxes drop\n");
    }

    @Test
    void render_noSandboxes_leavesTheSetEmptySoEveryPacketFromTheBridgeIsDropped() {
        String script = rules.render(Map.of());

        assertThat(script).contains("set sandboxes {\n    type ipv4_addr\n  }");
    }

    @Test
    void render_egress_isCheckedOnEveryPacketBeforeAnyConnectionState() {
        String forward = section(rules.render(Map.of()), "chain forward");

        assertThat(forward.indexOf("iifname \"corral0\" jump egress"))
                .isLessThan(forward.indexOf("ct state established,related accept"));
        assertThat(forward).contains("oifname \"corral0\" ct state established,related accept\n"
                + "    oifname \"corral0\" drop");
    }

    @Test
    void render_egress_dropsIpv6OtherSandboxesAndTheDeniedRangesThenAccepts() {
        String script = rules.render(Map.of());

        assertThat(section(script, "chain egress")).contains("meta nfproto != ipv4 drop", "oifname \"corral0\" drop",
                "ip daddr @denied drop", "accept");
        assertThat(EgressRules.DENIED).containsExactly("0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8",
                "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24", "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4",
                "240.0.0.0/4");
        assertThat(section(script, "set denied")).contains("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
                "100.64.0.0/10", "169.254.0.0/16", "127.0.0.0/8", "0.0.0.0/8", "224.0.0.0/4", "240.0.0.0/4")
                .doesNotContain("198.51.100.0/24");
    }

    @Test
    void render_host_takesOnlyRepliesToItsOwnConnectionsFromSandboxes() {
        String chain = section(rules.render(Map.of()), "chain input");

        assertThat(chain).contains("iifname \"corral0\" ip saddr @sandboxes ct state established,related accept");
        assertThat(chain.indexOf("established,related")).isLessThan(chain.indexOf("iifname \"corral0\" drop"));
        assertThat(chain).doesNotContain("ct state new");
    }

    @Test
    void render_host_takesNothingFromTheBridgeAndTheSubnetIsMasqueradedOut() {
        String script = rules.render(Map.of());

        assertThat(section(script, "chain input")).contains("iifname \"corral0\" drop");
        assertThat(section(script, "chain postrouting")).contains("type nat hook postrouting",
                "ip saddr 10.89.0.0/16 oifname != \"corral0\" masquerade");
    }

    @Test
    void render_defaultPoliciesOnly_jumpsNowhere() {
        assertThat(rules.render(Map.of(address("10.89.0.2"), EgressPolicy.DEFAULT))).doesNotContain("vmap", "jump "
                + "sandbox_");
    }

    @Test
    void render_ownPolicies_areChainsJumpedToBySourceAfterTheChecksNoPolicyOpens() {
        var denyAll = new EgressPolicy(false, List.of(Ipv4Subnet.parse("198.51.100.0/24")), List.of());
        var allowPrivate = new EgressPolicy(true, List.of(Ipv4Subnet.parse("10.0.0.0/8"),
                Ipv4Subnet.parse("10.1.0.0/16")), List.of(Ipv4Subnet.parse("198.51.100.2/32")));

        String script = rules.render(Map.of(address("10.89.0.2"), EgressPolicy.DEFAULT, address("10.89.0.3"), denyAll,
                address("10.89.0.4"), allowPrivate));

        String egress = section(script, "chain egress");
        assertThat(egress).contains("    ip saddr vmap { 10.89.0.3 : jump sandbox_10_89_0_3, 10.89.0.4 : jump "
                + "sandbox_10_89_0_4 }");
        assertThat(egress.indexOf("vmap")).isGreaterThan(egress.indexOf("oifname \"corral0\" drop"))
                .isGreaterThan(egress.indexOf("ip saddr != @sandboxes drop"))
                .isGreaterThan(egress.indexOf("ip daddr @never_open drop"));
        assertThat(egress.indexOf("ip daddr @never_open drop")).isPositive();
        assertThat(script).contains("  set never_open {\n    type ipv4_addr\n    flags interval\n    elements = { "
                + "0.0.0.0/8, 127.0.0.0/8, 169.254.0.0/16, 224.0.0.0/4, 240.0.0.0/4 }\n  }");
        assertThat(section(script, "chain sandbox_10_89_0_3")).endsWith("    ip daddr { 198.51.100.0/24 } accept\n"
                + "    ip daddr @denied drop\n    ip daddr @pinned_10_89_0_3 accept\n    drop");
        // 10.1.0.0/16 lies in 10.0.0.0/8: nft refuses overlapping intervals in one set.
        assertThat(section(script, "chain sandbox_10_89_0_4")).endsWith("    ip daddr { 198.51.100.2/32 } drop\n"
                + "    ip daddr { 10.0.0.0/8 } accept\n    ip daddr @denied drop\n    accept");
    }

    @Test
    void render_dns_reachesOnlyTheForwarderOnTheBridgeAddressBeforeAnyPolicy() {
        String script = rules.render(Map.of(address("10.89.0.3"), new EgressPolicy(true, List.of(
                Ipv4Subnet.parse("10.0.0.0/8")), List.of())));

        assertThat(section(script, "chain input")).contains("    iifname \"corral0\" ip saddr @sandboxes ip daddr "
                + "10.89.0.1 meta l4proto { tcp, udp } th dport 53 accept\n    iifname \"corral0\" ip saddr @sandboxes"
                + " ct state established,related accept\n    iifname \"corral0\" drop");
        String egress = section(script, "chain egress");
        assertThat(egress.indexOf("meta l4proto { tcp, udp } th dport 53 drop")).isPositive()
                .isLessThan(egress.indexOf("vmap"));
        assertThat(egress.indexOf("tcp dport 853 drop")).isPositive().isLessThan(egress.indexOf("vmap"));
    }

    @Test
    void render_pins_areRenderedWithTheTimeTheyHaveLeftInTheirSandboxsSetBeforeItsChain() {
        var denyAll = new EgressPolicy(false, List.of(), List.of());

        String script = rules.render(Map.of(address("10.89.0.3"), denyAll, address("10.89.0.4"), EgressPolicy.DEFAULT),
                Map.of(address("10.89.0.3"), Map.of(address("198.51.100.2"), Duration.ofSeconds(42))));

        assertThat(section(script, "set pinned_10_89_0_3")).contains("flags timeout", "size 4096",
                "elements = { 198.51.100.2 timeout 42s }");
        assertThat(script.indexOf("set pinned_10_89_0_3")).isLessThan(script.indexOf("chain sandbox_10_89_0_3"));
        assertThat(script).doesNotContain("pinned_10_89_0_4");
    }

    @Test
    void pinScript_addsAndRefreshesTheTimeoutInOneTransaction() {
        String script = rules.pinScript(address("10.89.0.3"), Map.of(address("198.51.100.2"), Duration.ofMinutes(5)));

        assertThat(script).isEqualTo("add element inet corral pinned_10_89_0_3 { 198.51.100.2 timeout 1s }\n"
                + "delete element inet corral pinned_10_89_0_3 { 198.51.100.2 }\n"
                + "add element inet corral pinned_10_89_0_3 { 198.51.100.2 timeout 300s }\n");
    }

    private static int address(String text) {
        return Ipv4Subnet.parse(text + "/32").network();
    }

    /** From the line opening {@code header} to the closing brace of that block. */
    private static String section(String script, String header) {
        int start = script.indexOf("  " + header + " {");
        return script.substring(start, script.indexOf("\n  }", start));
    }
}
