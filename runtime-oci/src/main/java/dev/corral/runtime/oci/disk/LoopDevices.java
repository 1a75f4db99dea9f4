package dev.corral.runtime.oci.disk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * The loop devices the kernel has attached, read from {@code /sys/block/loop*}: how the runtime finds a loop
 * device still holding a sandbox's disk image when a mount did not clean it up.
 */
public final class LoopDevices {
    private static final Duration POLL = Duration.ofMillis(20);

    private final Path sysBlock;

    LoopDevices(Path sysBlock) {
        this.sysBlock = sysBlock;
    }

    public static LoopDevices ofHost() {
        return new LoopDevices(Path.of("/sys/block"));
    }

    /** The devices (e.g. {@code /dev/loop3}) whose backing file is {@code image}. */
    public List<Path> backedBy(Path image) {
        String wanted = image.toAbsolutePath().normalize().toString();
        try (Stream<Path> devices = Files.list(sysBlock)) {
            return devices
                    .filter(device -> device.getFileName().toString().startsWith("loop"))
                    .filter(device -> wanted.equals(backingFile(device)))
                    .map(device -> Path.of("/dev").resolve(device.getFileName()))
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * Blocks until no loop device is backed by {@code image}, for at most {@code max}; returns quietly either way,
     * since a device that lingers is found and detached again by the next clean-up.
     */
    void awaitDetached(Path image, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        try {
            while (!backedBy(image).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(POLL.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String backingFile(Path device) {
        try {
            // The kernel appends " (deleted)" when the image was removed while still attached.
            return Files.readString(device.resolve("loop/backing_file")).strip().replace(" (deleted)", "");
        } catch (IOException e) {
            return "";
        }
    }
}
