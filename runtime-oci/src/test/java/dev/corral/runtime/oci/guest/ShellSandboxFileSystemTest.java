package dev.corral.runtime.oci.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.SandboxRuntime;
import dev.corral.core.sandbox.SandboxSpec;
import dev.corral.core.sandbox.SandboxState;
import dev.corral.core.sandbox.exec.ExecEvent;
import dev.corral.core.sandbox.exec.ExecSpec;
import dev.corral.core.sandbox.exec.ExecStream;
import dev.corral.core.sandbox.files.ByteRange;
import dev.corral.core.sandbox.files.FileEntry;
import dev.corral.core.sandbox.files.FileListing;
import dev.corral.core.sandbox.files.FileRead;
import dev.corral.core.sandbox.files.FileType;
import dev.corral.core.sandbox.files.NewFile;
import dev.corral.core.sandbox.files.SandboxPath;
import dev.corral.core.sandbox.files.WatchEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The shell file system over a runtime whose execs the test scripts: which script runs with which arguments, how
 * exit codes become errors, and the read, write and list protocols. No sandbox runs; the scripts themselves are
 * run for real by the file ITs in app.
 */
class ShellSandboxFileSystemTest {
    private static final SandboxId SANDBOX = new SandboxId("sandbox-abcdefabcdef");
    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

    private final ScriptedRuntime runtime = new ScriptedRuntime();
    private final ShellSandboxFileSystem files = new ShellSandboxFileSystem(runtime, InstantSource.fixed(AT));

    @Test
    void read_aRange_sendsTheSliceItWantsOnceTheSizeIsKnown_andStreamsIt() throws Exception {
        runtime.answer(stdout("10\n"), stdout("cde"), exit(0));

        try (FileRead read = files.read(SANDBOX, path("/a"), Optional.of(range(2, 4)))) {
            var out = new ByteArrayOutputStream();
            read.transferTo(out);

            assertThat(read.size()).isEqualTo(10);
            assertThat(read.slice()).contains(new ByteRange.Slice(2, 3));
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("cde");
        }
        assertThat(runtime.started.getFirst().spec().command()).isEqualTo(FileScripts.READ);
        assertThat(runtime.started.getFirst().spec().arguments()).containsExactly("/a");
        assertThat(runtime.started.getFirst().stdinText()).isEqualTo("2 3\n");
    }

    @Test
    void read_aRangeBeyondTheEnd_opensWithoutASliceAndAsksForNothing() throws Exception {
        runtime.answer(stdout("4\n"), exit(0));

        try (FileRead read = files.read(SANDBOX, path("/a"), Optional.of(range(9, 20)))) {
            assertThat(read.size()).isEqualTo(4);
            assertThat(read.slice()).isEmpty();
            assertThat(read.unsatisfiable().code()).isEqualTo(ErrorCode.BAD_REQUEST);
        }
        assertThat(runtime.started.getFirst().stdinText()).isEmpty();
    }

    @Test
    void read_aDirectory_isBadRequestBeforeAnyByte() {
        runtime.answer(exit(FileScripts.IS_DIRECTORY));

        assertThatThrownBy(() -> files.read(SANDBOX, path("/workspace"), Optional.empty()))
                .isInstanceOfSatisfying(CorralException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
        assertThat(runtime.started.getFirst().closed).isTrue();
    }

    @Test
    void write_succeeds_returnsTheFileUnderThePathItWasGiven() throws Exception {
        runtime.answer(stdout(entry("f", "5", "640", "1767225600.0", "./b.txt")), exit(0));

        FileEntry written = files.write(SANDBOX, path("/workspace/a/b.txt"), Optional.of("0640"),
                new ByteArrayInputStream("hello".getBytes(StandardCharsets.UTF_8)));

        assertThat(written).isEqualTo(new FileEntry("b.txt", "/workspace/a/b.txt", FileType.FILE, 5, 0640, AT));
        Started write = runtime.started.getFirst();
        assertThat(write.spec().command()).isEqualTo(FileScripts.WRITE);
        assertThat(write.spec().arguments()).hasSize(4).startsWith("/workspace/a", "b.txt").endsWith("0640");
        assertThat(write.spec().arguments().get(2)).startsWith(FileScripts.UPLOAD_PREFIX);
        assertThat(write.stdinText()).isEqualTo("hello");
        assertThat(runtime.started).hasSize(1);
    }

    @Test
    void write_killedByItsTimeout_removesItsTemporaryFileAndSaysSo() {
        runtime.answer(new ExecEvent.Exit(137, Duration.ofMinutes(30), true, false));
        runtime.answer(exit(0));

        assertThatThrownBy(() -> files.write(SANDBOX, path("/workspace/b.txt"), Optional.empty(),
                InputStream.nullInputStream())).isInstanceOfSatisfying(CorralException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.RUNTIME_UNAVAILABLE));

        assertThat(runtime.started).hasSize(2);
        String temporary = runtime.started.getFirst().spec().arguments().get(2);
        assertThat(runtime.started.get(1).spec().command()).isEqualTo(FileScripts.REMOVE_TEMPORARY);
        assertThat(runtime.started.get(1).spec().arguments()).containsExactly("/workspace", temporary);
    }

