package dev.corral.runtime.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.exec.ExecEvent;
import dev.corral.core.sandbox.exec.ExecResult;
import dev.corral.core.sandbox.exec.ExecSpec;
import dev.corral.core.sandbox.exec.ExecStream;
import dev.corral.runtime.oci.cgroup.ExecGroup;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ExecIT {
    @RegisterExtension
    static final TestRuntime sandboxes = TestRuntime.start();
    private static SandboxId sandbox;

    @BeforeAll
    static void createSandbox() {
        sandbox = sandboxes.create(TestRuntime.SMALL, Map.of("GREETING", "hello", "SHARED", "from-sandbox"));
    }

    @Test
    void run_writingToBothStreams_keepsThemApartWithTheExitCode() throws Exception {
        ExecResult result = sandboxes.run(sandbox, "echo out; echo err >&2; echo more out; exit 3");

        assertThat(result.stdoutText()).isEqualTo("out\nmore out\n");
        assertThat(result.stderrText()).isEqualTo("err\n");
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.timedOut()).isFalse();
        assertThat(result.truncated()).isFalse();
    }

    @Test
    void run_commandsOfEitherPath_runNicedBelowTheServer() throws Exception {
        // Read from /proc: field 19 of stat is the nice value; the shell's own, which the command would inherit.
        ExecResult result = sandboxes.run(sandbox, "cut -d' ' -f19 /proc/$$/stat");

        assertThat(result.stdoutText()).isEqualTo("10\n");
    }

    @Test
    void run_withEnv_seesSandboxEnvAndOverridesIt() throws Exception {
        ExecResult result = sandboxes.runtime.run(sandbox, ExecSpec.of("echo $GREETING $SHARED $ONLY_HERE")
                .withEnv(Map.of("SHARED", "from-exec", "ONLY_HERE", "yes")));

        assertThat(result.stdoutText()).isEqualTo("hello from-exec yes\n");
    }

    @Test
    void run_byDefault_startsInWorkspaceAsRoot() throws Exception {
        ExecResult result = sandboxes.run(sandbox, "pwd; id -u; echo $HOME");

        assertThat(result.stdoutText()).isEqualTo("/workspace\n0\n/root\n");
    }

    @Test
    void run_inMissingDirectory_createsIt() throws Exception {
        ExecResult result = sandboxes.runtime.run(sandbox, ExecSpec.of("pwd").withCwd("/tmp/made/for me"));

        assertThat(result.stdoutText()).isEqualTo("/tmp/made/for me\n");
        assertThat(result.exitCode()).isZero();
    }

    @Test
    void run_inADirectoryThatCannotBeMade_failsAsTheCommandWith126() throws Exception {
        ExecResult result = sandboxes.runtime.run(sandbox, ExecSpec.of("echo never").withCwd("/proc/1/not-here"));

        assertThat(result.exitCode()).isEqualTo(126);
        assertThat(result.stdoutText()).isEmpty();
    }

    @Test
    void run_commandWithQuotesAndDollarSigns_reachesTheShellUnchanged() throws Exception {
        ExecResult result = sandboxes.run(sandbox, "printf '%s|' \"a b\" '$HOME' \"$0\"");

        assertThat(result.stdoutText()).isEqualTo("a b|$HOME|/bin/sh|");
    }

    @Test
    void run_withArguments_passesThemLiterallyAsPositionalParameters() throws Exception {
        List<String> arguments = List.of("a b", "it's \"quoted\"", "$(touch /tmp/pwned)", "`id`", "; rm -rf /",
                "-n", "", "new\nline", "*");

        ExecResult result = sandboxes.runtime.run(sandbox, ExecSpec.of("printf '%s|' \"$#\" \"$0\" \"$@\"")
                .withArguments(arguments));

        assertThat(result.stdoutText()).isEqualTo("9|/bin/sh|" + String.join("|", arguments) + "|");
        assertThat(sandboxes.run(sandbox, "test -e /tmp/pwned; echo $?").stdoutText()).isEqualTo("1\n");
    }

    @Test
    void exec_withTwentyMegabytesOfStdin_hasTheCommandReadThemByteExact() throws Exception {
        byte[] input = new byte[20 << 20];
        new java.util.Random(42).nextBytes(input);

        ExecResult result;
        try (ExecStream stream = sandboxes.runtime.exec(sandbox, ExecSpec.of("sha256sum; wc -c < /dev/null"),
                new ByteArrayInputStream(input))) {
            result = ExecResult.drain(stream);
        }

        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(input));
        assertThat(result.exitCode()).isZero();
        assertThat(result.stdoutText()).startsWith(sha256 + "  -\n");
    }

    @Test
    void exec_withStdin_theCommandSeesItsEndAndMayStopEarly() throws Exception {
        byte[] input = new byte[8 << 20];

        try (ExecStream stream = sandboxes.runtime.exec(sandbox, ExecSpec.of("head -c 3 | wc -c"),
                new ByteArrayInputStream(input))) {
            ExecResult result = ExecResult.drain(stream);

            assertThat(result.exitCode()).isZero();
            assertThat(result.stdoutText()).isEqualTo("3\n");
        }
        try (ExecStream stream = sandboxes.runtime.exec(sandbox, ExecSpec.of("wc -c"),
                new ByteArrayInputStream("four".getBytes()))) {
            assertThat(ExecResult.drain(stream).stdoutText()).isEqualTo("4\n");
        }
    }

    @Test
    void exec_stdinFailingHalfway_killsTheCommandAndThrowsTheFailure() throws Exception {
        var failing = new InputStream() {
            private int served;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                if (served >= 3) {
                    throw new IOException("the client went away");
                }
                served++;
                java.util.Arrays.fill(buffer, offset, offset + length, (byte) 'x');
                return length;
            }
        };

        try (ExecStream stream = sandboxes.runtime.exec(sandbox,
                ExecSpec.of("cat > /tmp/half && touch /tmp/committed"), failing)) {
            assertThatThrownBy(() -> ExecResult.drain(stream)).isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("the client went away");
        }
        assertThat(sandboxes.run(sandbox, "test -e /tmp/committed; echo $?").stdoutText()).isEqualTo("1\n");
    }

    @Test
    void run_oneMegabyteOfOutput_returnsItByteExact() throws Exception {
        ExecResult result = sandboxes.runtime.run(sandbox, ExecSpec.of(
                "python3 -c \"import sys; sys.stdout.write(''.join(chr(97 + i % 26) for i in range(1048576)))\"")
                .withMaxOutputBytes(2 << 20));

        assertThat(result.stdout()).hasSize(1 << 20);
        assertThat(result.stdoutText()).startsWith("abcdefghijklmnopqrstuvwxyzabc").endsWith("ghijklmnopqrstuv");
        assertThat(result.truncated()).isFalse();
    }

    @Test
    void run_binaryOutput_returnsEveryByteUnchanged() throws Exception {
        ExecResult result = sandboxes.run(sandbox, "head -c 300000 /dev/urandom | tee /tmp/random | sha256sum >&2;"
                + " cat /tmp/random");

        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(result.stdout()));
        assertThat(result.stdout()).hasSize(300_000);
        assertThat(result.stderrText()).startsWith(sha256);
    }

    @Test
    void run_moreOutputThanTheLimit_keepsTheLimitAndSaysTruncated() throws Exception {
        ExecResult result = sandboxes.runtime.run(sandbox,
                ExecSpec.of("head -c 5000000 /dev/zero; echo done >&2; exit 4").withMaxOutputBytes(1000));

        assertThat(result.stdout().length + result.stderr().length).isEqualTo(1000);
        assertThat(result.truncated()).isTrue();
        assertThat(result.exitCode()).isEqualTo(4);
    }

    @Test
    void run_pastItsTimeout_killsTheWholeProcessGroup() throws Exception {
        ExecResult result = sandboxes.runtime.run(sandbox,
                ExecSpec.of("sleep 100 & sleep 101; echo never").withTimeout(Duration.ofSeconds(1)));

        assertThat(result.timedOut()).isTrue();
        assertThat(result.exitCode()).isEqualTo(137);
        assertThat(result.stdoutText()).isEmpty();
        assertThat(result.duration()).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(3));
        assertThat(sandboxes.run(sandbox, "ps -eo args").stdoutText()).doesNotContain("sleep 100", "sleep 101");
    }

    @Test
    void run_pastItsTimeout_killsWhatLeftTheGroupWithSetsidAndRemovesTheCommandsCgroup() throws Exception {
        assumeRuncExec();
        ExecResult result = sandboxes.runtime.run(sandbox,
                ExecSpec.of("setsid sleep 150 & sleep 151").withTimeout(Duration.ofSeconds(1)));

        assertThat(result.timedOut()).isTrue();
        assertThat(sandboxes.run(sandbox, "ps -eo args").stdoutText()).doesNotContain("sleep 150", "sleep 151");
        assertThat(execGroups()).isEmpty();
    }

    @Test
    void run_endingNormally_leavesADaemonItStartedRunningInItsOwnGroup() throws Exception {
        assumeRuncExec();
        ExecResult started = sandboxes.run(sandbox, "setsid sleep 160 >/dev/null 2>&1 </dev/null & echo started");

        assertThat(started.stdoutText()).isEqualTo("started\n");
        assertThat(sandboxes.run(sandbox, "ps -eo args").stdoutText()).contains("sleep 160");
        assertThat(execGroups()).hasSize(1);
        sandboxes.run(sandbox, "pkill -x -f 'sleep 160'; true");
    }

    /**
     * Only runc exec gives each command a control group of its own ({@link ExecGroup}); the agent's commands share
     * the sandbox's, so what leaves the process group with setsid outlives a timeout there, as ExecStream allows.
     */
    private static void assumeRuncExec() {
        Assumptions.assumeTrue(TestRuntime.GUEST.equals("runc"), "commands have their own cgroup only with runc exec");
    }

    /** The command groups (ExecGroup) below the sandbox's own pids cgroup now. */
    private static List<Path> execGroups() throws IOException {
        Path own = Path.of("/sys/fs/cgroup/pids", sandboxes.settings.cgroupParent(), sandbox.value());
        try (Stream<Path> children = Files.list(own)) {
            return children.filter(child -> child.getFileName().toString().startsWith("exec-")).toList();
        }
    }

    @Test
    void next_whileTheCommandRuns_yieldsOutputBeforeTheExit() throws Exception {
        try (ExecStream stream = sandboxes.runtime.exec(sandbox, ExecSpec.of("echo first; sleep 5; echo second"))) {
            long start = System.nanoTime();
            ExecEvent first = stream.next();

            assertThat(first).isInstanceOfSatisfying(ExecEvent.Stdout.class,
                    out -> assertThat(new String(out.data())).isEqualTo("first\n"));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
            assertThat(stream.next()).isInstanceOf(ExecEvent.Stdout.class);
            assertThat(stream.next()).isInstanceOfSatisfying(ExecEvent.Exit.class,
                    exit -> assertThat(exit.exitCode()).isZero());
        }
    }

    @Test
    void kill_fromAnotherThread_endsABackgroundCommandAndItsGroup() throws Exception {
        try (ExecStream stream = sandboxes.runtime.exec(sandbox,
                ExecSpec.of("sleep 200 & echo started; sleep 201").withTimeout(Duration.ofMinutes(5)))) {
            assertThat(stream.next()).isInstanceOf(ExecEvent.Stdout.class);

            Thread.ofVirtual().start(stream::kill).join();

            assertThat(stream.next()).isInstanceOfSatisfying(ExecEvent.Exit.class,
                    exit -> assertThat(exit.timedOut()).isTrue());
        }
        assertThat(sandboxes.run(sandbox, "ps -eo args").stdoutText()).doesNotContain("sleep 200", "sleep 201");
    }

    @Test
    void close_beforeTheEnd_killsTheCommand() throws Exception {
        try (ExecStream stream = sandboxes.runtime.exec(sandbox, ExecSpec.of("echo go; sleep 300"))) {
            assertThat(stream.next()).isInstanceOf(ExecEvent.Stdout.class);
        }

        assertThat(sandboxes.run(sandbox, "ps -eo args").stdoutText()).doesNotContain("sleep 300");
    }

    @Test
    void run_twentyAtOnce_allSucceedWithTheirOwnOutput() throws Exception {
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<ExecResult>> results = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String command = "echo " + i + "; sleep 0.2; echo " + i + " >&2";
                results.add(threads.submit((Callable<ExecResult>) () -> sandboxes.run(sandbox, command)));
            }

            for (int i = 0; i < 20; i++) {
                ExecResult result = results.get(i).get();
                assertThat(result.exitCode()).isZero();
                assertThat(result.stdoutText()).isEqualTo(i + "\n");
                assertThat(result.stderrText()).isEqualTo(i + "\n");
            }
        }
    }

    @Test
    void exec_inUnknownSandbox_throwsNotFound() {
        assertThatThrownBy(() -> sandboxes.run(SandboxId.random(), "true"))
                .isInstanceOfSatisfying(CorralException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void exec_inPausedSandbox_throwsInvalidState() throws Exception {
        SandboxId paused = sandboxes.create(TestRuntime.SMALL);
        sandboxes.runtime.pause(paused);

        assertThatThrownBy(() -> sandboxes.run(paused, "echo should not run"))
                .isInstanceOfSatisfying(CorralException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_STATE));
        sandboxes.runtime.destroy(paused);
    }
}
