package dev.corral.runtime.oci.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The file operations against the real corral-guest, and the errno names it fails with. */
@Timeout(60)
class CorralGuestFilesTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final RunningGuest guest = new RunningGuest();

    private static byte[] bytes(List<Frame> frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        frames.stream().filter(f -> f.type() == 'd').forEach(f -> out.writeBytes(f.payload()));
        return out.toByteArray();
    }

    private static Frame last(List<Frame> frames) {
        return frames.getLast();
    }

    private List<String> uploadsLeftIn(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".corral-upload-")).toList();
        }
    }

    @Test
    void read_offsetAndLength_sendsEntryThenThoseBytes() throws IOException {
        Path file = Files.writeString(dir.resolve("digits"), "0123456789");

        List<Frame> frames = guest.call("read", "path=" + file, "offset=2", "length=5");

        assertThat(frames.getFirst().type()).isEqualTo('n');
        assertThat(frames.getFirst().field("size")).isEqualTo("10");
        assertThat(frames.getFirst().field("type")).isEqualTo("file");
        assertThat(new String(bytes(frames), StandardCharsets.UTF_8)).isEqualTo("23456");
        assertThat(last(frames).type()).isEqualTo('r');
    }

    @Test
    void read_offsetWithoutLength_readsToTheEnd() throws IOException {
        Path file = Files.writeString(dir.resolve("digits"), "0123456789");

        assertThat(bytes(guest.call("read", "path=" + file, "offset=7"))).asString().isEqualTo("789");
        assertThat(bytes(guest.call("read", "path=" + file, "offset=50"))).isEmpty();
    }

    @Test
    void read_largeFile_arrivesWholeInFramesOfAtMost64KiB() throws IOException {
        byte[] content = new byte[300_000];
        new Random(7).nextBytes(content);
        Path file = Files.write(dir.resolve("big"), content);

        List<Frame> frames = guest.call("read", "path=" + file);

        assertThat(bytes(frames)).isEqualTo(content);
        assertThat(frames).allMatch(f -> f.payload().length <= 64 * 1024);
    }

    @Test
    void readAndStat_answeredInTheAgentItself_leaveNoDescriptorOpenThere() throws IOException {
        Path small = Files.writeString(dir.resolve("small"), "small enough to be answered without a child");
        long before = openInAgent();

        for (int i = 0; i < 20; i++) {
            assertThat(guest.failure("read", "path=" + dir)).isEqualTo("EISDIR");
            assertThat(bytes(guest.call("read", "path=" + small))).isEqualTo(Files.readAllBytes(small));
            assertThat(last(guest.call("stat", "path=" + small)).field("type")).isEqualTo("file");
        }

        // The agent closes the last connection just after its last frame has reached the client.
        await().atMost(Duration.ofSeconds(5)).until(this::openInAgent, open -> open == before);
    }

    private long openInAgent() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(guest.pid()), "fd"))) {
            return fds.count();
        }
    }

    @Test
    void read_directory_failsWithEisdirBeforeAnyByte() throws IOException {
        // failure() also holds that the f frame is the only one: no entry, no byte before it.
        assertThat(guest.failure("read", "path=" + dir)).isEqualTo("EISDIR");
    }

    @Test
    void read_fifo_failsWithEinvalWithoutWaitingForAWriter() throws Exception {
        Path fifo = dir.resolve("fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();

        assertThat(guest.failure("read", "path=" + fifo)).isEqualTo("EINVAL");
    }

    @Test
    void read_missingFile_failsWithEnoent() throws IOException {
        assertThat(guest.failure("read", "path=" + dir.resolve("nope"))).isEqualTo("ENOENT");
    }

    @Test
    void write_frames_thenD_commitsTheFile() throws IOException {
        Path file = dir.resolve("sub/new.txt");
        try (GuestConnection connection = guest.connect()) {
            connection.request("write", "path=" + file, "parents=1");
            connection.send('d', "hello ".getBytes(StandardCharsets.UTF_8));
            connection.send('d', "world".getBytes(StandardCharsets.UTF_8));
            connection.send('D', new byte[0]);

            Frame answer = connection.next();

            assertThat(answer.type()).isEqualTo('r');
            assertThat(answer.field("size")).isEqualTo("11");
            assertThat(answer.field("mode")).isEqualTo("0644");
        }
        assertThat(file).hasContent("hello world");
        assertThat(uploadsLeftIn(file.getParent())).isEmpty();
    }

    @Test
    void write_overAnExistingFile_keepsItsModeUnlessOneIsGiven() throws IOException {
        Path file = Files.writeString(dir.resolve("script"), "old");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-x---"));

        try (GuestConnection connection = guest.connect()) {
            connection.request("write", "path=" + file).send('d', "new".getBytes(StandardCharsets.UTF_8))
                    .send('D', new byte[0]);
            assertThat(connection.next().field("mode")).isEqualTo("0750");
        }
        try (GuestConnection connection = guest.connect()) {
            connection.request("write", "path=" + file, "mode=0600").send('D', new byte[0]);
            assertThat(connection.next().field("mode")).isEqualTo("0600");
        }
        assertThat(file).isEmptyFile();
    }

    @Test
    void write_overAnotherUsersFile_keepsItsOwner() throws IOException {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "changing owners needs root");
        Path file = Files.writeString(dir.resolve("theirs"), "old");
        Files.setAttribute(file, "unix:uid", 4242);
        Files.setAttribute(file, "unix:gid", 4343);

        try (GuestConnection connection = guest.connect()) {
            connection.request("write", "path=" + file).send('d', "new".getBytes(StandardCharsets.UTF_8))
                    .send('D', new byte[0]);
            assertThat(connection.next().type()).isEqualTo('r');
        }

        assertThat(Files.getAttribute(file, "unix:uid")).isEqualTo(4242);
        assertThat(Files.getAttribute(file, "unix:gid")).isEqualTo(4343);
        assertThat(file).hasContent("new");
    }

    @Test
    void write_cutOffBeforeD_leavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path file = Files.writeString(dir.resolve("precious"), "old content");
        try (GuestConnection connection = guest.connect()) {
            connection.request("write", "path=" + file);
            connection.send('d', "half of the new cont".getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(10)).until(() -> !uploadsLeftIn(dir).isEmpty());
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> uploadsLeftIn(dir).isEmpty());
        assertThat(file).hasContent("old content");
    }

    @Test
    void write_whoseDirectoryIsSwappedForASymlinkMidUpload_landsInTheDirectoryItOpenedAndLeavesNoTemporaryFile()
            throws IOException {
        Path opened = Files.createDirectory(dir.resolve("opened"));
        Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        try (GuestConnection connection = guest.connect()) {
            connection.request("write", "path=" + opened.resolve("f.txt"));
            connection.send('d', "first half, ".getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(10)).until(() -> !uploadsLeftIn(opened).isEmpty());
            Files.move(opened, dir.resolve("moved-away"));
            Files.createSymbolicLink(opened, elsewhere);
            connection.send('d', "second half".getBytes(StandardCharsets.UTF_8));
            connection.send('D', new byte[0]);

            assertThat(connection.next().type()).isEqualTo('r');
        }
        assertThat(dir.resolve("moved-away/f.txt")).hasContent("first half, second half");
        assertThat(elsewhere).isEmptyDirectory();
        assertThat(uploadsLeftIn(dir.resolve("moved-away"))).isEmpty();
    }

    @Test
    void write_ontoADirectory_failsWithEisdir() throws IOException {
        try (GuestConnection connection = guest.connect()) {
            connection.request("write", "path=" + dir);
            Frame answer = connection.next();

            assertThat(answer.type()).isEqualTo('f');
            assertThat(answer.field("code")).isEqualTo("EISDIR");
        }
    }

    @Test
    void write_withoutParentsIntoAMissingDirectory_failsWithEnoent() throws IOException {
        try (GuestConnection connection = guest.connect()) {
            connection.request("write", "path=" + dir.resolve("missing/file"));

            assertThat(connection.next().field("code")).isEqualTo("ENOENT");
        }
    }

    @Test
    void write_atASymlink_replacesTheLinkNotItsTarget() throws IOException {
        Path target = Files.writeString(dir.resolve("target"), "target");
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);

        try (GuestConnection connection = guest.connect()) {
            connection.request("write", "path=" + link).send('d', "mine".getBytes(StandardCharsets.UTF_8))
                    .send('D', new byte[0]);
            assertThat(connection.next().field("type")).isEqualTo("file");
        }

        assertThat(Files.isSymbolicLink(link)).isFalse();
        assertThat(link).hasContent("mine");
        assertThat(target).hasContent("target");
    }

    @Test
    void stat_fileDirectoryAndSymlink_describeThemselvesWithoutFollowing() throws IOException {
        Path file = Files.writeString(dir.resolve("f"), "abc");
        Path link = Files.createSymbolicLink(dir.resolve("l"), Path.of("f"));

        Frame fileEntry = last(guest.call("stat", "path=" + file));
        Frame dirEntry = last(guest.call("stat", "path=" + dir));
        Frame linkEntry = last(guest.call("stat", "path=" + link));

        assertThat(fileEntry.field("path")).isEqualTo(file.toString());
        assertThat(fileEntry.field("type")).isEqualTo("file");
        assertThat(fileEntry.field("size")).isEqualTo("3");
        assertThat(Long.parseLong(fileEntry.field("mtime_ms")))
                .isEqualTo(Files.getLastModifiedTime(file).toMillis());
        assertThat(dirEntry.field("type")).isEqualTo("dir");
        assertThat(linkEntry.field("type")).isEqualTo("symlink");
        assertThat(linkEntry.field("target")).isEqualTo("f");
    }

    @Test
    void stat_missing_failsWithEnoent() throws IOException {
        assertThat(guest.failure("stat", "path=" + dir.resolve("nope"))).isEqualTo("ENOENT");
    }

    @Test
    void list_depthAndMax_sendsSortedEntriesAndSaysWhenTruncated() throws IOException {
        Path tree = Files.createDirectories(dir.resolve("tree"));
        Files.createDirectories(tree.resolve("b/deep"));
        Files.writeString(tree.resolve("b/c.txt"), "c");
        Files.writeString(tree.resolve("a.txt"), "a");
        Files.writeString(tree.resolve("z.txt"), "z");

        List<Frame> one = guest.call("list", "path=" + tree, "depth=1");
        List<Frame> two = guest.call("list", "path=" + tree, "depth=2");
        List<Frame> capped = guest.call("list", "path=" + tree, "depth=2", "max=2");

        assertThat(one).filteredOn(f -> f.type() == 'n').extracting(f -> f.field("path"))
                .containsExactly(tree + "/a.txt", tree + "/b", tree + "/z.txt");
        assertThat(last(one).field("truncated")).isEqualTo("0");
        assertThat(two).filteredOn(f -> f.type() == 'n').extracting(f -> f.field("path"))
                .containsExactly(tree + "/a.txt", tree + "/b", tree + "/b/c.txt", tree + "/b/deep", tree + "/z.txt");
        assertThat(capped).filteredOn(f -> f.type() == 'n').hasSize(2);
        assertThat(last(capped).field("truncated")).isEqualTo("1");
    }

    @Test
    void list_directoryAndFileSharingAPrefix_putsTheDirectorysEntriesRightAfterIt() throws IOException {
        Path tree = Files.createDirectories(dir.resolve("tree"));
        Files.createDirectories(tree.resolve("a"));
        Files.writeString(tree.resolve("a/x"), "");
        Files.writeString(tree.resolve("a.txt"), "");

        List<Frame> frames = guest.call("list", "path=" + tree + "/", "depth=2");

        assertThat(frames).filteredOn(f -> f.type() == 'n').extracting(f -> f.field("path"))
                .containsExactly(tree + "/a", tree + "/a/x", tree + "/a.txt");
    }

    @Test
    void mkdir_nested_makesParentsAndAnswersTheEntry() throws IOException {
        Path nested = dir.resolve("a/b/c");

        Frame answer = last(guest.call("mkdir", "path=" + nested));

        assertThat(answer.field("type")).isEqualTo("dir");
        assertThat(nested).isDirectory();
        assertThat(last(guest.call("mkdir", "path=" + nested)).type()).isEqualTo('r');
    }

    @Test
    void listAndMkdir_aFile_failWithEnotdirAndEexist() throws IOException {
        Path file = Files.writeString(dir.resolve("f"), "");

        assertThat(guest.failure("list", "path=" + file)).isEqualTo("ENOTDIR");
        assertThat(guest.failure("mkdir", "path=" + file)).isEqualTo("EEXIST");
    }

    @Test
    void move_intoMissingDirectories_makesThemAndAnswersTheNewEntry() throws IOException {
        Path from = Files.writeString(dir.resolve("from"), "moved");
        Path to = dir.resolve("x/y/to");

        Frame answer = last(guest.call("move", "from=" + from, "to=" + to));

        assertThat(answer.field("path")).isEqualTo(to.toString());
        assertThat(to).hasContent("moved");
        assertThat(from).doesNotExist();
        assertThat(guest.failure("move", "from=" + from, "to=" + to)).isEqualTo("ENOENT");
    }

    @Test
    void delete_fileEmptyAndFullDirectories_removesWhatItMayAndSaysWhy() throws IOException {
        Path file = Files.writeString(dir.resolve("f"), "");
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Path full = Files.createDirectories(dir.resolve("full/a/b"));
        Files.writeString(full.resolve("x"), "x");
        Files.createSymbolicLink(dir.resolve("full/link-out"), file);

        assertThat(last(guest.call("delete", "path=" + file)).type()).isEqualTo('r');
        assertThat(last(guest.call("delete", "path=" + empty)).type()).isEqualTo('r');
        assertThat(guest.failure("delete", "path=" + dir.resolve("full"))).isEqualTo("ENOTEMPTY");
        assertThat(last(guest.call("delete", "path=" + dir.resolve("full"), "recursive=1")).type())
                .isEqualTo('r');
        assertThat(guest.failure("delete", "path=" + file)).isEqualTo("ENOENT");

        assertThat(file).doesNotExist();
        assertThat(empty).doesNotExist();
        assertThat(dir.resolve("full")).doesNotExist();
    }
}