    @Test
    void writeAll_writesEveryFileWithOneScript_theirContentsOneAfterTheOther() throws Exception {
        runtime.answer(stdout(entry("f", "3", "644", "1767225600.0", "/workspace/a")
                + entry("f", "2", "644", "1767225600.0", "/workspace/d/b")), exit(0));

        List<FileEntry> written = files.writeAll(SANDBOX, List.of(newFile("/workspace/a", "one"),
                newFile("/workspace/d/b", "hi")));

        assertThat(written).extracting(FileEntry::path).containsExactly("/workspace/a", "/workspace/d/b");
        Started script = runtime.started.getFirst();
        assertThat(script.spec().command()).isEqualTo(FileScripts.WRITE_MANY);
        assertThat(script.spec().arguments().getFirst()).startsWith(FileScripts.UPLOAD_PREFIX);
        assertThat(script.spec().arguments().subList(1, script.spec().arguments().size())).containsExactly(
                "/workspace", "a", "3", "/workspace/d", "b", "2", "--", "/workspace/a", "/workspace/d/b");
        assertThat(script.stdinText()).isEqualTo("onehi");
        assertThat(runtime.started).hasSize(1);
    }

    @Test
    void writeAll_aScriptThatStopsAtTheSecondFile_namesThatFile() {
        runtime.answer(stdout("2"), exit(FileScripts.IS_DIRECTORY));

        assertThatThrownBy(() -> files.writeAll(SANDBOX, List.of(newFile("/workspace/a", "one"),
                newFile("/workspace/d", "two")))).isInstanceOfSatisfying(CorralException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
                    assertThat(e.getMessage()).contains("/workspace/d is a directory");
                });
    }

    @Test
    void writeAll_manyLongPaths_areSplitIntoScriptsWithShortArguments() throws Exception {
        String dir = "/workspace/" + "d".repeat(200) + "/";
        var many = new ArrayList<NewFile>();
        for (int i = 0; i < 300; i++) {
            many.add(newFile(dir + i, ""));
        }
        // each script describes the files it was given: answer for every one of them
        runtime.answerEach(spec -> {
            var out = new StringBuilder();
            List<String> arguments = spec.arguments();
            for (String target : arguments.subList(arguments.indexOf("--") + 1, arguments.size())) {
                out.append(entry("f", "0", "644", "1767225600.0", target));
            }
            return List.of(stdout(out.toString()), exit(0));
        });

        List<FileEntry> written = files.writeAll(SANDBOX, many);

        assertThat(written).hasSize(300);
        assertThat(runtime.started).hasSizeGreaterThan(1).allSatisfy(script -> assertThat(
                String.join(" ", script.spec().arguments()).length()).isLessThan(70 << 10));
    }

    @Test
    void list_moreEntriesThanAsked_isTruncatedToThemSortedByPath() throws Exception {
        runtime.answer(stdout(entry("f", "1", "644", "1767225600.0", "/w/c")
                + entry("d", "4096", "755", "1767225600.0", "/w/a")
                + entry("f", "1", "644", "1767225600.0", "/w/b")), exit(0));

        FileListing listing = files.list(SANDBOX, path("/w"), 3, 2);

        assertThat(listing.truncated()).isTrue();
        assertThat(listing.entries()).extracting(FileEntry::path).containsExactly("/w/a", "/w/c");
        assertThat(runtime.started.getFirst().spec().arguments()).containsExactly("/w", "3", "3");
    }

    @Test
    void list_aFile_isBadRequest() {
        runtime.answer(exit(FileScripts.NOT_DIRECTORY));

        assertThatThrownBy(() -> files.list(SANDBOX, path("/w"), 1, 10)).isInstanceOfSatisfying(
                CorralException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
    }

    @Test
    void stat_nothingThere_isNotFound() {
        runtime.answer(exit(FileScripts.NOT_FOUND));

        assertThatThrownBy(() -> files.stat(SANDBOX, path("/nope"))).isInstanceOfSatisfying(
                CorralException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void delete_aDirectoryNotEmpty_isConflict_andOtherFailuresSayWhatTheSandboxSaid() {
        runtime.answer(exit(FileScripts.NOT_EMPTY));
        runtime.answer(new ExecEvent.Stderr("rm: Permission denied\n".getBytes(StandardCharsets.UTF_8)), exit(1));

        assertThatThrownBy(() -> files.delete(SANDBOX, path("/w"), false)).isInstanceOfSatisfying(
                CorralException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
        assertThatThrownBy(() -> files.delete(SANDBOX, path("/w"), true))
                .isInstanceOf(CorralException.class).hasMessageContaining("rm: Permission denied");
        assertThat(runtime.started.get(1).spec().arguments()).containsExactly("/w", "1");
    }

    @Test
    void archive_tarSaysAFileChangedMeanwhile_isStillAWholeArchive() throws Exception {
        runtime.answer(stdout("tar bytes"), exit(FileScripts.TAR_FILE_CHANGED));

        try (InputStream tar = files.archive(SANDBOX, path("/w"))) {
            assertThat(new String(tar.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("tar bytes");
        }
    }

    @Test
    void archive_killedHalfway_throwsFromTheReadInsteadOfEnding() throws Exception {
        runtime.answer(stdout("tar b"), new ExecEvent.Exit(137, Duration.ofMinutes(30), true, false));

        try (InputStream tar = files.archive(SANDBOX, path("/w"))) {
            assertThatThrownBy(tar::readAllBytes).isInstanceOfSatisfying(CorralException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.RUNTIME_UNAVAILABLE));
        }
    }

    @Test
    void watch_runsInotifywaitOnTheDirectory_recursivelyWhenAsked() throws Exception {
        runtime.answer(new ExecEvent.Stderr("Watches established.\n".getBytes(StandardCharsets.UTF_8)));

        try (var watch = files.watch(SANDBOX, path("/w"), true)) {
            assertThat(watch.next()).isEqualTo(new WatchEvent.Ready("/w", AT));
        }
        assertThat(runtime.started.getFirst().spec().command()).isEqualTo(FileScripts.WATCH);
        assertThat(runtime.started.getFirst().spec().arguments()).containsExactly("/w", "1");
    }

    private static NewFile newFile(String path, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        return new NewFile(path(path), bytes.length, () -> new ByteArrayInputStream(bytes));
    }

    private static SandboxPath path(String text) {
        return SandboxPath.of("path", text);
    }

    private static ByteRange range(long first, long last) {
        return new ByteRange(OptionalLong.of(first), OptionalLong.of(last));
    }

    private static ExecEvent stdout(String text) {
        return new ExecEvent.Stdout(text.getBytes(StandardCharsets.UTF_8));
    }

    private static ExecEvent exit(int code) {
        return new ExecEvent.Exit(code, Duration.ofMillis(5), false, false);
    }

    private static String entry(String... fields) {
        return String.join("\0", fields) + "\0";
    }

    /** One exec the file system started: what it ran, its scripted answer, and what it was given to read. */
    private static final class Started implements ExecStream {
        private final ExecSpec spec;
        private final InputStream stdin;
        private final BlockingQueue<ExecEvent> events;
        volatile boolean closed;

        Started(ExecSpec spec, InputStream stdin, List<ExecEvent> events) {
            this.spec = spec;
            this.stdin = stdin;
            this.events = new LinkedBlockingQueue<>(events);
        }

        ExecSpec spec() {
            return spec;
        }

        /** The standard input, read to its end as the runtime's copier would. */
        String stdinText() throws Exception {
            return new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
        }

        /** The next scripted event; past the script, as a watcher does, nothing until it is killed. */
        @Override
        public ExecEvent next() throws InterruptedException {
            return events.take();
        }

        @Override
        public void kill() {
            events.add(new ExecEvent.Exit(137, Duration.ofMillis(5), true, false));
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** A runtime that only execs, answering each with the next scripted events in order. */
    private static final class ScriptedRuntime implements SandboxRuntime {
        private final ArrayDeque<List<ExecEvent>> answers = new ArrayDeque<>();
        final List<Started> started = new ArrayList<>();

        private Function<ExecSpec, List<ExecEvent>> everyAnswer;

        void answer(ExecEvent... events) {
            answers.add(List.of(events));
        }

        /** Answers every exec not answered one by one with what {@code answer} makes of its spec. */
        void answerEach(Function<ExecSpec, List<ExecEvent>> answer) {
            everyAnswer = answer;
        }

        @Override
        public ExecStream exec(SandboxId id, ExecSpec spec) {
            return exec(id, spec, InputStream.nullInputStream());
        }

        @Override
        public ExecStream exec(SandboxId id, ExecSpec spec, InputStream stdin) {
            assertThat(id).isEqualTo(SANDBOX);
            var exec = new Started(spec, stdin, answers.isEmpty() && everyAnswer != null ? everyAnswer.apply(spec)
                    : answers.remove());
            started.add(exec);
            return exec;
        }

        @Override
        public void create(SandboxSpec spec) {
            throw new UnsupportedOperationException("files only exec");
        }

        @Override
        public void pause(SandboxId id) {
            throw new UnsupportedOperationException("files only exec");
        }

        @Override
        public void resume(SandboxId id) {
            throw new UnsupportedOperationException("files only exec");
        }

        @Override
        public void stop(SandboxId id) {
            throw new UnsupportedOperationException("files only exec");
        }

        @Override
        public void start(SandboxId id) {
            throw new UnsupportedOperationException("files only exec");
        }

        @Override
        public void destroy(SandboxId id) {
            throw new UnsupportedOperationException("files only exec");
        }

        @Override
        public SandboxState state(SandboxId id) {
            throw new UnsupportedOperationException("files only exec");
        }

        @Override
        public Map<SandboxId, SandboxState> list() {
            throw new UnsupportedOperationException("files only exec");
        }

        @Override
        public Set<SandboxId> removeAllExcept(Set<SandboxId> known) {
            throw new UnsupportedOperationException("files only exec");
        }
    }
}
