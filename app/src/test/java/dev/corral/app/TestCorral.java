package dev.corral.app;

import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import dev.corral.testkit.ManualClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Corral for end-to-end tests: the whole server on a random port over a fresh SQLite database in a temp
 * directory, with a known admin key and a clock the test can move. Close it to stop the server; registered as
 * a JUnit extension ({@code @RegisterExtension static final TestCorral corral = new TestCorral();}) it is closed
 * after the test class.
 */
final class TestCorral implements AutoCloseable, AfterAllCallback {
    static final String ADMIN_KEY = "rt_live_" + "A".repeat(16) + "b".repeat(16);
    /** Templates are built once per machine and shared by every test run (building base takes about a minute). */
    static final String TEMPLATE_CACHE = System.getenv().getOrDefault("CORRAL_TEST_TEMPLATE_CACHE",
            "/var/tmp/corral-test-templates");

    /**
     * {@code guest} for every test server: {@code agent} (the default) or {@code runc}, from the system property
     * {@code corral.test.guest} or the environment variable {@code CORRAL_TEST_GUEST}, to run the same tests both
     * ways.
     */
    static final String GUEST = java.util.Optional.ofNullable(System.getProperty("corral.test.guest"))
            .or(() -> java.util.Optional.ofNullable(System.getenv("CORRAL_TEST_GUEST"))).orElse("agent");

    final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    final Path dataDir;
    final Config config;
    final CorralServer server;
    final ApiClient admin;

    TestCorral() {
        this(Map.of());
    }

    TestCorral(Map<String, String> extraFlags) {
        this(searchableTempDir(), extraFlags);
    }

    /** A server on an existing data directory, as after a restart. */
    TestCorral(Path dataDir, Map<String, String> extraFlags) {
        this.dataDir = dataDir;
        var flags = new HashMap<String, String>();
        flags.put("port", "0");
        flags.put("data-dir", dataDir.toString());
        flags.put("bootstrap-key", ADMIN_KEY);
        flags.put("templates-dir", TEMPLATE_CACHE);
        flags.put("guest", GUEST);
        java.util.Optional.ofNullable(System.getenv("CORRAL_TEST_GUEST_BINARY"))
                .ifPresent(binary -> flags.put("guest-binary", binary));
        flags.putAll(TestNetworks.flagsFor(dataDir));
        flags.putAll(extraFlags);
        config = ConfigLoader.load(Map.of(), flags);
        server = CorralServer.start(config, clock);
        admin = new ApiClient(URI.create("http://127.0.0.1:" + server.port() + "/"), ADMIN_KEY);
    }

    /** A fresh directory that runc's unprivileged sandbox users can pass through, as a data directory must be. */
    static Path searchableTempDir() {
        try {
            return Files.createTempDirectory("corral-test-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new organization of the given tier, and a client holding its admin key. */
    ApiClient newOrganization(String tier) {
        ApiResponse made = admin.post("v1/organizations", Map.of("name", "Team " + System.nanoTime(), "tier", tier));
        if (made.status() != 201) {
            throw new IllegalStateException("could not make an organization: " + made);
        }
        return admin.withKey(made.data().path("adminKey").path("key").asText());
    }

    /** A key of the calling organization with the given scopes. */
    String newKey(ApiClient owner, Object... scopes) {
        ApiResponse made = owner.post("v1/api-keys", Map.of("name", "k" + System.nanoTime(), "scopes",
                java.util.List.of(scopes)));
        if (made.status() != 201) {
            throw new IllegalStateException("could not make a key: " + made);
        }
        return made.data().path("key").asText();
    }

    /** Stops the server but keeps its data directory and its sandboxes, as a restart does. */
    void stop() {
        server.close();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /** Stops the server, destroys every sandbox it left (mounts, cgroups, containers) and deletes its data. */
    @Override
    public void close() {
        server.close();
        try (LocalRuntime local = LocalRuntime.open(config)) {
            local.runtime().removeAllExcept(java.util.Set.of());
            local.workspaces().detachAll();
        }
        deleteDataDir();
    }

    private void deleteDataDir() {
        try (var files = Files.walk(dataDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }
}
