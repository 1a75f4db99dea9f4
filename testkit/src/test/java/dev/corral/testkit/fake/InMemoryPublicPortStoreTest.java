package dev.corral.testkit.fake;

import dev.corral.core.org.OrganizationStore;
import dev.corral.core.sandbox.SandboxStore;
import dev.corral.core.sandbox.ports.PublicPortStore;
import dev.corral.testkit.contract.PublicPortStoreContract;

/** Runs the public port store contract on the in-memory store, which keeps the fake as strict as the real ones. */
class InMemoryPublicPortStoreTest extends PublicPortStoreContract {
    @Override
    protected PublicPortStore newStore() {
        return new InMemoryPublicPortStore();
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
