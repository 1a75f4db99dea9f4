package dev.corral.http.sandboxes;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.corral.core.sandbox.RequestedMount;
import dev.corral.core.sandbox.lifecycle.CreateSandbox;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Body of {@code POST /v1/sandboxes}. */
public record CreateSandboxRequest(
        @JsonProperty(required = true) String template,
        String name,
        List<String> tags,
        Map<String, String> metadata,
        Map<String, String> env,
        ResourcesRequest resources,
        Long idleTimeout,
        Long maxRuntime,
        List<MountRequest> mounts,
        Boolean waitForReady,
        String network) {

    /** Requested resources; each absent one takes its default. */
    public record ResourcesRequest(Integer vcpus, String memory, String disk) {
    }

    /** A workspace to mount: {@code workspaceId} is its UUID, its slug or a free-form id made on first mount. */
    public record MountRequest(String workspaceId, String path, Boolean readOnly) {
    }

    CreateSandbox toCommand() {
        Optional<ResourcesRequest> r = Optional.ofNullable(resources);
        return new CreateSandbox(template, Optional.ofNullable(name), tags, metadata, env,
                r.map(ResourcesRequest::vcpus), r.map(ResourcesRequest::memory), r.map(ResourcesRequest::disk),
                Optional.ofNullable(idleTimeout), Optional.ofNullable(maxRuntime), mounts == null ? List.of() : mounts.stream()
                        .map(mount -> mount == null ? null : new RequestedMount(mount.workspaceId(), mount.path(),
                                Boolean.TRUE.equals(mount.readOnly())))
                        .toList(), Optional.ofNullable(network));
    }
}
