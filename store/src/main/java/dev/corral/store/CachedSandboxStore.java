package dev.corral.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.corral.core.org.OrganizationId;
import dev.corral.core.page.Page;
import dev.corral.core.page.PageRequest;
import dev.corral.core.sandbox.Sandbox;
import dev.corral.core.sandbox.SandboxFilter;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.SandboxStore;
import dev.corral.core.workspace.WorkspaceId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A {@link SandboxStore} that answers {@link #find} from memory after the first read of each sandbox, for a store
 * that only this server writes: SQLite, one file of one server. Every request naming a sandbox reads it, and
 * SQLite's single connection made those reads queue behind each other; here they do not reach it. Every write
 * through this store drops the sandbox's entry once it is written; a read loading that entry meanwhile is waited
 * for by the drop (Caffeine), so no copy older than the write stays. Never in front of PostgreSQL, where other
 * servers write too.
 *
 * <p>Threading: safe for concurrent use, as the store it wraps.
 */
public final class CachedSandboxStore implements SandboxStore {
    /** Sandboxes kept: far above what one server runs (its plans cap live sandboxes well below). */
    static final int MAX_ENTRIES = 10_000;

    private final SandboxStore store;
    private final Cache<SandboxId, Sandbox> byId = Caffeine.newBuilder().maximumSize(MAX_ENTRIES).build();

    public CachedSandboxStore(SandboxStore store) {
        this.store = store;
    }

    @Override
    public Optional<Sandbox> find(OrganizationId organizationId, SandboxId id) {
        // The store's read is scoped to the organization, so only its own sandbox is ever kept; another
        // organization asking for the same id is filtered out here as the store would.
        return Optional.ofNullable(byId.get(id, key -> store.find(organizationId, key).orElse(null)))
                .filter(sandbox -> sandbox.organizationId().equals(organizationId));
    }

    @Override
    public void insert(Sandbox sandbox) {
        try {
            store.insert(sandbox);
        } finally {
            byId.invalidate(sandbox.id());
        }
    }

    @Override
    public void update(Sandbox sandbox) {
        try {
            store.update(sandbox);
        } finally {
            byId.invalidate(sandbox.id());
        }
    }

    @Override
    public void updateSettings(Sandbox sandbox) {
        try {
            store.updateSettings(sandbox);
        } finally {
            byId.invalidate(sandbox.id());
        }
    }

    @Override
    public void recordActivity(SandboxId id, Instant at) {
        try {
            store.recordActivity(id, at);
        } finally {
            byId.invalidate(id);
        }
    }

    @Override
    public Optional<Sandbox> findByName(OrganizationId organizationId, String name) {
        return store.findByName(organizationId, name);
    }

    @Override
    public Page<Sandbox> list(OrganizationId organizationId, SandboxFilter filter, PageRequest page) {
        return store.list(organizationId, filter, page);
    }

    @Override
    public List<String> sandboxesMounting(OrganizationId organizationId, WorkspaceId workspace) {
        return store.sandboxesMounting(organizationId, workspace);
    }

    @Override
    public int countActive(OrganizationId organizationId) {
        return store.countActive(organizationId);
    }

    @Override
    public int countAllActive() {
        return store.countAllActive();
    }

    @Override
    public List<Sandbox> listActive() {
        return store.listActive();
    }
}
