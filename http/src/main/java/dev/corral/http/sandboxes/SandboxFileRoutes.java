package dev.corral.http.sandboxes;

import dev.corral.core.error.CorralException;
import dev.corral.core.key.Principal;
import dev.corral.core.sandbox.files.ByteRange;
import dev.corral.core.sandbox.files.FileListing;
import dev.corral.core.sandbox.files.FileRead;
import dev.corral.core.io.FileUpload;
import dev.corral.core.sandbox.files.SandboxFiles;
import dev.corral.core.sandbox.files.SandboxPath;
import dev.corral.http.Authenticator;
import dev.corral.http.Bodies;
import dev.corral.http.MultipartUploads;
import dev.corral.http.QueryParams;
import dev.corral.http.Responses;
import dev.corral.http.RouteGroup;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code /v1/sandboxes/{id}/files}: read (with {@code Range}), write, delete, list, stat, mkdir, move, multipart
 * upload and tar download of a sandbox's files. Contents are raw bytes, streamed both ways: request bodies are
 * read from the servlet stream as the sandbox takes them (never through the JSON body limit), answers are written
 * as the sandbox produces them. Reads need {@code files:read} or {@code sandbox:read}, writes {@code files:write}
 * or {@code sandbox:write}.
 *
 * <p>Threading: each request's virtual thread moves its bytes; a client that goes away makes a write fail, which
 * ends the transfer and, through closing it, the script in the sandbox.
 */
public final class SandboxFileRoutes implements RouteGroup {
    private static final String FILES = "/v1/sandboxes/{id}/files";
    private static final int CHUNK_BYTES = 64 * 1024;

    private final SandboxFiles files;
    private final Bodies bodies;

    public SandboxFileRoutes(SandboxFiles files, Bodies bodies) {
        this.files = files;
        this.bodies = bodies;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get(FILES, this::read);
        routes.put(FILES, this::write);
        routes.delete(FILES, this::delete);
        routes.get(FILES + "/list", this::list);
        routes.get(FILES + "/stat", ctx -> Responses.ok(ctx, FileEntryResponse.of(
                files.stat(Authenticator.principal(ctx), sandbox(ctx), path(ctx, "path")))));
        routes.post(FILES + "/mkdir", this::mkdir);
        routes.post(FILES + "/move", this::move);
        routes.post(FILES + "/upload", this::upload);
        routes.get(FILES + "/download", this::download);
    }

    private void read(Context ctx) throws IOException {
        Principal caller = Authenticator.principal(ctx);
        SandboxPath path = path(ctx, "path");
        try (FileRead file = files.read(caller, sandbox(ctx), path, RangeHeader.parse(ctx.header("Range")))) {
            ctx.header("Accept-Ranges", "bytes");
            if (file.slice().isEmpty()) {
                ctx.header("Content-Range", "bytes */" + file.size());
                throw file.unsatisfiable();
            }
            ByteRange.Slice slice = file.slice().get();
            if (file.ranged()) {
                ctx.status(206).header("Content-Range", "bytes " + slice.offset() + "-" + slice.last() + "/"
                        + file.size());
            } else {
                ctx.status(200);
            }
            ctx.contentType("application/octet-stream");
            ctx.res().setContentLengthLong(slice.length());
            try {
                file.transferTo(ctx.res().getOutputStream());
            } catch (IOException clientGone) {
                // closing the read stops it in the sandbox
            }
        }
    }

    private void write(Context ctx) throws InterruptedException {
        Principal caller = Authenticator.principal(ctx);
        SandboxPath path = path(ctx, "path");
        Optional<String> mode = Optional.ofNullable(ctx.queryParam("mode"));
        Responses.ok(ctx, FileEntryResponse.of(files.write(caller, sandbox(ctx), path, mode,
                ctx.req().getContentLengthLong(), () -> ctx.req().getInputStream())));
    }

    private void delete(Context ctx) throws InterruptedException {
        Principal caller = Authenticator.principal(ctx);
        SandboxPath path = path(ctx, "path");
        files.delete(caller, sandbox(ctx), path, QueryParams.flag(ctx, "recursive"));
        Responses.ok(ctx, Map.of("path", path.value(), "deleted", true));
    }

    private void list(Context ctx) throws InterruptedException {
        Principal caller = Authenticator.principal(ctx);
        FileListing listing = files.list(caller, sandbox(ctx), pathOrWorkspace(ctx), QueryParams.flag(ctx, "recursive"),
                depth(ctx));
        Responses.ok(ctx, FileEntryResponse.Listing.of(listing));
    }

    private void mkdir(Context ctx) throws InterruptedException {
        Principal caller = Authenticator.principal(ctx);
        var body = bodies.json(ctx, MakeDirectoryRequest.class);
        Responses.ok(ctx, FileEntryResponse.of(files.mkdir(caller, sandbox(ctx), SandboxPath.of("path",
                body.path()))));
    }

    private void move(Context ctx) throws InterruptedException {
        Principal caller = Authenticator.principal(ctx);
        var body = bodies.json(ctx, MoveFileRequest.class);
        SandboxPath from = SandboxPath.of("from", body.from());
        SandboxPath to = SandboxPath.of("to", body.to());
        Responses.ok(ctx, FileEntryResponse.of(files.move(caller, sandbox(ctx), from, to)));
    }

    /** Every part with a file name is written below {@code ?path=} under that name. */
    private void upload(Context ctx) throws InterruptedException {
        Principal caller = Authenticator.principal(ctx);
        SandboxPath dir = pathOrWorkspace(ctx);
        long limit = files.uploadLimit(caller, ctx.req().getContentLengthLong());
        List<FileUpload> uploads = MultipartUploads.read(ctx, limit).files();
        Responses.ok(ctx, files.upload(caller, sandbox(ctx), dir, uploads).stream().map(FileEntryResponse::of)
                .toList());
    }

    private void download(Context ctx) throws IOException {
        Principal caller = Authenticator.principal(ctx);
        SandboxPath dir = pathOrWorkspace(ctx);
        try (InputStream tar = files.download(caller, sandbox(ctx), dir)) {
            ctx.status(200).contentType("application/x-tar").header("Content-Disposition",
                    "attachment; filename=\"" + dir.name().replaceAll("[^A-Za-z0-9._-]", "_") + ".tar\"");
            OutputStream out = ctx.res().getOutputStream();
            byte[] buffer = new byte[CHUNK_BYTES];
            int n;
            // A failure in the sandbox is thrown by read, after the answer began: the error mapper cuts it off.
            while ((n = tar.read(buffer)) >= 0) {
                try {
                    out.write(buffer, 0, n);
                } catch (IOException clientGone) {
                    return;
                }
            }
        }
    }

    private static String sandbox(Context ctx) {
        return ctx.pathParam("id");
    }

    private static SandboxPath path(Context ctx, String name) {
        return SandboxPath.of(name, ctx.queryParam(name));
    }

    /** {@code ?path=}, or {@code /workspace} when there is none. */
    private static SandboxPath pathOrWorkspace(Context ctx) {
        String path = ctx.queryParam("path");
        return SandboxPath.of("path", path == null ? SandboxPath.WORKSPACE : path);
    }

    private static OptionalInt depth(Context ctx) {
        String value = ctx.queryParam("depth");
        if (value == null) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(value));
        } catch (NumberFormatException e) {
            throw CorralException.invalid("depth", "must be a whole number");
        }
    }
}
