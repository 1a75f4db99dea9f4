package dev.corral.http.ssh;

import dev.corral.core.key.Principal;
import dev.corral.core.ssh.NewSshKey;
import dev.corral.core.ssh.SshAccess;
import dev.corral.core.ssh.SshKeyId;
import dev.corral.core.ssh.SshKeyService;
import dev.corral.http.Authenticator;
import dev.corral.http.Bodies;
import dev.corral.http.Pagination;
import dev.corral.http.Responses;
import dev.corral.http.RouteGroup;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Map;

/**
 * {@code /v1/ssh-keys}: register, list, get and delete the calling organization's SSH public keys; and
 * {@code GET /v1/sandboxes/{id}/ssh}, how to reach a sandbox through the SSH gateway.
 */
public final class SshRoutes implements RouteGroup {
    private final SshKeyService keys;
    private final SshAccess access;
    private final Bodies bodies;

    public SshRoutes(SshKeyService keys, SshAccess access, Bodies bodies) {
        this.keys = keys;
        this.access = access;
        this.bodies = bodies;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/v1/ssh-keys", this::create);
        routes.get("/v1/ssh-keys", this::list);
        routes.get("/v1/ssh-keys/{id}", this::get);
        routes.delete("/v1/ssh-keys/{id}", this::delete);
        routes.get("/v1/sandboxes/{id}/ssh", this::connection);
    }

    private void create(Context ctx) {
        Principal caller = Authenticator.principal(ctx);
        var body = bodies.json(ctx, CreateSshKeyRequest.class);
        Responses.created(ctx, SshKeyResponse.of(keys.add(caller, new NewSshKey(body.name(), body.publicKey()))));
    }

    private void list(Context ctx) {
        Principal caller = Authenticator.principal(ctx);
        Responses.page(ctx, keys.list(caller, Pagination.of(ctx)).map(SshKeyResponse::of));
    }

    private void get(Context ctx) {
        Principal caller = Authenticator.principal(ctx);
        Responses.ok(ctx, SshKeyResponse.of(keys.get(caller, SshKeyId.parse(ctx.pathParam("id")))));
    }

    private void delete(Context ctx) {
        Principal caller = Authenticator.principal(ctx);
        keys.delete(caller, SshKeyId.parse(ctx.pathParam("id")));
        Responses.ok(ctx, Map.of("success", true));
    }

    private void connection(Context ctx) {
        Principal caller = Authenticator.principal(ctx);
        Responses.ok(ctx, SshConnectionResponse.of(access.connection(caller, ctx.pathParam("id"))));
    }
}
