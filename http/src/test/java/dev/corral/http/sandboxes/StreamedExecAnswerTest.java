package dev.corral.http.sandboxes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.core.error.CorralException;
import dev.corral.core.sandbox.exec.ExecEvent;
import dev.corral.testkit.fake.ScriptedExecStream;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StreamedExecAnswerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ExecEvent.Exit EXIT = new ExecEvent.Exit(3, Duration.ofMillis(42), false, true);

    private final AtomicReference<ScriptedExecStream> command = new AtomicReference<>();
    private final AtomicReference<ExecBody.Encoding> encoding = new AtomicReference<>(ExecBody.Encoding.UTF8);
    private final Javalin server = Javalin.create(config -> {
        config.routes.get("/answer", ctx -> StreamedExecAnswer.write(ctx, command.get(), encoding.get()));
        config.routes.exception(CorralException.class, (e, ctx) -> ctx.status(409).result(e.getMessage()));
    }).start("127.0.0.1", 0);

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void write_characterSplitAcrossChunksAndStderrBetween_answersTheWholeTextAndTheExit() throws Exception {
        byte[] text = "héllo wörld ✓".getBytes(StandardCharsets.UTF_8);
        command.set(new ScriptedExecStream(List.of(new ExecEvent.Stdout(Arrays.copyOfRange(text, 0, 2)),
                new ExecEvent.Stderr("oo".getBytes(StandardCharsets.UTF_8)),
                new ExecEvent.Stdout(Arrays.copyOfRange(text, 2, text.length - 1)),
                new ExecEvent.Stderr("ps".getBytes(StandardCharsets.UTF_8)),
                new ExecEvent.Stdout(Arrays.copyOfRange(text, text.length - 1, text.length)), EXIT)));

        JsonNode answer = get();

        JsonNode data = answer.path("data");
        assertThat(data.path("stdout").asText()).isEqualTo("héllo wörld ✓");
        assertThat(data.path("stderr").asText()).isEqualTo("oops");
        assertThat(data.path("exitCode").asInt()).isEqualTo(3);
        assertThat(data.path("executionTime").asLong()).isEqualTo(42);
        assertThat(data.path("durationMs").asLong()).isEqualTo(42);
        assertThat(data.path("timedOut").asBoolean()).isFalse();
        assertThat(data.path("truncated").asBoolean()).isTrue();
        assertThat(data.path("encoding").asText()).isEqualTo("utf8");
        assertThat(answer.path("meta").path("requestId").asText()).isNotBlank();
    }

    @Test
    void write_base64_chunksNotInGroupsOfThree_encodeTheBytesAsOne() throws Exception {
        byte[] bytes = new byte[1000];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 37);
        }
        encoding.set(ExecBody.Encoding.BASE64);
        command.set(new ScriptedExecStream(List.of(new ExecEvent.Stdout(Arrays.copyOfRange(bytes, 0, 1)),
                new ExecEvent.Stdout(Arrays.copyOfRange(bytes, 1, 5)),
                new ExecEvent.Stdout(Arrays.copyOfRange(bytes, 5, 1000)),
                new ExecEvent.Stderr(new byte[] {(byte) 0xff}), EXIT)));

        JsonNode data = get().path("data");

        assertThat(Base64.getDecoder().decode(data.path("stdout").asText())).isEqualTo(bytes);
        assertThat(Base64.getDecoder().decode(data.path("stderr").asText())).isEqualTo(new byte[] {(byte) 0xff});
        assertThat(data.path("encoding").asText()).isEqualTo("base64");
    }

    @Test
    void write_manyChunks_answersAllOfThem() throws Exception {
        var events = new java.util.ArrayList<ExecEvent>();
        byte[] chunk = "x\"\\\n".repeat(16 * 1024).getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 64; i++) {
            events.add(new ExecEvent.Stdout(chunk));
        }
        events.add(EXIT);
        command.set(new ScriptedExecStream(events));

        String stdout = get().path("data").path("stdout").asText();

        assertThat(stdout).hasSize(64 * chunk.length).startsWith("x\"\\\nx");
    }

    @Test
    void write_commandNeverStarted_answersItsErrorAndWritesNothingElse() throws Exception {
        command.set(new ScriptedExecStream(List.of()) {
            @Override
            public ExecEvent next() {
                throw CorralException.invalidState("Sandbox is paused");
            }
        });

        HttpResponse<String> answer = send();

        assertThat(answer.statusCode()).isEqualTo(409);
        assertThat(answer.body()).isEqualTo("Sandbox is paused");
    }

    private JsonNode get() throws Exception {
        HttpResponse<String> answer = send();
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("application/json"));
        return JSON.readTree(answer.body());
    }

    private HttpResponse<String> send() throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/answer"))
                    .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        }
    }
}
