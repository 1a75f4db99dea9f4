package dev.corral.http.orgs;

import dev.corral.core.key.Principal;
import dev.corral.core.key.Scope;
import dev.corral.core.org.OrganizationId;
import dev.corral.core.org.OrganizationService;
import dev.corral.core.org.Tier;
import dev.corral.core.policy.AccessPolicy;
import dev.corral.http.Authenticator;
import dev.corral.http.Bodies;
import dev.corral.http.Responses;
import dev.corral.http.RouteGroup;
import dev.corral.http.keys.ApiKeyResponse;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.InstantSource;
import java.util.Optional;

/**
 * {@code /v1/me} and {@code /v1/organizations}: who the caller is, its organization, and (for the operator's
 * admin keys) making organizations and setting their tiers.
 */
public final class OrganizationRoutes implements RouteGroup {
    private final OrganizationService organizations;
    private final Bodies bodies;
    private final InstantSource clock;

    public OrganizationRoutes(OrganizationService organizations, Bodies bodies, InstantSource clock) {
        this.organizations = organizations;
        this.bodies = bodies;
        this.clock = clock;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/v1/me", this::me);
        routes.get("/v1/organizations/current", ctx ->
                Responses.ok(ctx, OrganizationResponse.of(Authenticator.principal(ctx).organization())));
        routes.post("/v1/organizations", this::create);
        routes.get("/v1/organizations/{id}", this::get);
        routes.patch("/v1/organizations/{id}", this::update);
    }

    private void me(Context ctx) {
        Principal caller = Authenticator.principal(ctx);
        var key = caller.key();
        Responses.ok(ctx, new MeResponse(key.id().toString(), "api_key", key.name(), key.prefix(),
                key.scopes().stream().map(Scope::value).toList(), AccessPolicy.isOperatorAdmin(caller), true,
                OrganizationResponse.of(caller.organization())));
    }

    private void create(Context ctx) {
        Principal caller = Authenticator.principal(ctx);
        var body = bodies.json(ctx, CreateOrganizationRequest.class);
        Tier tier = body.tier() == null ? Tier.FREE : Tier.parse("tier", body.tier());
        var made = organizations.create(caller, body.name(), Optional.ofNullable(body.slug()), tier);
        var key = made.adminKey();
        Responses.created(ctx, new NewOrganizationResponse(OrganizationResponse.of(made.organization()),
                ApiKeyResponse.withSecret(key.key(), clock.instant(), key.secret().reveal())),
                "Store the admin key securely. You will not be able to see it again.");
    }

    private void get(Context ctx) {
        Principal caller = Authenticator.principal(ctx);
        var org = organizations.get(caller, OrganizationId.parse(ctx.pathParam("id")));
        Responses.ok(ctx, OrganizationResponse.of(org));
    }

    private void update(Context ctx) {
        Principal caller = Authenticator.principal(ctx);
        OrganizationId id = OrganizationId.parse(ctx.pathParam("id"));
        var body = bodies.json(ctx, UpdateOrganizationRequest.class);
        Responses.ok(ctx, OrganizationResponse.of(organizations.setTier(caller, id, Tier.parse("tier", body.tier()))));
    }
}
