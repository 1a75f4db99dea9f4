package dev.corral.store;

import dev.corral.core.key.ApiKeyId;
import dev.corral.core.org.OrganizationId;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.ports.PublicPort;
import dev.corral.core.sandbox.ports.PublicPortStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** The {@link PublicPortStore} kept in the {@code sandbox_public_ports} table. Safe for concurrent use. */
public final class JdbiPublicPortStore implements PublicPortStore {
    private static final String SELECT = """
            SELECT sandbox_id, port, organization_id, key_id, since
            FROM sandbox_public_ports
            """;

    private final Jdbi jdbi;

    public JdbiPublicPortStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public void save(PublicPort port) {
        // ON CONFLICT ... DO UPDATE is the upsert both SQLite and PostgreSQL speak.
        jdbi.useHandle(handle -> handle.createUpdate("""
                        INSERT INTO sandbox_public_ports (sandbox_id, port, organization_id, key_id, since)
                        VALUES (:sandbox, :port, :org, :key, :since)
                        ON CONFLICT (sandbox_id, port) DO UPDATE
                        SET organization_id = :org, key_id = :key, since = :since""")
                .bind("sandbox", port.sandbox().value())
                .bind("port", port.port())
                .bind("org", port.organization().toString())
                .bind("key", port.key().toString())
                .bind("since", port.since().toEpochMilli())
                .execute());
    }

    @Override
    public boolean remove(SandboxId sandbox, int port) {
        return jdbi.withHandle(handle -> handle.createUpdate(
                        "DELETE FROM sandbox_public_ports WHERE sandbox_id = :sandbox AND port = :port")
                .bind("sandbox", sandbox.value())
                .bind("port", port)
                .execute()) > 0;
    }

    @Override
    public Optional<PublicPort> find(SandboxId sandbox, int port) {
        return jdbi.withHandle(handle -> handle.createQuery(SELECT + "WHERE sandbox_id = :sandbox AND port = :port")
                .bind("sandbox", sandbox.value())
                .bind("port", port)
                .map(JdbiPublicPortStore::publicPort)
                .findOne());
    }

    @Override
    public List<PublicPort> list(SandboxId sandbox) {
        return jdbi.withHandle(handle -> handle.createQuery(SELECT + "WHERE sandbox_id = :sandbox ORDER BY port")
                .bind("sandbox", sandbox.value())
                .map(JdbiPublicPortStore::publicPort)
                .list());
    }

    private static PublicPort publicPort(ResultSet row, StatementContext context) throws SQLException {
        return new PublicPort(
                new SandboxId(row.getString("sandbox_id")),
                row.getInt("port"),
                OrganizationId.parse(row.getString("organization_id")),
                ApiKeyId.parse(row.getString("key_id")),
                EpochMillis.read(row, "since"));
    }
}
