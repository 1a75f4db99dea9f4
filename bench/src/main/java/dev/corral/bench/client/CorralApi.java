package dev.corral.bench.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.bench.BenchException;
import dev.corral.sdk.ApiException;
import dev.corral.sdk.CorralClient;
import dev.corral.sdk.TerminalConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The load client's view of a Corral server: the sandbox calls the scenarios make, through the SDK's
 * {@link CorralClient} (one {@code HttpClient} speaking HTTP/1.1 with keep-alive; its pool opens a connection per
 * concurrent caller and reuses it). Every failure, an error answer included, is {@link BenchException} naming the
 * call, so a scenario never measures errors as if they were work.
 *
 * <p>Threading: immutable; any number of threads may call at once.
 */
public final class CorralApi {
    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final int IDLE_TIMEOUT_SECONDS = 86_400;

    private final CorralClient client;

    public CorralApi(URI base, String apiKey) {
        this.client = new CorralClient(base.toString(), apiKey);
    }

    /**
     * Creates a sandbox of {@code shape} from the base template, not idle-paused for a day (the longest the
     * enterprise tier allows by default), and waits until it runs.
     */
    public String createSandbox(SandboxShape shape) {
        var body = new HashMap<String, Object>(Map.of("template", "base", "resources", shape.resources(),
                "idleTimeout", IDLE_TIMEOUT_SECONDS));
        if (!shape.networked()) {
            body.put("network", "none");
        }
        JsonNode sandbox = data("POST", "v1/sandboxes?wait=true", body);
        String status = sandbox.path("status").asText();
        if (!status.equals("running")) {
            throw new BenchException("sandbox " + sandbox.path("id").asText() + " is " + status + ": "
                    + sandbox.path("error").asText());
        }
        return sandbox.path("id").asText();
    }

    public void delete(String sandboxId) {
        data("DELETE", "v1/sandboxes/" + sandboxId, null);
    }

