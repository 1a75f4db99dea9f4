package dev.corral.core.key;

import dev.corral.core.id.Uuids;
import java.util.Objects;
import java.util.UUID;

/** Names one API key (not its secret). */
public record ApiKeyId(UUID value) {
    public ApiKeyId {
        Objects.requireNonNull(value, "value");
    }

    public static ApiKeyId random() {
        return new ApiKeyId(UUID.randomUUID());
    }

    /** The id in {@code text}; {@code not_found} when it is not a UUID. */
    public static ApiKeyId parse(String text) {
        return new ApiKeyId(Uuids.parse("API key", text));
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
