package dev.corral.testkit.fake;

import dev.corral.core.org.OrganizationStore;
import dev.corral.testkit.contract.OrganizationStoreContract;

/** Runs the organization store contract on the in-memory store, which keeps the fake as strict as the real ones. */
class InMemoryOrganizationStoreTest extends OrganizationStoreContract {
    @Override
    protected OrganizationStore newStore() {
        return new InMemoryOrganizationStore();
    }
}
