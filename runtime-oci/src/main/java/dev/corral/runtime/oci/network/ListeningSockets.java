package dev.corral.runtime.oci.network;

import dev.corral.core.sandbox.ports.ListeningPort;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads the listening TCP sockets out of a network namespace's {@code /proc/<pid>/net/tcp} and {@code tcp6}: one
 * socket a line, its local address as hex ({@code 0100007F:1F40}: the address in the kernel's byte order, 32-bit
 * words little-endian, then the port), its state a hex code ({@code 0A} is LISTEN).
 *
 * <p>Stateless and thread-safe.
 */
public final class ListeningSockets {
    private static final String LISTEN = "0A";

    private ListeningSockets() {
    }

    /** The listening sockets of both tables, by port then address; lines that do not parse are skipped. */
    public static List<ListeningPort> parse(String tcp, String tcp6) {
        var found = new ArrayList<ListeningPort>();
        read(tcp, found);
        read(tcp6, found);
        found.sort(Comparator.comparingInt(ListeningPort::port).thenComparing(ListeningPort::address));
        return List.copyOf(found);
    }

    private static void read(String table, List<ListeningPort> found) {
        table.lines().skip(1).forEach(line -> {
            String[] fields = line.strip().split("\\s+");
            if (fields.length < 4 || !fields[3].equals(LISTEN)) {
                return;
            }
            int colon = fields[1].indexOf(':');
            if (colon < 0) {
                return;
            }
            try {
                found.add(new ListeningPort(Integer.parseInt(fields[1].substring(colon + 1), 16),
                        address(fields[1].substring(0, colon))));
            } catch (IllegalArgumentException | UnknownHostException e) {
                // A line of another shape (a kernel's addition) names no socket we can show.
            }
        });
    }

    /** The kernel's hex of an address: each 32-bit word in host (little-endian) order. */
    private static String address(String hex) throws UnknownHostException {
        if (hex.length() != 8 && hex.length() != 32) {
            throw new IllegalArgumentException("not an address: " + hex);
        }
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int b = 0; b < 4; b++) {
                int at = (word * 4 + b) * 2;
                bytes[word * 4 + 3 - b] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
            }
        }
        return InetAddress.getByAddress(bytes).getHostAddress();
    }
}
