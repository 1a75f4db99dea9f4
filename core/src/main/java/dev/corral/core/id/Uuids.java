package dev.corral.core.id;

import dev.corral.core.error.CorralException;
import java.util.UUID;

/** Parses the UUIDs that name organizations, API keys and workspaces when they arrive from a client. */
public final class Uuids {
    private Uuids() {
    }

    /**
     * The UUID in {@code text}. A malformed id cannot name anything that exists, so it is answered as
     * {@code not_found} for the given kind rather than as a validation problem.
     */
    public static UUID parse(String kind, String text) {
        try {
            UUID uuid = UUID.fromString(text);
            if (uuid.toString().equalsIgnoreCase(text)) {
                return uuid;
            }
        } catch (IllegalArgumentException ignored) {
            // fall through: an id that does not parse names nothing
        }
        throw CorralException.notFound(kind, text);
    }
}
