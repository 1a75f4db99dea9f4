package dev.corral.http;

import dev.corral.core.sandbox.NetworkUsage;
import io.javalin.http.Context;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * The server's metrics in Prometheus' text format: request count and latency by route template, method and
 * status ({@code http_server_requests_seconds}), the bytes the sandboxes' networks carried
 * ({@code corral_sandbox_network_bytes_total}), and the JVM's memory, GC, threads, CPU and uptime.
 */
public final class HttpMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    /** Held here: a function counter keeps only a weak reference to what it reads. */
    private Supplier<NetworkUsage> sandboxTraffic;

    public HttpMetrics() {
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** Records one finished request; the route is the matched template, so ids do not explode the series. */
    void record(Context ctx, Duration elapsed) {
        Timer.builder("http.server.requests")
                .description("HTTP requests answered, by route template, method and status")
                .tag("method", ctx.method().name())
                .tag("route", routeOf(ctx))
                .tag("status", Integer.toString(ctx.statusCode()))
                .register(registry)
                .record(elapsed);
    }

    /**
     * Counts the bytes of every sandbox's network, in and out as the sandboxes see them, read from
     * {@code totals} at each scrape. A total by direction, not a series per sandbox: the series stay two however
     * many sandboxes come and go, and this endpoint, which needs no key, names no sandbox (an id is the name of
     * its public preview URLs). Each sandbox's own counts are in its object, behind its organization's key.
     */
    public void countSandboxTraffic(Supplier<NetworkUsage> totals) {
        this.sandboxTraffic = totals;
        countSandboxTraffic("in", NetworkUsage::bytesIn);
        countSandboxTraffic("out", NetworkUsage::bytesOut);
    }

    private void countSandboxTraffic(String direction, ToLongFunction<NetworkUsage> bytes) {
        FunctionCounter.builder("corral.sandbox.network", sandboxTraffic,
                        totals -> bytes.applyAsLong(totals.get()))
                .description("Bytes the sandboxes' networks carried, by direction as the sandboxes see them: "
                        + "in (received) and out (sent)")
                .baseUnit("bytes").tag("direction", direction).register(registry);
    }

    public String scrape() {
        return registry.scrape();
    }

    static String routeOf(Context ctx) {
        try {
            return ctx.endpoint().path;
        } catch (RuntimeException unmatched) {
            return "unmatched";
        }
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
