package dev.corral.testkit.fake;

import dev.corral.core.org.OrganizationStore;
import dev.corral.core.key.ApiKeyStore;
import dev.corral.testkit.contract.ApiKeyStoreContract;

/** Runs the API key store contract on the in-memory store, which keeps the fake as strict as the real ones. */
class InMemoryApiKeyStoreTest extends ApiKeyStoreContract {
    @Override
    protected ApiKeyStore newStore() {
        return new InMemoryApiKeyStore();
    }

    @Override
    protected OrganizationStore organizationStore() {
        return new InMemoryOrganizationStore();
    }
}
