package dev.corral.store;

import dev.corral.core.org.OrganizationStore;
import dev.corral.testkit.contract.OrganizationStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** Runs the organization store contract on a fresh SQLite file per test. */
class SqliteOrganizationStoreTest extends OrganizationStoreContract {
    @TempDir
    Path dir;

    private Database database;

    @Override
    protected OrganizationStore newStore() {
        database = Database.sqlite(dir.resolve("corral.db"));
        return new JdbiOrganizationStore(database.jdbi());
    }

    @AfterEach
    void closeDatabase() {
        database.close();
    }
}
