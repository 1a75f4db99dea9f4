package dev.corral.http.keys;

import dev.corral.core.key.ApiKeyId;
import dev.corral.core.key.ApiKeyService;
import dev.corral.core.key.CreateApiKey;
import dev.corral.core.key.ExpiresIn;
import dev.corral.core.key.IssuedKey;
import dev.corral.core.key.Principal;
import dev.corral.http.Authenticator;
import dev.corral.http.Bodies;
import dev.corral.http.Pagination;
import dev.corral.http.Responses;
import dev.corral.http.RouteGroup;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;

/** {@code /v1/api-keys}: create, list, get, update and revoke the calling organization's keys. */
public final class ApiKeyRoutes implements RouteGroup {
    private static final String SHOWN_ONCE = "Store this key securely. You will not be able to see it again.";

    private final ApiKeyService keys;
    private final Bodies bodies;
    private final InstantSource clock;

    public ApiKeyRoutes(ApiKeyService keys, Bodies bodies, InstantSource clock) {
        this.keys = keys;
        this.bodies = bodies;
        this.clock = clock;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/v1/api-keys", this::create);
        routes.get("/v1/api-keys", this::list);
        routes.get("/v1/api-keys/{id}", this::get);
        routes.patch("/v1/api-keys/{id}", this::update);
        routes.delete("/v1/api-keys/{id}", this::revoke);
    }

    private void create(Context ctx) {
        Principal caller = Authenticator.principal(ctx);
        var body = bodies.json(ctx, CreateApiKeyRequest.class);
        var request = new CreateApiKey(body.name(),
                ScopeList.parse(body.scopes() == null ? List.of() : body.scopes()),
                ExpiresIn.parse("expiresIn", body.expiresIn()), Boolean.TRUE.equals(body.isTest()));
        IssuedKey issued = keys.issue(caller, request);
        Responses.created(ctx, ApiKeyResponse.withSecret(issued.key(), clock.instant(), issued.secret().reveal()),
                SHOWN_ONCE);
    }

    private void list(Context ctx) {
        Principal caller = Authenticator.principal(ctx);
        var page = keys.list(caller, Pagination.of(ctx));
        Responses.page(ctx, page.map(key -> ApiKeyResponse.of(key, clock.instant())));
    }

    private void get(Context ctx) {
        Principal caller = Authenticator.principal(ctx);
        var key = keys.get(caller, ApiKeyId.parse(ctx.pathParam("id")));
        Responses.ok(ctx, ApiKeyResponse.of(key, clock.instant()));
    }

    private void update(Context ctx) {
        Principal caller = Authenticator.principal(ctx);
        ApiKeyId id = ApiKeyId.parse(ctx.pathParam("id"));
        var body = bodies.json(ctx, UpdateApiKeyRequest.class);
        var key = keys.update(caller, id, Optional.ofNullable(body.name()),
                Optional.ofNullable(body.scopes()).map(ScopeList::parse));
        Responses.ok(ctx, ApiKeyResponse.of(key, clock.instant()));
    }

    private void revoke(Context ctx) {
        Principal caller = Authenticator.principal(ctx);
        var key = keys.revoke(caller, ApiKeyId.parse(ctx.pathParam("id")));
        Responses.ok(ctx, ApiKeyResponse.of(key, clock.instant()));
    }
}
