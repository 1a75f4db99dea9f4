package dev.corral.store;

import dev.corral.core.org.OrganizationStore;
import dev.corral.testkit.contract.OrganizationStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Runs the organization store contract on a fresh SQLite file per test. */
class SqliteOrganizationStoreTest extends OrganizationStoreContract {
    @RegisterExtension
    final SqliteFile sqlite = new SqliteFile();

    @Override
    protected OrganizationStore newStore() {
        return new JdbiOrganizationStore(sqlite.database().jdbi());
    }
}
