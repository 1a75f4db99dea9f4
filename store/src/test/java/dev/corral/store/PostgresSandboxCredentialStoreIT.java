package dev.corral.store;

import dev.corral.core.org.OrganizationStore;
import dev.corral.core.sandbox.SandboxStore;
import dev.corral.core.ssh.SandboxCredentialStore;
import dev.corral.testkit.contract.SandboxCredentialStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Runs the sandbox credential store contract on PostgreSQL, in a schema of its own. */
class PostgresSandboxCredentialStoreIT extends SandboxCredentialStoreContract {
    @RegisterExtension
    static final PostgresSchema POSTGRES = new PostgresSchema();

    @Override
    protected SandboxCredentialStore newStore() {
        return new JdbiSandboxCredentialStore(POSTGRES.database().jdbi());
    }

    @Override
    protected SandboxStore sandboxStore() {
        return new JdbiSandboxStore(POSTGRES.database().jdbi(), SecretBox.withKey(SecretBox.newKey()));
    }

    @Override
    protected OrganizationStore organizationStore() {
        return new JdbiOrganizationStore(POSTGRES.database().jdbi());
    }
}
