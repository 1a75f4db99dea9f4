package dev.corral.testkit.fake;

import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.ports.PublicPort;
import dev.corral.core.sandbox.ports.PublicPortStore;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link PublicPortStore} in a map, for unit tests; it passes the same contract as the database stores.
 *
 * <p>Threading: safe for concurrent use.
 */
public final class InMemoryPublicPortStore implements PublicPortStore {
    private record Key(SandboxId sandbox, int port) {
    }

    private final ConcurrentHashMap<Key, PublicPort> ports = new ConcurrentHashMap<>();

    @Override
    public void save(PublicPort port) {
        ports.put(new Key(port.sandbox(), port.port()), port);
    }

    @Override
    public boolean remove(SandboxId sandbox, int port) {
        return ports.remove(new Key(sandbox, port)) != null;
    }

    @Override
    public Optional<PublicPort> find(SandboxId sandbox, int port) {
        return Optional.ofNullable(ports.get(new Key(sandbox, port)));
    }

    @Override
    public List<PublicPort> list(SandboxId sandbox) {
        return ports.values().stream().filter(port -> port.sandbox().equals(sandbox))
                .sorted(Comparator.comparingInt(PublicPort::port)).toList();
    }
}
