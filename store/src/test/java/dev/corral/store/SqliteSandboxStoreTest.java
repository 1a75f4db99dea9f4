package dev.corral.store;

import dev.corral.core.org.OrganizationStore;
import dev.corral.core.sandbox.SandboxStore;
import dev.corral.testkit.contract.SandboxStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** Runs the sandbox store contract on a fresh SQLite file per test. */
class SqliteSandboxStoreTest extends SandboxStoreContract {
    @TempDir
    Path dir;

    private Database database;

    @Override
    protected SandboxStore newStore() {
        database = Database.sqlite(dir.resolve("corral.db"));
        return new JdbiSandboxStore(database.jdbi());
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
