package dev.corral.store;

import dev.corral.core.org.OrganizationStore;
import dev.corral.core.sandbox.SandboxStore;
import dev.corral.testkit.contract.SandboxStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs the sandbox store contract on the cached store in front of SQLite, as the server uses it: every write then
 * read in the contract shows that no cached copy outlives a write.
 */
class CachedSqliteSandboxStoreTest extends SandboxStoreContract {
    @RegisterExtension
    final SqliteFile sqlite = new SqliteFile();

    @Override
    protected SandboxStore newStore() {
        return new CachedSandboxStore(new JdbiSandboxStore(sqlite.database().jdbi(),
                SecretBox.withKey(SecretBox.newKey())));
    }

    @Override
    protected OrganizationStore organizationStore() {
        return new JdbiOrganizationStore(sqlite.database().jdbi());
    }
}
