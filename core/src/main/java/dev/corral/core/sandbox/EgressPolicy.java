package dev.corral.core.sandbox;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a sandbox with a network may send packets, by destination address, for every protocol alike. A destination
 * in {@code deny} is dropped; else one in {@code allow} is let out; else the default decides: with
 * {@code allowByDefault} the public internet is let out (never private, link-local, loopback, multicast or reserved
 * ranges), without it nothing is. No policy opens the host itself or another sandbox.
 *
 * @param allowByDefault {@code egress: "allow"} (the default) or {@code "deny"}
 * @param allow          networks let out even when the default would not
 * @param deny           networks never let out
 */
public record EgressPolicy(boolean allowByDefault, List<Ipv4Subnet> allow, List<Ipv4Subnet> deny) {
    /** The most networks one list may hold. */
    public static final int MAX_ENTRIES = 64;
    /** The internet, nothing private. */
    public static final EgressPolicy DEFAULT = new EgressPolicy(true, List.of(), List.of());

    public EgressPolicy {
        allow = List.copyOf(allow);
        deny = List.copyOf(deny);
        if (allow.size() > MAX_ENTRIES || deny.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("at most " + MAX_ENTRIES + " networks in each list");
        }
    }

    /** One line, as the store and the runtime keep it: {@code allow;1.2.3.0/24,10.0.0.0/8;5.6.7.8/32}. */
    public String toText() {
        return (allowByDefault ? "allow" : "deny") + ";" + join(allow) + ";" + join(deny);
    }

    /**
     * Reads {@link #toText()}.
     *
     * @throws IllegalArgumentException when {@code text} is not such a line
     */
    public static EgressPolicy parse(String text) {
        String[] parts = text.strip().split(";", -1);
        if (parts.length != 3 || !(parts[0].equals("allow") || parts[0].equals("deny"))) {
            throw new IllegalArgumentException("not an egress policy: " + text);
        }
        return new EgressPolicy(parts[0].equals("allow"), networks(parts[1]), networks(parts[2]));
    }

    private static String join(List<Ipv4Subnet> networks) {
        return String.join(",", networks.stream().map(Ipv4Subnet::toString).toList());
    }

    private static List<Ipv4Subnet> networks(String text) {
        var networks = new ArrayList<Ipv4Subnet>();
        for (String entry : text.split(",")) {
            if (!entry.isEmpty()) {
                networks.add(Ipv4Subnet.parse(entry));
            }
        }
        return networks;
    }
}
