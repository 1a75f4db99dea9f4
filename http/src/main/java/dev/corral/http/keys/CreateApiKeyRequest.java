package dev.corral.http.keys;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** Body of {@code POST /v1/api-keys}. */
public record CreateApiKeyRequest(
        @JsonProperty(required = true) String name,
        List<String> scopes,
        String expiresIn,
        Boolean isTest) {
}
