package dev.corral.app;

import dev.corral.core.key.ApiKeyService;
import dev.corral.core.key.IssuedKey;
import dev.corral.core.key.KeyStreams;
import dev.corral.core.key.KeyUsageRecorder;
import dev.corral.core.org.OrganizationService;
import dev.corral.core.plan.Plans;
import dev.corral.core.sandbox.exec.ExecSettings;
import dev.corral.core.sandbox.exec.SandboxExecutions;
import dev.corral.core.sandbox.files.SandboxFileSystem;
import dev.corral.core.sandbox.files.SandboxFileWatches;
import dev.corral.core.sandbox.files.SandboxFiles;
import dev.corral.core.sandbox.lifecycle.SandboxReaper;
import dev.corral.core.sandbox.lifecycle.SandboxService;
import dev.corral.core.sandbox.lifecycle.SandboxWork;
import dev.corral.core.sandbox.logs.LogEntry;
import dev.corral.core.sandbox.logs.SandboxLogs;
import dev.corral.core.sandbox.ports.PortTokens;
import dev.corral.core.sandbox.SandboxStore;
import dev.corral.core.sandbox.ports.SandboxPorts;
import dev.corral.core.sandbox.terminal.SandboxTerminals;
import dev.corral.core.sandbox.terminal.TerminalLimits;
import dev.corral.core.ssh.SshAccess;
import dev.corral.core.ssh.SshEndpoint;
import dev.corral.core.ssh.SshKeyService;
import dev.corral.core.ssh.SshLogins;
import dev.corral.core.ssh.SshSessions;
import dev.corral.core.workspace.WorkspaceService;
import dev.corral.core.workspace.files.WorkspaceFileService;
import dev.corral.http.Authenticator;
import dev.corral.http.Bodies;
import dev.corral.http.HttpMetrics;
import dev.corral.http.HttpServer;
import dev.corral.http.ports.PortProxyRoutes;
import dev.corral.http.ports.PreviewHosts;
import dev.corral.http.ports.PortSockets;
import dev.corral.http.RateLimiter;
import dev.corral.http.RequestConcurrency;
import dev.corral.http.SystemRoutes;
import dev.corral.http.keys.ApiKeyRoutes;
import dev.corral.http.orgs.OrganizationRoutes;
import dev.corral.http.sandboxes.ExecRoutes;
import dev.corral.http.sandboxes.FileWatchSocket;
import dev.corral.http.sandboxes.LogsSocket;
import dev.corral.http.sandboxes.SandboxFileRoutes;
import dev.corral.http.sandboxes.SandboxRoutes;
import dev.corral.http.terminal.TerminalSessionRoutes;
import dev.corral.http.terminal.TerminalSocket;
import dev.corral.http.ssh.SshRoutes;
import dev.corral.http.workspaces.WorkspaceFileRoutes;
import dev.corral.http.workspaces.WorkspaceRoutes;
import dev.corral.runtime.oci.agent.AgentSandboxFileSystem;
import dev.corral.runtime.oci.guest.ShellSandboxFileSystem;
import dev.corral.ssh.SshGateway;
import dev.corral.store.Database;
import dev.corral.store.JdbiApiKeyStore;
import dev.corral.store.JdbiOrganizationStore;
import dev.corral.store.CachedSandboxStore;
import dev.corral.store.JdbiSandboxStore;
import dev.corral.store.JdbiPublicPortStore;
import dev.corral.store.JdbiSshKeyStore;
import dev.corral.store.JdbiWorkspaceStore;
import dev.corral.store.SecretBox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Corral: the database, the services, the HTTP server and the SSH gateway (when configured), wired by
 * hand from one {@link Config}. {@link #close()} stops them in reverse order: SSH connections closed (ending their
 * commands), no new requests, in-flight ones finish, file watches end (their watchers in the sandboxes stopped),
 * terminals close (their commands ended), pending key usage is written, then the database closes, and last the
 * threads that read process output.
 */
