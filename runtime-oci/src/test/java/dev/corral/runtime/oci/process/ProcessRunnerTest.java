package dev.corral.runtime.oci.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessRunnerTest {
    private final ProcessRunner runner = new ProcessRunner(Duration.ofSeconds(10));

    @TempDir
    Path dir;

    @Test
    void run_anyCommand_returnsExitCodeStdoutAndStderr() {
        CommandResult result = runner.run(List.of("sh", "-c", "printf 'out'; printf 'err' >&2; exit 7"));

        assertThat(result.exitCode()).isEqualTo(7);
        assertThat(result.stdoutText()).isEqualTo("out");
        assertThat(result.stderrTail()).isEqualTo("err");
    }

    @Test
    void check_withInput_feedsItToTheCommand() {
        CommandResult result = runner.check(List.of("tr", "a-z", "A-Z"), "batch\n".getBytes());

        assertThat(result.stdoutText()).isEqualTo("BATCH\n");
    }

    @Test
    void check_withInputAndAFailingCommand_throwsRuntimeUnavailable() {
        assertThatThrownBy(() -> runner.check(List.of("sh", "-c", "cat >/dev/null; echo refused >&2; exit 1"),
                "x".getBytes())).isInstanceOf(CorralException.class).hasMessageContaining("refused");
    }

    @Test
    void run_commandReadingStdin_readsNothing() {
        assertThat(runner.run(List.of("cat")).stdoutText()).isEmpty();
    }

    @Test
    void check_failingCommand_throwsRuntimeUnavailableWithTheStderrTail() {
        assertThatThrownBy(() -> runner.check(List.of("sh", "-c", "head -c 10000 /dev/zero | tr '\\0' x >&2;"
                + " echo 'the reason' >&2; exit 2")))
                .isInstanceOfSatisfying(CorralException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.RUNTIME_UNAVAILABLE);
                    assertThat(e.getMessage()).contains("exited with 2").endsWith("the reason")
                            .hasSizeLessThan(5000);
                });
    }

    @Test
    void run_missingProgram_throwsRuntimeUnavailable() {
        assertThatThrownBy(() -> runner.run(List.of("/nonexistent/program")))
                .isInstanceOfSatisfying(CorralException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.RUNTIME_UNAVAILABLE));
    }

    @Test
    void run_pastTheTimeout_killsTheCommandAndThrows() {
        long start = System.nanoTime();

        assertThatThrownBy(() -> runner.run(List.of("sleep", "30"), Duration.ofMillis(200)))
                .isInstanceOf(CorralException.class).hasMessageContaining("did not finish");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void run_byAnInterruptedThread_killsTheCommandAndKeepsTheInterruptFlag() throws Exception {
        var flagAfter = new AtomicReference<Boolean>();
        var thrown = new AtomicReference<Throwable>();
        long start = System.nanoTime();

        Thread.ofVirtual().start(() -> {
            Thread.currentThread().interrupt();
            try {
                runner.run(List.of("sleep", "30"));
            } catch (CorralException e) {
                thrown.set(e);
            }
            flagAfter.set(Thread.currentThread().isInterrupted());
        }).join(Duration.ofSeconds(10));

        assertThat(thrown.get()).isInstanceOf(CorralException.class).hasMessageContaining("Interrupted");
        assertThat(flagAfter.get()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void runDetached_commandLeavingAChildBehind_returnsAtOnce() {
        long start = System.nanoTime();

        int exitCode = runner.runDetached(List.of("sh", "-c", "sleep 5 & exit 0"), Duration.ofSeconds(10));

        assertThat(exitCode).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void checkLines_anyCommand_passesEachLineOfBothStreams() {
        List<String> lines = new ArrayList<>();

        runner.checkLines(List.of("sh", "-c", "echo one; echo two >&2; printf three"), Duration.ofSeconds(10),
                lines::add);

        assertThat(lines).containsExactly("one", "two", "three");
    }

    @Test
    void checkLines_failingCommand_throwsWithItsLastLines() {
        assertThatThrownBy(() -> runner.checkLines(List.of("sh", "-c", "echo progress; echo broken; exit 1"),
                Duration.ofSeconds(10), line -> { }))
                .isInstanceOf(CorralException.class).hasMessageEndingWith("progress\nbroken");
    }

    @Test
    void killProcessGroup_ofAGroupLeader_endsEveryProcessInIt() throws Exception {
        Path pids = dir.resolve("pids");
        Process leader = runner.start(List.of("setsid", "sh", "-c", "sleep 60 & echo $$ $! > " + pids + "; wait"));
        await().until(() -> Files.exists(pids) && Files.readString(pids).endsWith("\n"));
        String[] ids = Files.readString(pids).strip().split(" ");

        runner.killProcessGroup(Long.parseLong(ids[0]));

        assertThat(leader.waitFor()).isEqualTo(137);
        // The killed sleep may linger as a zombie until the host's init reaps it; it no longer runs.
        Path sleepStat = Path.of("/proc", ids[1], "stat");
        await().until(() -> !Files.exists(sleepStat) || Files.readString(sleepStat).contains(") Z "));
    }
}
