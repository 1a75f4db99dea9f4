package dev.corral.core.sandbox.lifecycle;

import dev.corral.core.sandbox.RequestedMount;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A request for a new sandbox, as the client wrote it: the service checks every field against the rules and the
 * caller's plan, naming the field at fault.
 *
 * @param vcpus              absent for the default
 * @param memory             e.g. {@code 512MB}; absent for the default
 * @param disk               e.g. {@code 10GB}; absent for the default
 * @param idleTimeoutSeconds 0 for never; absent for the default (600)
 * @param maxRuntimeSeconds  0 or absent for no limit of its own (the plan's maximum still applies)
 * @param network            {@code none} for loopback only, {@code default} or an egress policy for its own
 *                           network; absent for {@code default}
 * @param logins             SSH keys and a root password for this sandbox alone; none when not asked for
 */
public record CreateSandbox(String template, Optional<String> name, List<String> tags, Map<String, String> metadata,
                            Map<String, String> env, Optional<Integer> vcpus, Optional<String> memory,
                            Optional<String> disk, Optional<Long> idleTimeoutSeconds,
                            Optional<Long> maxRuntimeSeconds, List<RequestedMount> mounts,
                            Optional<RequestedNetwork> network, RequestedLogins logins) {
    public CreateSandbox {
        Objects.requireNonNull(name, "name");
        tags = tags == null ? List.of() : tags;
        metadata = metadata == null ? Map.of() : metadata;
        env = env == null ? Map.of() : env;
        mounts = mounts == null ? List.of() : mounts;
        Objects.requireNonNull(vcpus, "vcpus");
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(disk, "disk");
        Objects.requireNonNull(idleTimeoutSeconds, "idleTimeoutSeconds");
        Objects.requireNonNull(maxRuntimeSeconds, "maxRuntimeSeconds");
        Objects.requireNonNull(network, "network");
        logins = logins == null ? RequestedLogins.NONE : logins;
    }

    /** A request that asks for no SSH logins of its own. */
    public CreateSandbox(String template, Optional<String> name, List<String> tags, Map<String, String> metadata,
                         Map<String, String> env, Optional<Integer> vcpus, Optional<String> memory,
                         Optional<String> disk, Optional<Long> idleTimeoutSeconds,
                         Optional<Long> maxRuntimeSeconds, List<RequestedMount> mounts,
                         Optional<RequestedNetwork> network) {
        this(template, name, tags, metadata, env, vcpus, memory, disk, idleTimeoutSeconds, maxRuntimeSeconds, mounts,
                network, RequestedLogins.NONE);
    }

    /** A request that names no network: the default one. */
    public CreateSandbox(String template, Optional<String> name, List<String> tags, Map<String, String> metadata,
                         Map<String, String> env, Optional<Integer> vcpus, Optional<String> memory,
                         Optional<String> disk, Optional<Long> idleTimeoutSeconds,
                         Optional<Long> maxRuntimeSeconds, List<RequestedMount> mounts) {
        this(template, name, tags, metadata, env, vcpus, memory, disk, idleTimeoutSeconds, maxRuntimeSeconds, mounts,
                Optional.empty());
    }
}
