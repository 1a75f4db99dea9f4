package dev.corral.bench.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.bench.BenchException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/**
 * The load client's view of a Corral server: the sandbox calls the scenarios make, over one
 * {@link HttpClient} speaking HTTP/1.1 with keep-alive (its pool opens a connection per concurrent caller and
 * reuses it). Every call checks the answer and throws {@link BenchException} with the body when it is not the
 * expected one, so a scenario never measures errors as if they were work.
 *
 * <p>Threading: immutable; any number of threads may call at once.
 */
public final class CorralApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final String apiKey;

    public CorralApi(URI base, String apiKey) {
        this.base = base;
        this.apiKey = apiKey;
    }

    /** Creates a sandbox of {@code shape} from the base template, never idle-paused, and waits until it runs. */
    public String createSandbox(SandboxShape shape) {
        JsonNode sandbox = send(post("v1/sandboxes?wait=true", Map.of("template", "base",
                "resources", shape.toJson(), "idleTimeout", 0)), 201);
        String status = sandbox.path("status").asText();
        if (!status.equals("running")) {
            throw new BenchException("sandbox " + sandbox.path("id").asText() + " is " + status + ": "
                    + sandbox.path("error").asText());
        }
        return sandbox.path("id").asText();
    }

    public void delete(String sandboxId) {
        send(request("v1/sandboxes/" + sandboxId).DELETE().build(), 200);
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
        JsonNode result = send(post("v1/sandboxes/" + sandboxId + "/exec", Map.of("command", command)), 200);
        if (result.path("exitCode").asInt(-1) != 0) {
            throw new BenchException("'" + abbreviate(command) + "' in " + sandboxId + " exited with "
                    + result.path("exitCode") + ": " + result.path("stderr").asText());
        }
        return result.path("stdout").asText();
    }

    /** Starts {@code command} as a background process of the sandbox. */
    public void startBackground(String sandboxId, String command) {
        send(post("v1/sandboxes/" + sandboxId + "/exec", Map.of("command", command, "background", true)), 201);
    }

    public void pause(String sandboxId) {
        expectStatus(send(post("v1/sandboxes/" + sandboxId + "/pause", Map.of()), 200), "paused");
    }

    public void resume(String sandboxId) {
        expectStatus(send(post("v1/sandboxes/" + sandboxId + "/resume", Map.of()), 200), "running");
    }

    /** {@code PUT /v1/sandboxes/{id}/files?path=}: writes {@code content} as the file at {@code path}. */
    public void writeFile(String sandboxId, String path, byte[] content) {
        exchange(request(filePath(sandboxId, path)).PUT(HttpRequest.BodyPublishers.ofByteArray(content)).build(),
                200);
    }

    /** {@code GET /v1/sandboxes/{id}/files?path=}: the bytes of the file at {@code path}. */
    public byte[] readFile(String sandboxId, String path) {
        return bytes(request(filePath(sandboxId, path)).GET().build());
    }

    /** {@code POST /v1/workspaces}: a workspace with room for {@code quotaBytes}; returns its id. */
    public String createWorkspace(String slug, long quotaBytes) {
        return send(post("v1/workspaces", Map.of("name", slug, "slug", slug, "quotaBytes", quotaBytes)), 201)
                .path("id").asText();
    }

    public void deleteWorkspace(String workspace) {
        exchange(request("v1/workspaces/" + workspace + "?force=true").DELETE().build(), 200);
    }

    /** {@code PUT /v1/workspaces/{id}/files/{path}} of the raw bytes. */
    public void writeWorkspaceFile(String workspace, String path, byte[] content) {
        exchange(request("v1/workspaces/" + workspace + "/files" + path)
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content)).build(), 200);
    }

    /** {@code GET /v1/workspaces/{id}/direct?id=}: the file's bytes. */
    public byte[] readWorkspaceFile(String workspace, String path) {
        return bytes(request("v1/workspaces/" + workspace + "/direct?id="
                + URLEncoder.encode(path, StandardCharsets.UTF_8)).GET().build());
    }

    private byte[] bytes(HttpRequest request) {
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new BenchException("GET " + request.uri().getPath() + " answered " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new BenchException("GET " + request.uri().getPath() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted during GET " + request.uri().getPath(), e);
        }
    }

    private static String filePath(String sandboxId, String path) {
        return "v1/sandboxes/" + sandboxId + "/files?path=" + URLEncoder.encode(path, StandardCharsets.UTF_8);
    }

    /** The request {@code GET /v1/sandboxes/{id}}, to send many times. */
    /** {@code GET /health}, which needs no key. */
    public HttpRequest healthRequest() {
        return HttpRequest.newBuilder(base.resolve("health")).timeout(TIMEOUT).GET().build();
    }

    public HttpRequest getSandboxRequest(String sandboxId) {
        return request("v1/sandboxes/" + sandboxId).GET().build();
    }

    /** The raw body of {@code GET /v1/sandboxes/{id}}. */
    public String getSandboxBody(String sandboxId) {
        return exchange(getSandboxRequest(sandboxId), 200).body();
    }

    /** The ids of every sandbox not yet stopped (creating, running, paused or failed). */
    public List<String> liveSandboxes() {
        var ids = new ArrayList<String>();
        String cursor = null;
        do {
            String path = "v1/sandboxes?limit=100&status=creating,running,paused,failed"
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
            JsonNode page = parse(exchange(request(path).GET().build(), 200).body());
            page.path("data").forEach(sandbox -> ids.add(sandbox.path("id").asText()));
            cursor = page.path("hasMore").asBoolean() ? page.path("nextCursor").asText() : null;
        } while (cursor != null);
        return ids;
    }

    private HttpRequest post(String path, Object body) {
        try {
            return request(path).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).header("Authorization", "Bearer " + apiKey);
    }

    /** Sends the request and returns the {@code data} of the envelope, which must come with {@code status}. */
    private JsonNode send(HttpRequest request, int status) {
        return parse(exchange(request, status).body()).path("data");
    }

    private HttpResponse<String> exchange(HttpRequest request, int status) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new BenchException(request.method() + " " + request.uri().getPath() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted during " + request.method() + " " + request.uri().getPath(), e);
        }
        if (response.statusCode() != status) {
            throw new BenchException(request.method() + " " + request.uri().getPath() + " answered "
                    + response.statusCode() + " (expected " + status + "): " + abbreviate(response.body()));
        }
        return response;
    }

    private static void expectStatus(JsonNode sandbox, String status) {
        if (!sandbox.path("status").asText().equals(status)) {
            throw new BenchException("sandbox " + sandbox.path("id").asText() + " is "
                    + sandbox.path("status").asText() + ", expected " + status);
        }
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new BenchException("not JSON: " + abbreviate(body), e);
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }
}