    /**
     * Deletes the sandboxes, {@code parallel} at a time, trying every one even when some fail; the first failure
     * is thrown once all were tried.
     */
    public void deleteAll(Collection<String> sandboxIds, int parallel) {
        var permits = new Semaphore(parallel);
        var failures = new ConcurrentLinkedQueue<RuntimeException>();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String id : sandboxIds) {
                executor.execute(() -> {
                    permits.acquireUninterruptibly();
                    try {
                        delete(id);
                    } catch (RuntimeException e) {
                        failures.add(e);
                    } finally {
                        permits.release();
                    }
                });
            }
        }
        if (!failures.isEmpty()) {
            RuntimeException first = failures.poll();
            failures.forEach(first::addSuppressed);
            throw first;
        }
    }

    /** Runs {@code command} in the sandbox and returns its standard output; a non-zero exit is a failure. */
    public String exec(String sandboxId, String command) {
        JsonNode result = data("POST", "v1/sandboxes/" + sandboxId + "/exec", Map.of("command", command));
        if (result.path("exitCode").asInt(-1) != 0) {
            throw new BenchException("'" + abbreviate(command) + "' in " + sandboxId + " exited with "
                    + result.path("exitCode") + ": " + result.path("stderr").asText());
        }
        return result.path("stdout").asText();
    }

    /** Starts {@code command} as a background process of the sandbox. */
    public void startBackground(String sandboxId, String command) {
        data("POST", "v1/sandboxes/" + sandboxId + "/exec", Map.of("command", command, "background", true));
    }

    /** {@code WS /v1/sandboxes/{id}/terminal?command=}: a terminal running {@code command}, output to {@code output}. */
    public TerminalConnection openTerminal(String sandboxId, String command, Consumer<ByteBuffer> output) {
        return translated("WS terminal of " + sandboxId, () -> TerminalConnection.open(client, sandboxId,
                Optional.of(command), 80, 24, output));
    }

    public void pause(String sandboxId) {
        expectStatus(data("POST", "v1/sandboxes/" + sandboxId + "/pause", Map.of()), "paused");
    }

    public void resume(String sandboxId) {
        expectStatus(data("POST", "v1/sandboxes/" + sandboxId + "/resume", Map.of()), "running");
    }

    /** {@code PUT /v1/sandboxes/{id}/files?path=}: writes {@code content} as the file at {@code path}. */
    public void writeFile(String sandboxId, String path, byte[] content) {
        String url = filePath(sandboxId, path);
        translated("PUT " + url, () -> client.upload("PUT", url, HttpRequest.BodyPublishers.ofByteArray(content)));
    }

    /** {@code GET /v1/sandboxes/{id}/files?path=}: the bytes of the file at {@code path}. */
    public byte[] readFile(String sandboxId, String path) {
        return bytes(filePath(sandboxId, path));
    }

    /** {@code POST /v1/workspaces}: a workspace with room for {@code quotaBytes}; returns its id. */
    public String createWorkspace(String slug, long quotaBytes) {
        return data("POST", "v1/workspaces", Map.of("name", slug, "slug", slug, "quotaBytes", quotaBytes))
                .path("id").asText();
    }

    public void deleteWorkspace(String workspace) {
        data("DELETE", "v1/workspaces/" + workspace + "?force=true", null);
    }

    /** {@code PUT /v1/workspaces/{id}/files/{path}} of the raw bytes. */
    public void writeWorkspaceFile(String workspace, String path, byte[] content) {
        String url = "v1/workspaces/" + workspace + "/files" + path;
        translated("PUT " + url, () -> client.upload("PUT", url, HttpRequest.BodyPublishers.ofByteArray(content)));
    }

    /** {@code GET /v1/workspaces/{id}/direct?id=}: the file's bytes. */
    public byte[] readWorkspaceFile(String workspace, String path) {
        return bytes("v1/workspaces/" + workspace + "/direct?id=" + CorralClient.encode(path));
    }

    /** The raw body a GET of {@code path} answers. */
    private byte[] bytes(String path) {
        return translated("GET " + path, () -> {
            try (InputStream body = client.stream("GET", path, HttpRequest.BodyPublishers.noBody())) {
                return body.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static String filePath(String sandboxId, String path) {
        return "v1/sandboxes/" + sandboxId + "/files?path=" + CorralClient.encode(path);
    }

    /** {@code GET /health}, which needs no key. */
    public HttpRequest healthRequest() {
        return HttpRequest.newBuilder(client.base().resolve("health")).timeout(TIMEOUT).GET().build();
    }

    /** The request {@code GET /v1/sandboxes/{id}}, to send many times. */
    public HttpRequest getSandboxRequest(String sandboxId) {
        return HttpRequest.newBuilder(client.base().resolve("v1/sandboxes/" + sandboxId)).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + client.apiKey()).GET().build();
    }

    /**
     * A request through the port proxy, {@code /v1/sandboxes/{id}/ports/{port}{path}} with the API key, for the
     * caller to finish (method, timeout) and send many times.
     */
    public HttpRequest.Builder portRequest(String sandboxId, int port, String path) {
        return HttpRequest.newBuilder(client.base().resolve("v1/sandboxes/" + sandboxId + "/ports/" + port + path))
                .header("Authorization", "Bearer " + client.apiKey());
    }

    /** The raw body of {@code GET /v1/sandboxes/{id}}. */
    public String getSandboxBody(String sandboxId) {
        return new String(bytes("v1/sandboxes/" + sandboxId), StandardCharsets.UTF_8);
    }

    /** The ids of every sandbox not yet stopped (creating, running, paused or failed). */
    public List<String> liveSandboxes() {
        var ids = new ArrayList<String>();
        String path = "v1/sandboxes?limit=100&status=creating,running,paused,failed";
        translated("GET " + path, () -> client.listAll(path))
                .forEach(sandbox -> ids.add(sandbox.path("id").asText()));
        return ids;
    }

    /** The {@code data} of the envelope a JSON call answers. */
    private JsonNode data(String method, String path, Object body) {
        return translated(method + " " + path, () -> client.call(method, path, body, TIMEOUT)).path("data");
    }

    /** {@code call}'s answer; any failure as {@link BenchException} naming {@code what}. */
    private static <T> T translated(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (ApiException e) {
            throw new BenchException(what + " answered " + e.status() + " " + e.code() + ": "
                    + abbreviate(e.getMessage()), e);
        } catch (UncheckedIOException e) {
            throw new BenchException(what + " failed: " + e.getCause(), e);
        } catch (CancellationException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted during " + what, e);
        }
    }

    private static void expectStatus(JsonNode sandbox, String status) {
        if (!sandbox.path("status").asText().equals(status)) {
            throw new BenchException("sandbox " + sandbox.path("id").asText() + " is "
                    + sandbox.path("status").asText() + ", expected " + status);
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }
}
