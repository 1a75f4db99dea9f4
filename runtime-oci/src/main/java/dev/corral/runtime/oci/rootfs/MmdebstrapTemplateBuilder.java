package dev.corral.runtime.oci.rootfs;

import dev.corral.core.error.CorralException;
import dev.corral.core.id.RandomIds;
import dev.corral.core.sandbox.TemplateBuilder;
import dev.corral.runtime.oci.TemplateRootfs;
import dev.corral.runtime.oci.bundle.IdMapping;
import dev.corral.runtime.oci.bundle.SandboxPaths;
import dev.corral.runtime.oci.disk.MountTable;
import dev.corral.runtime.oci.process.ProcessRunner;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * <p>{@code rootfs.packages} beside the template records what it was built from (suite and packages). A template
 * whose record differs from what this version of Corral builds, or that has none, counts as not built, so a
 * cached template gains the packages added since. The new one is built beside it; the old one is renamed to
 * {@code rootfs.outdated-*} and the new one renamed into place. Running sandboxes keep the old one as their
 * lower layer (their overlay holds it, whatever its name), so it is removed only when no overlay on this host
 * has the template for a layer any more: at once when none does, otherwise by a later build. A stopped sandbox
 * that starts again gets the new template under its own changes.
 *
 * <p>Threading: safe for any number of threads. Builds are serialized by a lock in this process and by a file
 * lock across processes, so that servers and test runs sharing a templates directory build each template once.
 */
public final class MmdebstrapTemplateBuilder implements TemplateBuilder, TemplateRootfs {
    public static final String BASE = "base";
    private static final Logger log = LoggerFactory.getLogger(MmdebstrapTemplateBuilder.class);
    /**
     * inotify-tools gives the files API's watch its {@code inotifywait}; openssh-sftp-server is what the SSH
     * gateway runs for the {@code sftp} subsystem (its {@code sftp-server} only, no SSH daemon).
     */
    static final List<String> BASE_PACKAGES = List.of("bash", "coreutils", "procps", "ca-certificates", "curl", "git",
            "python3", "inotify-tools", "openssh-sftp-server");
    private static final String SUITE = "bookworm";
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(15);
    private static final String BUILDING_PREFIX = "rootfs.building-";
    private static final String OUTDATED_PREFIX = "rootfs.outdated-";
    private static final String RECORD = "rootfs.packages";
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
        return names().contains(name) && isCurrent(rootfsOf(name));
    }

    @Override
    public void ensureBuilt(String name, Consumer<String> progress) {
        rootfs(name, progress);
    }

    @Override
    public Path rootfs(String name, Consumer<String> progress) {
        if (!names().contains(name)) {
            throw CorralException.notFound("template", name);
        }
        Path rootfs = rootfsOf(name);
        if (isCurrent(rootfs)) {
            closeToOthers(rootfs.getParent());
            return rootfs;
        }
        buildLock.lock();
        try {
            Files.createDirectories(rootfs.getParent());
            closeToOthers(rootfs.getParent());
            try (FileChannel lockFile = FileChannel.open(rootfs.getParent().resolve("build.lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = lockFile.lock()) {
                if (!isCurrent(rootfs)) {
                    removeLeftovers(rootfs);
                    build(rootfs, progress);
                    removeOutdated(rootfs);
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
            if (Files.exists(rootfs, LinkOption.NOFOLLOW_LINKS)) {
                Files.move(rootfs, rootfs.resolveSibling(OUTDATED_PREFIX + RandomIds.lowerAlphanumeric(8)),
                        StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(building, rootfs, StandardCopyOption.ATOMIC_MOVE);
            writeRecord(rootfs);
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

    private void removeLeftovers(Path rootfs) throws IOException {
        for (Path leftover : siblings(rootfs, BUILDING_PREFIX)) {
            removeTree(leftover);
        }
    }

    /** Removes outdated templates once no sandbox on this host has the template as a layer (see the class notes). */
    private void removeOutdated(Path rootfs) throws IOException {
        List<Path> outdated = siblings(rootfs, OUTDATED_PREFIX);
        if (outdated.isEmpty()) {
            return;
        }
        if (mounts.isOverlayLowerLayer(rootfs)) {
            log.info("Keeping outdated templates {} while sandboxes made from them run", outdated);
            return;
        }
        for (Path old : outdated) {
            removeTree(old);
        }
    }

    private static List<Path> siblings(Path rootfs, String prefix) throws IOException {
        try (Stream<Path> entries = Files.list(rootfs.getParent())) {
            return entries.filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
        }
    }

    /** Whether the template is there and built from what this version builds; see the class notes. */
    private static boolean isCurrent(Path rootfs) {
        try {
            return Files.isDirectory(rootfs) && Files.readString(rootfs.resolveSibling(RECORD)).equals(record());
        } catch (IOException e) {
            return false;
        }
    }

    /** Written after the template is in place: a crash in between costs a needless rebuild, never a stale template. */
    private static void writeRecord(Path rootfs) throws IOException {
        Path temporary = rootfs.resolveSibling(RECORD + ".new");
        Files.writeString(temporary, record());
        Files.move(temporary, rootfs.resolveSibling(RECORD), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** What a template is built from, one item a line: the suite, then the packages. */
    static String record() {
        return SUITE + "\n" + String.join("\n", BASE_PACKAGES) + "\n";
    }

    /** Removes a build directory, unmounting first whatever a killed mmdebstrap left mounted inside it. */
    private void removeTree(Path dir) {
        for (Path mountPoint : mounts.mountPointsUnder(dir)) {
            runner.check(List.of("umount", "--lazy", mountPoint.toString()));
        }
        runner.check(List.of("rm", "-rf", "--one-file-system", "--", dir.toString()));
    }

    /**
     * Makes a template's directory the host root's alone: its files belong to the sandboxes' host ids, so their
     * host user could otherwise change the layer every sandbox shares. Overlays read it as the host's root, who
     * mounts them. Done at every use, so that a template made by an older version is closed too.
     */
    private static void closeToOthers(Path templateDir) {
        try {
            Files.setPosixFilePermissions(templateDir, SandboxPaths.PRIVATE_DIR);
        } catch (IOException e) {
            throw CorralException.runtimeUnavailable("Cannot close " + templateDir + " to other users: " + e, e);
        }
    }

    private Path rootfsOf(String name) {
        return templatesDir.resolve(name).resolve("rootfs");
    }
}
