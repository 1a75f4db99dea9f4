package dev.corral.store;

import dev.corral.core.org.Organization;
import dev.corral.core.org.OrganizationId;
import dev.corral.core.org.OrganizationStore;
import dev.corral.core.org.Tier;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** The {@link OrganizationStore} kept in the {@code organizations} table. Safe for concurrent use. */
public final class JdbiOrganizationStore implements OrganizationStore {
    private static final String SELECT = "SELECT id, name, slug, tier, operator, created_at FROM organizations";

    private final Jdbi jdbi;

    public JdbiOrganizationStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public void insert(Organization organization) {
        UniqueViolation.asConflict(() -> jdbi.useHandle(handle -> handle.createUpdate("""
                        INSERT INTO organizations (id, name, slug, tier, operator, created_at)
                        VALUES (:id, :name, :slug, :tier, :operator, :createdAt)""")
                .bind("id", organization.id().toString())
                .bind("name", organization.name())
                .bind("slug", organization.slug())
                .bind("tier", organization.tier().wire())
                .bind("operator", organization.operator())
                .bind("createdAt", organization.createdAt().toEpochMilli())
                .execute()),
                () -> "An organization with slug '" + organization.slug() + "' already exists");
    }

    @Override
    public Optional<Organization> find(OrganizationId id) {
        return jdbi.withHandle(handle -> handle.createQuery(SELECT + " WHERE id = :id")
                .bind("id", id.toString())
                .map(JdbiOrganizationStore::organization)
                .findOne());
    }

    @Override
    public Optional<Organization> findBySlug(String slug) {
        return jdbi.withHandle(handle -> handle.createQuery(SELECT + " WHERE slug = :slug")
                .bind("slug", slug)
                .map(JdbiOrganizationStore::organization)
                .findOne());
    }

    @Override
    public void updateTier(OrganizationId id, Tier tier) {
        jdbi.useHandle(handle -> handle.createUpdate("UPDATE organizations SET tier = :tier WHERE id = :id")
                .bind("tier", tier.wire())
                .bind("id", id.toString())
                .execute());
    }

    private static Organization organization(ResultSet row, StatementContext context) throws SQLException {
        return new Organization(
                OrganizationId.parse(row.getString("id")),
                row.getString("name"),
                row.getString("slug"),
                Tier.valueOf(row.getString("tier").toUpperCase(Locale.ROOT)),
                row.getBoolean("operator"),
                EpochMillis.read(row, "created_at"));
    }
}
