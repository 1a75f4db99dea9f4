package dev.corral.http;

import dev.corral.core.page.Cursor;
import dev.corral.core.page.Page;
import io.javalin.http.Context;

/** Writes successful answers in the envelope. */
public final class Responses {
    private Responses() {
    }

    public static void ok(Context ctx, Object data) {
        ctx.status(200).json(new Envelope.Data(data, Envelope.Meta.of(RequestIds.of(ctx))));
    }

    public static void created(Context ctx, Object data) {
        ctx.status(201).json(new Envelope.Data(data, Envelope.Meta.of(RequestIds.of(ctx))));
    }

    /** 201 with a note beside {@code data}, as RunTools answers key creation. */
    public static void created(Context ctx, Object data, String message) {
        ctx.status(201).json(new Envelope.Created(data, Envelope.Meta.of(RequestIds.of(ctx)), message));
    }

    /** A page of a list, its items already turned into response records. */
    public static void page(Context ctx, Page<?> page) {
        String next = page.next().map(Cursor::encode).orElse(null);
        var meta = new Envelope.PageMeta(RequestIds.of(ctx), page.hasMore(), next);
        ctx.status(200).json(new Envelope.Page(page.items(), meta, page.hasMore(), next));
    }
}
