package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/** One sandbox's files API as one caller sees it, for end-to-end tests: raw bytes in and out. */
record FilesApi(ApiClient client, String sandbox) {

    /** Creates a small running sandbox for {@code client}. */
    static FilesApi create(ApiClient client, String disk) {
        ApiResponse made = client.post("v1/sandboxes?wait=true", Map.of("template", "base",
                "resources", Map.of("vcpus", 1, "memory", "256MB", "disk", disk)));
        assertThat(made.status()).as(made.toString()).isEqualTo(201);
        assertThat(made.data().path("status").asText()).as(made.toString()).isEqualTo("running");
        return new FilesApi(client, made.data().path("id").asText());
    }

    FilesApi as(ApiClient other) {
        return new FilesApi(other, sandbox);
    }

    /** {@code v1/sandboxes/<id>/files<action>?path=<path>}. */
    String url(String action, String path) {
        return "v1/sandboxes/" + sandbox + "/files" + action + "?path=" + URLEncoder.encode(path,
                StandardCharsets.UTF_8);
    }

    ApiResponse put(String path, byte[] body) {
        return client.send(client.request(url("", path)).PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /** Writes and checks it worked; the written file's entry. */
    JsonNode write(String path, byte[] body) {
        ApiResponse response = put(path, body);
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.data();
    }

    HttpResponse<byte[]> get(String path) {
        return client.sendForBytes(client.request(url("", path)).GET());
    }

    HttpResponse<byte[]> get(String path, String range) {
        return client.sendForBytes(client.request(url("", path)).header("Range", range).GET());
    }

    /** Reads and checks it worked. */
    byte[] read(String path) {
        HttpResponse<byte[]> response = get(path);
        assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        return response.body();
    }

    String readText(String path) {
        return new String(read(path), StandardCharsets.UTF_8);
    }

    ApiResponse stat(String path) {
        return client.get(url("/stat", path));
    }

    ApiResponse list(String path, String query) {
        return client.get(url("/list", path) + query);
    }

    ApiResponse delete(String path, String query) {
        return client.delete(url("", path) + query);
    }

    ApiResponse post(String action, Map<String, Object> body) {
        return client.post("v1/sandboxes/" + sandbox + "/files/" + action, body);
    }

    JsonNode exec(String command) {
        ApiResponse response = client.post("v1/sandboxes/" + sandbox + "/exec", Map.of("command", command));
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.data();
    }

    String execOut(String command) {
        return exec(command).path("stdout").asText();
    }

    static void assertError(ApiResponse response, int status, String code) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        assertThat(response.error().path("code").asText()).as(response.toString()).isEqualTo(code);
    }

    /** A binary answer read as the error envelope it should be. */
    static ApiResponse envelope(HttpResponse<byte[]> response) {
        String body = new String(response.body(), StandardCharsets.UTF_8);
        try {
            return new ApiResponse(response.statusCode(), response.headers(), body, new ObjectMapper().readTree(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code length} zero bytes, made as they are read. */
    static InputStream zeros(long length) {
        return new InputStream() {
            private long left = length;

            @Override
            public int read() {
                return left-- > 0 ? 0 : -1;
            }

            @Override
            public int read(byte[] buffer, int offset, int count) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(count, left);
                java.util.Arrays.fill(buffer, offset, offset + n, (byte) 0);
                left -= n;
                return n;
            }
        };
    }
}
