package dev.corral.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.sdk.CorralClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The SDK's client as tests want it: sends JSON to a running Corral and hands back status, headers and the parsed
 * body, error answers included, where {@link CorralClient} throws. Immutable; {@link #withKey} and
 * {@link #withoutKey} make variants for other callers.
 */
public final class ApiClient {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final URI base;
    private final String apiKey;
    private final CorralClient client;

    public ApiClient(URI base, String apiKey) {
        this.base = base;
        this.apiKey = apiKey;
        this.client = new CorralClient(base.toString(), apiKey);
    }

    /** The key this client sends, or null when it sends none. */
    public String apiKey() {
        return apiKey;
    }

    public URI base() {
        return base;
    }

    public ApiClient withKey(String otherKey) {
        return new ApiClient(base, otherKey);
    }

    public ApiClient withoutKey() {
        return new ApiClient(base, null);
    }

    public ApiResponse get(String path) {
        return send(request(path).GET());
    }

    public ApiResponse delete(String path) {
        return send(request(path).DELETE());
    }

    /** A DELETE carrying a JSON body, as batch deletes take. */
    public ApiResponse delete(String path, Object body) {
        return send(json(request(path), body, "DELETE"));
    }

    public ApiResponse post(String path, Object body) {
        return send(json(request(path), body, "POST"));
    }

    public ApiResponse patch(String path, Object body) {
        return send(json(request(path), body, "PATCH"));
    }

    public ApiResponse put(String path, Object body) {
        return send(json(request(path), body, "PUT"));
    }

    /**
     * Sends {@code method} to {@code path}: GET, HEAD and OPTIONS without a body, the others with {@code body} as
     * JSON; for walks over every route, whatever its method.
     */
    public ApiResponse send(String method, String path, Object body) {
        return switch (method) {
            case "GET", "HEAD", "OPTIONS" -> send(request(path).method(method, HttpRequest.BodyPublishers.noBody()));
            default -> send(json(request(path), body, method));
        };
    }

    /** Sends a request built by the caller (raw bodies, odd headers), adding the API key. */
    public ApiResponse send(HttpRequest.Builder builder) {
        HttpResponse<String> response = client.exchange(builder, Duration.ofSeconds(60),
                HttpResponse.BodyHandlers.ofString());
        return new ApiResponse(response.statusCode(), response.headers(), response.body(), parse(response.body()));
    }

    /** Sends a request built by the caller, adding the API key, and returns the answer's raw bytes. */
    public HttpResponse<byte[]> sendForBytes(HttpRequest.Builder builder) {
        return client.exchange(builder, Duration.ofMinutes(2), HttpResponse.BodyHandlers.ofByteArray());
    }

    /**
     * Sends a request built by the caller, adding the API key, and returns as soon as the answer's head is in: the
     * body streams from the returned response, for answers too large to hold; the caller closes it.
     */
    public HttpResponse<InputStream> sendForStream(HttpRequest.Builder builder) {
        return client.exchange(builder, Duration.ofMinutes(2), HttpResponse.BodyHandlers.ofInputStream());
    }

    /** A request builder for {@code path} on this server, without authentication. */
    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path));
    }

    /** A request builder for {@code path} carrying this client's key, for callers that send it themselves. */
    public HttpRequest.Builder authorizedRequest(String path) {
        HttpRequest.Builder builder = request(path);
        return apiKey == null ? builder : builder.header("Authorization", "Bearer " + apiKey);
    }

    private static HttpRequest.Builder json(HttpRequest.Builder builder, Object body, String method) {
        String text;
        try {
            text = body instanceof String s ? s : MAPPER.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return builder.header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(text));
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isEmpty()) {
            return MAPPER.missingNode();
        }
        try {
            return MAPPER.readTree(body);
        } catch (IOException e) {
            return MAPPER.missingNode();
        }
    }
}
