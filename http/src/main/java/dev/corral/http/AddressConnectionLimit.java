package dev.corral.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.io.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps the connections one client address may hold open at once: a connection past the cap is closed as soon as
 * it opens, before a byte of it is read, so one client holding thousands of idle connections cannot use up the
 * server's file descriptors while other clients (and {@code /health}) are still served. Behind a reverse proxy
 * every client shares the proxy's address, so the cap must then be set for the proxy.
 *
 * <p>Threading: Jetty calls the listener on its selector and I/O threads, for many connections at once; the
 * counts are in concurrent maps, changed with atomic {@code merge}s, and an address is forgotten when its last
 * connection closes, so the maps hold only connections that are open and their addresses.
 */
final class AddressConnectionLimit implements Connection.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(AddressConnectionLimit.class);

    private final int maxPerAddress;
    private final ConcurrentHashMap<InetAddress, Integer> open = new ConcurrentHashMap<>();
    /** Each counted connection's address, kept from its opening: a closed socket no longer tells its peer. */
    private final ConcurrentHashMap<Connection, InetAddress> counted = new ConcurrentHashMap<>();

    AddressConnectionLimit(int maxPerAddress) {
        this.maxPerAddress = maxPerAddress;
    }

    @Override
    public void onOpened(Connection connection) {
        InetAddress address = addressOf(connection);
        if (address == null || counted.putIfAbsent(connection, address) != null) {
            return;
        }
        int count = open.merge(address, 1, Integer::sum);
        if (count > maxPerAddress) {
            if (count == maxPerAddress + 1) {
                LOG.warn("Closing connections from {}: it holds {} already, the most one address may", address
                        .getHostAddress(), maxPerAddress);
            }
            connection.getEndPoint().close();
        }
    }

    @Override
    public void onClosed(Connection connection) {
        InetAddress address = counted.remove(connection);
        if (address != null) {
            open.computeIfPresent(address, (key, count) -> count <= 1 ? null : count - 1);
        }
    }

    private static InetAddress addressOf(Connection connection) {
        SocketAddress remote = connection.getEndPoint().getRemoteSocketAddress();
        return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }
}
