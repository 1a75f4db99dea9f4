package dev.corral.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpHeaders;

/** One answer from the API: status, headers, raw body and the body parsed as JSON (missing when it is not). */
public record ApiResponse(int status, HttpHeaders headers, String raw, JsonNode json) {
    /** The {@code data} of a success envelope. */
    public JsonNode data() {
        return json.path("data");
    }

    /** The {@code error} of a failure envelope. */
    public JsonNode error() {
        return json.path("error");
    }

    public String header(String name) {
        return headers.firstValue(name).orElse(null);
    }

    @Override
    public String toString() {
        return status + " " + raw;
    }
}
