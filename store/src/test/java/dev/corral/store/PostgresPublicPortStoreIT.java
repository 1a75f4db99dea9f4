package dev.corral.store;

import dev.corral.core.org.OrganizationStore;
import dev.corral.core.sandbox.SandboxStore;
import dev.corral.core.sandbox.ports.PublicPortStore;
import dev.corral.testkit.contract.PublicPortStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Runs the public port store contract on PostgreSQL, in a schema of its own. */
class PostgresPublicPortStoreIT extends PublicPortStoreContract {
    @RegisterExtension
    static final PostgresSchema POSTGRES = new PostgresSchema();

    @Override
    protected PublicPortStore newStore() {
        return new JdbiPublicPortStore(POSTGRES.database().jdbi());
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
