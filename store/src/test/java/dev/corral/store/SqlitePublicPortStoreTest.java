package dev.corral.store;

import dev.corral.core.org.OrganizationStore;
import dev.corral.core.sandbox.SandboxStore;
import dev.corral.core.sandbox.ports.PublicPortStore;
import dev.corral.testkit.contract.PublicPortStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Runs the public port store contract on a fresh SQLite file per test. */
class SqlitePublicPortStoreTest extends PublicPortStoreContract {
    @RegisterExtension
    final SqliteFile sqlite = new SqliteFile();

    @Override
    protected PublicPortStore newStore() {
        return new JdbiPublicPortStore(sqlite.database().jdbi());
    }

    @Override
    protected SandboxStore sandboxStore() {
        return new JdbiSandboxStore(sqlite.database().jdbi(), SecretBox.withKey(SecretBox.newKey()));
    }

    @Override
    protected OrganizationStore organizationStore() {
        return new JdbiOrganizationStore(sqlite.database().jdbi());
    }
}
