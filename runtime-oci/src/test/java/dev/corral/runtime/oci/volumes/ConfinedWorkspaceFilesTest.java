package dev.corral.runtime.oci.volumes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import dev.corral.core.workspace.files.TreeSize;
import dev.corral.core.workspace.files.WorkspaceEntry;
import dev.corral.core.workspace.files.WorkspaceFiles;
import dev.corral.core.workspace.files.WorkspacePath;
import dev.corral.runtime.oci.bundle.IdMapping;
import dev.corral.runtime.oci.rootfs.OwnershipShift;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The confined file operations on a plain directory, with the links a sandbox could plant: none of them may lead
 * a read, write, listing, copy or delete outside the tree. Runs as root (files are given to the sandbox root).
 */
class ConfinedWorkspaceFilesTest {
    @TempDir
    Path dir;
    private Path tree;
    private Path outside;
    private WorkspaceFiles files;

    @BeforeEach
    void setUp() throws IOException {
        tree = Files.createDirectory(dir.resolve("files"));
        Path staging = Files.createDirectory(dir.resolve("staging"));
        outside = Files.createDirectory(dir.resolve("host"));
        Files.writeString(outside.resolve("secret"), "host secret");
        files = new ConfinedWorkspaceFiles(tree, staging, new OwnershipShift(IdMapping.DEFAULT));
    }

    @Test
    void write_thenRead_roundTripsAndGivesTheFileToSandboxRoot() throws IOException {
        files.createFolder(path("/src"));

        WorkspaceEntry written = files.write(path("/src/a.txt"), text("hello"), false);

        assertThat(written.size()).isEqualTo(5);
        assertThat(read("/src/a.txt")).isEqualTo("hello");
        assertThat(Files.getAttribute(tree.resolve("src/a.txt"), "unix:uid")).isEqualTo(IdMapping.DEFAULT.hostId());
        assertThat(files.stat(path("/src")).children()).isEqualTo(1);
    }

    @Test
    void write_existingWithoutReplace_isConflict() {
        files.write(path("/a"), text("1"), false);

        assertCode(() -> files.write(path("/a"), text("2"), false), ErrorCode.CONFLICT);
        files.write(path("/a"), text("2"), true);
        assertThat(read("/a")).isEqualTo("2");
    }

    @Test
    void write_intoMissingFolder_isNotFound() {
        assertCode(() -> files.write(path("/no/such/file"), text("x"), false), ErrorCode.NOT_FOUND);
    }

