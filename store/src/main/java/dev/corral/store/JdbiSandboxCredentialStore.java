package dev.corral.store;

import dev.corral.core.org.OrganizationId;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.ssh.PasswordHash;
import dev.corral.core.ssh.SandboxCredentialStore;
import dev.corral.core.ssh.SandboxCredentials;
import dev.corral.core.ssh.SshPublicKey;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * The {@link SandboxCredentialStore} kept in the {@code sandbox_ssh_credentials} table: a sandbox's keys as their
 * {@code authorized_keys} lines, one a line, and its password as its {@link PasswordHash#encoded() hash}. Safe
 * for concurrent use.
 */
public final class JdbiSandboxCredentialStore implements SandboxCredentialStore {
    private final Jdbi jdbi;

    public JdbiSandboxCredentialStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public void insert(SandboxCredentials credentials) {
        UniqueViolation.asConflict(() -> jdbi.useHandle(handle -> handle.createUpdate("""
                        INSERT INTO sandbox_ssh_credentials (sandbox_id, organization_id, public_keys, password_hash)
                        VALUES (:sandbox, :org, :keys, :password)""")
                .bind("sandbox", credentials.sandbox().value())
                .bind("org", credentials.organization().toString())
                .bind("keys", credentials.keys().stream().map(SshPublicKey::openSsh).collect(Collectors.joining("\n")))
                .bind("password", credentials.password().map(PasswordHash::encoded).orElse(null))
                .execute()),
                () -> "Sandbox " + credentials.sandbox() + " has its SSH logins already");
    }

    @Override
    public Optional<SandboxCredentials> find(SandboxId sandbox) {
        return jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT sandbox_id, organization_id, public_keys, password_hash
                        FROM sandbox_ssh_credentials WHERE sandbox_id = :sandbox""")
                .bind("sandbox", sandbox.value())
                .map(JdbiSandboxCredentialStore::credentials)
                .findOne());
    }

    private static SandboxCredentials credentials(ResultSet row, StatementContext context) throws SQLException {
        String keys = row.getString("public_keys");
        String password = row.getString("password_hash");
        return new SandboxCredentials(
                new SandboxId(row.getString("sandbox_id")),
                OrganizationId.parse(row.getString("organization_id")),
                keys.isEmpty() ? List.of() : Arrays.stream(keys.split("\n"))
                        .map(line -> SshPublicKey.parse("public_keys", line)).toList(),
                Optional.ofNullable(password).map(PasswordHash::parse));
    }
}
