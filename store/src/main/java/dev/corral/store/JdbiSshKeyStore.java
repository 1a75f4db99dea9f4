package dev.corral.store;

import dev.corral.core.org.OrganizationId;
import dev.corral.core.page.Cursor;
import dev.corral.core.page.Page;
import dev.corral.core.page.PageRequest;
import dev.corral.core.ssh.SshKey;
import dev.corral.core.ssh.SshKeyId;
import dev.corral.core.ssh.SshKeyStore;
import dev.corral.core.ssh.SshPublicKey;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * The {@link SshKeyStore} kept in the {@code ssh_keys} table, each key as its {@code authorized_keys} line.
 * Safe for concurrent use.
 */
public final class JdbiSshKeyStore implements SshKeyStore {
    private static final String SELECT = """
            SELECT id, organization_id, name, public_key, fingerprint, created_at
            FROM ssh_keys
            """;

    private final Jdbi jdbi;

    public JdbiSshKeyStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public void insert(SshKey key) {
        UniqueViolation.asConflict(() -> jdbi.useHandle(handle -> handle.createUpdate("""
                        INSERT INTO ssh_keys (id, organization_id, name, public_key, fingerprint, created_at)
                        VALUES (:id, :org, :name, :publicKey, :fingerprint, :createdAt)""")
                .bind("id", key.id().toString())
                .bind("org", key.organizationId().toString())
                .bind("name", key.name())
                .bind("publicKey", key.publicKey().openSsh())
                .bind("fingerprint", key.fingerprint())
                .bind("createdAt", key.createdAt().toEpochMilli())
                .execute()),
                () -> "This organization has registered this SSH key already");
    }

    @Override
    public Optional<SshKey> find(OrganizationId organizationId, SshKeyId id) {
        return jdbi.withHandle(handle -> handle.createQuery(SELECT + "WHERE organization_id = :org AND id = :id")
                .bind("org", organizationId.toString())
                .bind("id", id.toString())
                .map(JdbiSshKeyStore::sshKey)
                .findOne());
    }

    @Override
    public Page<SshKey> list(OrganizationId organizationId, PageRequest page) {
        return NewestFirst.page(jdbi, SELECT, organizationId, page, JdbiSshKeyStore::sshKey,
                key -> new Cursor(key.createdAt(), key.id().toString()));
    }

    @Override
    public List<SshKey> findByFingerprint(String fingerprint) {
        return jdbi.withHandle(handle -> handle.createQuery(SELECT + "WHERE fingerprint = :fingerprint")
                .bind("fingerprint", fingerprint)
                .map(JdbiSshKeyStore::sshKey)
                .list());
    }

    @Override
    public int count(OrganizationId organizationId) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT COUNT(*) FROM ssh_keys WHERE organization_id = :org")
                .bind("org", organizationId.toString())
                .mapTo(Integer.class)
                .one());
    }

    @Override
    public boolean delete(OrganizationId organizationId, SshKeyId id) {
        return jdbi.withHandle(handle -> handle.createUpdate(
                        "DELETE FROM ssh_keys WHERE organization_id = :org AND id = :id")
                .bind("org", organizationId.toString())
                .bind("id", id.toString())
                .execute()) > 0;
    }

    private static SshKey sshKey(ResultSet row, StatementContext context) throws SQLException {
        return new SshKey(
                SshKeyId.parse(row.getString("id")),
                OrganizationId.parse(row.getString("organization_id")),
                row.getString("name"),
                SshPublicKey.parse("public_key", row.getString("public_key")),
                row.getString("fingerprint"),
                EpochMillis.read(row, "created_at"));
    }
}
