package dev.corral.store;

import dev.corral.core.org.OrganizationStore;
import dev.corral.core.ssh.SshKeyStore;
import dev.corral.testkit.contract.SshKeyStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Runs the SSH key store contract on a fresh SQLite file per test. */
class SqliteSshKeyStoreTest extends SshKeyStoreContract {
    @RegisterExtension
    final SqliteFile sqlite = new SqliteFile();

    @Override
    protected SshKeyStore newStore() {
        return new JdbiSshKeyStore(sqlite.database().jdbi());
    }

    @Override
    protected OrganizationStore organizationStore() {
        return new JdbiOrganizationStore(sqlite.database().jdbi());
    }
}
