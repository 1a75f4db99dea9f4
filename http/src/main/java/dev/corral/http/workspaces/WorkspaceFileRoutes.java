package dev.corral.http.workspaces;

import dev.corral.core.error.CorralException;
import dev.corral.core.key.Principal;
import dev.corral.core.workspace.WorkspaceService;
import dev.corral.core.workspace.files.TreeSize;
import dev.corral.core.workspace.files.WorkspaceEntry;
import dev.corral.core.workspace.files.WorkspaceFileService;
import dev.corral.core.workspace.files.WorkspaceFiles;
import dev.corral.core.workspace.files.WorkspacePath;
import dev.corral.http.Authenticator;
import dev.corral.http.Bodies;
import dev.corral.http.MultipartUploads;
import dev.corral.http.QueryParams;
import dev.corral.http.Responses;
import dev.corral.http.RouteGroup;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLConnection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The storage API of workspaces (RunTools §3.2) under {@code /v1/workspaces/{id}}: {@code files[/{path}]} to list
 * (GET), create (POST), change (PUT) and delete (DELETE); {@code upload[/{path}]} for multipart files; {@code
 * info[/{path}]} for sizes; {@code direct?id=} for a file's bytes. Paths are relative to the workspace's root.
 * Besides RunTools' JSON {@code write}, a PUT with {@code Content-Type: application/octet-stream} streams its raw
 * body into the file, which suits large and binary files.
 *
 * <p>Threading: each request's virtual thread moves its bytes.
 */
public final class WorkspaceFileRoutes implements RouteGroup {
    private static final String BASE = "/v1/workspaces/{id}";
    private static final String RAW = "application/octet-stream";

    private final WorkspaceFileService files;
    private final WorkspaceService workspaces;
    private final Bodies bodies;

    public WorkspaceFileRoutes(WorkspaceFileService files, WorkspaceService workspaces, Bodies bodies) {
        this.files = files;
        this.workspaces = workspaces;
        this.bodies = bodies;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get(BASE + "/files", atRoot(this::list));
        routes.get(BASE + "/files/<path>", atPath(this::list));
        routes.post(BASE + "/files", atRoot(this::create));
        routes.post(BASE + "/files/<path>", atPath(this::create));
        routes.put(BASE + "/files", this::batch);
        routes.put(BASE + "/files/<path>", atPath(this::change));
        routes.delete(BASE + "/files", this::deleteMany);
        routes.delete(BASE + "/files/<path>", atPath(this::deleteOne));
        routes.post(BASE + "/upload", ctx -> upload(ctx, ctx.queryParam("id") == null ? WorkspacePath.ROOT
                : queryPath(ctx, "id")));
        routes.post(BASE + "/upload/<path>", atPath(this::upload));
        routes.get(BASE + "/info", atRoot(this::info));
        routes.get(BASE + "/info/<path>", atPath(this::info));
        routes.get(BASE + "/direct", this::direct);
    }

    private void list(Context ctx, WorkspacePath dir) {
        Principal caller = Authenticator.principal(ctx);
        Responses.ok(ctx, files.list(caller, workspace(ctx), dir, QueryParams.flag(ctx, "showHidden")).stream()
                .map(WorkspaceFileResponse::of).toList());
    }

    private void create(Context ctx, WorkspacePath dir) {
        Principal caller = Authenticator.principal(ctx);
        var body = bodies.json(ctx, WorkspaceFileRequests.Create.class);
        WorkspaceEntry made = files.create(caller, workspace(ctx), dir, body.name(), body.type(), body.contents());
        Responses.created(ctx, WorkspaceFileResponse.of(made), "Created.");
    }

    private void change(Context ctx, WorkspacePath path) {
        Principal caller = Authenticator.principal(ctx);
        String workspace = workspace(ctx);
        if (isRaw(ctx)) {
            Responses.ok(ctx, WorkspaceFileResponse.of(files.write(caller, workspace, path,
                    ctx.req().getContentLengthLong(), () -> ctx.req().getInputStream())));
            return;
        }
        var body = bodies.json(ctx, WorkspaceFileRequests.Change.class);
        WorkspaceEntry changed = switch (operation(body.operation(), "rename", "move", "copy", "write")) {
            case "rename" -> files.rename(caller, workspace, path, required("target", body.target()));
            case "move" -> files.move(caller, workspace, List.of(path), target(body)).getFirst();
            case "copy" -> files.copy(caller, workspace, List.of(path), target(body)).getFirst();
            default -> files.writeText(caller, workspace, path, body.contents());
        };
        Responses.ok(ctx, WorkspaceFileResponse.of(changed));
    }

    private void batch(Context ctx) {
        Principal caller = Authenticator.principal(ctx);
        var body = bodies.json(ctx, WorkspaceFileRequests.Change.class);
        List<WorkspacePath> paths = paths(body.ids());
        List<WorkspaceEntry> done = operation(body.operation(), "copy", "move").equals("copy")
                ? files.copy(caller, workspace(ctx), paths, target(body))
                : files.move(caller, workspace(ctx), paths, target(body));
        Responses.ok(ctx, done.stream().map(WorkspaceFileResponse::of).toList());
    }

