package dev.corral.core.sandbox;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a runtime needs to create one sandbox. The sandbox's hostname is its id.
 *
 * @param template the name of a template the runtime's {@link TemplateBuilder} can build, e.g. {@code base}
 * @param env      variables every process in the sandbox starts with
 * @param mounts   workspaces to bind into the sandbox
 */
public record SandboxSpec(SandboxId id, String template, Map<String, String> env, List<WorkspaceMount> mounts,
                          Resources resources) {
    public SandboxSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(resources, "resources");
        env = EnvironmentNames.checked(env);
        mounts = List.copyOf(mounts);
    }
}
