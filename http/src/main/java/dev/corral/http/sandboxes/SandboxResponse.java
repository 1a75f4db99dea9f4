package dev.corral.http.sandboxes;

import dev.corral.core.io.DataSize;
import dev.corral.core.sandbox.EgressPolicy;
import dev.corral.core.sandbox.NetworkUsage;
import dev.corral.core.sandbox.Sandbox;
import dev.corral.core.sandbox.SandboxNetwork;
import dev.corral.core.sandbox.SandboxStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.Map;

/**
 * A sandbox as the API shows it: the DEV fields ({@code id, status, template, resources, createdAt, metadata}),
 * the NEW ones Corral has ({@code name, tags, mounts, sshReady, vncReady, network}), {@code metrics} (what its
 * network carried, the object the NEW SDKs' {@code metrics} reads), and {@code error} when it failed.
 */
public record SandboxResponse(
        String id,
        String name,
        String status,
        String template,
        String resolvedTemplate,
        List<String> tags,
        Map<String, String> metadata,
        ResourcesResponse resources,
        long idleTimeout,
        long maxRuntime,
        List<MountResponse> mounts,
        boolean hasWritableWorkspaceMount,
        boolean hibernated,
        boolean sshReady,
        boolean vncReady,
        Object network,
        MetricsResponse metrics,
        String error,
        Instant createdAt,
        Instant lastActivityAt,
        Instant pausedAt,
        Instant stoppedAt) {

    /** Resources written as the API takes them: {@code {vcpus: 2, memory: "1GB", disk: "2GB"}}. */
    public record ResourcesResponse(int vcpus, String memory, String disk) {
    }

    /**
     * A mounted workspace: RunTools' mount record, {@code workspaceId} as the client gave it (UUID, slug or
     * free-form id), and the UUID it names as {@code resolvedWorkspaceId}.
     */
    public record MountResponse(String workspaceId, String resolvedWorkspaceId, String path, boolean readOnly) {
    }

    /**
     * The bytes the sandbox's network received and sent, counted by the host's kernel since the network was made;
     * the whole object is null for a sandbox without a network of its own, or whose network is not there.
     */
    public record MetricsResponse(long networkBytesIn, long networkBytesOut) {
    }

    /** A sandbox's own egress policy, as create takes it. */
    public record EgressPolicyResponse(String egress, List<String> allow, List<String> deny) {
    }

    /** {@code "none"}, {@code "default"}, or the sandbox's own policy. */
    private static Object network(SandboxNetwork network) {
        if (network.equals(SandboxNetwork.NONE) || network.equals(SandboxNetwork.DEFAULT)) {
            return network.toText();
        }
        EgressPolicy policy = network.egress().orElseThrow();
        return new EgressPolicyResponse(policy.allowByDefault() ? "allow" : "deny",
                Stream.concat(policy.allow().stream(), policy.allowDomains().stream()).map(Object::toString).toList(),
                Stream.concat(policy.deny().stream(), policy.denyDomains().stream()).map(Object::toString).toList());
    }

    /** The sandbox as a server without an SSH gateway shows it: {@code sshReady} false. */
    public static SandboxResponse of(Sandbox sandbox) {
        return of(sandbox, false);
    }

    /**
     * The sandbox; {@code sshReady} when the server runs an SSH gateway and the sandbox can take a session now
     * (running, or paused, which a session resumes).
     */
    public static SandboxResponse of(Sandbox sandbox, boolean sshGateway) {
        return of(sandbox, sshGateway, Optional.empty());
    }

    /** As {@link #of(Sandbox, boolean)}, with what its network carried when it has one. */
    public static SandboxResponse of(Sandbox sandbox, boolean sshGateway, Optional<NetworkUsage> usage) {
        boolean sshReady = sshGateway && (sandbox.status() == SandboxStatus.RUNNING
                || sandbox.status() == SandboxStatus.PAUSED);
        var resources = new ResourcesResponse(sandbox.resources().vcpus(),
                new DataSize(sandbox.resources().memoryBytes()).toString(),
                new DataSize(sandbox.resources().diskBytes()).toString());
        return new SandboxResponse(sandbox.id().value(), sandbox.name().orElse(null), sandbox.status().wire(),
                sandbox.template(), sandbox.template(), sandbox.tags(), sandbox.metadata(), resources,
                sandbox.idleTimeout().toSeconds(), sandbox.maxRuntime().toSeconds(),
                sandbox.mounts().stream().map(mount -> new MountResponse(mount.reference(),
                        mount.workspaceId().toString(), mount.path(), mount.readOnly())).toList(),
                sandbox.hasWritableWorkspaceMount(), sandbox.hibernated(), sshReady, false,
                network(sandbox.network()),
                usage.map(counted -> new MetricsResponse(counted.bytesIn(), counted.bytesOut())).orElse(null),
                sandbox.error().orElse(null),
                sandbox.createdAt(), sandbox.lastActivity(), sandbox.pausedAt().orElse(null),
                sandbox.stoppedAt().orElse(null));
    }
}
