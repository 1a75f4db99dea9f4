package dev.corral.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.function.BiConsumer;

/**
 * A client for Corral's API (and the RunTools API it implements): JSON calls that unwrap the envelope, paginated
 * lists, raw uploads and downloads, and server-sent events. Paths are relative to the base URL, such as
 * {@code v1/sandboxes}.
 *
 * <p>Errors: an error answer is {@link ApiException}; a failure to talk to the server at all is
 * {@link UncheckedIOException} (a {@link java.net.ConnectException} cause when nothing listens); an interrupted
 * call is {@link CancellationException}, with the thread's interrupt flag set again.
 *
 * <p>Threading: safe for any number of threads. Reads of streamed answers block: do them on platform threads.
 */
public final class CorralClient implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration CALL_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration TRANSFER_TIMEOUT = Duration.ofHours(1);
    /** How much of an error answer is read: the envelope is small, anything longer is not it. */
    private static final int MAX_ERROR_BYTES = 64 * 1024;
    private static final Duration CLOSE_WAIT = Duration.ofMillis(200);

    private final URI base;
    private final String apiKey;
    private final HttpClient http;

    /**
     * @param baseUrl the server, such as {@code http://127.0.0.1:8080}; a trailing {@code /v1} is allowed
     * @param apiKey  sent as {@code Authorization: Bearer}; null sends none
     */
    public CorralClient(String baseUrl, String apiKey) {
        String normalized = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
        this.base = URI.create(normalized.replaceFirst("/v1/$", "/"));
        this.apiKey = apiKey;
        var builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1);
        if ("http".equalsIgnoreCase(base.getScheme())) {
            builder.sslContext(NoTls.context());
        }
        this.http = builder.build();
    }

    /**
     * Stops the HTTP client: what is still in flight is cancelled and its selector thread ends. A short-lived
     * process should close its client before it exits: the JVM waits up to 300 ms at exit for threads that sit in
     * native code, and the selector thread sits in {@code epoll_wait} until it is stopped.
     */
    @Override
    public void close() {
        http.shutdownNow();
        try {
            http.awaitTermination(CLOSE_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The base URL, ending in {@code /}. */
    public URI base() {
        return base;
    }

    public String apiKey() {
        return apiKey;
    }

    /** The HTTP client underneath, for what this class does not cover (such as a WebSocket). */
    public HttpClient http() {
        return http;
    }

    /** {@code text} encoded for a query value or one path segment ({@code %20} for a blank, never {@code +}). */
    public static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The whole answer envelope of a call with a JSON {@code body} (null for none). */
    public JsonNode call(String method, String path, Object body) {
        return call(method, path, body, CALL_TIMEOUT);
    }

    /** As {@link #call(String, String, Object)}, waiting at most {@code timeout} for the answer. */
    public JsonNode call(String method, String path, Object body, Duration timeout) {
        var request = request(path, timeout).header("Accept", "application/json");
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, json(body));
        }
        try (InputStream answer = open(request.build())) {
            byte[] bytes = answer.readAllBytes();
            return bytes.length == 0 ? MAPPER.missingNode() : MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every item of a paginated list, following {@code meta.nextCursor} to the last page; {@code path} may carry a
     * query such as {@code ?limit=100}.
     */
    public ArrayNode listAll(String path) {
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

    /**
     * Sends {@code body} as raw bytes and returns the successful answer's raw body, which the caller reads and
     * closes. Large transfers may take long: the only time limit is an hour for the answer to begin.
     */
    public InputStream stream(String method, String path, HttpRequest.BodyPublisher body) {
        return open(request(path, TRANSFER_TIMEOUT)
                .header("Content-Type", "application/octet-stream")
                .method(method, body)
                .build());
    }

    /** Sends {@code body} as raw bytes, as {@link #stream} does, and returns the {@code data} of the answer. */
    public JsonNode upload(String method, String path, HttpRequest.BodyPublisher body) {
        try (InputStream answer = stream(method, path, body)) {
            return MAPPER.readTree(answer).path("data");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Posts {@code body} as JSON asking for server-sent events, and hands each event's name and JSON data to
     * {@code onEvent} as it arrives, until the server ends the stream. {@code timeout} bounds the wait for the
     * answer to begin.
     */
    public void events(String path, Object body, Duration timeout, BiConsumer<String, JsonNode> onEvent) {
        InputStream answer = open(request(path, timeout)
                .header("Accept", "text/event-stream")
                .header("Content-Type", "application/json")
                .POST(json(body))
                .build());
        try (var events = new ServerSentEvents(answer)) {
            Optional<ServerSentEvents.Event> event;
            while ((event = events.next()).isPresent()) {
                onEvent.accept(event.get().name(), MAPPER.readTree(event.get().data()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sends a request the caller built (any method, body and headers), adding this client's key when it has one,
     * and returns the answer as it is, error statuses included: for tools and tests that look at statuses and
     * headers themselves.
     */
    public <T> HttpResponse<T> exchange(HttpRequest.Builder request, Duration timeout,
                                        HttpResponse.BodyHandler<T> body) {
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        HttpRequest built = request.timeout(timeout).build();
        try {
            return http.send(built, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while calling " + built.uri());
        }
    }

    private HttpRequest.Builder request(String path, Duration timeout) {
        return HttpRequest.newBuilder(base.resolve(path))
                .header("Authorization", "Bearer " + apiKey)
                .timeout(timeout);
    }

    private static HttpRequest.BodyPublisher json(Object body) {
        try {
            return HttpRequest.BodyPublishers.ofByteArray(MAPPER.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new IllegalArgumentException("the body cannot be written as JSON: " + e.getMessage(), e);
        }
    }

    /** The raw body of a successful answer to {@code request}; {@link ApiException} for an error answer. */
    private InputStream open(HttpRequest request) {
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() >= 400) {
                try (InputStream error = response.body()) {
                    throw apiError(response.statusCode(), error.readNBytes(MAX_ERROR_BYTES));
                }
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while calling " + request.uri());
        }
    }

    private static ApiException apiError(int status, byte[] body) {
        JsonNode error;
        try {
            error = MAPPER.readTree(body).path("error");
        } catch (IOException notJson) {
            error = MAPPER.missingNode();
        }
        String text = new String(body, StandardCharsets.UTF_8);
        return new ApiException(error.path("code").asText("http_" + status), status,
                error.path("message").asText(text.length() > 200 ? text.substring(0, 200) : text),
                error.path("requestId").asText(""));
    }
}
