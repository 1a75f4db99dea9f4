package dev.corral.store;

import dev.corral.core.org.OrganizationStore;
import dev.corral.core.sandbox.SandboxStore;
import dev.corral.core.ssh.SandboxCredentialStore;
import dev.corral.testkit.contract.SandboxCredentialStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Runs the sandbox credential store contract on a fresh SQLite file per test. */
class SqliteSandboxCredentialStoreTest extends SandboxCredentialStoreContract {
    @RegisterExtension
    final SqliteFile sqlite = new SqliteFile();

    @Override
    protected SandboxCredentialStore newStore() {
        return new JdbiSandboxCredentialStore(sqlite.database().jdbi());
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
