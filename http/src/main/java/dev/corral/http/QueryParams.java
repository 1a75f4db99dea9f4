package dev.corral.http;

import dev.corral.core.error.CorralException;
import io.javalin.http.Context;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** Query parameters with one reading each, the same on every route. */
public final class QueryParams {
    private QueryParams() {
    }

    /**
     * Refuses a query string with a {@code %} escape that does not decode ({@code ?cursor=%%%}, as a hand-typed
     * curl sends it) as {@code bad_request}: Javalin would drop that parameter silently, so a bad cursor would
     * answer the first page and a bad filter the unfiltered list.
     */
    static void requireDecodable(Context ctx) {
        String query = ctx.queryString();
        if (query == null) {
            return;
        }
        try {
            URLDecoder.decode(query, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw CorralException.badRequest("The query string has a '%' that is not followed by two hex digits; "
                    + "write a literal % as %25");
        }
    }

    /** {@code ?name=true|false}, false when absent; {@code validation_failed} for anything else. */
    public static boolean flag(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value == null || value.equals("false")) {
            return false;
        }
        if (value.equals("true")) {
            return true;
        }
        throw CorralException.invalid(name, "must be true or false");
    }
}
