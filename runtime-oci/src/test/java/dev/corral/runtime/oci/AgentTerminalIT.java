package dev.corral.runtime.oci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.terminal.Terminal;
import dev.corral.core.sandbox.terminal.TerminalSize;
import dev.corral.core.sandbox.terminal.TerminalSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Terminals through the agent: a real pty, its size and resizes, input, output and the exit code. */
@Timeout(value = 2, unit = TimeUnit.MINUTES) // a terminal that never answers would block its read for ever
class AgentTerminalIT {
    @RegisterExtension
    static final TestRuntime sandboxes = TestRuntime.start();
    private static SandboxId sandbox;

    @BeforeAll
    static void createSandbox() {
        Assumptions.assumeTrue(TestRuntime.GUEST.equals("agent"), "terminals need the agent");
        sandbox = sandboxes.create(TestRuntime.SMALL);
    }

    @Test
    void terminal_sizedResizedAndTypedInto_runsItsCommandOnAPtyToItsExitCode() throws Exception {
        var spec = new TerminalSpec(Optional.of("stty size; read a; stty size; read b; echo got-$b; exit 3"), "/",
                Map.of(), new TerminalSize(100, 40));
        try (Terminal terminal = sandboxes.runtime.openTerminal(sandbox, spec)) {
            var output = new StringBuilder();
            readUntil(terminal, output, "40 100");
            terminal.resize(new TerminalSize(120, 50));
            type(terminal, "a\n");
            readUntil(terminal, output, "50 120");
            type(terminal, "hello\n");
            readUntil(terminal, output, "got-hello");
            while (terminal.read(new byte[256]) >= 0) {
                // the rest of the output, up to the end
            }

            assertThat(output.toString()).contains("hello"); // the pty echoes what was typed
            assertThat(terminal.exitCode()).hasValue(3);
        }
    }

    @Test
    void terminal_withoutACommand_runsALoginShell() throws Exception {
        var spec = new TerminalSpec(Optional.empty(), "/workspace", Map.of("WHO", "tester"), TerminalSize.DEFAULT);
        try (Terminal terminal = sandboxes.runtime.openTerminal(sandbox, spec)) {
            type(terminal, "echo \"$WHO in $(pwd) on $(tty)\"; exit\n");
            var output = new StringBuilder();
            readUntil(terminal, output, "tester in /workspace on /dev/pts/");
        }
    }

    private static void type(Terminal terminal, String keys) throws IOException {
        byte[] bytes = keys.getBytes(StandardCharsets.UTF_8);
        terminal.write(bytes, 0, bytes.length);
    }

    private static void readUntil(Terminal terminal, StringBuilder output, String wanted) throws IOException {
        byte[] buffer = new byte[256];
        while (!output.toString().contains(wanted)) {
            int n = terminal.read(buffer);
            assertThat(n).as("the terminal ended before it wrote '%s'; it wrote: %s", wanted, output).isPositive();
            output.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        }
    }
}
