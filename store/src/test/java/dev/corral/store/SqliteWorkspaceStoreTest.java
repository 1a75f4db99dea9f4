package dev.corral.store;

import dev.corral.core.org.OrganizationStore;
import dev.corral.core.workspace.WorkspaceStore;
import dev.corral.testkit.contract.WorkspaceStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** Runs the workspace store contract on a fresh SQLite file per test. */
class SqliteWorkspaceStoreTest extends WorkspaceStoreContract {
    @TempDir
    Path dir;

    private Database database;

    @Override
    protected WorkspaceStore newStore() {
        database = Database.sqlite(dir.resolve("corral.db"));
        return new JdbiWorkspaceStore(database.jdbi());
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
