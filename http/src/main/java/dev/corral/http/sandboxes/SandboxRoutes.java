package dev.corral.http.sandboxes;

import dev.corral.core.key.Principal;
import dev.corral.core.sandbox.Sandbox;
import dev.corral.core.sandbox.SandboxFilter;
import dev.corral.core.sandbox.SandboxStatus;
import dev.corral.core.sandbox.lifecycle.SandboxService;
import dev.corral.http.Authenticator;
import dev.corral.http.Bodies;
import dev.corral.http.Pagination;
import dev.corral.http.Responses;
import dev.corral.http.RouteGroup;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** {@code /v1/sandboxes}: create, list, get, update, delete, pause and resume sandboxes. */
public final class SandboxRoutes implements RouteGroup {
    private static final Duration WAIT_FOR_READY = Duration.ofMinutes(5);

    private final SandboxService sandboxes;
    private final Bodies bodies;
    private final boolean sshGateway;

    public SandboxRoutes(SandboxService sandboxes, Bodies bodies) {
        this(sandboxes, bodies, false);
    }

    /** @param sshGateway whether this server runs an SSH gateway, which decides each sandbox's {@code sshReady} */
    public SandboxRoutes(SandboxService sandboxes, Bodies bodies, boolean sshGateway) {
        this.sandboxes = sandboxes;
        this.bodies = bodies;
        this.sshGateway = sshGateway;
    }

    /** The sandbox with what its network carried (a few reads of the kernel's counters, no store read). */
    private SandboxResponse response(Principal caller, Sandbox sandbox) {
        return SandboxResponse.of(sandbox, sshGateway, sandboxes.networkUsage(caller, sandbox));
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/v1/sandboxes", this::create);
        routes.get("/v1/sandboxes", this::list);
        routes.get("/v1/sandboxes/{id}", ctx -> Responses.ok(ctx, response(Authenticator.principal(ctx),
                sandboxes.get(Authenticator.principal(ctx), ctx.pathParam("id")))));
        routes.patch("/v1/sandboxes/{id}", this::update);
        routes.delete("/v1/sandboxes/{id}", this::delete);
        routes.post("/v1/sandboxes/{id}/pause", ctx -> Responses.ok(ctx, response(Authenticator.principal(ctx),
                sandboxes.pause(Authenticator.principal(ctx), ctx.pathParam("id")))));
        routes.post("/v1/sandboxes/{id}/resume", ctx -> Responses.ok(ctx, response(Authenticator.principal(ctx),
                sandboxes.resume(Authenticator.principal(ctx), ctx.pathParam("id")))));
    }

    private void create(Context ctx) {
        Principal caller = Authenticator.principal(ctx);
        var body = bodies.json(ctx, CreateSandboxRequest.class);
        Sandbox sandbox = sandboxes.create(caller, body.toCommand());
        if (Boolean.TRUE.equals(body.waitForReady()) || "true".equals(ctx.queryParam("wait"))) {
            sandbox = sandboxes.awaitStarted(sandbox, WAIT_FOR_READY);
        }
        Responses.created(ctx, response(caller, sandbox));
    }

    private void list(Context ctx) {
        Principal caller = Authenticator.principal(ctx);
        var page = sandboxes.list(caller, filterOf(ctx), Pagination.of(ctx));
        Responses.page(ctx, page.map(sandbox -> response(caller, sandbox)));
    }

    private void update(Context ctx) {
        Principal caller = Authenticator.principal(ctx);
        var body = bodies.json(ctx, UpdateSandboxRequest.class);
        Responses.ok(ctx, response(caller, sandboxes.update(caller, ctx.pathParam("id"), body.toCommand())));
    }

    private void delete(Context ctx) {
        Sandbox deleted = sandboxes.delete(Authenticator.principal(ctx), ctx.pathParam("id"));
        Responses.ok(ctx, Map.of("id", deleted.id().value(), "deleted", true, "status", deleted.status().wire()));
    }

    /** {@code ?status=&tag=&tag=&template=&metadata.<key>=<value>}; {@code status} may list several, comma-separated. */
    private static SandboxFilter filterOf(Context ctx) {
        Set<SandboxStatus> statuses = ctx.queryParams("status").stream()
                .flatMap(value -> List.of(value.split(",")).stream())
                .filter(value -> !value.isBlank())
                .map(value -> SandboxStatus.parse("status", value.strip()))
                .collect(Collectors.toSet());
        Map<String, String> metadata = new LinkedHashMap<>();
        ctx.queryParamMap().forEach((key, values) -> {
            if (key.startsWith("metadata.") && key.length() > "metadata.".length() && !values.isEmpty()) {
                metadata.put(key.substring("metadata.".length()), values.getFirst());
            }
        });
        return new SandboxFilter(statuses, ctx.queryParams("tag"), Optional.ofNullable(ctx.queryParam("template")),
                metadata);
    }
}
