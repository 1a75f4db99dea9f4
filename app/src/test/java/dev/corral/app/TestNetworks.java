package dev.corral.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sandbox network of every server a test starts, or a clean-up opens, on a data directory: a table, bridge and
 * /24 of its own, claimed apart from every other test JVM's, so that no two share a DNS forwarder's port or rewrite
 * each other's rules, and none touches the default network a real server or a benchmark on the host uses.
 */
public final class TestNetworks {
    /** The network index of each data directory, from 0 on (10.90.0.0/24 on). */
    private static final Map<Path, Integer> NETWORKS = new ConcurrentHashMap<>();
    private static final List<FileChannel> HELD_NETWORKS = new CopyOnWriteArrayList<>();
    private static final AtomicInteger NEXT_NETWORK = new AtomicInteger();

    private TestNetworks() {
    }

    /**
     * The network flags ({@code network-name}, {@code network-subnet}) of a test server on {@code dataDir}: the
     * same for the same directory (a restarted server finds its sandboxes' network), claimed apart from every other.
     */
    public static Map<String, String> flagsFor(Path dataDir) {
        int network = NETWORKS.computeIfAbsent(dataDir, dir -> claimNetwork());
        return Map.of("network-name", "ct" + Integer.toString(network, 36),
                "network-subnet", "10." + (90 + network / 256) + "." + network % 256 + ".0/24");
    }

    /** {@code flags} with the network flags of {@code dataDir} ({@link #flagsFor}) beside them. */
    public static Map<String, String> withNetwork(Path dataDir, Map<String, String> flags) {
        var all = new HashMap<>(flagsFor(dataDir));
        all.putAll(flags);
        return all;
    }

    /**
     * The next network no other test JVM on this machine holds: each is claimed by a lock on a file of its own,
     * held until this JVM ends, so that suites run side by side (a developer's beside CI's) never share a table,
     * bridge or forwarder port. A network left by an ended JVM is taken over as a restarted server takes its own.
     */
    private static int claimNetwork() {
        Path locks = Path.of(System.getProperty("java.io.tmpdir"), "corral-test-networks");
        try {
            Files.createDirectories(locks);
            for (int tries = 0; tries < 4096; tries++) {
                int network = NEXT_NETWORK.getAndIncrement() % 4096;
                var channel = FileChannel.open(locks.resolve(network + ".lock"), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE);
                if (channel.tryLock() != null) {
                    HELD_NETWORKS.add(channel); // kept reachable, so open and locked until the JVM ends
                    return network;
                }
                channel.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("every test network is held by another JVM");
    }
}
