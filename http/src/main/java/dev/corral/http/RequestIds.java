package dev.corral.http;

import dev.corral.core.id.RandomIds;
import io.javalin.http.Context;
import org.slf4j.MDC;

/**
 * Gives every request an id ({@code req_} + 20 characters): sent back as {@code X-Request-Id}, written in every
 * log line of the request (MDC key {@code requestId}), and quoted in every envelope.
 */
public final class RequestIds {
    public static final String HEADER = "X-Request-Id";
    private static final String ATTRIBUTE = "corral.requestId";

    private RequestIds() {
    }

    static void assign(Context ctx) {
        String id = RandomIds.prefixed("req_", 20);
        ctx.attribute(ATTRIBUTE, id);
        ctx.header(HEADER, id);
        MDC.put("requestId", id);
    }

    /** The request's id; one is made on the spot for the rare request that failed before ids were assigned. */
    public static String of(Context ctx) {
        String id = ctx.attribute(ATTRIBUTE);
        if (id == null) {
            assign(ctx);
            id = ctx.attribute(ATTRIBUTE);
        }
        return id;
    }
}
