package dev.corral.store;

import dev.corral.core.key.ApiKeyStore;
import dev.corral.core.org.OrganizationStore;
import dev.corral.testkit.contract.ApiKeyStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Runs the API key store contract on a fresh SQLite file per test. */
class SqliteApiKeyStoreTest extends ApiKeyStoreContract {
    @RegisterExtension
    final SqliteFile sqlite = new SqliteFile();

    @Override
    protected ApiKeyStore newStore() {
        return new JdbiApiKeyStore(sqlite.database().jdbi());
    }

    @Override
    protected OrganizationStore organizationStore() {
        return new JdbiOrganizationStore(sqlite.database().jdbi());
    }
}