public final class CorralServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CorralServer.class);

    private static final int LOG_BUFFER_BYTES = 1 << 20;
    /** The system clock at the precision the store keeps, so that a fresh answer and a stored one agree. */
    private static final String RESTRICTED_HEADERS = "jdk.httpclient.allowRestrictedHeaders";
    private static final InstantSource SYSTEM_MILLIS = () -> Instant.now().truncatedTo(ChronoUnit.MILLIS);

    private final Database database;
    private final LocalRuntime local;
    private final SandboxService sandboxes;
    private final SandboxFileWatches watches;
    private final SandboxTerminals terminals;
    private final KeyUsageRecorder usage;
    private final ScheduledExecutorService background;
    private final HttpMetrics metrics;
    private final HttpServer http;
    private final PortProxyRoutes portProxy;
    private final Optional<SshGateway> ssh;
    private final Optional<IssuedKey> bootstrapKey;

    private CorralServer(Config config, InstantSource clock) {
        createDataDir(config);
        this.database = config.databaseUrl()
                .map(url -> Database.postgres(url, config.databaseUser().orElse(null),
                        config.databasePassword().orElse(null)))
                .orElseGet(() -> Database.sqlite(config.sqliteFile()));
        var organizations = new JdbiOrganizationStore(database.jdbi());
        var keys = new JdbiApiKeyStore(database.jdbi());
        this.usage = new KeyUsageRecorder(keys);
        var keyService = new ApiKeyService(keys, organizations, usage, clock);
        var organizationService = new OrganizationService(organizations, keys, keyService, clock);
        this.bootstrapKey = organizationService.bootstrap(config.bootstrapKey());

        var plans = Plans.defaults(config.enterprise());
        this.local = LocalRuntime.open(config);
        byte[] storeKey = StoreSecretKey.bytes(config);
        var storedSandboxes = new JdbiSandboxStore(database.jdbi(), SecretBox.withKey(storeKey));
        int sealed = storedSandboxes.sealPlaintextEnv();
        if (sealed > 0) {
            database.checkpoint(); // the values in clear leave the write-ahead log too
            LOG.info("Sealed {} sandbox environment values stored in clear by an older version", sealed);
        }
        // SQLite is this server's alone, so its sandbox reads can be answered from memory; PostgreSQL is shared.
        SandboxStore sandboxStore = config.databaseUrl().isEmpty() ? new CachedSandboxStore(storedSandboxes)
                : storedSandboxes;
        var logs = new SandboxLogs(LOG_BUFFER_BYTES);
        var workspaces = new WorkspaceService(new JdbiWorkspaceStore(database.jdbi()), local.workspaces(),
                sandboxStore::sandboxesMounting, plans, clock);
        this.sandboxes = new SandboxService(sandboxStore, local.runtime(), local.templates(), plans, logs,
                workspaces::resolveForMount, clock, config.maxSandboxes());
        var work = new SandboxWork();
        var executions = new SandboxExecutions(sandboxes, local.runtime(), plans, logs, work,
                new ExecSettings(config.execDefaultTimeout(), config.maxConcurrentExecs()), clock);
        local.runtime().onNotice((id, text) -> logs.publish(LogEntry.status(id, text, clock.instant())));
        var shell = new ShellSandboxFileSystem(local.runtime(), clock);
        SandboxFileSystem fileSystem = local.runtime().usesAgent()
                ? new AgentSandboxFileSystem(local.runtime()::guest, local.runtime()::hasAgent, shell) : shell;
        var files = new SandboxFiles(sandboxes, fileSystem, work, plans);
        this.watches = new SandboxFileWatches(sandboxes, fileSystem, work);
        this.terminals = new SandboxTerminals(sandboxes, local.runtime(), work, TerminalLimits.DEFAULTS, clock);
        var reaper = new SandboxReaper(sandboxStore, sandboxes, work, logs, organizations, plans,
                config.hibernateAfter());
        // Before the sandboxes: those that start again bind their workspaces' files.
        workspaces.attachAll().forEach(problem -> LOG.error("Workspace not attached: {}", problem));
        // Refuses to start on a subnet the host routes elsewhere: sandboxes would reach into that network.
        try {
            local.runtime().prepareNetwork();
        } catch (IllegalStateException e) {
            throw new ConfigException(e.getMessage());
        }
        reconcile();
        Thread.ofVirtual().name("corral-adopt-processes").start(() -> adoptProcesses(executions));

        this.background = Executors.newScheduledThreadPool(2,
                Thread.ofPlatform().name("corral-background-", 0).daemon().factory());
        background.scheduleWithFixedDelay(this::flushUsage, 2, 2, TimeUnit.SECONDS);
        long sweepMillis = KeyStreams.SWEEP_INTERVAL.toMillis();
        background.scheduleWithFixedDelay(() -> endStreamsOfEndedKeys(keyService.streams()), sweepMillis,
                sweepMillis, TimeUnit.MILLISECONDS);
        long reapMillis = config.reaperInterval().toMillis();
        background.scheduleWithFixedDelay(() -> reap(reaper, clock), reapMillis, reapMillis, TimeUnit.MILLISECONDS);

        var sshKeys = new JdbiSshKeyStore(database.jdbi());
        this.ssh = config.ssh().map(settings -> SshGateway.start(
                new SshGateway.Settings(config.host(), settings.port(), config.dataDir().resolve("ssh"),
                        settings.maxConnections()),
                new SshLogins(sandboxStore, sshKeys, organizations),
                new SshSessions(executions, sandboxes, terminals, work, settings.maxSessions(),
                        SshConfig.SESSIONS_PER_SANDBOX)));
        var sshAccess = new SshAccess(sandboxes, sshKeys, config.ssh().map(settings ->
                new SshEndpoint(settings.host(), ssh.orElseThrow().port())));

        var bodies = new Bodies(config.maxBodyBytes());
        var ports = new SandboxPorts(sandboxes, local.runtime(), work,
                new PortTokens(StoreSecretKey.derive(storeKey, "corral port urls")),
                new JdbiPublicPortStore(database.jdbi()), keyService, clock);
        this.portProxy = new PortProxyRoutes(ports, PortProxyRoutes.Timeouts.DEFAULTS,
                config.previewDomain().map(PreviewHosts::new));
        this.metrics = new HttpMetrics();
        var concurrency = new RequestConcurrency(plans);
        this.http = new HttpServer(
                new HttpServer.Settings(config.host(), config.port(), config.maxBodyBytes(), config.shutdownGrace(),
                        plans.maxMultipartParts(), config.connections()),
                new Authenticator(keyService), new RateLimiter(plans, clock), concurrency, metrics,
                List.of(new SystemRoutes(Version.current(), Map.of("database", database::isHealthy), metrics),
                        new ApiKeyRoutes(keyService, bodies, clock),
                        new SshRoutes(new SshKeyService(sshKeys, clock), sshAccess, bodies),
                        new OrganizationRoutes(organizationService, bodies, clock),
                        new SandboxRoutes(sandboxes, bodies, ssh.isPresent()),
                        new ExecRoutes(executions, bodies, concurrency, keyService.streams()),
                        new SandboxFileRoutes(files, bodies),
                        new WorkspaceRoutes(workspaces, bodies),
                        new WorkspaceFileRoutes(new WorkspaceFileService(workspaces, plans), workspaces, bodies),
                        new LogsSocket(sandboxes, logs),
                        new FileWatchSocket(watches),
                        new TerminalSessionRoutes(terminals, bodies),
                        new TerminalSocket(terminals),
                        portProxy,
                        new PortSockets(ports)));
    }

    /** Opens the database, makes the operator organization on first start, and starts serving. */
    public static CorralServer start(Config config) {
        return start(config, SYSTEM_MILLIS);
    }

    /** As {@link #start(Config)}, with the clock that decides key expiry (tests move it by hand). */
    static CorralServer start(Config config, InstantSource clock) {
        // The port proxy's WebSockets write Host as dev servers expect it (localhost:{port}), a header the JDK's
        // client refuses unless this names it; read once, when its first client starts.
        if (System.getProperty(RESTRICTED_HEADERS) == null) {
            System.setProperty(RESTRICTED_HEADERS, "host");
        }
        var server = new CorralServer(config, clock);
        try {
            server.http.start();
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        LOG.info("Corral {} listening on http://{}:{} ({})", Version.current(), config.host(), server.port(),
                config);
        server.sshPort().ifPresent(port -> LOG.info("SSH gateway listening on {}:{}", config.host(), port));
        return server;
    }

    public int port() {
        return http.port();
    }

    /** The port the SSH gateway listens on; empty when it is off. */
    public Optional<Integer> sshPort() {
        return ssh.map(SshGateway::port);
    }

    /** Every endpoint the API serves. */
    public List<HttpServer.Route> routes() {
        return http.routes();
    }

    /** The admin key made at this start, present only on first start or when a new bootstrap key was given. */
    public Optional<IssuedKey> bootstrapKey() {
        return bootstrapKey;
    }

    /**
     * Settles the store against the runtime before serving. A runtime that cannot be reached does not stop the
     * server: the rest of the API works, and sandbox calls answer {@code runtime_unavailable} until it is back.
     */
    private void reconcile() {
        try {
            sandboxes.reconcile();
        } catch (RuntimeException e) {
            LOG.error("Could not reconcile sandboxes with the runtime; sandbox calls may fail: {}", e.getMessage());
        }
    }

    /** Background processes an earlier server started and the sandboxes' agents still run, listed again. */
    private static void adoptProcesses(SandboxExecutions executions) {
        try {
            executions.adoptAll();
        } catch (RuntimeException e) {
            LOG.warn("Could not adopt the background processes of earlier runs: {}", e.getMessage());
        }
    }

    private static void reap(SandboxReaper reaper, InstantSource clock) {
        try {
            reaper.reap(clock.instant());
        } catch (RuntimeException e) {
            LOG.warn("Reaping sandboxes failed; will retry", e);
        }
    }

    private static void endStreamsOfEndedKeys(KeyStreams streams) {
        try {
            streams.sweep();
        } catch (RuntimeException e) {
            LOG.warn("Could not check the keys of open streams; will retry", e);
        }
    }

    private void flushUsage() {
        try {
            usage.flush();
        } catch (RuntimeException e) {
            LOG.warn("Could not record API key usage; will retry", e);
        }
    }

    /**
     * Creates the data directory, or closes an existing one (older versions left it searchable by every host
     * user), to the host's root alone before the database opens in it. The runtime then lets the sandboxes' host
     * user alone pass through, on the way to their bundles (see {@code SandboxPassage}).
     */
    private static void createDataDir(Config config) {
        try {
            Files.createDirectories(config.dataDir());
            Files.setPosixFilePermissions(config.dataDir(), PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + config.dataDir(), e);
        }
    }

    @Override
    public void close() {
        ssh.ifPresent(SshGateway::close);
        http.close();
        portProxy.close();
        watches.close();
        terminals.close();
        background.shutdown();
        try {
            background.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flushUsage();
        sandboxes.close();
        metrics.close();
        database.close();
        local.close();
    }
}
