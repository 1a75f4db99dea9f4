package dev.corral.http.workspaces;

import dev.corral.core.key.Principal;
import dev.corral.core.workspace.Workspace;
import dev.corral.core.workspace.WorkspaceService;
import dev.corral.core.workspace.files.TreeSize;
import dev.corral.http.Authenticator;
import dev.corral.http.Bodies;
import dev.corral.http.Pagination;
import dev.corral.http.QueryParams;
import dev.corral.http.Responses;
import dev.corral.http.RouteGroup;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * {@code /v1/workspaces}: create, list, get, rename or re-quota, delete and measure the calling organization's
 * workspaces, each named by UUID or slug. Every answer measures the workspace's directory, so it costs a walk of
 * its files.
 */
public final class WorkspaceRoutes implements RouteGroup {
    private final WorkspaceService workspaces;
    private final Bodies bodies;

    public WorkspaceRoutes(WorkspaceService workspaces, Bodies bodies) {
        this.workspaces = workspaces;
        this.bodies = bodies;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/v1/workspaces", this::create);
        routes.get("/v1/workspaces", this::list);
        routes.get("/v1/workspaces/{id}", this::get);
        routes.patch("/v1/workspaces/{id}", this::update);
        routes.delete("/v1/workspaces/{id}", this::delete);
        routes.get("/v1/workspaces/{id}/usage", this::usage);
    }

    private void create(Context ctx) {
        Principal caller = Authenticator.principal(ctx);
        var body = bodies.json(ctx, CreateWorkspaceRequest.class);
        Workspace workspace = workspaces.create(caller, body.name(), Optional.ofNullable(body.slug()),
                Optional.ofNullable(body.quotaBytes()));
        Responses.created(ctx, response(workspace));
    }

    private void list(Context ctx) {
        Principal caller = Authenticator.principal(ctx);
        var page = workspaces.list(caller, Pagination.of(ctx));
        Responses.page(ctx, page.map(this::response));
    }

    private void get(Context ctx) {
        Principal caller = Authenticator.principal(ctx);
        Responses.ok(ctx, response(workspaces.get(caller, ctx.pathParam("id"))));
    }

    private void update(Context ctx) {
        Principal caller = Authenticator.principal(ctx);
        var body = bodies.json(ctx, UpdateWorkspaceRequest.class);
        Workspace workspace = workspaces.update(caller, ctx.pathParam("id"), Optional.ofNullable(body.name()),
                Optional.ofNullable(body.quotaBytes()));
        Responses.ok(ctx, response(workspace));
    }

    private void delete(Context ctx) {
        Principal caller = Authenticator.principal(ctx);
        Workspace workspace = workspaces.delete(caller, ctx.pathParam("id"), QueryParams.flag(ctx, "force"));
        Responses.ok(ctx, WorkspaceResponse.of(workspace, 0));
    }

    private void usage(Context ctx) {
        Principal caller = Authenticator.principal(ctx);
        Workspace workspace = workspaces.get(caller, ctx.pathParam("id"));
        TreeSize usage = workspaces.usage(workspace);
        Responses.ok(ctx, new WorkspaceUsageResponse(workspace.id().toString(), usage.bytes(),
                workspace.quotaBytes(), usage.files(), workspaces.mountedBy(workspace)));
    }

    private WorkspaceResponse response(Workspace workspace) {
        return WorkspaceResponse.of(workspace, workspaces.usage(workspace).bytes());
    }
}
