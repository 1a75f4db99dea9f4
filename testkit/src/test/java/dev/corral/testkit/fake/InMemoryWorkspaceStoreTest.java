package dev.corral.testkit.fake;

import dev.corral.core.org.OrganizationStore;
import dev.corral.core.workspace.WorkspaceStore;
import dev.corral.testkit.contract.WorkspaceStoreContract;

/** Runs the workspace store contract on the in-memory store, which keeps the fake as strict as the real ones. */
class InMemoryWorkspaceStoreTest extends WorkspaceStoreContract {
    @Override
    protected WorkspaceStore newStore() {
        return new InMemoryWorkspaceStore();
    }

    @Override
    protected OrganizationStore organizationStore() {
        return new InMemoryOrganizationStore();
    }
}
