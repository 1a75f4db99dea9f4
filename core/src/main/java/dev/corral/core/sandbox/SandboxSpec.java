package dev.corral.core.sandbox;

import java.util.Map;
import java.util.Objects;

/**
 * What a runtime needs to create one sandbox. The sandbox's hostname is its id.
 *
 * @param template the name of a template the runtime's {@link TemplateBuilder} can build, e.g. {@code base}
 * @param env      variables every process in the sandbox starts with
 */
public record SandboxSpec(SandboxId id, String template, Map<String, String> env, Resources resources) {
    public SandboxSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(resources, "resources");
        env = EnvironmentNames.checked(env);
    }
}
