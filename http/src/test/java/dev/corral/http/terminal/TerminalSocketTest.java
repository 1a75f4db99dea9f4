package dev.corral.http.terminal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.core.key.ApiKeyService;
import dev.corral.core.org.Organization;
import dev.corral.core.plan.Plans;
import dev.corral.core.sandbox.Sandbox;
import dev.corral.core.sandbox.lifecycle.SandboxService;
import dev.corral.core.sandbox.lifecycle.SandboxWork;
import dev.corral.core.sandbox.terminal.SandboxTerminals;
import dev.corral.core.sandbox.terminal.TerminalLimits;
import dev.corral.http.Authenticator;
import dev.corral.http.Bodies;
import dev.corral.http.HttpMetrics;
import dev.corral.http.HttpServer;
import dev.corral.http.RateLimiter;
import dev.corral.http.RequestConcurrency;
import dev.corral.testkit.ManualClock;
import dev.corral.testkit.ServicesOnFakes;
import dev.corral.testkit.fake.FakeSandboxRuntime;
import dev.corral.testkit.fake.FakeTerminal;
import dev.corral.testkit.fake.Principals;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The terminal WebSockets on a real server on a random port, with a real WebSocket client, over the fake runtime's
 * terminals ({@link FakeTerminal}: an echoing line discipline with a prompt).
 */
class TerminalSocketTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ServicesOnFakes bed = new ServicesOnFakes();
    private final ManualClock clock = bed.clock;
    private final ApiKeyService keyService = bed.keyService;
    private final Plans plans = bed.plans;
    private final FakeSandboxRuntime runtime = bed.runtime;
    private final SandboxService sandboxes = bed.sandboxes;
    private final SandboxTerminals terminals = new SandboxTerminals(sandboxes, runtime, new SandboxWork(),
            TerminalLimits.DEFAULTS, clock);
    private final HttpServer server = new HttpServer(new HttpServer.Settings("127.0.0.1", 0, 1 << 20,
            Duration.ZERO, 10), new Authenticator(keyService), new RateLimiter(plans, clock),
            new RequestConcurrency(plans), new HttpMetrics(), List.of(new TerminalSessionRoutes(terminals,
            new Bodies(1 << 20)), new TerminalSocket(terminals))).start();

    private final Organization organization = organization();
    private final String key = key(organization, "*");
    private final Sandbox sandbox = sandbox(organization);

    @AfterEach
    void close() {
        server.close();
        terminals.close();
        bed.close();
    }

    @Test
    void keyedSocket_typedLine_isEchoedAnsweredAndExitClosesNormallyWithTheCode() {
        try (TerminalClient client = TerminalClient.connect(terminalUrl(""), key)) {
            client.awaitText(FakeTerminal.PROMPT);

            client.type("echo hi\r");
            client.awaitText("echo hi\r\nhi\r\n");
            client.type("exit 3\r");

            assertThat(client.awaitClosed()).isEqualTo(new TerminalClient.Closed(1000, "{\"exitCode\":3}"));
        }
        assertThat(terminals.openTerminals()).isZero();
    }

    @Test
    void clientClose_closesTheTerminal() {
        TerminalClient client = TerminalClient.connect(terminalUrl(""), key);
        client.awaitText(FakeTerminal.PROMPT);

        client.close();

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> terminals.openTerminals() == 0);
        assertThat(runtime.openTerminals(sandbox.id())).isZero();
    }

    @Test
    void resizeFrame_thenSttySize_showsTheNewSize() {
        try (TerminalClient client = TerminalClient.connect(terminalUrl("?cols=100&rows=30"), key)) {
            client.type("stty size\r");
            client.awaitText("30 100\r\n");

            client.sendText("{\"type\":\"resize\",\"cols\":132,\"rows\":40}");
            client.type("stty size\r");

            client.awaitText("40 132\r\n");
        }
    }

    @Test
    void commandQuery_runsItAndClosesWithItsStatus() {
        String command = URLEncoder.encode("echo once; exit 7", StandardCharsets.UTF_8);
        try (TerminalClient client = TerminalClient.connect(terminalUrl("?command=" + command), key)) {
            assertThat(client.awaitClosed()).isEqualTo(new TerminalClient.Closed(1000, "{\"exitCode\":7}"));
            assertThat(client.text()).isEqualTo("once\r\n");
        }
    }

    @Test
    void session_withoutAKey_opensTheTerminalOnceOnly() throws Exception {
        JsonNode session = post("v1/terminal/sandbox-sessions", key, "{\"sandboxId\":\"" + sandbox.id() + "\"}");
        String wsPath = session.path("data").path("wsPath").asText();

        assertThat(wsPath).isEqualTo("/v1/terminal/sessions/" + session.path("data").path("sessionId").asText());
        assertThat(session.path("data").path("sandboxId").asText()).isEqualTo(sandbox.id().value());
        assertThat(session.path("data").path("expiresAt").asText()).isEqualTo("2026-03-01T10:01:00Z");
        try (TerminalClient client = TerminalClient.connect(wsUrl(wsPath), null)) {
            client.type("echo via session\r");
            client.awaitText("via session\r\n");
        }
        assertThat(TerminalClient.refusal(wsUrl(wsPath), null)).isEqualTo(404);
    }

    @Test
    void session_afterItExpired_isRefusedWithNotFound() throws Exception {
        JsonNode session = post("v1/terminal/sandbox-sessions", key, "{\"sandboxId\":\"" + sandbox.id() + "\"}");

        clock.advance(Duration.ofSeconds(61));

        assertThat(TerminalClient.refusal(wsUrl(session.path("data").path("wsPath").asText()), null)).isEqualTo(404);
    }

    @Test
    void createSession_missingSandboxOrAnotherOrganizations_isValidationFailedOrNotFound() throws Exception {
        assertThat(post("v1/terminal/sandbox-sessions", key, "{}").path("error").path("code").asText())
                .isEqualTo("validation_failed");
        String stranger = key(organization(), "*");

        JsonNode refused = post("v1/terminal/sandbox-sessions", stranger, "{\"sandboxId\":\"" + sandbox.id() + "\"}");

        assertThat(refused.path("error").path("code").asText()).isEqualTo("not_found");
    }

    @Test
    void keyedSocket_readOnlyKey_closesWithForbidden() {
        try (TerminalClient client = TerminalClient.connect(terminalUrl(""), key(organization, "sandbox:read"))) {
            TerminalClient.Closed closed = client.awaitClosed();

            assertThat(closed.code()).isEqualTo(4403);
            assertThat(closed.reason()).startsWith("forbidden: ").contains("sandbox:write");
        }
    }

    @Test
    void keyedSocket_anotherOrganizationsSandbox_closesWithNotFound() {
        try (TerminalClient client = TerminalClient.connect(terminalUrl(""), key(organization(), "*"))) {
            assertThat(client.awaitClosed().code()).isEqualTo(4404);
        }
    }

    @Test
    void keyedSocket_sizeOutOfRange_isRefusedBeforeTheUpgrade() {
        assertThat(TerminalClient.refusal(terminalUrl("?cols=0"), key)).isEqualTo(400);
        assertThat(TerminalClient.refusal(terminalUrl("?rows=many"), key)).isEqualTo(400);
    }

    @Test
    void textFrame_notAControlMessage_closesWithBadRequest() {
        try (TerminalClient client = TerminalClient.connect(terminalUrl(""), key)) {
            client.awaitText(FakeTerminal.PROMPT);

            client.sendText("ls\r");

            TerminalClient.Closed closed = client.awaitClosed();
            assertThat(closed.code()).isEqualTo(4400);
            assertThat(closed.reason()).startsWith("bad_request: ");
        }
        assertThat(terminals.openTerminals()).isZero();
    }

    @Test
    void inputFrame_largerThanTheLimit_closesWithMessageTooBig() {
        try (TerminalClient client = TerminalClient.connect(terminalUrl(""), key)) {
            client.awaitText(FakeTerminal.PROMPT);

            client.sendBinary(new byte[TerminalSocket.MAX_INPUT_BYTES + 1]);

            assertThat(client.awaitClosed().code()).isEqualTo(1009);
        }
    }

    @Test
    void sandboxDeleted_closesTheTerminalWithGoingAway() {
        try (TerminalClient client = TerminalClient.connect(terminalUrl(""), key)) {
            client.awaitText(FakeTerminal.PROMPT);

            sandboxes.delete(Principals.of(organization), sandbox.id().value());

            assertThat(client.awaitClosed().code()).isEqualTo(1001);
        }
    }

    @Test
    void floodOfOutput_pastTheTerminalsBuffer_isAllDeliveredInOrder() {
        String line = "x".repeat(1000);
        try (TerminalClient client = TerminalClient.connect(terminalUrl(""), key)) {
            // Echo and output together twice the fake pty's buffer, in one input frame under its limit.
            StringBuilder typed = new StringBuilder();
            for (int i = 0; i < 60; i++) {
                typed.append("echo ").append(i).append(line).append('\r');
            }
            client.type(typed.toString());

            client.awaitText("\r\n59" + line + "\r\n");
            assertThat(client.text()).contains("\r\n0" + line + "\r\n", "\r\n30" + line + "\r\n");
        }
    }

    private String terminalUrl(String query) {
        return wsUrl("/v1/sandboxes/" + sandbox.id() + "/terminal" + query);
    }

    private String wsUrl(String path) {
        return "ws://127.0.0.1:" + server.port() + path;
    }

    private JsonNode post(String path, String apiKey, String body) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/" + path))
                .header("Authorization", "Bearer " + apiKey).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    private Organization organization() {
        return bed.organization();
    }

    private String key(Organization owner, String scope) {
        return bed.key(owner, scope);
    }

    private Sandbox sandbox(Organization owner) {
        return bed.sandbox(owner, Optional.empty());
    }
}
