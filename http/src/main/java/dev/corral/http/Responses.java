package dev.corral.http;

import dev.corral.core.page.Cursor;
import dev.corral.core.page.Page;
import com.fasterxml.jackson.core.JsonGenerator;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import java.io.IOException;

/** Writes successful answers in the envelope. */
public final class Responses {
    private Responses() {
    }

    public static void ok(Context ctx, Object data) {
        ctx.status(200).json(new Envelope.Data(data, Envelope.Meta.of(RequestIds.of(ctx))));
    }

    /**
     * As {@link #ok}, serialized straight into the response instead of into a string first: for answers of many
     * megabytes (a command's output), which would otherwise be held twice more, as JSON text and as its bytes.
     */
    public static void okStreamed(Context ctx, Object data) throws IOException {
        ctx.status(200).contentType(ContentType.APPLICATION_JSON);
        Json.mapper().writer().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                .writeValue(ctx.outputStream(), new Envelope.Data(data, Envelope.Meta.of(RequestIds.of(ctx))));
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
