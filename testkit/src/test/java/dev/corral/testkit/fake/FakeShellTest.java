package dev.corral.testkit.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FakeShellTest {
    @Test
    void run_quotedSeparator_staysInTheWord() {
        FakeShell.Outcome outcome = FakeShell.run("echo 'a; b' \"c d\"", InputStream.nullInputStream());

        assertThat(text(outcome, 0)).isEqualTo("a; b c d\n");
        assertThat(outcome.exitCode()).isZero();
    }

    @Test
    void run_echoDashN_writesNoNewline() {
        assertThat(text(FakeShell.run("echo -n hi", InputStream.nullInputStream()), 0)).isEqualTo("hi");
    }

    @Test
    void run_printfWithMoreArgumentsThanConversions_reusesTheFormat() {
        FakeShell.Outcome outcome = FakeShell.run("printf '%s=%d\\n' a 1 b 2", InputStream.nullInputStream());

        assertThat(text(outcome, 0)).isEqualTo("a=1\nb=2\n");
    }

    @Test
    void run_lastCommandFails_exitsWithItsStatus() {
        assertThat(FakeShell.run("true; false", InputStream.nullInputStream()).exitCode()).isEqualTo(1);
    }

    @Test
    void run_exitInTheMiddle_skipsTheRest() {
        FakeShell.Outcome outcome = FakeShell.run("echo a; exit 300; echo b", InputStream.nullInputStream());

        assertThat(outcome.output()).hasSize(1);
        assertThat(outcome.exitCode()).isEqualTo(300 & 0xff);
    }

    @Test
    void run_catToStderr_copiesStdinThere() {
        FakeShell.Outcome outcome = FakeShell.run("cat >&2",
                new ByteArrayInputStream("in".getBytes(StandardCharsets.UTF_8)));

        assertThat(outcome.output().getFirst().stderr()).isTrue();
        assertThat(text(outcome, 0)).isEqualTo("in");
    }

    @Test
    void run_sleep_outlivesItsOutput() {
        FakeShell.Outcome outcome = FakeShell.run("echo up; sleep 5; echo never", InputStream.nullInputStream());

        assertThat(outcome.outlives()).isTrue();
        assertThat(outcome.output()).hasSize(1);
    }

    @Test
    void run_variablesPipesOrUnknownCommands_areRefused() {
        for (String script : new String[]{"echo $HOME", "echo a | cat", "ls", "echo \"$X\"", "echo a > f"}) {
            assertThatThrownBy(() -> FakeShell.run(script, InputStream.nullInputStream()))
                    .as(script).isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static String text(FakeShell.Outcome outcome, int chunk) {
        return new String(outcome.output().get(chunk).data(), StandardCharsets.UTF_8);
    }
}
