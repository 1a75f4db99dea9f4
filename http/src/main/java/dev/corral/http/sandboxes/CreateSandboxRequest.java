package dev.corral.http.sandboxes;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.core.sandbox.RequestedMount;
import dev.corral.core.sandbox.lifecycle.CreateSandbox;
import dev.corral.core.sandbox.lifecycle.RequestedLogins;
import dev.corral.core.sandbox.lifecycle.RequestedNetwork;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Body of {@code POST /v1/sandboxes}; {@code password} is read as {@code rootPassword}, as RunTools' older SDK sent
 * it.
 */
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
        JsonNode network,
        List<String> sshKeys,
        @JsonAlias("password") String rootPassword) {
    private static final Set<String> POLICY_FIELDS = Set.of("egress", "allow", "deny");

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
                        .toList(), network == null || network.isNull() ? Optional.empty()
                        : Optional.of(requestedNetwork(network)),
                new RequestedLogins(sshKeys, Optional.ofNullable(rootPassword)));
    }

    /** The body as a log may show it: never the root password. */
    @Override
    public String toString() {
        return "CreateSandboxRequest[template=" + template + ", name=" + name + ", sshKeys="
                + (sshKeys == null ? 0 : sshKeys.size()) + ", rootPassword=" + (rootPassword == null ? "(none)"
                : "(set)") + "]";
    }

    /**
     * {@code network} as written: a name, or a policy object whose lists keep every entry in place (a non-text one
     * as its JSON, which the rules refuse by position) and whose other fields are named for the rules to refuse.
     */
    static RequestedNetwork requestedNetwork(JsonNode network) {
        if (!network.isObject()) {
            return RequestedNetwork.named(network.isTextual() ? network.asText() : network.toString());
        }
        var unknown = new ArrayList<String>();
        network.fieldNames().forEachRemaining(field -> {
            if (!POLICY_FIELDS.contains(field)) {
                unknown.add(field);
            }
        });
        JsonNode egress = network.path("egress");
        return RequestedNetwork.policy(egress.isMissingNode() || egress.isNull() ? Optional.empty()
                        : Optional.of(egress.isTextual() ? egress.asText() : egress.toString()),
                entries(network.path("allow")), entries(network.path("deny")), unknown);
    }

    private static List<String> entries(JsonNode list) {
        if (list.isMissingNode() || list.isNull()) {
            return List.of();
        }
        var entries = new ArrayList<String>();
        if (list.isArray()) {
            list.forEach(entry -> entries.add(entry.isTextual() ? entry.asText() : entry.toString()));
        } else {
            entries.add(list.toString());
        }
        return entries;
    }
}