    @Test
    void list_showsLinksAsLinksSortedByName() throws IOException {
        files.write(path("/b"), text("b"), false);
        files.createFolder(path("/a"));
        Files.createSymbolicLink(tree.resolve("c"), outside);

        assertThat(files.list(WorkspacePath.ROOT)).extracting(WorkspaceEntry::name, entry -> entry.kind().wire())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a", "folder"),
                        org.assertj.core.groups.Tuple.tuple("b", "file"),
                        org.assertj.core.groups.Tuple.tuple("c", "symlink"));
    }

    @Test
    void everyOperation_throughALinkToTheHost_staysInside() throws IOException {
        Files.createSymbolicLink(tree.resolve("escape"), outside);
        Files.createSymbolicLink(tree.resolve("secret-link"), outside.resolve("secret"));

        assertCode(() -> files.list(path("/escape")), ErrorCode.NOT_FOUND);
        assertCode(() -> files.read(path("/escape/secret")), ErrorCode.NOT_FOUND);
        assertCode(() -> files.read(path("/secret-link")), ErrorCode.VALIDATION_FAILED);
        assertCode(() -> files.write(path("/escape/planted"), text("x"), false), ErrorCode.NOT_FOUND);
        assertCode(() -> files.createFolder(path("/escape/dir")), ErrorCode.NOT_FOUND);
        assertCode(() -> files.measure(path("/escape/secret")), ErrorCode.NOT_FOUND);
        assertCode(() -> files.copy(path("/secret-link"), path("/copied")), ErrorCode.VALIDATION_FAILED);
        assertCode(() -> files.move(path("/escape/secret"), path("/stolen")), ErrorCode.NOT_FOUND);

        assertThat(files.measure(WorkspacePath.ROOT)).isEqualTo(TreeSize.EMPTY);
        files.delete(path("/escape"));
        files.delete(path("/secret-link"));
        try (Stream<Path> left = Files.list(outside)) {
            assertThat(left).containsExactly(outside.resolve("secret"));
        }
        assertThat(Files.readString(outside.resolve("secret"))).isEqualTo("host secret");
        assertThat(files.list(WorkspacePath.ROOT)).isEmpty();
    }

    @Test
    void copyAndDelete_ofAFolderHoldingLinks_neverFollowThem() throws IOException {
        files.createFolder(path("/project"));
        files.write(path("/project/main.py"), text("print(1)"), false);
        Files.createSymbolicLink(tree.resolve("project/host"), outside);

        files.copy(path("/project"), path("/backup"));
        files.delete(path("/project"));

        assertThat(files.list(path("/backup"))).extracting(WorkspaceEntry::name).containsExactly("main.py");
        assertThat(outside.resolve("secret")).exists();
        assertThat(files.measure(path("/backup"))).isEqualTo(new TreeSize(8, 1));
    }

    @Test
    void move_andRename_keepContentsAndRefuseTakenNamesAndCycles() {
        files.createFolder(path("/a"));
        files.createFolder(path("/b"));
        files.write(path("/a/f"), text("data"), false);

        files.move(path("/a/f"), path("/b/g"));

        assertThat(read("/b/g")).isEqualTo("data");
        assertCode(() -> files.move(path("/a"), path("/b")), ErrorCode.CONFLICT);
        assertCode(() -> files.move(path("/a"), path("/a/inner")), ErrorCode.VALIDATION_FAILED);
    }

    @Test
    void delete_root_isRefused() {
        assertCode(() -> files.delete(WorkspacePath.ROOT), ErrorCode.VALIDATION_FAILED);
    }

    @Test
    void walks_whileASandboxSwapsAFolderForAFileAndAFifo_neitherWaitNorLeakDescriptors() throws Exception {
        files.createFolder(path("/swap"));
        files.write(path("/swap/inner"), text("x"), false);
        long before = openDescriptors();
        var stop = new AtomicBoolean();
        Thread swapper = Thread.ofPlatform().start(() -> {
            Path swap = tree.resolve("swap");
            Path aside = tree.resolve("aside");
            int round = 0;
            while (!stop.get()) {
                try {
                    Files.move(swap, aside);
                    if (round++ % 2 == 0) {
                        Files.writeString(swap, "a file now");
                    } else {
                        new ProcessBuilder("mkfifo", swap.toString()).start().waitFor();
                    }
                    Files.delete(swap);
                    Files.move(aside, swap);
                } catch (IOException e) {
                    // A walk held a name for a moment; keep swapping.
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try {
            for (int i = 0; i < 300; i++) {
                try {
                    files.list(path("/swap"));
                    files.measure(WorkspacePath.ROOT);
                    files.stat(path("/swap"));
                } catch (CorralException expected) {
                    // not_found, validation_failed or conflict while the folder is something else
                }
            }
        } finally {
            stop.set(true);
            swapper.join();
        }
        assertThat(openDescriptors()).isLessThanOrEqualTo(before + 5);
    }

    @Test
    void write_whileASandboxSwapsTheFolderForALinkToTheHost_neverWritesOnTheHost() throws Exception {
        files.createFolder(path("/swap"));
        var stop = new AtomicBoolean();
        Thread swapper = Thread.ofPlatform().start(() -> {
            Path swap = tree.resolve("swap");
            Path aside = tree.resolve("aside");
            while (!stop.get()) {
                try {
                    Files.move(swap, aside);
                    Files.createSymbolicLink(swap, outside);
                    Files.delete(swap);
                    Files.move(aside, swap);
                } catch (IOException e) {
                    // The writer's staged rename can race these moves; keep swapping.
                }
            }
        });
        try {
            for (int i = 0; i < 300; i++) {
                try {
                    files.write(path("/swap/f" + i), text("x"), true);
                } catch (CorralException expected) {
                    // not_found while the folder is a link: refused, as it should be
                }
            }
        } finally {
            stop.set(true);
            swapper.join();
        }
        try (Stream<Path> left = Files.list(outside)) {
            assertThat(left).containsExactly(outside.resolve("secret"));
        }
    }

    @Test
    void walk_throughAFile_isRefusedWithoutLeavingADescriptorOpen() throws IOException {
        files.write(path("/plain"), text("x"), false);

        for (int i = 0; i < 10; i++) {
            assertCode(() -> files.list(path("/plain")), ErrorCode.VALIDATION_FAILED);
            assertCode(() -> files.write(path("/plain/x"), text("x"), false), ErrorCode.VALIDATION_FAILED);
        }

        assertThat(openBelow(dir)).isEmpty();
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // opening a FIFO waits for a writer
    void walk_throughAFifo_isNotFoundWithoutWaiting() throws Exception {
        assertThat(new ProcessBuilder("mkfifo", tree.resolve("pipe").toString()).start().waitFor()).isZero();

        assertCode(() -> files.list(path("/pipe")), ErrorCode.NOT_FOUND);
        assertCode(() -> files.createFolder(path("/pipe/x")), ErrorCode.NOT_FOUND);
        assertThat(openBelow(dir)).isEmpty();
    }

    /** What this process holds open below {@code directory}: what would keep a volume from being unmounted. */
    private static java.util.List<Path> openBelow(Path directory) throws IOException {
        var open = new java.util.ArrayList<Path>();
        try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
            for (Path descriptor : descriptors.toList()) {
                try {
                    Path target = Files.readSymbolicLink(descriptor);
                    if (target.startsWith(directory)) {
                        open.add(target);
                    }
                } catch (IOException closedMeanwhile) {
                    // Not open any more.
                }
            }
        }
        return open;
    }

    private static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    private String read(String name) {
        try (InputStream in = files.read(path(name)).content()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static WorkspacePath path(String text) {
        return WorkspacePath.parse("path", text);
    }

    private static InputStream text(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertCode(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOf(CorralException.class)
                .extracting(e -> ((CorralException) e).code()).isEqualTo(code);
    }
}
