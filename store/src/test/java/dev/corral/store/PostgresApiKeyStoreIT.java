package dev.corral.store;

import dev.corral.core.key.ApiKeyStore;
import dev.corral.core.org.OrganizationStore;
import dev.corral.testkit.contract.ApiKeyStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Runs the API key store contract on PostgreSQL, in a schema of its own. */
class PostgresApiKeyStoreIT extends ApiKeyStoreContract {
    @RegisterExtension
    static final PostgresSchema POSTGRES = new PostgresSchema();

    @Override
    protected ApiKeyStore newStore() {
        return new JdbiApiKeyStore(POSTGRES.database().jdbi());
    }

    @Override
    protected OrganizationStore organizationStore() {
        return new JdbiOrganizationStore(POSTGRES.database().jdbi());
    }
}
