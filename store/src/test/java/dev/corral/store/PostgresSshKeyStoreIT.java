package dev.corral.store;

import dev.corral.core.org.OrganizationStore;
import dev.corral.core.ssh.SshKeyStore;
import dev.corral.testkit.contract.SshKeyStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Runs the SSH key store contract on PostgreSQL, in a schema of its own. */
class PostgresSshKeyStoreIT extends SshKeyStoreContract {
    @RegisterExtension
    static final PostgresSchema POSTGRES = new PostgresSchema();

    @Override
    protected SshKeyStore newStore() {
        return new JdbiSshKeyStore(POSTGRES.database().jdbi());
    }

    @Override
    protected OrganizationStore organizationStore() {
        return new JdbiOrganizationStore(POSTGRES.database().jdbi());
    }
}
