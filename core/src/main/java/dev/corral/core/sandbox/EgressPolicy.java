package dev.corral.core.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Where a sandbox with a network may send packets, by destination address, for every protocol alike, and which
 * names it may resolve. A destination in {@code deny} is dropped; else one in {@code allow} is let out; else the
 * default decides: with {@code allowByDefault} the public internet is let out (never private, link-local, loopback,
 * multicast or reserved ranges), without it nothing is. No policy opens the host itself, another sandbox or
 * {@link #NEVER_OPEN}.
 *
 * <p>Domain rules act through the sandboxes' resolver: a name in {@code denyDomains} is NXDOMAIN; without
 * {@code allowByDefault} only names in {@code allowDomains} resolve, and the addresses they resolve to are let out
 * for their answer's TTL (never a private or reserved one). With {@code allowByDefault} a denied name does not
 * resolve, but its addresses are not blocked: use {@code egress: "deny"} to hold IP literals too.
 *
 * @param allowByDefault {@code egress: "allow"} (the default) or {@code "deny"}
 * @param allow          networks let out even when the default would not
 * @param deny           networks never let out
 * @param allowDomains   names that resolve (and whose addresses are let out) even when the default would not
 * @param denyDomains    names that never resolve
 */
public record EgressPolicy(boolean allowByDefault, List<Ipv4Subnet> allow, List<Ipv4Subnet> deny,
                           List<DomainRule> allowDomains, List<DomainRule> denyDomains) {
    /** The most entries (networks and domains together) one list may hold. */
    public static final int MAX_ENTRIES = 64;
    /** The internet, nothing private. */
    public static final EgressPolicy DEFAULT = new EgressPolicy(true, List.of(), List.of());
    /**
     * What no policy opens, not even by naming it in {@code allow}: "this" network, loopback, link-local (with the
     * cloud metadata address 169.254.169.254, which would hand a tenant the host's credentials), multicast and
     * the reserved range. Private ranges are closed by default but may be allowed.
     */
    public static final List<Ipv4Subnet> NEVER_OPEN = List.of(Ipv4Subnet.parse("0.0.0.0/8"),
            Ipv4Subnet.parse("127.0.0.0/8"), Ipv4Subnet.parse("169.254.0.0/16"), Ipv4Subnet.parse("224.0.0.0/4"),
            Ipv4Subnet.parse("240.0.0.0/4"));

    public EgressPolicy {
        allow = List.copyOf(allow);
        deny = List.copyOf(deny);
        allowDomains = List.copyOf(allowDomains);
        denyDomains = List.copyOf(denyDomains);
        if (allow.size() + allowDomains.size() > MAX_ENTRIES || deny.size() + denyDomains.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("at most " + MAX_ENTRIES + " entries in each list");
        }
    }

    /** A policy of networks only. */
    public EgressPolicy(boolean allowByDefault, List<Ipv4Subnet> allow, List<Ipv4Subnet> deny) {
        this(allowByDefault, allow, deny, List.of(), List.of());
    }

    /**
     * One line, as the store and the runtime keep it: {@code allow;1.2.3.0/24,10.0.0.0/8;5.6.7.8/32}, followed by
     * {@code ;example.org,*.example.org;ads.example.org} when it has domain rules.
     */
    public String toText() {
        String networks = (allowByDefault ? "allow" : "deny") + ";" + join(allow) + ";" + join(deny);
        return allowDomains.isEmpty() && denyDomains.isEmpty() ? networks
                : networks + ";" + join(allowDomains) + ";" + join(denyDomains);
    }

    /**
     * Reads {@link #toText()}.
     *
     * @throws IllegalArgumentException when {@code text} is not such a line
     */
    public static EgressPolicy parse(String text) {
        String[] parts = text.strip().split(";", -1);
        if ((parts.length != 3 && parts.length != 5) || !(parts[0].equals("allow") || parts[0].equals("deny"))) {
            throw new IllegalArgumentException("not an egress policy: " + text);
        }
        boolean domains = parts.length == 5;
        return new EgressPolicy(parts[0].equals("allow"), entries(parts[1], Ipv4Subnet::parse),
                entries(parts[2], Ipv4Subnet::parse), domains ? entries(parts[3], DomainRule::parse) : List.of(),
                domains ? entries(parts[4], DomainRule::parse) : List.of());
    }

    private static String join(List<?> entries) {
        return String.join(",", entries.stream().map(Object::toString).toList());
    }

    private static <T> List<T> entries(String text, Function<String, T> parse) {
        var entries = new ArrayList<T>();
        for (String entry : text.split(",")) {
            if (!entry.isEmpty()) {
                entries.add(parse.apply(entry));
            }
        }
        return entries;
    }
}
