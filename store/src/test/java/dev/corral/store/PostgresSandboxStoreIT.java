package dev.corral.store;

import dev.corral.core.org.OrganizationStore;
import dev.corral.core.sandbox.SandboxStore;
import dev.corral.testkit.contract.SandboxStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Runs the sandbox store contract on PostgreSQL, in a schema of its own. */
class PostgresSandboxStoreIT extends SandboxStoreContract {
    @RegisterExtension
    static final PostgresSchema POSTGRES = new PostgresSchema();

    @Override
    protected SandboxStore newStore() {
        return new JdbiSandboxStore(POSTGRES.database().jdbi(), SecretBox.withKey(SecretBox.newKey()));
    }

    @Override
    protected OrganizationStore organizationStore() {
        return new JdbiOrganizationStore(POSTGRES.database().jdbi());
    }
}
