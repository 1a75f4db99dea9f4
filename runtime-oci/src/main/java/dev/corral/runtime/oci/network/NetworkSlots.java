package dev.corral.runtime.oci.network;

import dev.corral.core.error.CorralException;
import dev.corral.core.plan.Bandwidth;
import dev.corral.core.sandbox.Ipv4Subnet;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The bookkeeping of the networks made ahead of time for the next sandboxes with the default egress policy: at
 * most {@code capacity} slots, each {@link #reserve reserved} (an address held, names given, being made) then
 * {@link #ready ready} (namespace, veth pair on the bridge, {@code eth0} with its address and route, shaped, and
 * its address in the rules as a sandbox with the default policy), until a sandbox {@link #claim claims} it or it is
 * {@link #drop dropped}. What a slot holds makes nothing possible (no process runs in it), so holding it in the
 * rules allows nothing.
 *
 * <p>Addresses for slots are taken downwards from the top of the subnet, from where the last one was taken, so
 * that an address given back is not given again soon (sandboxes made without a slot take the lowest).
 *
 * <p>Threading: not thread-safe; {@link SandboxNetworks} uses it under its lock.
 */
final class NetworkSlots {
    /** A network made ahead of time: its address, names and the bandwidth it is shaped to. */
    record Slot(int address, NetworkNames names, Bandwidth shapedTo) {
    }

    private final Ipv4Subnet subnet;
    private final String bridge;
    private final int capacity;
    private final Map<Integer, NetworkNames> reserved = new HashMap<>();
    private final ArrayDeque<Slot> ready = new ArrayDeque<>();
    /** The offset in the subnet below which the next slot's address is looked for. */
    private long cursor;

    NetworkSlots(Ipv4Subnet subnet, String bridge, int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("a negative number of slots: " + capacity);
        }
        this.subnet = subnet;
        this.bridge = bridge;
        this.capacity = capacity;
        this.cursor = subnet.size() - 1;
    }

    /** Whether fewer slots than the capacity are reserved or ready. */
    boolean wanted() {
        return reserved.size() + ready.size() < capacity;
    }

    /**
     * Reserves a slot, named by {@link NetworkNames#ofSlot}, at the next address below the last one given that
     * neither {@code held} (the sandboxes') nor a slot holds.
     *
     * @throws CorralException {@code runtime_unavailable} when every address is held
     * @throws IllegalStateException when the slots are full
     */
    int reserve(Set<Integer> held) {
        if (!wanted()) {
            throw new IllegalStateException("every slot is taken");
        }
        long hosts = subnet.size() - 3;
        for (long tried = 0; tried < hosts; tried++) {
            cursor = cursor <= 2 ? subnet.size() - 2 : cursor - 1;
            int address = subnet.address(cursor);
            if (!held.contains(address) && !addresses().contains(address)) {
                reserved.put(address, NetworkNames.ofSlot(bridge, address));
                return address;
            }
        }
        throw CorralException.runtimeUnavailable("Every address of the sandbox subnet " + subnet + " is in use",
                null);
    }

    /** The reserved slot at {@code address} is made whole and in the rules: a sandbox may claim it. */
    void ready(int address, Bandwidth shapedTo) {
        NetworkNames names = reserved.remove(address);
        if (names == null) {
            throw new IllegalStateException("no slot is reserved at " + Ipv4Subnet.text(address));
        }
        ready.add(new Slot(address, names, shapedTo));
    }

    /** Takes the ready slot made first, which stops being a slot (its address is the claimer's to keep). */
    Optional<Slot> claim() {
        return Optional.ofNullable(ready.poll());
    }

    /** Forgets the slot at {@code address}, reserved or ready: its network is being removed. */
    void drop(int address) {
        reserved.remove(address);
        ready.removeIf(slot -> slot.address() == address);
    }

    /** The addresses the slots hold, reserved or ready: no sandbox may be given them. */
    Set<Integer> addresses() {
        var addresses = new HashSet<>(reserved.keySet());
        ready.forEach(slot -> addresses.add(slot.address()));
        return addresses;
    }

    /** The names of every slot, reserved or ready. */
    Map<Integer, NetworkNames> all() {
        var all = new HashMap<>(reserved);
        ready.forEach(slot -> all.put(slot.address(), slot.names()));
        return all;
    }
}
