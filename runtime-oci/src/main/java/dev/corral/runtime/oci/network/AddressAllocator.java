package dev.corral.runtime.oci.network;

import dev.corral.core.error.CorralException;
import dev.corral.core.sandbox.Ipv4Subnet;
import java.util.Set;

/**
 * Picks a sandbox's address in the subnet: the lowest one that no sandbox holds, never the network address, the
 * bridge's (the first host) or the broadcast address. What is held is passed in, read from where the sandboxes'
 * addresses are kept, so an address is never given twice while its sandbox exists.
 *
 * <p>Stateless and thread-safe; callers serialize allocation with the recording of its result.
 */
public final class AddressAllocator {
    private final Ipv4Subnet subnet;

    public AddressAllocator(Ipv4Subnet subnet) {
        this.subnet = subnet;
    }

    /**
     * @param held the addresses sandboxes hold now
     * @throws CorralException {@code runtime_unavailable} when every address is held
     */
    public int allocate(Set<Integer> held) {
        for (long offset = 2; offset < subnet.size() - 1; offset++) {
            int address = subnet.address(offset);
            if (!held.contains(address)) {
                return address;
            }
        }
        throw CorralException.runtimeUnavailable("Every address of the sandbox subnet " + subnet + " is in use; "
                + "delete sandboxes or configure a larger network-subnet", null);
    }
}
