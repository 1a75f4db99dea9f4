package dev.corral.http.sandboxes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.core.sandbox.lifecycle.UpdateSandbox;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Body of {@code PATCH /v1/sandboxes/{id}}: each field given replaces the sandbox's (tags and metadata whole), each
 * absent or null one is left as it is. Durations are seconds, as on create; {@code network} is read as on create.
 */
public record UpdateSandboxRequest(
        String name,
        List<String> tags,
        Map<String, String> metadata,
        Long idleTimeout,
        Long maxRuntime,
        JsonNode network) {

    UpdateSandbox toCommand() {
        return new UpdateSandbox(Optional.ofNullable(name), Optional.ofNullable(tags), Optional.ofNullable(metadata),
                Optional.ofNullable(idleTimeout), Optional.ofNullable(maxRuntime),
                network == null || network.isNull() ? Optional.empty()
                        : Optional.of(CreateSandboxRequest.requestedNetwork(network)));
    }
}
