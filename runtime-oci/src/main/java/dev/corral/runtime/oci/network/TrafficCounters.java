package dev.corral.runtime.oci.network;

import dev.corral.core.sandbox.NetworkUsage;
import dev.corral.core.sandbox.SandboxId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Counts the bytes sandboxes' networks carry, from the counters the kernel keeps for the host's end of each veth
 * pair ({@code /sys/class/net/<veth>/statistics}): read as files, no process started. The host's end receives what
 * the sandbox sends, so its {@code rx_bytes} are the sandbox's bytes out and its {@code tx_bytes} its bytes in.
 *
 * <p>The kernel's counters go with their interface. To keep a {@link #total} that only grows while the server
 * runs, a veth about to be removed is {@link #retire retired} first: its counts join those of the networks taken
 * back, and the total no longer reads it, in one step under the lock, so that no total counts it twice or not at
 * all. A retired id is {@link #forget forgotten} once its sandbox holds no address (the total no longer looks for
 * it) or {@link #renew renewed} when its network is made again.
 *
 * <p>Threading: safe for any number of threads; one lock orders retiring against totals.
 */
final class TrafficCounters {
    private static final Path INTERFACES = Path.of("/sys/class/net");

    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by {@link #lock}: the networks taken back since this object was made. */
    private NetworkUsage retired = NetworkUsage.NONE;
    /** Guarded by {@link #lock}: ids whose veth is retired and that still hold an address; at most one per sandbox. */
    private final Set<SandboxId> retiredIds = new HashSet<>();

    /** What the sandbox's veth {@code veth} has carried; empty when there is no such interface. */
    static Optional<NetworkUsage> read(String veth) {
        Path statistics = INTERFACES.resolve(veth).resolve("statistics");
        try {
            long received = Long.parseLong(Files.readString(statistics.resolve("rx_bytes")).strip());
            long sent = Long.parseLong(Files.readString(statistics.resolve("tx_bytes")).strip());
            return Optional.of(new NetworkUsage(sent, received));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot read the counters of " + statistics + ": " + e, e);
        }
    }

    /** Adds what {@code veth} carried to the retired counts and stops counting it, before it is removed. */
    void retire(SandboxId id, String veth) {
        lock.lock();
        try {
            if (retiredIds.add(id)) {
                read(veth).ifPresent(usage -> retired = retired.plus(usage));
            }
        } finally {
            lock.unlock();
        }
    }

    /** Counts the sandbox's veth again: it was just made anew, its counters from zero. */
    void renew(SandboxId id) {
        lock.lock();
        try {
            retiredIds.remove(id);
        } finally {
            lock.unlock();
        }
    }

    /** Forgets a retired id whose sandbox no longer holds an address. */
    void forget(SandboxId id) {
        renew(id);
    }

    /**
     * The retired counts and those of the live veths, those of {@code live} (the ids holding an address now) not
     * retired. Blocks a retirement for the time of a few file reads per sandbox.
     */
    NetworkUsage total(Supplier<Set<SandboxId>> live, java.util.function.Function<SandboxId, String> veth) {
        lock.lock();
        try {
            NetworkUsage total = retired;
            for (SandboxId id : live.get()) {
                if (!retiredIds.contains(id)) {
                    total = total.plus(read(veth.apply(id)).orElse(NetworkUsage.NONE));
                }
            }
            return total;
        } finally {
            lock.unlock();
        }
    }
}