    private void deleteMany(Context ctx) {
        Principal caller = Authenticator.principal(ctx);
        List<WorkspacePath> paths = ctx.queryParam("id") != null ? List.of(queryPath(ctx, "id"))
                : paths(bodies.json(ctx, WorkspaceFileRequests.Delete.class).ids());
        files.delete(caller, workspace(ctx), paths);
        Responses.ok(ctx, Map.of("deleted", paths.stream().map(WorkspacePath::toString).toList()));
    }

    private void deleteOne(Context ctx, WorkspacePath path) {
        Principal caller = Authenticator.principal(ctx);
        files.delete(caller, workspace(ctx), List.of(path));
        Responses.ok(ctx, Map.of("deleted", List.of(path.toString())));
    }

    /** Every part with a file name is written into folder {@code dir}; a {@code name} field renames a single file. */
    private void upload(Context ctx, WorkspacePath dir) {
        Principal caller = Authenticator.principal(ctx);
        long limit = files.uploadLimit(caller, ctx.req().getContentLengthLong());
        // The body is read before the workspace is looked up: an answer sent while a client is still sending its
        // body can be lost to the connection closing under it (HTTP/1.1 without Expect: 100-continue).
        MultipartUploads uploads = MultipartUploads.read(ctx, limit);
        Responses.ok(ctx, files.upload(caller, workspace(ctx), dir, uploads.files(),
                uploads.field("name").orElse(null)).stream().map(WorkspaceFileResponse::of).toList());
    }

    /**
     * A file's or folder's size and file count; at the root also the workspace's quota and the organization's
     * storage, of which quotas take {@code allocatedBytes}.
     */
    private void info(Context ctx, WorkspacePath path) {
        Principal caller = Authenticator.principal(ctx);
        WorkspaceFileService.PathInfo info = files.info(caller, workspace(ctx), path);
        TreeSize size = info.size();
        if (!path.isRoot()) {
            Responses.ok(ctx, Map.of("id", path.toString(), "type", info.entry().kind().wire(), "size",
                    size.bytes(), "count", size.files()));
            return;
        }
        WorkspaceService.Storage storage = workspaces.storage(caller);
        var organization = new LinkedHashMap<String, Object>();
        organization.put("allocatedBytes", storage.allocatedBytes());
        organization.put("quotaBytes", storage.storageBytes());
        Responses.ok(ctx, Map.of("id", "/", "type", "folder", "size", size.bytes(), "count", size.files(),
                "quotaBytes", info.workspace().quotaBytes(), "storage", organization));
    }

    /** {@code ?id=/path/to/file}: its bytes, as an attachment with {@code download=true}, inline otherwise. */
    private void direct(Context ctx) throws IOException {
        Principal caller = Authenticator.principal(ctx);
        WorkspacePath path = queryPath(ctx, "id");
        boolean download = QueryParams.flag(ctx, "download");
        WorkspaceFiles.OpenFile file = files.read(caller, workspace(ctx), path);
        try (InputStream in = file.content()) {
            String name = path.name().replaceAll("[^A-Za-z0-9._ -]", "_");
            String type = URLConnection.guessContentTypeFromName(path.name());
            ctx.status(200).contentType(type == null ? RAW : type).header("Content-Disposition",
                    (download ? "attachment" : "inline") + "; filename=\"" + name + "\"");
            ctx.res().setContentLengthLong(file.size());
            try {
                in.transferTo(ctx.res().getOutputStream());
            } catch (IOException clientGone) {
                // Nothing to answer to.
            }
        }
    }

    private static Handler atRoot(BiConsumer<Context, WorkspacePath> handler) {
        return ctx -> handler.accept(ctx, WorkspacePath.ROOT);
    }

    private static Handler atPath(BiConsumer<Context, WorkspacePath> handler) {
        return ctx -> handler.accept(ctx, WorkspacePath.parse("path", ctx.pathParam("path")));
    }

    private static String workspace(Context ctx) {
        return ctx.pathParam("id");
    }

    private static WorkspacePath queryPath(Context ctx, String name) {
        return WorkspacePath.parse(name, ctx.queryParam(name));
    }

    private static List<WorkspacePath> paths(List<String> ids) {
        if (ids == null) {
            throw CorralException.invalid("ids", "is required: the paths to act on, such as [\"/src/a.ts\"]");
        }
        return ids.stream().map(id -> WorkspacePath.parse("ids", id)).toList();
    }

    private static WorkspacePath target(WorkspaceFileRequests.Change body) {
        return WorkspacePath.parse("target", required("target", body.target()));
    }

    private static String operation(String operation, String... allowed) {
        String value = operation == null ? "" : operation.toLowerCase(Locale.ROOT);
        for (String candidate : allowed) {
            if (candidate.equals(value)) {
                return candidate;
            }
        }
        throw CorralException.invalid("operation", "must be one of " + String.join(", ", allowed));
    }

    private static String required(String field, String value) {
        if (value == null) {
            throw CorralException.invalid(field, "is required for this operation");
        }
        return value;
    }

    private static boolean isRaw(Context ctx) {
        String type = ctx.contentType();
        return type != null && type.toLowerCase(Locale.ROOT).startsWith(RAW);
    }
}
