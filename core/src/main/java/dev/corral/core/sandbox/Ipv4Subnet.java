package dev.corral.core.sandbox;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An IPv4 network in CIDR form, e.g. {@code 10.89.0.0/16}: its first address (host bits zero) and prefix length.
 * Addresses are plain {@code int}s, the 32 bits in network order, as the kernel counts them.
 *
 * <p>Immutable.
 */
public record Ipv4Subnet(int network, int prefix) {
    private static final Pattern CIDR = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})/(\\d{1,2})");

    public Ipv4Subnet {
        if (prefix < 0 || prefix > 32) {
            throw new IllegalArgumentException("prefix must be 0 to 32: " + prefix);
        }
        if ((network & ~mask(prefix)) != 0) {
            throw new IllegalArgumentException(text(network) + "/" + prefix + " has host bits set; the network is "
                    + text(network & mask(prefix)) + "/" + prefix);
        }
    }

    /**
     * Reads {@code a.b.c.d/n}.
     *
     * @throws IllegalArgumentException naming what is wrong: not CIDR, an octet past 255, host bits set
     */
    public static Ipv4Subnet parse(String text) {
        Matcher m = CIDR.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("not an IPv4 network in CIDR form (a.b.c.d/n): " + text);
        }
        int address = 0;
        for (int i = 1; i <= 4; i++) {
            int octet = Integer.parseInt(m.group(i));
            if (octet > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + text);
            }
            address = (address << 8) | octet;
        }
        return new Ipv4Subnet(address, Integer.parseInt(m.group(5)));
    }

    /** The dotted form of one address. */
    public static String text(int address) {
        return (address >>> 24) + "." + ((address >>> 16) & 0xff) + "." + ((address >>> 8) & 0xff) + "."
                + (address & 0xff);
    }

    /** The address {@code offset} places after the network address ({@code 1} is the first host). */
    public int address(long offset) {
        if (offset < 0 || offset >= size()) {
            throw new IllegalArgumentException("offset " + offset + " is outside " + this);
        }
        return (int) (Integer.toUnsignedLong(network) + offset);
    }

    /** How many addresses the network spans, its network and broadcast addresses included. */
    public long size() {
        return 1L << (32 - prefix);
    }

    public boolean contains(int address) {
        return (address & mask(prefix)) == network;
    }

    public boolean overlaps(Ipv4Subnet other) {
        int shorter = Math.min(prefix, other.prefix);
        return (network & mask(shorter)) == (other.network & mask(shorter));
    }

    @Override
    public String toString() {
        return text(network) + "/" + prefix;
    }

    private static int mask(int prefix) {
        return prefix == 0 ? 0 : -1 << (32 - prefix);
    }
}
