package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.corral.sdk.CorralClient;
import dev.corral.sdk.TerminalConnection;
import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Terminals in real sandboxes, on a real pty served by the sandbox's agent: typed input and its output, a resize
 * the command sees, the exit code in the close, the one-time session, and terminal traffic as activity.
 */
class TerminalIT {
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @RegisterExtension
    static final TestCorral corral = new TestCorral(Map.of("reaper-interval", "1s"));

    @Test
    void shell_typedCommand_showsItsOutputAndExitClosesWithItsCode() throws Exception {
        assumeAgent();
        String id = sandbox(3600);
        var screen = new Screen();
        try (TerminalConnection terminal = TerminalConnection.open(client(), id, Optional.empty(), 80, 24,
                screen::add)) {
            terminal.type("echo hi $((6*7))\r");
            screen.await("hi 42");

            terminal.type("exit 3\r");
            TerminalConnection.Ended ended = terminal.awaitEnd();

            assertThat(ended.closeCode()).isEqualTo(1000);
            assertThat(ended.reason()).isEqualTo("{\"exitCode\":3}");
            assertThat(ended.exitCode()).hasValue(3);
        }
    }

    @Test
    void resize_isWhatSttySizeShows() throws Exception {
        assumeAgent();
        String id = sandbox(3600);
        var screen = new Screen();
        try (TerminalConnection terminal = TerminalConnection.open(client(), id, Optional.empty(), 100, 30,
                screen::add)) {
            terminal.type("stty size\r");
            screen.await("30 100");

            terminal.resize(132, 40);
            terminal.type("stty size\r");

            screen.await("40 132");
        }
    }

    @Test
    void session_withoutAKey_opensATerminalOnce() throws Exception {
        assumeAgent();
        String id = sandbox(3600);
        ApiResponse session = corral.admin.post("v1/terminal/sandbox-sessions", Map.of("sandboxId", id));
        assertThat(session.status()).isEqualTo(201);
        String url = corral.admin.base().toString().replaceFirst("^http", "ws")
                + session.data().path("wsPath").asText().substring(1);
        var screen = new Screen();
        var closed = new CompletableFuture<String>();

        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(url),
                new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
                screen.add(data);
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
                closed.complete(status + " " + reason);
                return null;
            }
        }).join();
        socket.sendBinary(ByteBuffer.wrap("echo via $((2*3))\r".getBytes(StandardCharsets.UTF_8)), true).join();
        screen.await("via 6");
        socket.sendBinary(ByteBuffer.wrap("exit 5\r".getBytes(StandardCharsets.UTF_8)), true).join();

        await().atMost(PATIENCE).until(closed::isDone);
        assertThat(closed.join()).isEqualTo("1000 {\"exitCode\":5}");
        assertThat(HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(url),
                new WebSocket.Listener() { }).handle((ws, e) -> e.getCause()).join())
                .isInstanceOfSatisfying(java.net.http.WebSocketHandshakeException.class,
                        refused -> assertThat(refused.getResponse().statusCode()).isEqualTo(404));
    }

    @Test
    void openTerminal_keepsTheSandboxFromIdlingUntilItCloses() throws Exception {
        assumeAgent();
        String id = sandbox(60);
        var screen = new Screen();
        try (TerminalConnection terminal = TerminalConnection.open(client(), id, Optional.empty(), 80, 24,
                screen::add)) {
            terminal.type("echo typing\r");
            screen.await("typing");

            corral.clock.advance(Duration.ofMinutes(5));
            // Several reaper rounds (one a second) pass while the terminal is open.
            terminal.type("echo still $((2+3))\r");
            screen.await("still 5");
            await().during(Duration.ofSeconds(3)).atMost(PATIENCE).until(() -> status(id).equals("running"));
            terminal.type("echo after $((3+4))\r");
            screen.await("after 7");
        }

        // The server sees the close a moment later, and records it as activity then: the clock moves on until
        // the reaper finds the sandbox idle.
        await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1)).until(() -> {
            corral.clock.advance(Duration.ofMinutes(2));
            return status(id).equals("paused");
        });
    }

    @Test
    void runcGuest_terminal_closesWithInvalidState() throws Exception {
        assumeTrue(TestCorral.GUEST.equals("runc"), "only a server with guest: runc lacks terminals");
        String id = sandbox(3600);
        try (TerminalConnection terminal = TerminalConnection.open(client(), id, Optional.empty(), 80, 24,
                chunk -> { })) {
            TerminalConnection.Ended ended = terminal.awaitEnd();

            assertThat(ended.closeCode()).isEqualTo(4409);
            assertThat(ended.reason()).startsWith("invalid_state: ");
        }
    }

    /** Terminals are the agent's: a server with {@code guest: runc} refuses them (see the test above). */
    private static void assumeAgent() {
        assumeTrue(TestCorral.GUEST.equals("agent"), "terminals need the guest agent");
    }

    private static String sandbox(int idleTimeoutSeconds) {
        ApiResponse made = corral.admin.post("v1/sandboxes?wait=true", Map.of("template", "base",
                "resources", Map.of("memory", "128MB", "disk", "128MB"), "idleTimeout", idleTimeoutSeconds));
        assertThat(made.status()).as(made.toString()).isEqualTo(201);
        return made.data().path("id").asText();
    }

    private static String status(String id) {
        return corral.admin.get("v1/sandboxes/" + id).data().path("status").asText();
    }

    private static CorralClient client() {
        ApiClient admin = corral.admin;
        return new CorralClient(admin.base().toString(), admin.apiKey());
    }

    /** What a terminal has shown, for waiting on. */
    private static final class Screen {
        private final ByteArrayOutputStream shown = new ByteArrayOutputStream();

        synchronized void add(ByteBuffer data) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            shown.writeBytes(bytes);
        }

        synchronized String text() {
            return shown.toString(StandardCharsets.UTF_8);
        }

        void await(String text) {
            org.awaitility.Awaitility.await().atMost(PATIENCE).until(() -> text().contains(text));
        }
    }
}
