package dev.corral.store;

import dev.corral.core.org.OrganizationStore;
import dev.corral.testkit.contract.OrganizationStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Runs the organization store contract on PostgreSQL, in a schema of its own. */
class PostgresOrganizationStoreIT extends OrganizationStoreContract {
    @RegisterExtension
    static final PostgresSchema POSTGRES = new PostgresSchema();

    @Override
    protected OrganizationStore newStore() {
        return new JdbiOrganizationStore(POSTGRES.database().jdbi());
    }
}
