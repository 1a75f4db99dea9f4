package dev.corral.core.sandbox;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which sandboxes a list shows: any of {@code statuses} (empty: every status but stopped), all of {@code tags},
 * the template when given, and every {@code metadata} key with exactly its value.
 */
public record SandboxFilter(Set<SandboxStatus> statuses, List<String> tags, Optional<String> template,
                            Map<String, String> metadata) {
    public SandboxFilter {
        statuses = Set.copyOf(statuses);
        tags = List.copyOf(tags);
        metadata = Map.copyOf(metadata);
    }

    public static SandboxFilter none() {
        return new SandboxFilter(Set.of(), List.of(), Optional.empty(), Map.of());
    }
}
