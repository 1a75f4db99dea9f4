package dev.corral.store;

import dev.corral.core.org.OrganizationStore;
import dev.corral.core.workspace.WorkspaceStore;
import dev.corral.testkit.contract.WorkspaceStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Runs the workspace store contract on a fresh SQLite file per test. */
class SqliteWorkspaceStoreTest extends WorkspaceStoreContract {
    @RegisterExtension
    final SqliteFile sqlite = new SqliteFile();

    @Override
    protected WorkspaceStore newStore() {
        return new JdbiWorkspaceStore(sqlite.database().jdbi());
    }

    @Override
    protected OrganizationStore organizationStore() {
        return new JdbiOrganizationStore(sqlite.database().jdbi());
    }
}
