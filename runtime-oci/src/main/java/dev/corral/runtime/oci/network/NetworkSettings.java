package dev.corral.runtime.oci.network;

import dev.corral.core.sandbox.Ipv4Subnet;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The host side of the sandboxes' network: a bridge holding the subnet's first address, each sandbox's address
 * from the rest of the subnet, and one nftables table of their rules. Two Corral servers (or test runs) on one host
 * need their own bridge, subnet and table.
 *
 * @param bridge the bridge's interface name; also begins the names of the sandboxes' network namespaces
 * @param subnet where the bridge's and the sandboxes' addresses come from: at least 4 addresses
 * @param table  the name of the {@code inet} table holding every rule of this server
 * @param dnsUpstreams the resolvers the sandboxes' DNS forwarder asks; empty for the host's (its resolv.conf)
 */
public record NetworkSettings(String bridge, Ipv4Subnet subnet, String table, List<InetSocketAddress> dnsUpstreams) {
    public static final String DEFAULT_SUBNET = "10.89.0.0/16";
    /** The name of the default network: table {@code corral}, bridge {@code corral0}. */
    public static final String DEFAULT_NAME = "corral";
    /** Short enough to leave room in an interface name (15 characters) and plain enough for nft and ip. */
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]{0,7}");

    public NetworkSettings {
        Objects.requireNonNull(subnet, "subnet");
        dnsUpstreams = List.copyOf(dnsUpstreams);
        if (!NAME.matcher(bridge).matches() || !NAME.matcher(table).matches()) {
            throw new IllegalArgumentException("bridge and table must be a lowercase letter and up to 7 letters or "
                    + "digits: " + bridge + ", " + table);
        }
        if (subnet.prefix() > 30) {
            throw new IllegalArgumentException("the sandbox subnet must hold at least 4 addresses: " + subnet);
        }
    }

    /** Forwarding sandboxes' DNS to the host's resolvers. */
    public NetworkSettings(String bridge, Ipv4Subnet subnet, String table) {
        this(bridge, subnet, table, List.of());
    }

    /** Bridge {@code corral0} and table {@code corral} over {@code subnet}. */
    public static NetworkSettings of(Ipv4Subnet subnet) {
        return named(DEFAULT_NAME, subnet);
    }

    /**
     * Table {@code name} and bridge {@code name} followed by {@code 0} over {@code subnet}: what lets two servers
     * share a host, each with a name and subnet of its own.
     */
    public static NetworkSettings named(String name, Ipv4Subnet subnet) {
        return new NetworkSettings(name + "0", subnet, name);
    }

    /** Whether {@code name} can name a network: its bridge, with the {@code 0} added, must still be a name. */
    public static boolean isName(String name) {
        return NAME.matcher(name + "0").matches();
    }

    /** The same, forwarding the sandboxes' DNS to {@code upstreams} (empty: the host's resolvers). */
    public NetworkSettings withDnsUpstreams(List<InetSocketAddress> upstreams) {
        return new NetworkSettings(bridge, subnet, table, upstreams);
    }

    /** The subnet's first host address, the sandboxes' gateway. */
    public int bridgeAddress() {
        return subnet.address(1);
    }
}
