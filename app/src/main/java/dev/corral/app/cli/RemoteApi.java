package dev.corral.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.corral.sdk.ApiException;
import dev.corral.sdk.CorralClient;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * The CLI's connection to a running Corral: {@link CorralClient} with its failures as {@link CliException}, one
 * line and an exit code each (1 for an error the API answered, 3 when the server cannot be reached, 130 when
 * interrupted).
 */
final class RemoteApi implements AutoCloseable {
    private final CorralClient client;

    RemoteApi(String baseUrl, String apiKey) {
        this.client = new CorralClient(baseUrl, apiKey);
    }

    /** Closes the connection (see {@link CorralClient#close()}). */
    @Override
    public void close() {
        client.close();
    }

    URI base() {
        return client.base();
    }

    String apiKey() {
        return client.apiKey();
    }

    /** The SDK client underneath, for what it offers beyond calls (such as a terminal). */
    CorralClient client() {
        return client;
    }

    /** The HTTP client of this connection, for the WebSocket of {@code corral sandbox logs}. */
    HttpClient http() {
        return client.http();
    }

    /** {@code text} encoded for a query value or one path segment ({@code %20} for a blank, never {@code +}). */
    static String encode(String text) {
        return CorralClient.encode(text);
    }

    /** The whole answer envelope of a successful call. */
    JsonNode call(String method, String path, Object body) {
        return translated(() -> client.call(method, path, body));
    }

    /** As {@link #call(String, String, Object)}, waiting at most {@code timeout} for the answer. */
    JsonNode call(String method, String path, Object body, Duration timeout) {
        return translated(() -> client.call(method, path, body, timeout));
    }

    /** Every item of a paginated list; {@code path} may carry a query such as {@code ?limit=100}. */
    ArrayNode listAll(String path) {
        return translated(() -> client.listAll(path));
    }

    /** Sends {@code body} as raw bytes and returns the raw answer, which the caller reads and closes. */
    InputStream stream(String method, String path, HttpRequest.BodyPublisher body) {
        return translated(() -> client.stream(method, path, body));
    }

    /** Sends {@code body} as raw bytes and returns the {@code data} of the answer. */
    JsonNode upload(String method, String path, HttpRequest.BodyPublisher body) {
        return translated(() -> client.upload(method, path, body));
    }

    /** Posts {@code body} asking for server-sent events, handing each to {@code onEvent} as it comes. */
    void events(String path, Object body, Duration timeout, BiConsumer<String, JsonNode> onEvent) {
        translated(() -> {
            client.events(path, body, timeout, onEvent);
            return null;
        });
    }

    private <T> T translated(Supplier<T> call) {
        try {
            return call.get();
        } catch (ApiException e) {
            throw new CliException(e.code() + ": " + e.getMessage(), 1, e.code());
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof ConnectException) {
                throw new CliException("cannot reach Corral at " + base() + " (is 'corral serve' running? set --url)",
                        3);
            }
            throw new CliException("talking to " + base() + " failed: " + e.getCause().getMessage(), 3);
        } catch (CancellationException e) {
            throw new CliException("interrupted", 130);
        }
    }
}
