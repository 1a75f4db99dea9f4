package dev.corral.store;

import dev.corral.core.key.ApiKey;
import dev.corral.core.key.ApiKeyId;
import dev.corral.core.key.ApiKeyStore;
import dev.corral.core.key.Scope;
import dev.corral.core.org.OrganizationId;
import dev.corral.core.page.Cursor;
import dev.corral.core.page.Page;
import dev.corral.core.page.PageRequest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * The {@link ApiKeyStore} kept in the {@code api_keys} table, scopes as one space-separated column. Safe for
 * concurrent use.
 */
public final class JdbiApiKeyStore implements ApiKeyStore {
    private static final String SELECT = """
            SELECT id, organization_id, name, prefix, hash, scopes, test, expires_at, last_used_at, revoked_at,
                   created_at
            FROM api_keys
            """;

    private final Jdbi jdbi;

    public JdbiApiKeyStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Stores a new key; {@code conflict} when a key with the same hash exists. */
    @Override
    public void insert(ApiKey key) {
        UniqueViolation.asConflict(() -> jdbi.useHandle(handle -> handle.createUpdate("""
                        INSERT INTO api_keys (id, organization_id, name, prefix, hash, scopes, test, expires_at,
                                              last_used_at, revoked_at, created_at)
                        VALUES (:id, :org, :name, :prefix, :hash, :scopes, :test, :expiresAt, :lastUsedAt,
                                :revokedAt, :createdAt)""")
                .bind("id", key.id().toString())
                .bind("org", key.organizationId().toString())
                .bind("name", key.name())
                .bind("prefix", key.prefix())
                .bind("hash", key.hash())
                .bind("scopes", scopesColumn(key.scopes()))
                .bind("test", key.test())
                .bind("expiresAt", EpochMillis.orNull(key.expiresAt()))
                .bind("lastUsedAt", EpochMillis.orNull(key.lastUsedAt()))
                .bind("revokedAt", EpochMillis.orNull(key.revokedAt()))
                .bind("createdAt", key.createdAt().toEpochMilli())
                .execute()),
                () -> "An API key with the same secret already exists");
    }

    @Override
    public Optional<ApiKey> find(OrganizationId organizationId, ApiKeyId id) {
        return jdbi.withHandle(handle -> handle.createQuery(SELECT + "WHERE organization_id = :org AND id = :id")
                .bind("org", organizationId.toString())
                .bind("id", id.toString())
                .map(JdbiApiKeyStore::apiKey)
                .findOne());
    }

    @Override
    public Optional<ApiKey> findByHash(String sha256) {
        return jdbi.withHandle(handle -> handle.createQuery(SELECT + "WHERE hash = :hash")
                .bind("hash", sha256)
                .map(JdbiApiKeyStore::apiKey)
                .findOne());
    }

    @Override
    public Page<ApiKey> list(OrganizationId organizationId, PageRequest page) {
        return NewestFirst.page(jdbi, SELECT, organizationId, page, JdbiApiKeyStore::apiKey,
                key -> new Cursor(key.createdAt(), key.id().toString()));
    }

    @Override
    public boolean update(OrganizationId organizationId, ApiKeyId id, String name, List<Scope> scopes) {
        return jdbi.withHandle(handle -> handle.createUpdate("""
                        UPDATE api_keys SET name = :name, scopes = :scopes
                        WHERE organization_id = :org AND id = :id""")
                .bind("name", name)
                .bind("scopes", scopesColumn(scopes))
                .bind("org", organizationId.toString())
                .bind("id", id.toString())
                .execute()) > 0;
    }

    @Override
    public boolean revoke(OrganizationId organizationId, ApiKeyId id, Instant at) {
        // COALESCE keeps the first revocation time, and the row still counts as matched, so the answer says only
        // whether the key exists.
        return jdbi.withHandle(handle -> handle.createUpdate("""
                        UPDATE api_keys SET revoked_at = COALESCE(revoked_at, :at)
                        WHERE organization_id = :org AND id = :id""")
                .bind("at", at.toEpochMilli())
                .bind("org", organizationId.toString())
                .bind("id", id.toString())
                .execute()) > 0;
    }

    @Override
    public void recordLastUsed(Map<ApiKeyId, Instant> lastUsed) {
        if (lastUsed.isEmpty()) {
            return;
        }
        // Sorted so that concurrent batches lock rows in the same order and cannot deadlock each other.
        List<Map.Entry<ApiKeyId, Instant>> entries = lastUsed.entrySet().stream()
                .sorted(Map.Entry.comparingByKey(Comparator.comparing(ApiKeyId::value)))
                .toList();
        jdbi.useTransaction(handle -> {
            PreparedBatch batch = handle.prepareBatch("""
                    UPDATE api_keys SET last_used_at = :at
                    WHERE id = :id AND (last_used_at IS NULL OR last_used_at < :at)""");
            for (Map.Entry<ApiKeyId, Instant> entry : entries) {
                batch.bind("id", entry.getKey().toString()).bind("at", entry.getValue().toEpochMilli()).add();
            }
            batch.execute();
        });
    }

    private static ApiKey apiKey(ResultSet row, StatementContext context) throws SQLException {
        return new ApiKey(
                ApiKeyId.parse(row.getString("id")),
                OrganizationId.parse(row.getString("organization_id")),
                row.getString("name"),
                row.getString("prefix"),
                row.getString("hash"),
                scopes(row.getString("scopes")),
                row.getBoolean("test"),
                EpochMillis.readOptional(row, "expires_at"),
                EpochMillis.readOptional(row, "last_used_at"),
                EpochMillis.readOptional(row, "revoked_at"),
                EpochMillis.read(row, "created_at"));
    }

    private static String scopesColumn(List<Scope> scopes) {
        return scopes.stream().map(Scope::value).collect(Collectors.joining(" "));
    }

    private static List<Scope> scopes(String column) {
        return column.isEmpty() ? List.of() : Arrays.stream(column.split(" ")).map(Scope::new).toList();
    }
}
