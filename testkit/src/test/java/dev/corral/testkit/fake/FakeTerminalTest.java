package dev.corral.testkit.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.corral.core.error.CorralException;
import dev.corral.core.sandbox.Resources;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.SandboxSpec;
import dev.corral.core.sandbox.terminal.Terminal;
import dev.corral.core.sandbox.terminal.TerminalSize;
import dev.corral.core.sandbox.terminal.TerminalSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class FakeTerminalTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final TerminalSpec SHELL = new TerminalSpec(Optional.empty(), "/workspace", Map.of(),
            TerminalSize.DEFAULT);

    private final FakeSandboxRuntime runtime = new FakeSandboxRuntime(new FakeTemplateBuilder("base"));
    private final SandboxId id = running();

    @Test
    void lineDiscipline_backspaceAndCtrlC_editTheLineAsATtyDoes() throws Exception {
        try (Terminal terminal = runtime.openTerminal(id, SHELL)) {
            type(terminal, "echo hx\u007fi\r");
            type(terminal, "echo never\u0003");
            type(terminal, "nosuch\r");

            String shown = readUntil(terminal, "not found\r\n" + FakeTerminal.PROMPT);

            assertThat(shown).isEqualTo("$ echo hx\b \bi\r\nhi\r\n$ echo never^C\r\n$ nosuch\r\n"
                    + "sh: nosuch: not found\r\n$ ");
        }
    }

    @Test
    void ctrlDOnAnEmptyLine_endsWithZeroAndRefusesMoreInput() throws Exception {
        try (Terminal terminal = runtime.openTerminal(id, SHELL)) {
            type(terminal, "\u0004");

            readToEnd(terminal);
            assertThat(terminal.exitCode()).hasValue(0);
            assertThatThrownBy(() -> type(terminal, "x")).isInstanceOf(IOException.class);
        }
    }

    @Test
    void outputPastTheBuffer_blocksTheWriterUntilTheReaderCatchesUp() throws Exception {
        try (Terminal terminal = runtime.openTerminal(id, SHELL)) {
            byte[] flood = new byte[FakeTerminal.OUTPUT_LIMIT + 1000];
            java.util.Arrays.fill(flood, (byte) 'x');
            CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
                try {
                    terminal.write(flood, 0, flood.length);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });

            await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> !writing.isDone());
            readUntil(terminal, "x".repeat(1000));
            await().atMost(WAIT).until(writing::isDone);
        }
    }

    @Test
    void stop_endsItsTerminalsWithoutAnExitCode() throws Exception {
        Terminal terminal = runtime.openTerminal(id, SHELL);

        runtime.stop(id);

        readToEnd(terminal);
        assertThat(terminal.exitCode()).isEmpty();
        assertThat(runtime.openTerminals(id)).isZero();
        assertThatThrownBy(() -> runtime.openTerminal(id, SHELL)).isInstanceOf(CorralException.class);
    }

    private SandboxId running() {
        SandboxId made = SandboxId.random();
        runtime.create(new SandboxSpec(made, "base", Map.of(), List.of(), Resources.of(1, "128MB", "64MB")));
        return made;
    }

    private static void type(Terminal terminal, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        terminal.write(bytes, 0, bytes.length);
    }

    /** Reads until the output ends with {@code end}, and returns all of it. */
    private static String readUntil(Terminal terminal, String end) throws IOException {
        var shown = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        while (!shown.toString(StandardCharsets.UTF_8).endsWith(end)) {
            int read = terminal.read(buffer);
            if (read < 0) {
                throw new AssertionError("ended before '" + end + "': " + shown);
            }
            shown.write(buffer, 0, read);
        }
        return shown.toString(StandardCharsets.UTF_8);
    }

    private static void readToEnd(Terminal terminal) throws IOException {
        byte[] buffer = new byte[4096];
        while (terminal.read(buffer) >= 0) {
            // what it showed does not matter here
        }
    }
}
