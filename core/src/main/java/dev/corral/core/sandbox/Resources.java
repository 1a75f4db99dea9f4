package dev.corral.core.sandbox;

import dev.corral.core.io.DataSize;

/**
 * What one sandbox may use: CPUs (a CPU-time quota, not pinned cores), memory (no swap beyond it), the size of
 * its own disk, and how many processes and threads it may have at once.
 */
public record Resources(int vcpus, long memoryBytes, long diskBytes, int pids) {
    /** The process limit when a caller has no reason to choose another. */
    public static final int DEFAULT_PIDS = 512;
    /** Below this a sandbox cannot start its init and a shell reliably. */
    public static final long MIN_MEMORY_BYTES = 32L << 20;
    /** Below this an ext4 disk has no room left after its journal and metadata. */
    public static final long MIN_DISK_BYTES = 32L << 20;
    /** The sandbox's init, its keep-alive and one exec's shell need this many. */
    public static final int MIN_PIDS = 8;

    public Resources {
        if (vcpus < 1) {
            throw new IllegalArgumentException("vcpus must be at least 1: " + vcpus);
        }
        if (memoryBytes < MIN_MEMORY_BYTES) {
            throw new IllegalArgumentException("memory must be at least " + new DataSize(MIN_MEMORY_BYTES));
        }
        if (diskBytes < MIN_DISK_BYTES) {
            throw new IllegalArgumentException("disk must be at least " + new DataSize(MIN_DISK_BYTES));
        }
        if (pids < MIN_PIDS) {
            throw new IllegalArgumentException("pids must be at least " + MIN_PIDS + ": " + pids);
        }
    }

    /** Resources as the API writes them, e.g. {@code of(2, "4GB", "10GB")}, with the default process limit. */
    public static Resources of(int vcpus, String memory, String disk) {
        return new Resources(vcpus, DataSize.parse(memory).bytes(), DataSize.parse(disk).bytes(), DEFAULT_PIDS);
    }

    public Resources withPids(int newPids) {
        return new Resources(vcpus, memoryBytes, diskBytes, newPids);
    }
}
