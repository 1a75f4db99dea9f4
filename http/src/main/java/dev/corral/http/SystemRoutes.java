package dev.corral.http;

import io.javalin.config.RoutesConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The unauthenticated operator endpoints: {@code GET /health} (200 when every check passes, 503 naming the ones
 * that fail) and {@code GET /metrics} (Prometheus text).
 */
public final class SystemRoutes implements RouteGroup {
    private final String version;
    private final Map<String, BooleanSupplier> checks;
    private final HttpMetrics metrics;

    public SystemRoutes(String version, Map<String, BooleanSupplier> checks, HttpMetrics metrics) {
        this.version = version;
        this.checks = Map.copyOf(checks);
        this.metrics = metrics;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/health", ctx -> {
            var results = new LinkedHashMap<String, String>();
            boolean healthy = true;
            for (var check : checks.entrySet()) {
                boolean ok = passes(check.getValue());
                results.put(check.getKey(), ok ? "ok" : "failing");
                healthy &= ok;
            }
            ctx.status(healthy ? 200 : 503).json(Map.of("status", healthy ? "ok" : "degraded", "version", version,
                    "checks", results));
        });
        routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                .result(metrics.scrape()));
    }

    private static boolean passes(BooleanSupplier check) {
        try {
            return check.getAsBoolean();
        } catch (RuntimeException e) {
            return false;
        }
    }
}
