package dev.corral.core.org;

import dev.corral.core.id.Uuids;
import java.util.Objects;
import java.util.UUID;

/** Names one organization: the boundary of every resource in Corral. */
public record OrganizationId(UUID value) {
    public OrganizationId {
        Objects.requireNonNull(value, "value");
    }

    public static OrganizationId random() {
        return new OrganizationId(UUID.randomUUID());
    }

    /** The id in {@code text}; {@code not_found} when it is not a UUID. */
    public static OrganizationId parse(String text) {
        return new OrganizationId(Uuids.parse("organization", text));
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
