package dev.corral.http.keys;

import java.util.List;

/** Body of {@code PATCH /v1/api-keys/{id}}: any of the fields, absent ones unchanged. */
public record UpdateApiKeyRequest(String name, List<String> scopes) {
}
