package dev.corral.testkit.fake;

import dev.corral.core.error.CorralException;
import dev.corral.core.org.OrganizationId;
import dev.corral.core.page.Page;
import dev.corral.core.page.PageRequest;
import dev.corral.core.workspace.Workspace;
import dev.corral.core.workspace.WorkspaceId;
import dev.corral.core.workspace.WorkspaceStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link WorkspaceStore} in a map, for unit tests; it passes the same contract as the database stores.
 *
 * <p>Threading: safe for concurrent use; writes hold one lock so that two inserts cannot both take a slug.
 */
public final class InMemoryWorkspaceStore implements WorkspaceStore {
    private final ConcurrentHashMap<WorkspaceId, Workspace> byId = new ConcurrentHashMap<>();
    private final WriteLock writes = new WriteLock();

    @Override
    public void insert(Workspace workspace) {
        writes.run(() -> {
            if (byId.containsKey(workspace.id())
                    || findBySlug(workspace.organizationId(), workspace.slug()).isPresent()) {
                throw CorralException.conflict("A workspace with slug '" + workspace.slug() + "' already exists");
            }
            byId.put(workspace.id(), workspace);
        });
    }

    @Override
    public Optional<Workspace> find(OrganizationId organizationId, WorkspaceId id) {
        return Optional.ofNullable(byId.get(id)).filter(workspace -> workspace.organizationId().equals(organizationId));
    }

    @Override
    public Optional<Workspace> findBySlug(OrganizationId organizationId, String slug) {
        return byId.values().stream()
                .filter(workspace -> workspace.organizationId().equals(organizationId)
                        && workspace.slug().equals(slug))
                .findFirst();
    }

    @Override
    public Page<Workspace> list(OrganizationId organizationId, PageRequest page) {
        return NewestFirstPages.page(byId.values().stream()
                        .filter(workspace -> workspace.organizationId().equals(organizationId)),
                page, Workspace::createdAt, workspace -> workspace.id().toString());
    }

    @Override
    public boolean update(Workspace workspace) {
        return writes.call(() -> {
            Optional<Workspace> found = find(workspace.organizationId(), workspace.id());
            found.ifPresent(stored -> byId.put(stored.id(), stored.withChanges(workspace.name(),
                    workspace.quotaBytes(), workspace.updatedAt())));
            return found.isPresent();
        });
    }

    @Override
    public long totalQuotaBytes(OrganizationId organizationId) {
        return byId.values().stream().filter(workspace -> workspace.organizationId().equals(organizationId))
                .mapToLong(Workspace::quotaBytes).sum();
    }

    @Override
    public List<WorkspaceId> allIds() {
        return List.copyOf(byId.keySet());
    }

    @Override
    public boolean delete(OrganizationId organizationId, WorkspaceId id) {
        return writes.call(() -> find(organizationId, id).map(workspace -> byId.remove(id) != null).orElse(false));
    }
}
