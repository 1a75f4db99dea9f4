package dev.corral.runtime.oci.network;

import dev.corral.core.sandbox.Ipv4Subnet;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads the host's IPv4 routes as {@code ip -4 -o route show table all} prints them, to find those the sandbox
 * subnet would collide with. Default routes (the way out, not a network of the host) and the bridge's own routes
 * do not count.
 */
final class HostRoutes {
    /** The route types ip prints before the destination; a plain unicast route has none. */
    private static final Set<String> TYPES = Set.of("unicast", "local", "broadcast", "multicast", "anycast",
            "blackhole", "unreachable", "prohibit", "throw", "nat");

    private HostRoutes() {
    }

    /** The destinations among {@code routes} that overlap {@code subnet}, ignoring those through {@code bridge}. */
    static List<Ipv4Subnet> overlapping(Ipv4Subnet subnet, String bridge, String routes) {
        var clashes = new ArrayList<Ipv4Subnet>();
        for (String line : routes.split("\n")) {
            List<String> words = List.of(line.strip().split("\\s+"));
            if (words.isEmpty() || words.get(0).isEmpty()) {
                continue;
            }
            String destination = TYPES.contains(words.get(0)) && words.size() > 1 ? words.get(1) : words.get(0);
            int dev = words.indexOf("dev");
            if (destination.equals("default") || (dev >= 0 && dev + 1 < words.size()
                    && words.get(dev + 1).equals(bridge))) {
                continue;
            }
            Ipv4Subnet route;
            try {
                route = Ipv4Subnet.parse(destination.contains("/") ? destination : destination + "/32");
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (route.overlaps(subnet)) {
                clashes.add(route);
            }
        }
        return clashes;
    }
}
