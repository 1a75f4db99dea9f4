package dev.corral.core.sandbox;

import dev.corral.core.plan.Bandwidth;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a runtime needs to create one sandbox. The sandbox's hostname is its id.
 *
 * @param template the name of a template the runtime's {@link TemplateBuilder} can build, e.g. {@code base}
 * @param env      variables every process in the sandbox starts with
 * @param mounts   workspaces to bind into the sandbox
 * @param network  its own network, or loopback only
 * @param bandwidth what each direction of its own network is held to (nothing for loopback only)
 */
public record SandboxSpec(SandboxId id, String template, Map<String, String> env, List<WorkspaceMount> mounts,
                          Resources resources, SandboxNetwork network, Bandwidth bandwidth) {
    /** The bandwidth of a spec whose caller names none: the largest default plan's (enterprise's). */
    public static final Bandwidth DEFAULT_BANDWIDTH = Bandwidth.ofMegabits(1000);

    public SandboxSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(bandwidth, "bandwidth");
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(resources, "resources");
        env = EnvironmentNames.checked(env);
        mounts = List.copyOf(mounts);
    }

    /** A sandbox under {@link #DEFAULT_BANDWIDTH}. */
    public SandboxSpec(SandboxId id, String template, Map<String, String> env, List<WorkspaceMount> mounts,
                       Resources resources, SandboxNetwork network) {
        this(id, template, env, mounts, resources, network, DEFAULT_BANDWIDTH);
    }

    /** A sandbox with loopback only, as every sandbox was before sandboxes had networks. */
    public SandboxSpec(SandboxId id, String template, Map<String, String> env, List<WorkspaceMount> mounts,
                       Resources resources) {
        this(id, template, env, mounts, resources, SandboxNetwork.NONE);
    }
}
