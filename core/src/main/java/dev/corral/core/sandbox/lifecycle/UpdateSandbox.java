package dev.corral.core.sandbox.lifecycle;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A change to a sandbox's settings, as the client wrote it: each absent field is left as it is, each present one
 * replaces the stored value whole (tags and metadata too). The service checks them by the rules and plan caps of
 * create.
 *
 * @param idleTimeoutSeconds 0 for never
 * @param maxRuntimeSeconds  0 for no limit of the sandbox's own (the plan's maximum still applies)
 * @param network            a new egress policy, applied at once to the running sandbox; never "none" for a
 *                           sandbox with a network, nor a network for one made with "none"
 */
public record UpdateSandbox(Optional<String> name, Optional<List<String>> tags,
                            Optional<Map<String, String>> metadata, Optional<Long> idleTimeoutSeconds,
                            Optional<Long> maxRuntimeSeconds, Optional<RequestedNetwork> network) {
    public UpdateSandbox {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(tags, "tags");
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(idleTimeoutSeconds, "idleTimeoutSeconds");
        Objects.requireNonNull(maxRuntimeSeconds, "maxRuntimeSeconds");
        Objects.requireNonNull(network, "network");
    }

    /** A change that leaves the network as it is. */
    public UpdateSandbox(Optional<String> name, Optional<List<String>> tags, Optional<Map<String, String>> metadata,
                         Optional<Long> idleTimeoutSeconds, Optional<Long> maxRuntimeSeconds) {
        this(name, tags, metadata, idleTimeoutSeconds, maxRuntimeSeconds, Optional.empty());
    }
}
