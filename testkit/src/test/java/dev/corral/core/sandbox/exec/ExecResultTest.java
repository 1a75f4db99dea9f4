package dev.corral.core.sandbox.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.fake.ScriptedExecStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExecResultTest {
    @Test
    void drain_aStream_collectsEachOutputApartUntilTheExit() throws Exception {
        var stream = new ScriptedExecStream(List.of(new ExecEvent.Stdout(bytes("a")), new ExecEvent.Stderr(bytes("x")),
                new ExecEvent.Stdout(bytes("b")), new ExecEvent.Exit(2, Duration.ofMillis(5), false, true)));

        ExecResult result = ExecResult.drain(stream);

        assertThat(result.stdoutText()).isEqualTo("ab");
        assertThat(result.stderrText()).isEqualTo("x");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.duration()).isEqualTo(Duration.ofMillis(5));
        assertThat(result.truncated()).isTrue();
        assertThat(result.timedOut()).isFalse();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
