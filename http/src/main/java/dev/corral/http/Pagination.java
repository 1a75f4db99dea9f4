package dev.corral.http;

import dev.corral.core.error.CorralException;
import dev.corral.core.page.Cursor;
import dev.corral.core.page.PageRequest;
import io.javalin.http.Context;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Reads {@code ?limit=&cursor=} the same way for every list: limits are bounded, cursors opaque. */
public final class Pagination {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 100;

    private Pagination() {
    }

    public static PageRequest of(Context ctx) {
        return of(ctx, DEFAULT_LIMIT, MAX_LIMIT);
    }

    public static PageRequest of(Context ctx, int defaultLimit, int maxLimit) {
        int limit = defaultLimit;
        String limitText = ctx.queryParam("limit");
        if (limitText != null) {
            try {
                limit = Integer.parseInt(limitText);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > maxLimit) {
                throw CorralException.invalid("limit", "must be a whole number from 1 to " + maxLimit);
            }
        }
        Optional<String> cursor = cursorParam(ctx.queryString());
        Optional<Cursor> after = cursor.filter(token -> !token.isEmpty()).map(Cursor::decode);
        return new PageRequest(limit, after);
    }

    /**
     * The {@code cursor} parameter read from the raw query string: Javalin drops a parameter whose escapes do not
     * decode (a hand-typed {@code ?cursor=%%%}), which would silently answer the first page instead of a 400.
     */
    private static Optional<String> cursorParam(String query) {
        if (query == null) {
            return Optional.empty();
        }
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            String key = equals < 0 ? pair : pair.substring(0, equals);
            if (key.equals("cursor")) {
                try {
                    return Optional.of(URLDecoder.decode(equals < 0 ? "" : pair.substring(equals + 1),
                            StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    throw Cursor.malformed();
                }
            }
        }
        return Optional.empty();
    }
}
