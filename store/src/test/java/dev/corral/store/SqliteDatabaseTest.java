package dev.corral.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.key.ApiKey;
import dev.corral.core.key.ApiKeyId;
import dev.corral.core.key.ApiKeySecret;
import dev.corral.core.key.Scope;
import dev.corral.core.org.Organization;
import dev.corral.core.org.OrganizationId;
import dev.corral.core.org.Tier;
import dev.corral.core.page.PageRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jdbi.v3.core.JdbiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@link Database} sets up SQLite: pragmas, migration on reopen, and many concurrent writers. */
class SqliteDatabaseTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    @Test
    void sqlite_newFile_setsPragmas() {
        try (Database database = Database.sqlite(dir.resolve("data/corral.db"))) {
            assertThat(database.dialect()).isEqualTo(Dialect.SQLITE);
            assertThat(pragma(database, "journal_mode")).isEqualTo("wal");
            assertThat(pragma(database, "foreign_keys")).isEqualTo("1");
            assertThat(pragma(database, "busy_timeout")).isEqualTo("5000");
            assertThat(pragma(database, "synchronous")).isEqualTo("1");
            assertThat(pragma(database, "secure_delete")).isEqualTo("1");
        }
    }

    @Test
    void sqlite_existingFile_keepsData() {
        Path file = dir.resolve("corral.db");
        Organization organization = organization();
        try (Database database = Database.sqlite(file)) {
            new JdbiOrganizationStore(database.jdbi()).insert(organization);
        }

        try (Database reopened = Database.sqlite(file)) {
            assertThat(new JdbiOrganizationStore(reopened.jdbi()).find(organization.id())).contains(organization);
        }
    }

    @Test
    void insertKey_unknownOrganization_isRefused() {
        try (Database database = Database.sqlite(dir.resolve("corral.db"))) {
            var keys = new JdbiApiKeyStore(database.jdbi());

            assertThatThrownBy(() -> keys.insert(key(OrganizationId.random()))).isInstanceOf(JdbiException.class);
        }
    }

    @Test
    void writes_200ConcurrentVirtualThreads_allSucceed() throws Exception {
        try (Database database = Database.sqlite(dir.resolve("corral.db"))) {
            Organization organization = organization();
            new JdbiOrganizationStore(database.jdbi()).insert(organization);
            var keys = new JdbiApiKeyStore(database.jdbi());
            List<Future<?>> writers = new ArrayList<>();

            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 200; i++) {
                    Instant usedAt = T0.plusSeconds(i);
                    writers.add(threads.submit(() -> {
                        ApiKey key = key(organization.id());
                        keys.insert(key);
                        keys.recordLastUsed(Map.of(key.id(), usedAt));
                        keys.revoke(organization.id(), key.id(), usedAt);
                    }));
                }
            }

            for (Future<?> writer : writers) {
                writer.get();
            }
            List<ApiKey> stored = keys.list(organization.id(), PageRequest.first(1_000)).items();
            assertThat(stored).hasSize(200).allSatisfy(key -> {
                assertThat(key.lastUsedAt()).isPresent();
                assertThat(key.revokedAt()).isPresent();
            });
        }
    }

    private static String pragma(Database database, String name) {
        return database.jdbi().withHandle(handle -> handle.createQuery("PRAGMA " + name).mapTo(String.class).one());
    }

    @Test
    void sqlite_newFile_isReadableByItsOwnerOnly() throws Exception {
        Path file = dir.resolve("corral.db");
        try (Database database = Database.sqlite(file)) {
            new JdbiOrganizationStore(database.jdbi()).insert(organization());

            for (String name : List.of("corral.db", "corral.db-wal", "corral.db-shm")) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(name))))
                        .as(name).isEqualTo("rw-------");
            }
        }
    }

    @Test
    void sqlite_fileLeftOpenToOthers_isClosedWhenOpened() throws Exception {
        Path file = dir.resolve("corral.db");
        Database.sqlite(file).close();
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        Database.sqlite(file).close();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    private static Organization organization() {
        return new Organization(OrganizationId.random(), "Acme", "acme", Tier.FREE, false, T0);
    }

    private static ApiKey key(OrganizationId organization) {
        ApiKeySecret secret = ApiKeySecret.generate(false);
        return new ApiKey(ApiKeyId.random(), organization, "key", secret.displayPrefix(), secret.sha256(),
                List.of(Scope.ALL), false, Optional.empty(), Optional.empty(), Optional.empty(), T0);
    }
}
