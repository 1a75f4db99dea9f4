package dev.corral.testkit.fake;

import dev.corral.core.org.OrganizationStore;
import dev.corral.core.sandbox.SandboxStore;
import dev.corral.testkit.contract.SandboxStoreContract;

/** Runs the sandbox store contract on the in-memory store, which keeps the fake as strict as the real ones. */
class InMemorySandboxStoreTest extends SandboxStoreContract {
    @Override
    protected SandboxStore newStore() {
        return new InMemorySandboxStore();
    }

    @Override
    protected OrganizationStore organizationStore() {
        return new InMemoryOrganizationStore();
    }
}
