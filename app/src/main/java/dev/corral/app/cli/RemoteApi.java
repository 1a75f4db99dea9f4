package dev.corral.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The CLI's connection to a running Corral: sends JSON, unwraps the envelope, turns API errors into one line. */
final class RemoteApi {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final URI base;
    private final String apiKey;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    RemoteApi(URI base, String apiKey) {
        this.base = base;
        this.apiKey = apiKey;
    }

    URI base() {
        return base;
    }

    String apiKey() {
        return apiKey;
    }

    /** The whole answer envelope of a successful call; {@link CliException} for any failure. */
    JsonNode call(String method, String path, Object body) {
        try {
            var request = HttpRequest.newBuilder(base.resolve(path))
                    .header("Authorization", "Bearer " + apiKey)
                    .header("Accept", "application/json")
                    .timeout(Duration.ofMinutes(5));
            if (body == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(MAPPER.writeValueAsString(body)));
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = response.body().isEmpty() ? MAPPER.missingNode() : MAPPER.readTree(response.body());
            if (response.statusCode() >= 400) {
                JsonNode error = json.path("error");
                throw new CliException(error.path("code").asText("http_" + response.statusCode()) + ": "
                        + error.path("message").asText(response.body()), 1);
            }
            return json;
        } catch (ConnectException e) {
            throw new CliException("cannot reach Corral at " + base + " (is 'corral serve' running? set --url)", 3);
        } catch (IOException e) {
            throw new CliException("talking to " + base + " failed: " + e.getMessage(), 3);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", 130);
        }
    }
}
