package dev.corral.runtime.oci.bundle;

/**
 * The user namespace mapping every sandbox shares: container uids and gids {@code 0..size-1} are host ids
 * {@code hostId..hostId+size-1}, so the sandbox's root is an unprivileged host user. One shared range (Docker's
 * userns-remap model) because runc 1.1 cannot give each sandbox its own range over a shared template without
 * idmapped mounts.
 */
public record IdMapping(int hostId, int size) {
    /** Host ids 100000-165535, the range Docker and the subuid convention start with. */
    public static final IdMapping DEFAULT = new IdMapping(100_000, 65_536);

    public IdMapping {
        if (hostId < 1 || size < 1 || (long) hostId + size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a mapping needs a positive host id and size: " + hostId + "+" + size);
        }
        if (hostId < size) {
            throw new IllegalArgumentException("host range " + hostId + "+" + size
                    + " overlaps container ids, so shifted and unshifted files could not be told apart");
        }
    }

    /** The host id of container id {@code containerId}. */
    public int toHost(int containerId) {
        if (containerId < 0 || containerId >= size) {
            throw new IllegalArgumentException("id " + containerId + " is outside the mapped range 0-" + (size - 1));
        }
        return hostId + containerId;
    }

    /** Whether a host id already belongs to the mapped range. */
    public boolean isMapped(int hostIdToCheck) {
        return hostIdToCheck >= hostId && hostIdToCheck < hostId + size;
    }
}
