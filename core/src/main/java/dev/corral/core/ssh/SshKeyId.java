package dev.corral.core.ssh;

import dev.corral.core.id.Uuids;
import java.util.Objects;
import java.util.UUID;

/** Names one registered SSH public key. */
public record SshKeyId(UUID value) {
    public SshKeyId {
        Objects.requireNonNull(value, "value");
    }

    public static SshKeyId random() {
        return new SshKeyId(UUID.randomUUID());
    }

    /** The id in {@code text}; {@code not_found} when it is not a UUID. */
    public static SshKeyId parse(String text) {
        return new SshKeyId(Uuids.parse("SSH key", text));
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
