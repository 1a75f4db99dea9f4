package dev.corral.bench.baseline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.bench.BenchException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A copy of a Corral sandbox's OCI bundle under another container id, for the create baseline. Its
 * {@code config.json} is the sandbox's own, byte for byte but for {@code hostname} and {@code linux.cgroupsPath}
 * (the new id, below the same cgroup parent); its root filesystem is built the way Corral builds one: a sparse
 * ext4 image of the same size made with the same {@code mkfs.ext4} options, mounted through a loop device with the
 * same options, and an overlay of the same template over it. Each of those steps is timed into a {@link StepTimes}.
 *
 * <p>Threading: one thread makes, uses and removes a bundle.
 */
public final class BaselineBundle {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String id;
    private final Path dir;

    private BaselineBundle(String id, Path dir) {
        this.id = id;
        this.dir = dir;
    }

    /**
     * Makes the bundle of container {@code id} in {@code parent}/{@code id}.
     *
     * @param sandboxConfig the {@code config.json} of a sandbox Corral made
     * @param diskBytes     the size of that sandbox's disk
     */
    public static BaselineBundle prepare(Path parent, String id, JsonNode sandboxConfig, Path templateRootfs,
                                         long diskBytes, StepTimes steps) {
        var bundle = new BaselineBundle(id, parent.resolve(id));
        try {
            bundle.make(sandboxConfig, templateRootfs, diskBytes, steps);
            return bundle;
        } catch (RuntimeException e) {
            bundle.removeQuietly();
            throw e;
        }
    }

    public String id() {
        return id;
    }

    public Path bundle() {
        return dir.resolve("bundle");
    }

    public Path pidFile() {
        return dir.resolve("init.pid");
    }

    public Path runcLog() {
        return dir.resolve("runc.log");
    }

    /** Unmounts the overlay and the disk (timed) and deletes the directory; the container must be gone. */
    public void remove(StepTimes steps) {
        steps.time("umount overlay + disk", () -> {
            HostCommands.run(List.of("umount", rootfs().toString()));
            HostCommands.run(List.of("umount", diskMount().toString()));
        });
        deleteDirectory();
    }

    /** As {@link #remove}, untimed and tolerating what was never made, after a failure. */
    public void removeQuietly() {
        for (Path mountPoint : List.of(rootfs(), diskMount())) {
            try {
                HostCommands.run(List.of("umount", mountPoint.toString()));
            } catch (BenchException notMounted) {
                // nothing was mounted there yet
            }
        }
        deleteDirectory();
    }

    private void make(JsonNode sandboxConfig, Path templateRootfs, long diskBytes, StepTimes steps) {
        // The sandbox's root user on the host, from the same mapping runc will apply.
        int root = sandboxConfig.path("linux").path("uidMappings").path(0).path("hostID").asInt();
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
            Path image = dir.resolve("disk.img");
            steps.time("disk image + mkfs.ext4", () -> {
                makeSparseFile(image, diskBytes);
                HostCommands.run(List.of("mkfs.ext4", "-q", "-F", "-m", "0", "-E", "root_owner=" + root + ":" + root
                        + ",lazy_itable_init=1,lazy_journal_init=1,nodiscard", image.toString()));
            });
            Files.createDirectories(diskMount());
            steps.time("mount disk (loop)", () -> HostCommands.run(List.of("mount", "-t", "ext4", "-o",
                    "loop,noinit_itable,discard,nodev,nosuid", image.toString(), diskMount().toString())));
            Files.setPosixFilePermissions(diskMount(), PosixFilePermissions.fromString("rwx------"));
            Path upper = diskMount().resolve("upper");
            Path work = diskMount().resolve("work");
            for (Path layer : List.of(upper, work)) {
                Files.createDirectory(layer);
                Files.setAttribute(layer, "unix:uid", root, LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(layer, "unix:gid", root, LinkOption.NOFOLLOW_LINKS);
            }
            Files.createDirectories(rootfs());
            Files.setPosixFilePermissions(bundle(), PosixFilePermissions.fromString("rwx--x--x"));
            steps.time("mount overlay", () -> HostCommands.run(List.of("mount", "-t", "overlay", "overlay", "-o",
                    "lowerdir=" + templateRootfs + ",upperdir=" + upper + ",workdir=" + work + ",nodev",
                    rootfs().toString())));
            ObjectNode config = sandboxConfig.deepCopy();
            config.put("hostname", id);
            String sandboxCgroups = sandboxConfig.path("linux").path("cgroupsPath").asText();
            ((ObjectNode) config.path("linux")).put("cgroupsPath",
                    sandboxCgroups.substring(0, sandboxCgroups.lastIndexOf('/') + 1) + id);
            Path configFile = bundle().resolve("config.json");
            Files.createFile(configFile, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
            JSON.writerWithDefaultPrettyPrinter().writeValue(configFile.toFile(), config);
        } catch (IOException e) {
            throw new BenchException("cannot make the baseline bundle " + dir + ": " + e, e);
        }
    }

    private Path diskMount() {
        return dir.resolve("disk");
    }

    private Path rootfs() {
        return bundle().resolve("rootfs");
    }

    private static List<String> mountPointsUnder(Path dir) {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/mountinfo"))) {
            // The fifth field is the mount point; these paths have no blanks that the kernel would escape.
            return lines.map(line -> line.split(" ")[4])
                    .filter(point -> point.startsWith(dir + "/"))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void makeSparseFile(Path file, long bytes) {
        try (var image = new RandomAccessFile(file.toFile(), "rw")) {
            image.setLength(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void deleteDirectory() {
        if (!Files.exists(dir)) {
            return;
        }
        // Deleting through a mount that is still there would reach into the disk or the overlay.
        List<String> mounted = mountPointsUnder(dir);
        if (!mounted.isEmpty()) {
            throw new BenchException("cannot delete the baseline bundle " + dir + ": still mounted: " + mounted);
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new BenchException("cannot delete the baseline bundle " + dir + ": " + e, e);
        }
    }
}
