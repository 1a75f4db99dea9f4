package dev.corral.core.page;

import dev.corral.core.error.CorralException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;

/**
 * The sort key of the last item a page showed: lists are ordered newest first with the id as tie-breaker, so
 * {@code (createdAt, id)} says exactly where the next page starts. Clients see it only as an opaque token.
 */
public record Cursor(Instant createdAt, String id) {
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    public Cursor {
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(id, "id");
    }

    public String encode() {
        String key = createdAt.toEpochMilli() + ":" + id;
        return ENCODER.encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    /** The cursor a token stands for; {@code bad_request} when the token is not one Corral made. */
    public static Cursor decode(String token) {
        try {
            String key = new String(DECODER.decode(token), StandardCharsets.UTF_8);
            int colon = key.indexOf(':');
            if (colon > 0 && colon < key.length() - 1) {
                return new Cursor(Instant.ofEpochMilli(Long.parseLong(key.substring(0, colon))),
                        key.substring(colon + 1));
            }
        } catch (IllegalArgumentException ignored) {
            // fall through to the one answer for every malformed cursor
        }
        throw CorralException.badRequest("cursor: not a cursor this server gave out");
    }
}
