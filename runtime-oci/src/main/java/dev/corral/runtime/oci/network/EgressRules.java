package dev.corral.runtime.oci.network;

import dev.corral.core.sandbox.EgressPolicy;
import dev.corral.core.sandbox.Ipv4Subnet;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The nftables rule set of the sandboxes' network, one {@code inet} table written whole: a script for
 * {@code nft -f -} that replaces the table in one transaction, so no packet ever meets half a rule set.
 *
 * <p>The default policy, the same for every protocol (rules on addresses, never ports):
 * <ul>
 *   <li>packets from the bridge go through {@code egress} on every packet, not only a connection's first, so a
 *       rule set written later cuts connections already open: a source that is no known sandbox's address, any
 *       IPv6, another sandbox (routed back out of the bridge), and the denied ranges are dropped; the rest is
 *       accepted and masqueraded out of any interface but the bridge;</li>
 *   <li>a sandbox with an {@link EgressPolicy} of its own has a chain of its own, jumped to by source address
 *       after the checks above and {@link EgressPolicy#NEVER_OPEN} (which no policy opens): its denied networks dropped, its allowed ones accepted,
 *       then the default ranges or everything dropped;</li>
 *   <li>towards the bridge only replies ({@code established,related}) pass: nothing outside opens a connection
 *       into a sandbox;</li>
 *   <li>the host itself takes nothing from the bridge (its input chain): not its API port, not any of its
 *       addresses, whatever the destination, but DNS (UDP and TCP port 53) from a sandbox to the bridge address,
 *       where the sandboxes' forwarder listens; DNS (53) and DNS over TLS (853) to anywhere else are dropped
 *       before any policy, so the forwarder's domain rules cannot be bypassed by asking another resolver; replies
 *       to the host's own connections into a sandbox (the port proxy's) come back through it too;</li>
 *   <li>a deny-by-default sandbox's chain accepts, after the denied ranges, the addresses in its
 *       {@code pinned_} set: those its allowed names resolved to, each until its answer's TTL ends.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class EgressRules {
    /**
     * Closed unless a sandbox's policy allows them: private ranges, shared address space (carrier NAT), IETF
     * protocol assignments and benchmarking.
     */
    private static final List<Ipv4Subnet> CLOSED_BY_DEFAULT = Stream.of("10.0.0.0/8", "100.64.0.0/10",
            "172.16.0.0/12", "192.0.0.0/24", "192.168.0.0/16", "198.18.0.0/15").map(Ipv4Subnet::parse).toList();
    /**
     * Not reachable from a sandbox by default: {@link EgressPolicy#NEVER_OPEN} ("this" network, loopback,
     * link-local with the metadata address 169.254.169.254, multicast, reserved) and {@link #CLOSED_BY_DEFAULT}, in
     * address order.
     */
    static final List<String> DENIED = Stream.concat(EgressPolicy.NEVER_OPEN.stream(), CLOSED_BY_DEFAULT.stream())
            .sorted(Comparator.comparing(Ipv4Subnet::network, Integer::compareUnsigned))
            .map(Ipv4Subnet::toString).toList();

    private static final int DNS_PORT = 53;
    private static final int DNS_OVER_TLS_PORT = 853;

    private final NetworkSettings settings;

    public EgressRules(NetworkSettings settings) {
        this.settings = settings;
    }

    /** The script that makes the table hold exactly the rules for the sandboxes at these addresses. */
    public String render(Map<Integer, EgressPolicy> policies) {
        return render(policies, Map.of());
    }

    /**
     * As {@link #render(Map)}, with each deny-by-default sandbox's pinned addresses (those its allowed names
     * resolved to) in its set with the time they have left; {@code pins} is keyed by the sandbox's address.
     */
    public String render(Map<Integer, EgressPolicy> policies, Map<Integer, Map<Integer, Duration>> pins) {
        String bridge = quoted(settings.bridge());
        String table = settings.table();
        List<Integer> addresses = policies.keySet().stream().sorted(Integer::compareUnsigned).toList();
        String sandboxes = addresses.stream().map(Ipv4Subnet::text).collect(Collectors.joining(", "));
        List<Integer> ownPolicies = addresses.stream()
                .filter(address -> !policies.get(address).equals(EgressPolicy.DEFAULT)).toList();
        var script = new StringBuilder();
        // Made first so that the delete never fails, then replaced whole: one transaction.
        script.append("table inet ").append(table).append('\n');
        script.append("delete table inet ").append(table).append('\n');
        script.append("table inet ").append(table).append(" {\n");
        script.append("  set sandboxes {\n    type ipv4_addr\n");
        if (!sandboxes.isEmpty()) {
            script.append("    elements = { ").append(sandboxes).append(" }\n");
        }
        script.append("  }\n");
        intervalSet(script, "denied", DENIED);
        intervalSet(script, "never_open", EgressPolicy.NEVER_OPEN.stream().map(Ipv4Subnet::toString).toList());
        for (int address : ownPolicies) {
            if (!policies.get(address).allowByDefault()) {
                script.append("  set ").append(pinned(address)).append(" {\n    type ipv4_addr\n    flags timeout\n")
                        .append("    size ").append(PinnedAddresses.MAX_PER_SANDBOX).append('\n');
                Map<Integer, Duration> live = pins.getOrDefault(address, Map.of());
                if (!live.isEmpty()) {
                    script.append("    elements = { ").append(live.entrySet().stream()
                            .sorted(Map.Entry.comparingByKey(Integer::compareUnsigned))
                            .map(pin -> element(pin.getKey(), pin.getValue()))
                            .collect(Collectors.joining(", "))).append(" }\n");
                }
                script.append("  }\n");
            }
        }
        script.append("  chain forward {\n    type filter hook forward priority filter; policy accept;\n");
        script.append("    iifname ").append(bridge).append(" jump egress\n");
        script.append("    oifname ").append(bridge).append(" ct state established,related accept\n");
        script.append("    oifname ").append(bridge).append(" drop\n  }\n");
        script.append("  chain egress {\n");
        script.append("    meta nfproto != ipv4 drop\n");
        script.append("    ip saddr != @sandboxes drop\n");
        script.append("    oifname ").append(bridge).append(" drop\n");
        // DNS goes to the forwarder on the bridge address (the input chain) or nowhere: no policy opens another.
        script.append("    meta l4proto { tcp, udp } th dport ").append(DNS_PORT).append(" drop\n");
        script.append("    tcp dport ").append(DNS_OVER_TLS_PORT).append(" drop\n");
        // Before any sandbox's own chain: no allow list reaches the metadata address or link-local.
        script.append("    ip daddr @never_open drop\n");
        if (!ownPolicies.isEmpty()) {
            script.append("    ip saddr vmap { ").append(ownPolicies.stream()
                    .map(address -> Ipv4Subnet.text(address) + " : jump " + chain(address))
                    .collect(Collectors.joining(", "))).append(" }\n");
        }
        script.append("    ip daddr @denied drop\n");
        script.append("    accept\n  }\n");
        for (int address : ownPolicies) {
            EgressPolicy policy = policies.get(address);
            script.append("  chain ").append(chain(address)).append(" {\n");
            networks(policy.deny()).ifPresent(deny -> script.append("    ip daddr ").append(deny).append(" drop\n"));
            networks(policy.allow()).ifPresent(allow -> script.append("    ip daddr ").append(allow)
                    .append(" accept\n"));
            if (policy.allowByDefault()) {
                script.append("    ip daddr @denied drop\n    accept\n  }\n");
            } else {
                // A name allowed by the policy may resolve to a denied range: those are never pinned open.
                script.append("    ip daddr @denied drop\n");
                script.append("    ip daddr @").append(pinned(address)).append(" accept\n");
                script.append("    drop\n  }\n");
            }
        }
        script.append("  chain input {\n    type filter hook input priority filter; policy accept;\n");
        script.append("    iifname ").append(bridge).append(" ip saddr @sandboxes ip daddr ")
                .append(Ipv4Subnet.text(settings.bridgeAddress())).append(" meta l4proto { tcp, udp } th dport ")
                .append(DNS_PORT).append(" accept\n");
        // Replies to the host's own connections into sandboxes (the port proxy's); nothing new from the bridge.
        script.append("    iifname ").append(bridge)
                .append(" ip saddr @sandboxes ct state established,related accept\n");
        script.append("    iifname ").append(bridge).append(" drop\n  }\n");
        script.append("  chain postrouting {\n    type nat hook postrouting priority srcnat; policy accept;\n");
        script.append("    ip saddr ").append(settings.subnet()).append(" oifname != ").append(bridge)
                .append(" masquerade\n  }\n");
        script.append("}\n");
        return script.toString();
    }

    /**
     * The statement that adds pins to the set of the sandbox at {@code sandbox} without rewriting the table; the
     * add, delete, add in one transaction sets the timeout of an address pinned already too.
     */
    public String pinScript(int sandbox, Map<Integer, Duration> destinations) {
        String set = "inet " + settings.table() + " " + pinned(sandbox);
        String all = destinations.keySet().stream().map(Ipv4Subnet::text).collect(Collectors.joining(", "));
        return "add element " + set + " { " + destinations.keySet().stream()
                .map(destination -> element(destination, Duration.ofSeconds(1))).collect(Collectors.joining(", "))
                + " }\ndelete element " + set + " { " + all + " }\nadd element " + set + " { "
                + destinations.entrySet().stream().map(pin -> element(pin.getKey(), pin.getValue()))
                .collect(Collectors.joining(", ")) + " }\n";
    }

    private static String element(int destination, Duration timeout) {
        return Ipv4Subnet.text(destination) + " timeout " + Math.max(1, timeout.toSeconds()) + "s";
    }

    /** A constant set of networks, such as the denied ranges. */
    private static void intervalSet(StringBuilder script, String name, List<String> networks) {
        script.append("  set ").append(name).append(" {\n    type ipv4_addr\n    flags interval\n    elements = { ")
                .append(String.join(", ", networks)).append(" }\n  }\n");
    }

    /** The set of addresses the sandbox at {@code address} resolved, named by it. */
    private static String pinned(int address) {
        return "pinned_" + Ipv4Subnet.text(address).replace('.', '_');
    }

    /** The chain of the sandbox at {@code address}, named by it. */
    private static String chain(int address) {
        return "sandbox_" + Ipv4Subnet.text(address).replace('.', '_');
    }

    /**
     * An anonymous set of the networks, those inside another left out (nft refuses overlapping intervals; two
     * networks either nest or are apart); empty for none.
     */
    private static Optional<String> networks(List<Ipv4Subnet> networks) {
        List<String> outermost = networks.stream().distinct()
                .filter(network -> networks.stream().noneMatch(other -> !other.equals(network)
                        && other.prefix() < network.prefix() && other.overlaps(network)))
                .map(Ipv4Subnet::toString).toList();
        return outermost.isEmpty() ? Optional.empty() : Optional.of("{ " + String.join(", ", outermost) + " }");
    }

    private static String quoted(String name) {
        return "\"" + name + "\"";
    }
}
