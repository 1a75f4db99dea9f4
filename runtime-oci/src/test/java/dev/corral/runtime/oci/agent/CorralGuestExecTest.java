package dev.corral.runtime.oci.agent;

import static dev.corral.runtime.oci.agent.RunningGuest.PATH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Foreground exec against the real corral-guest: output, exit, signals, environment, input, limits, ptys. */
@Timeout(60)
class CorralGuestExecTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final RunningGuest guest = new RunningGuest();

    @Test
    void exec_commandWritesAndExits_streamsOutputThenExitCode() throws IOException {
        ExecOutcome outcome = guest.exec("arg=sh", "arg=-c", "arg=echo out; echo err >&2; exit 3", PATH);

        assertThat(Long.parseLong(outcome.started().field("pid"))).isPositive();
        assertThat(outcome.stdout()).isEqualTo("out\n");
        assertThat(outcome.stderr()).isEqualTo("err\n");
        assertThat(outcome.last().type()).isEqualTo('x');
        assertThat(outcome.exit("code")).isEqualTo("3");
        assertThat(outcome.exit("signal")).isEqualTo("0");
        assertThat(outcome.exit("timed_out")).isEqualTo("0");
        assertThat(outcome.exit("truncated")).isEqualTo("0");
    }

    @Test
    void exec_commandKilledBySignal_reportsSignalAnd128PlusIt() throws IOException {
        ExecOutcome outcome = guest.exec("arg=sh", "arg=-c", "arg=kill -9 $$", PATH);

        assertThat(outcome.exit("signal")).isEqualTo("9");
        assertThat(outcome.exit("code")).isEqualTo("137");
    }

    @Test
    void exec_envGiven_replacesTheEnvironmentWhole() throws IOException {
        ExecOutcome outcome = guest.exec("arg=env", "env=A=1", "env=B=two words", PATH);

        assertThat(outcome.stdout()).isEqualTo("A=1\nB=two words\nPATH=/usr/local/bin:/usr/bin:/bin\n");
    }

    @Test
    void exec_programWithoutSlash_isLookedUpInTheGivenPath() throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path tool = bin.resolve("only-here");
        Files.writeString(tool, "#!/bin/sh\necho found\n");
        tool.toFile().setExecutable(true);

        ExecOutcome outcome = guest.exec("arg=only-here", "env=PATH=" + bin);

        assertThat(outcome.stdout()).isEqualTo("found\n");
    }

    @Test
    void exec_pathWithAProgramThatMayNotRun_goesOnToTheNextDirectoryAndElseFailsWithEacces() throws IOException {
        Path refused = Files.createDirectories(dir.resolve("refused"));
        Path allowed = Files.createDirectories(dir.resolve("allowed"));
        Files.writeString(refused.resolve("tool"), "#!/bin/sh\necho refused\n");
        Path tool = Files.writeString(allowed.resolve("tool"), "#!/bin/sh\necho allowed\n");
        tool.toFile().setExecutable(true);

        ExecOutcome found = guest.exec("arg=tool", "env=PATH=" + refused + ":" + allowed);
        ExecOutcome notFound = guest.exec("arg=tool", "env=PATH=" + refused + ":" + dir.resolve("missing"));

        assertThat(found.stdout()).isEqualTo("allowed\n");
        assertThat(notFound.started()).isNull();
        assertThat(notFound.last().field("code")).isEqualTo("EACCES");
    }

    @Test
    void exec_missingProgram_failsWithEnoentBeforeStarting() throws IOException {
        ExecOutcome outcome = guest.exec("arg=no-such-program-here", PATH);

        assertThat(outcome.started()).isNull();
        assertThat(outcome.last().type()).isEqualTo('f');
        assertThat(outcome.last().field("code")).isEqualTo("ENOENT");
    }

    @Test
    void exec_missingCwd_isMadeAndUsed() throws IOException {
        Path cwd = dir.resolve("new/work dir");

        ExecOutcome outcome = guest.exec("arg=pwd", "cwd=" + cwd, PATH);

        assertThat(outcome.stdout()).isEqualTo(cwd + "\n");
        assertThat(cwd).isDirectory();
    }

    @Test
    void exec_uidAndGid_runAsThoseNumbersWithoutPasswd() throws IOException {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "changing uid needs root");

        ExecOutcome outcome = guest.exec("arg=sh", "arg=-c", "arg=echo $(id -u) $(id -g) $(id -G)", "uid=4242",
                "gid=4343", "cwd=/", PATH);

        assertThat(outcome.stdout()).isEqualTo("4242 4343 4343\n");
    }

    @Test
    void exec_stdinFrames_reachTheCommandUntilEndOfInput() throws IOException {
        try (GuestConnection connection = guest.connect()) {
            connection.request("exec", "arg=cat", "stdin=1", PATH);
            connection.send('i', "abc".getBytes(StandardCharsets.UTF_8));
            connection.send('i', "def".getBytes(StandardCharsets.UTF_8));
            connection.send('I', new byte[0]);

            ExecOutcome outcome = connection.outcome();

            assertThat(outcome.stdout()).isEqualTo("abcdef");
            assertThat(outcome.exit("code")).isEqualTo("0");
        }
    }

    @Test
    void exec_stdinLargerThanEveryBuffer_arrivesWhole() throws IOException {
        byte[] megabyte = new byte[1 << 20];
        Arrays.fill(megabyte, (byte) 'x');
        try (GuestConnection connection = guest.connect()) {
            connection.request("exec", "arg=wc", "arg=-c", "stdin=1", PATH);
            for (int i = 0; i < 5; i++) {
                connection.send('i', megabyte);
            }
            connection.send('I', new byte[0]);

            assertThat(connection.outcome().stdout().trim()).isEqualTo(Integer.toString(5 << 20));
        }
    }

    @Test
    void exec_withoutStdin_readsDevNull() throws IOException {
        ExecOutcome outcome = guest.exec("arg=cat", PATH);

        assertThat(outcome.stdout()).isEmpty();
        assertThat(outcome.exit("code")).isEqualTo("0");
    }

    @Test
    void exec_pastItsTimeout_killsTheWholeGroup() throws IOException {
        try (GuestConnection connection = guest.connect()) {
            connection.request("exec", "arg=sh", "arg=-c", "arg=sleep 100 & echo $!; wait", "timeout_ms=300", PATH);
            connection.next();
            long sleeper = Long.parseLong(connection.next().text().trim());

            ExecOutcome outcome = connection.outcome();

            assertThat(outcome.exit("timed_out")).isEqualTo("1");
            assertThat(outcome.exit("signal")).isEqualTo("9");
            await().atMost(Duration.ofSeconds(10)).until(() -> RunningGuest.ended(sleeper));
        }
    }

    @Test
    void exec_outputOverMaxOutput_isCutAndSaysTruncated() throws IOException {
        ExecOutcome outcome = guest.exec("arg=sh", "arg=-c", "arg=head -c 300000 /dev/zero; echo done >&2",
                "max_output=1000", PATH);

        assertThat(outcome.outputBytes()).isEqualTo(1000);
        assertThat(outcome.exit("truncated")).isEqualTo("1");
        assertThat(outcome.exit("code")).isEqualTo("0");
    }

    @Test
    void exec_floodReadSlowly_staysBoundedInMemory() throws IOException {
        try (GuestConnection connection = guest.connect()) {
            connection.request("exec", "arg=cat", "arg=/dev/zero", PATH);
            connection.next();
            assertThat(connection.next().type()).isEqualTo('o');

            // Nobody reads for a second while cat could write gigabytes: the agent must stop reading its pipe.
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                    .until(() -> guest.treeResidentKiB() < 16 * 1024);

            assertThat(connection.next().type()).isEqualTo('o');
        }
    }

    @Test
    void exec_clientDisconnects_killsTheProcessGroup() throws IOException {
        long sleeper;
        try (GuestConnection connection = guest.connect()) {
            connection.request("exec", "arg=sh", "arg=-c", "arg=sleep 100 & echo $!; wait", PATH);
            long shell = Long.parseLong(connection.next().field("pid"));
            sleeper = Long.parseLong(connection.next().text().trim());
            assertThat(RunningGuest.ended(shell)).isFalse();
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> RunningGuest.ended(sleeper));
    }

    @Test
    void exec_kFrame_signalsTheProcessGroup() throws IOException {
        try (GuestConnection connection = guest.connect()) {
            connection.request("exec", "arg=sleep", "arg=100", PATH);
            connection.next();
            connection.send('k', "signal=15");

            ExecOutcome outcome = connection.outcome();

            assertThat(outcome.exit("signal")).isEqualTo("15");
            assertThat(outcome.exit("code")).isEqualTo("143");
        }
    }

    @Test
    void exec_pty_isATerminalOfTheGivenSize() throws IOException {
        ExecOutcome outcome = guest.exec("arg=sh", "arg=-c", "arg=stty size; test -t 0 && echo tty", "pty=1",
                "cols=100", "rows=30", PATH);

        assertThat(outcome.stdout()).isEqualTo("30 100\r\ntty\r\n");
        assertThat(outcome.exit("code")).isEqualTo("0");
    }

    @Test
    void exec_pty_commandThatWritesAndExitsAtOnce_neverLosesItsLastOutput() throws IOException {
        // The kernel hands a pty's last bytes to the master after the writer may already be reaped: a few rounds
        // make that window show up, were the agent to stop reading at the first empty read after the exit.
        for (int round = 0; round < 50; round++) {
            ExecOutcome outcome = guest.exec("arg=sh", "arg=-c", "arg=seq 1 2000; echo end", "pty=1", PATH);

            assertThat(outcome.stdout()).as("round %d", round).endsWith("2000\r\nend\r\n");
        }
    }

    @Test
    void exec_ptyResized_commandSeesTheNewSize() throws IOException {
        try (GuestConnection connection = guest.connect()) {
            connection.request("exec", "arg=sh", "arg=-c", "arg=read line; stty size", "pty=1", "cols=80",
                    "rows=24", PATH);
            connection.send('z', "cols=132", "rows=43");
            connection.send('i', "go\n".getBytes(StandardCharsets.UTF_8));

            ExecOutcome outcome = connection.outcome();

            assertThat(outcome.stdout()).endsWith("43 132\r\n");
        }
    }
}
