package dev.corral.bench;

import dev.corral.app.Config;
import dev.corral.app.ConfigLoader;
import dev.corral.app.CorralServer;
import dev.corral.app.LocalRuntime;
import dev.corral.bench.client.CorralApi;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The Corral under test: a whole server in this process, on a free port of 127.0.0.1, over a fresh data directory
 * with its own SQLite database and runc state, sharing only the templates directory. Its operator key is fixed;
 * the enterprise rate limit is raised out of reach so that the harness measures the server, not its limiter.
 *
 * <p>{@link #close()} deletes every sandbox still alive through the API, stops the server, then has the runtime
 * destroy anything left (containers, mounts, loop devices, cgroups) before the directory can go.
 */
public final class BenchServer implements AutoCloseable {
    /** A well-formed operator key: {@code rt_live_} and 32 letters or digits. */
    static final String ADMIN_KEY = "rt_live_" + "benchmark".repeat(3) + "00000";
    private static final String UNLIMITED_RATE = "10000000";
    private static final String UNCAPPED_SANDBOXES = "100000";
    /**
     * The run's own network, not the default one: a server started with the defaults elsewhere on the host (a CLI
     * test, a clean-up of a test's data directory) rewrites the default network's nftables table with its own
     * sandboxes, which drops the replies of the bench's sandboxes to the host and stalls the port proxy's
     * connections. A /16, for the density scenario's thousand sandboxes.
     */
    private static final String NETWORK_NAME = "corralr";
    private static final String NETWORK_SUBNET = "10.87.0.0/16";

    private final Config config;
    private final CorralServer server;
    private final CorralApi api;

    private BenchServer(Config config, CorralServer server) {
        this.config = config;
        this.server = server;
        this.api = new CorralApi(URI.create("http://127.0.0.1:" + server.port() + "/"), ADMIN_KEY);
    }

    /**
     * The configuration of a server with its data in {@code dataDir}. The environment is ignored on purpose: a
     * {@code CORRAL_*} variable of the shell must not change what a run measures.
     */
    static Config config(Path dataDir, Path templatesDir) {
        return config(dataDir, templatesDir, Map.of());
    }

    /** As {@link #config(Path, Path)}, with {@code extra} flags on top (such as {@code guest: runc}). */
    static Config config(Path dataDir, Path templatesDir, Map<String, String> extra) {
        var flags = new LinkedHashMap<String, String>();
        flags.put("host", "127.0.0.1");
        flags.put("port", "0");
        flags.put("data-dir", dataDir.toString());
        flags.put("templates-dir", templatesDir.toString());
        flags.put("bootstrap-key", ADMIN_KEY);
        flags.put("enterprise-requests-per-minute", UNLIMITED_RATE);
        flags.put("enterprise-burst", UNLIMITED_RATE);
        // The density scenario looks for the host's limit: the server's own caps (max-sandboxes from the host's
        // memory for sandboxes of the default size, the enterprise plan's 250) would stop it first.
        flags.put("max-sandboxes", UNCAPPED_SANDBOXES);
        flags.put("enterprise-sandboxes", UNCAPPED_SANDBOXES);
        flags.put("network-name", NETWORK_NAME);
        flags.put("network-subnet", NETWORK_SUBNET);
        flags.putAll(extra);
        return ConfigLoader.load(Map.of(), flags);
    }

    /** Starts the server; the data directory must not exist yet (the server makes it searchable by others). */
    static BenchServer start(Config config) {
        return new BenchServer(config, CorralServer.start(config));
    }

    /**
     * A second server beside the run's own, on its own data directory (which must not exist yet) and the same
     * templates, configured with {@code extra}: how a scenario measures another configuration in the same run.
     */
    public static BenchServer startBeside(Path dataDir, Path templatesDir, Map<String, String> extra) {
        return start(config(dataDir, templatesDir, extra));
    }

    public CorralApi api() {
        return api;
    }

    public Path dataDir() {
        return config.dataDir();
    }

    public Path templatesDir() {
        return config.templatesDir();
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        try {
            api.deleteAll(api.liveSandboxes(), 4);
        } catch (RuntimeException e) {
            failure = e;
        }
        server.close();
        // Whatever the API could not delete: the runtime destroys all it has no record of, which is everything.
        LocalRuntime.open(config).runtime().removeAllExcept(Set.of());
        if (failure != null) {
            throw failure;
        }
    }
}
