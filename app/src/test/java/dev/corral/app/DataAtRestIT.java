package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.store.Database;
import dev.corral.store.JdbiSandboxStore;
import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a Corral keeps on the host's disk, as another host user would find it: a data directory they cannot enter,
 * files only the server's user reads, and sandbox environment values never in clear in the database; an older
 * data directory is brought to that state when the server starts on it.
 */
class DataAtRestIT {
    private static final String SECRET = "tok-" + Long.toHexString(System.nanoTime()) + "-never-in-clear";
    private static final List<String> PRIVATE_FILES = List.of("corral.db", "corral.db-wal", "corral.db-shm",
            StoreSecretKey.FILE_NAME);

    @Test
    void sandboxEnv_isSealedInTheDatabaseAndReachesTheSandbox() throws IOException {
        try (var corral = new TestCorral(Map.of())) {
            String id = made(corral.admin.post("v1/sandboxes?wait=true", small(Map.of("TOKEN", SECRET))));

            assertThat(echoToken(corral.admin, id)).isEqualTo(SECRET);
            assertThat(databaseBytes(corral.dataDir)).doesNotContain(SECRET);
            assertClosedToOthers(corral.dataDir);
        }
    }

    @Test
    void start_onAnOlderDataDirectory_closesItAndSealsWhatWasInClear() throws IOException {
        var first = new TestCorral(Map.of());
        String id = made(first.admin.post("v1/sandboxes?wait=true", small(Map.of("TOKEN", "x"))));
        first.stop();
        // As an older version left it: everything readable by others, the environment in clear.
        try (Database database = Database.sqlite(first.dataDir.resolve("corral.db"))) {
            database.jdbi().useHandle(handle -> handle.createUpdate("UPDATE sandbox_env SET value = :value")
                    .bind("value", SECRET).execute());
        }
        Files.setPosixFilePermissions(first.dataDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String name : PRIVATE_FILES) {
            Path file = first.dataDir.resolve(name);
            if (Files.exists(file)) { // the log and index go when the last connection closes
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
            }
        }

        try (var second = new TestCorral(first.dataDir, Map.of())) {
            assertClosedToOthers(second.dataDir);
            assertThat(databaseBytes(second.dataDir)).doesNotContain(SECRET);
            try (Database database = Database.sqlite(second.dataDir.resolve("corral.db"))) {
                var store = new JdbiSandboxStore(database.jdbi(), StoreSecretKey.load(second.config));
                assertThat(store.listActive()).filteredOn(sandbox -> sandbox.id().toString().equals(id))
                        .singleElement().satisfies(sandbox -> assertThat(sandbox.env()).containsEntry("TOKEN", SECRET));
            }
        }
    }

    /** The data directory: the sandboxes' host user may pass through (on the way to bundles); others nothing. */
    private static void assertClosedToOthers(Path dataDir) throws IOException {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir))).isEqualTo("rwx--x---");
        assertThat(Files.getAttribute(dataDir, "unix:gid")).isEqualTo(100_000);
        for (String name : PRIVATE_FILES) {
            Path file = dataDir.resolve(name);
            if (Files.exists(file)) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(name)
                        .isEqualTo("rw-------");
            }
        }
        assertThat(dataDir.resolve(StoreSecretKey.FILE_NAME)).exists();
    }

    /** The database file and its write-ahead log as one text: what a reader of the files would see. */
    private static String databaseBytes(Path dataDir) throws IOException {
        var bytes = new StringBuilder();
        for (String name : List.of("corral.db", "corral.db-wal")) {
            Path file = dataDir.resolve(name);
            if (Files.exists(file)) {
                bytes.append(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
            }
        }
        return bytes.toString();
    }

    /** The sandbox's TOKEN as a command in it sees it. */
    private static String echoToken(ApiClient client, String id) {
        ApiResponse run = client.post("v1/sandboxes/" + id + "/exec", Map.of("command", "printf %s \"$TOKEN\""));
        return run.data().path("stdout").asText();
    }

    private static Map<String, Object> small(Map<String, String> env) {
        return Map.of("template", "base", "env", env, "resources", Map.of("memory", "128MB", "disk", "128MB"));
    }

    private static String made(ApiResponse response) {
        assertThat(response.data().path("status").asText()).as(response.toString()).isEqualTo("running");
        return response.data().path("id").asText();
    }
}
