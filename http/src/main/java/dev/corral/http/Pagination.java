package dev.corral.http;

import dev.corral.core.error.CorralException;
import dev.corral.core.page.Cursor;
import dev.corral.core.page.PageRequest;
import io.javalin.http.Context;
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
        // A cursor whose % escapes do not decode never gets here: ReadableRequests refused it.
        String cursor = ctx.queryParam("cursor");
        Optional<Cursor> after = cursor == null || cursor.isEmpty() ? Optional.empty()
                : Optional.of(Cursor.decode(cursor));
        return new PageRequest(limit, after);
    }
}
