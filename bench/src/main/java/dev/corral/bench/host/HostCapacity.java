package dev.corral.bench.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * How many more sandboxes this host can take before it runs short of something each one needs: a loop device,
 * a little disk for its sparse image, memory, and a key in the kernel's key quota of the sandboxes' host user
 * (runc gives every container a session keyring, and all sandboxes run as the same host uid). The budgets are deliberately generous guesses: the density scenario
 * also watches the real figures while it fills the host and stops as soon as one of them reaches its reserve.
 *
 * @param sandboxes how many more fit
 * @param reasons   what limits that number, for the report (empty when nothing does below the request)
 */
public record HostCapacity(int sandboxes, List<String> reasons) {
    /** Disk a fresh small sandbox's image occupies on the host (sparse ext4 with its journal, plus slack). */
    static final long DISK_PER_SANDBOX = 8L << 20;
    /** Memory of an idle sandbox (tini, sleep, kernel objects of its namespaces and mounts), with slack. */
    static final long MEMORY_PER_SANDBOX = 16L << 20;
    /**
     * Keys left free for what else needs one while the sandboxes run: every {@code runc exec} joins a session
     * keyring too, and other runc users of the same uid come and go.
     */
    static final int KEY_HEADROOM = 10;
    /** Disk left free for the host and the rest of the run. */
    public static final long DISK_RESERVE = 2L << 30;

    /** Memory left available for the host: a tenth of it, and at least 1 GiB. */
    public static long memoryReserve(HostMemory memory) {
        return Math.max(1L << 30, memory.totalBytes() / 10);
    }

    /**
     * How many of {@code wanted} sandboxes fit, with their images in {@code dataDir} and their root user being
     * host uid {@code sandboxUid}.
     */
    public static HostCapacity check(int wanted, Path dataDir, int sandboxUid) {
        var reasons = new ArrayList<String>();
        int fit = wanted;
        int keys = Math.max(0, freeKeys(sandboxUid) - KEY_HEADROOM);
        if (keys < fit) {
            fit = keys;
            reasons.add("the kernel's key quota of the sandboxes' host uid " + sandboxUid + " (kernel.keys.maxkeys = "
                    + readInt(Path.of("/proc/sys/kernel/keys/maxkeys")) + ", shared with every other runc container "
                    + "of that uid) leaves room for " + keys + " more session keyrings, one per container, keeping "
                    + KEY_HEADROOM + " for execs (each joins one too); raise "
                    + "kernel.keys.maxkeys and kernel.keys.maxbytes, or have runc skip the keyring "
                    + "(runc run --no-new-keyring), to go further");
        }
        int loops = freeLoopDevices();
        if (loops < fit) {
            fit = loops;
            reasons.add("only " + loops + " free loop devices and no /dev/loop-control to make more");
        }
        long usableDisk = usableSpace(dataDir) - DISK_RESERVE;
        if (usableDisk / DISK_PER_SANDBOX < fit) {
            fit = (int) Math.max(0, usableDisk / DISK_PER_SANDBOX);
            reasons.add(String.format("%.1f GiB free disk in %s, keeping 2 GiB", (usableDisk + DISK_RESERVE) / 1073741824.0,
                    dataDir));
        }
        HostMemory memory = HostMemory.read();
        long usableMemory = memory.availableBytes() - memoryReserve(memory);
        if (usableMemory / MEMORY_PER_SANDBOX < fit) {
            fit = (int) Math.max(0, usableMemory / MEMORY_PER_SANDBOX);
            reasons.add(String.format("%.1f GiB memory available, keeping %.1f GiB",
                    memory.availableBytes() / 1073741824.0, memoryReserve(memory) / 1073741824.0));
        }
        return new HostCapacity(fit, List.copyOf(reasons));
    }

    /** Free disk in {@code dir}'s filesystem, in bytes. */
    public static long usableSpace(Path dir) {
        try {
            return Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * How many more keys {@code uid} may own: {@code kernel.keys.maxkeys} less its count in
     * {@code /proc/key-users} ({@code uid: usage nkeys/nikeys qnkeys/maxkeys qnbytes/maxbytes}).
     */
    private static int freeKeys(int uid) {
        int max = readInt(Path.of("/proc/sys/kernel/keys/maxkeys"));
        try (Stream<String> lines = Files.lines(Path.of("/proc/key-users"))) {
            int used = lines.map(String::strip)
                    .filter(line -> line.startsWith(uid + ":"))
                    .map(line -> line.split("\\s+")[3].split("/")[0])
                    .mapToInt(Integer::parseInt)
                    .findFirst().orElse(0);
            return Math.max(0, max - used);
        } catch (IOException | RuntimeException e) {
            return Integer.MAX_VALUE;
        }
    }

    private static int readInt(Path file) {
        try {
            return Integer.parseInt(KernelFiles.read(file).strip());
        } catch (IOException | NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }

    /** Unlimited when the kernel makes loop devices on demand; otherwise those present and unattached. */
    private static int freeLoopDevices() {
        if (Files.exists(Path.of("/dev/loop-control"))) {
            return Integer.MAX_VALUE;
        }
        try (Stream<Path> devices = Files.list(Path.of("/sys/block"))) {
            return (int) devices.filter(device -> device.getFileName().toString().startsWith("loop"))
                    .filter(device -> !Files.exists(device.resolve("loop/backing_file")))
                    .count();
        } catch (IOException e) {
            return 0;
        }
    }
}
