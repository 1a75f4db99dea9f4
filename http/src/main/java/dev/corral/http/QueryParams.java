package dev.corral.http;

import dev.corral.core.error.CorralException;
import io.javalin.http.Context;

/** Query parameters with one reading each, the same on every route. */
public final class QueryParams {
    private QueryParams() {
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
