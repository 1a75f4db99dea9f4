package dev.corral.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BiConsumer;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * The CLI's connection to a running Corral: sends JSON (or raw bytes), unwraps the envelope, turns API errors into
 * one line.
 */
final class RemoteApi {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration CALL_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration TRANSFER_TIMEOUT = Duration.ofHours(1);
    /** How much of an error answer is read: the envelope is small, anything longer is not it. */
    private static final int MAX_ERROR_BYTES = 64 * 1024;

    private final URI base;
    private final String apiKey;
    private final HttpClient http;

    RemoteApi(URI base, String apiKey) {
        this.base = base;
        this.apiKey = apiKey;
        var builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1);
        if ("http".equalsIgnoreCase(base.getScheme())) {
            builder.sslContext(trustingNothing());
        }
        this.http = builder.build();
    }

    /**
     * A TLS context for a client that never speaks TLS. Without one the client builds the JDK's default context,
     * which reads and parses the whole CA store (and with it starts the logging stack): about a third of a CLI
     * call's start-up. This one trusts no certificate, so it could never accept a server by accident.
     */
    private static SSLContext trustingNothing() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[0], new TrustManager[0], null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no TLS implementation", e);
        }
    }

    URI base() {
        return base;
    }

    String apiKey() {
        return apiKey;
    }

    /** The HTTP client of this connection, for the WebSocket of {@code corral sandbox logs}. */
    HttpClient http() {
        return http;
    }

    /** The whole answer envelope of a successful call; {@link CliException} for any failure. */
    JsonNode call(String method, String path, Object body) {
        return call(method, path, body, CALL_TIMEOUT);
    }

    /** As {@link #call(String, String, Object)}, waiting at most {@code timeout} for the answer. */
    JsonNode call(String method, String path, Object body, Duration timeout) {
        try {
            var request = HttpRequest.newBuilder(base.resolve(path))
                    .header("Authorization", "Bearer " + apiKey)
                    .header("Accept", "application/json")
                    .timeout(timeout);
            if (body == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(MAPPER.writeValueAsString(body)));
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 400) {
                throw apiError(response.statusCode(), response.body());
            }
            return response.body().isEmpty() ? MAPPER.missingNode() : MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", 130);
        }
    }

    /**
     * Every item of a paginated list, following {@code meta.nextCursor} to the last page; {@code path} may carry a
     * query such as {@code ?limit=100}. {@link CliException} for any failure.
     */
    ArrayNode listAll(String path) {
        ArrayNode all = MAPPER.createArrayNode();
        String separator = path.contains("?") ? "&" : "?";
        String cursor = null;
        do {
            JsonNode page = call("GET", path + (cursor == null ? "" : separator + "cursor=" + encode(cursor)), null);
            page.path("data").forEach(all::add);
            JsonNode meta = page.path("meta");
            cursor = meta.path("hasMore").asBoolean() ? meta.path("nextCursor").asText("") : "";
        } while (!cursor.isEmpty());
        return all;
    }

    /** {@code text} encoded for a query value or one path segment ({@code %20} for a blank, never {@code +}). */
    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * Sends {@code body} as raw bytes and returns the successful answer's raw body, which the caller reads and
     * closes; {@link CliException} for any failure. Large transfers may take long: the only time limit is
     * {@link #TRANSFER_TIMEOUT} for the answer to begin.
     */
    InputStream stream(String method, String path, HttpRequest.BodyPublisher body) {
        return open(HttpRequest.newBuilder(base.resolve(path))
                .header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/octet-stream")
                .timeout(TRANSFER_TIMEOUT)
                .method(method, body)
                .build());
    }

    /**
     * Sends {@code body} as JSON asking for server-sent events, and hands each event's name and JSON data to
     * {@code onEvent} as it arrives, until the server ends the stream. {@code timeout} bounds the wait for the
     * answer to begin. {@link CliException} for any failure.
     */
    void events(String path, Object body, Duration timeout, BiConsumer<String, JsonNode> onEvent) {
        InputStream answer;
        try {
            answer = open(HttpRequest.newBuilder(base.resolve(path))
                    .header("Authorization", "Bearer " + apiKey)
                    .header("Accept", "text/event-stream")
                    .header("Content-Type", "application/json")
                    .timeout(timeout)
                    .POST(HttpRequest.BodyPublishers.ofString(MAPPER.writeValueAsString(body)))
                    .build());
        } catch (IOException e) {
            throw unreachable(e);
        }
        try (var events = new EventStream(answer)) {
            Optional<EventStream.Event> event;
            while ((event = events.next()).isPresent()) {
                onEvent.accept(event.get().name(), MAPPER.readTree(event.get().data()));
            }
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    /** The raw body of a successful answer to {@code request}; the API's error as {@link CliException}. */
    private InputStream open(HttpRequest request) {
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() >= 400) {
                try (InputStream error = response.body()) {
                    throw apiError(response.statusCode(),
                            new String(error.readNBytes(MAX_ERROR_BYTES), StandardCharsets.UTF_8));
                }
            }
            return response.body();
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", 130);
        }
    }

    /** Sends {@code body} as raw bytes, as {@link #stream} does, and returns the {@code data} of the answer. */
    JsonNode upload(String method, String path, HttpRequest.BodyPublisher body) {
        try (InputStream answer = stream(method, path, body)) {
            return MAPPER.readTree(answer).path("data");
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    /** The API's error as one line: its code and message, or the raw body when it is not the envelope. */
    private static CliException apiError(int status, String body) {
        JsonNode error;
        try {
            error = MAPPER.readTree(body).path("error");
        } catch (IOException e) {
            error = MAPPER.missingNode();
        }
        String code = error.path("code").asText("http_" + status);
        return new CliException(code + ": " + error.path("message").asText(body), 1, code);
    }

    private CliException unreachable(IOException e) {
        if (e instanceof ConnectException) {
            return new CliException("cannot reach Corral at " + base + " (is 'corral serve' running? set --url)", 3);
        }
        return new CliException("talking to " + base + " failed: " + e.getMessage(), 3);
    }
}
