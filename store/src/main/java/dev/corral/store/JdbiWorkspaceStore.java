package dev.corral.store;

import dev.corral.core.org.OrganizationId;
import dev.corral.core.page.Cursor;
import dev.corral.core.page.Page;
import dev.corral.core.page.PageRequest;
import dev.corral.core.workspace.Workspace;
import dev.corral.core.workspace.WorkspaceId;
import dev.corral.core.workspace.WorkspaceStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** The {@link WorkspaceStore} kept in the {@code workspaces} table. Safe for concurrent use. */
public final class JdbiWorkspaceStore implements WorkspaceStore {
    private static final String SELECT = """
            SELECT id, organization_id, name, slug, quota_bytes, created_at, updated_at
            FROM workspaces
            """;

    private final Jdbi jdbi;

    public JdbiWorkspaceStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public void insert(Workspace workspace) {
        UniqueViolation.asConflict(() -> jdbi.useHandle(handle -> handle.createUpdate("""
                        INSERT INTO workspaces (id, organization_id, name, slug, quota_bytes, created_at,
                                                updated_at)
                        VALUES (:id, :org, :name, :slug, :quotaBytes, :createdAt, :updatedAt)""")
                .bind("id", workspace.id().toString())
                .bind("org", workspace.organizationId().toString())
                .bind("name", workspace.name())
                .bind("slug", workspace.slug())
                .bind("quotaBytes", workspace.quotaBytes())
                .bind("createdAt", workspace.createdAt().toEpochMilli())
                .bind("updatedAt", workspace.updatedAt().toEpochMilli())
                .execute()),
                () -> "A workspace with slug '" + workspace.slug() + "' already exists");
    }

    @Override
    public Optional<Workspace> find(OrganizationId organizationId, WorkspaceId id) {
        return jdbi.withHandle(handle -> handle.createQuery(SELECT + "WHERE organization_id = :org AND id = :id")
                .bind("org", organizationId.toString())
                .bind("id", id.toString())
                .map(JdbiWorkspaceStore::workspace)
                .findOne());
    }

    @Override
    public Optional<Workspace> findBySlug(OrganizationId organizationId, String slug) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        SELECT + "WHERE organization_id = :org AND slug = :slug")
                .bind("org", organizationId.toString())
                .bind("slug", slug)
                .map(JdbiWorkspaceStore::workspace)
                .findOne());
    }

    @Override
    public Page<Workspace> list(OrganizationId organizationId, PageRequest page) {
        return NewestFirst.page(jdbi, SELECT, organizationId, page, JdbiWorkspaceStore::workspace,
                workspace -> new Cursor(workspace.createdAt(), workspace.id().toString()));
    }

    @Override
    public boolean update(Workspace workspace) {
        return jdbi.withHandle(handle -> handle.createUpdate("""
                        UPDATE workspaces SET name = :name, quota_bytes = :quotaBytes, updated_at = :updatedAt
                        WHERE organization_id = :org AND id = :id""")
                .bind("name", workspace.name())
                .bind("quotaBytes", workspace.quotaBytes())
                .bind("updatedAt", workspace.updatedAt().toEpochMilli())
                .bind("org", workspace.organizationId().toString())
                .bind("id", workspace.id().toString())
                .execute()) > 0;
    }

    @Override
    public long totalQuotaBytes(OrganizationId organizationId) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT COALESCE(SUM(quota_bytes), 0) FROM workspaces WHERE organization_id = :org")
                .bind("org", organizationId.toString())
                .mapTo(Long.class)
                .one());
    }

    @Override
    public List<WorkspaceId> allIds() {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT id FROM workspaces ORDER BY id")
                .map((row, context) -> WorkspaceId.parse(row.getString("id")))
                .list());
    }

    @Override
    public boolean delete(OrganizationId organizationId, WorkspaceId id) {
        return jdbi.withHandle(handle -> handle.createUpdate(
                        "DELETE FROM workspaces WHERE organization_id = :org AND id = :id")
                .bind("org", organizationId.toString())
                .bind("id", id.toString())
                .execute()) > 0;
    }

    private static Workspace workspace(ResultSet row, StatementContext context) throws SQLException {
        return new Workspace(
                WorkspaceId.parse(row.getString("id")),
                OrganizationId.parse(row.getString("organization_id")),
                row.getString("name"),
                row.getString("slug"),
                row.getLong("quota_bytes"),
                EpochMillis.read(row, "created_at"),
                EpochMillis.read(row, "updated_at"));
    }
}
