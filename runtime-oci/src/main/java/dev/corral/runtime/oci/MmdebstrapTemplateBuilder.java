package dev.corral.runtime.oci;

import dev.corral.core.error.CorralException;
import dev.corral.core.id.RandomIds;
import dev.corral.core.sandbox.TemplateBuilder;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Builds the {@code base} template, a Debian 12 (bookworm) root filesystem, with {@code mmdebstrap} from Debian's
 * package mirror, and keeps it in {@code <templatesDir>/base/rootfs} for every later sandbox.
 *
 * <p>Implementation notes. A build goes to a fresh {@code rootfs.building-*} directory next to the final one, is
 * finished there (host files mmdebstrap copied in are removed, ownership shifted into the sandboxes' id range)
 * and only then renamed into place, atomically: a crash or failure mid-build never leaves a half template where a
 * sandbox would use it, and the next build removes the leftovers (unmounting first whatever mmdebstrap had
 * mounted inside, so that the removal cannot reach the host's {@code /proc} or {@code /dev}).
 *
 * <p>Threading: safe for any number of threads. Builds are serialized by a lock in this process and by a file
 * lock across processes, so that servers and test runs sharing a templates directory build each template once.
 */
public final class MmdebstrapTemplateBuilder implements TemplateBuilder {
    public static final String BASE = "base";
    static final List<String> BASE_PACKAGES = List.of("bash", "coreutils", "procps", "ca-certificates", "curl", "git",
            "python3");
    private static final String SUITE = "bookworm";
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(15);
    private static final String BUILDING_PREFIX = "rootfs.building-";
    /** Files mmdebstrap copies from the host for the build; each sandbox gets its own instead. */
    private static final List<String> HOST_FILES = List.of("etc/hostname", "etc/resolv.conf");
    private static final Pattern SAFE_PATH = Pattern.compile("[^,:\\s]+");

    private final Path templatesDir;
    private final ProcessRunner runner;
    private final OwnershipShift ownership;
    private final MountTable mounts = MountTable.ofThisProcess();
    private final ReentrantLock buildLock = new ReentrantLock();

    /**
     * @param templatesDir where templates are kept; its path becomes part of overlay mount options, so it may hold
     *                     no commas, colons or blanks
     */
    public MmdebstrapTemplateBuilder(Path templatesDir, ProcessRunner runner, IdMapping mapping) {
        if (!templatesDir.isAbsolute() || !SAFE_PATH.matcher(templatesDir.toString()).matches()) {
            throw new IllegalArgumentException(
                    "templatesDir must be an absolute path without commas, colons or blanks: " + templatesDir);
        }
        this.templatesDir = templatesDir;
        this.runner = runner;
        this.ownership = new OwnershipShift(mapping);
    }

    @Override
    public Set<String> names() {
        return Set.of(BASE);
    }

    @Override
    public boolean isBuilt(String name) {
        return names().contains(name) && Files.isDirectory(rootfsOf(name));
    }

    @Override
    public void ensureBuilt(String name, Consumer<String> progress) {
        rootfs(name, progress);
    }

    /** The template's root filesystem, built first when it is not yet; see {@link #ensureBuilt}. */
    Path rootfs(String name, Consumer<String> progress) {
        if (!names().contains(name)) {
            throw CorralException.notFound("template", name);
        }
        Path rootfs = rootfsOf(name);
        if (Files.isDirectory(rootfs)) {
            return rootfs;
        }
        buildLock.lock();
        try {
            Files.createDirectories(rootfs.getParent());
            try (FileChannel lockFile = FileChannel.open(rootfs.getParent().resolve("build.lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = lockFile.lock()) {
                if (!Files.isDirectory(rootfs)) {
                    removeLeftovers(rootfs.getParent());
                    build(rootfs, progress);
                }
            }
            return rootfs;
        } catch (IOException e) {
            throw CorralException.runtimeUnavailable("Cannot build template " + name + ": " + e, e);
        } finally {
            buildLock.unlock();
        }
    }

    private void build(Path rootfs, Consumer<String> progress) throws IOException {
        Path building = rootfs.resolveSibling(BUILDING_PREFIX + RandomIds.lowerAlphanumeric(8));
        try {
            runner.checkLines(List.of("mmdebstrap", "--variant=minbase",
                    "--include=" + String.join(",", BASE_PACKAGES), SUITE, building.toString()),
                    BUILD_TIMEOUT, progress);
            for (String hostFile : HOST_FILES) {
                Files.deleteIfExists(building.resolve(hostFile));
            }
            progress.accept("shifting ownership into the sandboxes' id range");
            ownership.apply(building);
            Files.move(building, rootfs, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            removeTree(building); // another process finished first; its template is as good
        } catch (IOException | RuntimeException e) {
            try {
                removeTree(building);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    private void removeLeftovers(Path templateDir) throws IOException {
        try (Stream<Path> entries = Files.list(templateDir)) {
            for (Path leftover : entries.filter(p -> p.getFileName().toString().startsWith(BUILDING_PREFIX))
                    .toList()) {
                removeTree(leftover);
            }
        }
    }

    /** Removes a build directory, unmounting first whatever a killed mmdebstrap left mounted inside it. */
    private void removeTree(Path dir) {
        for (Path mountPoint : mounts.mountPointsUnder(dir)) {
            runner.check(List.of("umount", "--lazy", mountPoint.toString()));
        }
        runner.check(List.of("rm", "-rf", "--one-file-system", "--", dir.toString()));
    }

    private Path rootfsOf(String name) {
        return templatesDir.resolve(name).resolve("rootfs");
    }
}
