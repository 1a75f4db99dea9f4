package dev.corral.http;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import io.javalin.http.Context;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Refuses, before any route runs (and before a WebSocket upgrade), the parts of a request that Javalin and Jetty
 * would misread: a path whose {@code %} escapes do not decode ({@code %u0041}, which Jetty lets through and
 * Javalin's path parameters choke on, as a 500); a query string with such an escape ({@code ?cursor=%%%}, as a
 * hand-typed curl sends it), whose parameter Javalin would drop silently, so that a bad cursor answered the first
 * page and a bad filter the unfiltered list; and a {@code Content-Type} naming a charset the JVM does not know
 * ({@code application/json; charset=nonsense}, which Jetty throws on when the type is asked for).
 */
final class ReadableRequests {
    private ReadableRequests() {
    }

    static void require(Context ctx) {
        requireDecodable(ctx.req().getRequestURI(), "path");
        requireDecodable(ctx.queryString(), "query string");
        requireKnownCharset(ctx);
    }

    private static void requireDecodable(String part, String name) {
        if (part == null) {
            return;
        }
        try {
            URLDecoder.decode(part, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw CorralException.badRequest("The " + name + " has a '%' that is not followed by two hex digits; "
                    + "write a literal % as %25");
        }
    }

    private static void requireKnownCharset(Context ctx) {
        try {
            ctx.req().getContentType();
            ctx.req().getCharacterEncoding();
        } catch (IllegalArgumentException e) {
            throw new CorralException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "The Content-Type names a charset this "
                    + "server does not know; JSON bodies are UTF-8");
        }
    }
}
