package dev.corral.core.workspace;

import dev.corral.core.id.Uuids;
import java.util.Objects;
import java.util.UUID;

/** Names one workspace. */
public record WorkspaceId(UUID value) {
    public WorkspaceId {
        Objects.requireNonNull(value, "value");
    }

    public static WorkspaceId random() {
        return new WorkspaceId(UUID.randomUUID());
    }

    /** The id in {@code text}; {@code not_found} when it is not a UUID. */
    public static WorkspaceId parse(String text) {
        return new WorkspaceId(Uuids.parse("workspace", text));
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
