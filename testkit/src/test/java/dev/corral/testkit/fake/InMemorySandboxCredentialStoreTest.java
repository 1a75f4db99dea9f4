package dev.corral.testkit.fake;

import dev.corral.core.org.OrganizationStore;
import dev.corral.core.sandbox.SandboxStore;
import dev.corral.core.ssh.SandboxCredentialStore;
import dev.corral.testkit.contract.SandboxCredentialStoreContract;

/** Runs the sandbox credential store contract on the in-memory store, which keeps the fake as strict as the real ones. */
class InMemorySandboxCredentialStoreTest extends SandboxCredentialStoreContract {
    @Override
    protected SandboxCredentialStore newStore() {
        return new InMemorySandboxCredentialStore();
    }

    @Override
    protected SandboxStore sandboxStore() {
        return new InMemorySandboxStore();
    }

    @Override
    protected OrganizationStore organizationStore() {
        return new InMemoryOrganizationStore();
    }
}
