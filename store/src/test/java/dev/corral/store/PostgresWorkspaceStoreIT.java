package dev.corral.store;

import dev.corral.core.org.OrganizationStore;
import dev.corral.core.workspace.WorkspaceStore;
import dev.corral.testkit.contract.WorkspaceStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Runs the workspace store contract on PostgreSQL, in a schema of its own. */
class PostgresWorkspaceStoreIT extends WorkspaceStoreContract {
    @RegisterExtension
    static final PostgresSchema POSTGRES = new PostgresSchema();

    @Override
    protected WorkspaceStore newStore() {
        return new JdbiWorkspaceStore(POSTGRES.database().jdbi());
    }

    @Override
    protected OrganizationStore organizationStore() {
        return new JdbiOrganizationStore(POSTGRES.database().jdbi());
    }
}
