package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.awaitility.Awaitility;

/**
 * One workspace's storage API (RunTools §3.2) as one caller sees it, for end-to-end tests. Paths are written as
 * the API names them ({@code /src/a.txt}, {@code /} for the root).
 */
record WorkspaceFilesApi(ApiClient client, String workspace) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A new workspace of {@code client}'s organization; {@code fields} are added to its name. */
    static WorkspaceFilesApi create(ApiClient client, Map<String, Object> fields) {
        var body = new HashMap<String, Object>(fields);
        body.putIfAbsent("name", "files-" + System.nanoTime());
        ApiResponse made = client.post("v1/workspaces", body);
        assertThat(made.status()).as(made.toString()).isEqualTo(201);
        return new WorkspaceFilesApi(client, made.data().path("id").asText());
    }

    WorkspaceFilesApi as(ApiClient other) {
        return new WorkspaceFilesApi(other, workspace);
    }

    /** The same workspace named another way (its slug). */
    WorkspaceFilesApi named(String reference) {
        return new WorkspaceFilesApi(client, reference);
    }

    /** {@code v1/workspaces/<id>/<route><path>}, each name of {@code path} percent-encoded. */
    String url(String route, String path) {
        var url = new StringBuilder("v1/workspaces/").append(workspace).append('/').append(route);
        for (String name : path.split("/")) {
            if (!name.isEmpty()) {
                url.append('/').append(URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"));
            }
        }
        return url.toString();
    }

    /** A request for {@code rawPath} exactly as written, dot segments and escapes untouched. */
    HttpRequest.Builder verbatim(String rawPath) {
        return HttpRequest.newBuilder(URI.create(client.base() + "v1/workspaces/" + workspace + "/" + rawPath));
    }

    ApiResponse list(String path) {
        return client.get(url("files", path));
    }

    ApiResponse list(String path, String query) {
        return client.get(url("files", path) + query);
    }

    ApiResponse create(String folder, String name, String type) {
        return client.post(url("files", folder), Map.of("name", name, "type", type));
    }

    ApiResponse createFile(String folder, String name, String contents) {
        return client.post(url("files", folder), Map.of("name", name, "type", "file", "contents", contents));
    }

    /** Creates a file with text and checks it worked. */
    void file(String path, String contents) {
        int slash = path.lastIndexOf('/');
        ApiResponse made = createFile(path.substring(0, slash), path.substring(slash + 1), contents);
        assertThat(made.status()).as(made.toString()).isEqualTo(201);
    }

    /** Creates a folder and checks it worked. */
    void folder(String path) {
        int slash = path.lastIndexOf('/');
        ApiResponse made = create(path.substring(0, slash), path.substring(slash + 1), "folder");
        assertThat(made.status()).as(made.toString()).isEqualTo(201);
    }

    /** {@code PUT files/<path>} with a JSON body: rename, move, copy or write. */
    ApiResponse change(String path, Map<String, ?> body) {
        return client.put(url("files", path), body);
    }

    /** {@code PUT files/<path>} with a raw body of known length. */
    ApiResponse put(String path, byte[] content) {
        return client.send(client.request(url("files", path)).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content)));
    }

    /** {@code PUT files/<path>} with a raw body sent chunked, streamed from {@code content}. */
    ApiResponse put(String path, Supplier<InputStream> content) {
        return client.send(client.request(url("files", path)).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofInputStream(content)));
    }

    /** {@code POST upload<path>} with {@code body}, sent chunked. */
    ApiResponse upload(String path, MultipartBody body) {
        return uploadTo(url("upload", path), body);
    }

    /** {@code POST} of {@code body} to {@code url}, such as {@code upload?id=/sub}. */
    ApiResponse uploadTo(String url, MultipartBody body) {
        return client.send(client.request(url).header("Content-Type", body.contentType()).POST(body.publisher()));
    }

    ApiResponse delete(String path) {
        return client.delete(url("files", path));
    }

    ApiResponse info(String path) {
        return client.get(url("info", path));
    }

    String directUrl(String path, String query) {
        return "v1/workspaces/" + workspace + "/direct?id=" + URLEncoder.encode(path, StandardCharsets.UTF_8)
                + query;
    }

    HttpResponse<byte[]> direct(String path) {
        return client.sendForBytes(client.request(directUrl(path, "")).GET());
    }

    /** Reads a file and checks it worked. */
    byte[] read(String path) {
        HttpResponse<byte[]> response = direct(path);
        assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        return response.body();
    }

    String readText(String path) {
        return new String(read(path), StandardCharsets.UTF_8);
    }

    /** The names in folder {@code path}, hidden ones included. */
    List<String> names(String path) {
        ApiResponse listed = list(path, "?showHidden=true");
        assertThat(listed.status()).as(listed.toString()).isEqualTo(200);
        return listed.data().findValuesAsText("value");
    }

    /** The entry named {@code name} in a listing, missing when there is none. */
    static JsonNode entry(ApiResponse listing, String name) {
        for (JsonNode entry : listing.data()) {
            if (entry.path("value").asText().equals(name)) {
                return entry;
            }
        }
        return MissingNode.getInstance();
    }

    /** This workspace's mount on the host, beside {@code files/} and {@code staging/}. */
    Path hostMount(Path dataDir) {
        return dataDir.resolve("workspaces").resolve(workspace);
    }

    /** Where the server prepares writes on this workspace's volume: empty whenever no write is under way. */
    Path staging(Path dataDir) {
        return hostMount(dataDir).resolve("staging");
    }

    static void assertError(ApiResponse response, int status, String code) {
        assertError(response, status, code, "");
    }

    /** Checks {@code response} is the error envelope with {@code status} and {@code code}; {@code what} names it. */
    static void assertError(ApiResponse response, int status, String code, String what) {
        assertThat(response.status()).as(what + " " + response).isEqualTo(status);
        assertThat(response.error().path("code").asText()).as(what + " " + response).isEqualTo(code);
        assertThat(response.error().path("requestId").asText()).as(what + " " + response).startsWith("req_");
    }

    /** A binary answer read as the error envelope it should be (missing JSON when it is not). */
    static ApiResponse envelope(HttpResponse<byte[]> response) {
        String body = new String(response.body(), StandardCharsets.UTF_8);
        JsonNode json;
        try {
            json = MAPPER.readTree(body.isEmpty() ? "{}" : body);
        } catch (IOException e) {
            json = MissingNode.getInstance();
        }
        return new ApiResponse(response.statusCode(), response.headers(), body, json);
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code text} as a query parameter's value. */
    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /**
     * Waits until this process holds nothing open below {@code directory}: a descriptor the server leaks into a
     * volume keeps it busy, so it could be neither unmounted nor deleted.
     */
    static void assertNothingOpenBelow(Path directory) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(openBelow(directory)).isEmpty());
    }

    /** What this process holds open below {@code directory}, as {@code /proc/self/fd} names it. */
    private static List<Path> openBelow(Path directory) throws IOException {
        var open = new ArrayList<Path>();
        try (var descriptors = Files.list(Path.of("/proc/self/fd"))) {
            for (Path descriptor : descriptors.toList()) {
                try {
                    Path target = Files.readSymbolicLink(descriptor);
                    if (target.startsWith(directory)) {
                        open.add(target);
                    }
                } catch (IOException closedMeanwhile) {
                    // Not open any more.
                }
            }
        }
        return open;
    }
}
