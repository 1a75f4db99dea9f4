package dev.corral.testkit.fake;

import dev.corral.core.org.OrganizationStore;
import dev.corral.core.ssh.SshKeyStore;
import dev.corral.testkit.contract.SshKeyStoreContract;

/** Runs the SSH key store contract on the in-memory store, which keeps the fake as strict as the real ones. */
class InMemorySshKeyStoreTest extends SshKeyStoreContract {
    @Override
    protected SshKeyStore newStore() {
        return new InMemorySshKeyStore();
    }

    @Override
    protected OrganizationStore organizationStore() {
        return new InMemoryOrganizationStore();
    }
}
