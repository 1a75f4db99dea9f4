package dev.corral.store;

import dev.corral.core.key.ApiKeyStore;
import dev.corral.core.org.OrganizationStore;
import dev.corral.testkit.contract.ApiKeyStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** Runs the API key store contract on a fresh SQLite file per test. */
class SqliteApiKeyStoreTest extends ApiKeyStoreContract {
    @TempDir
    Path dir;

    private Database database;

    @Override
    protected ApiKeyStore newStore() {
        database = Database.sqlite(dir.resolve("corral.db"));
        return new JdbiApiKeyStore(database.jdbi());
    }

    @Override
    protected OrganizationStore organizationStore() {
        return new JdbiOrganizationStore(database.jdbi());
    }

    @AfterEach
    void closeDatabase() {
        database.close();
    }
}
