package dev.corral.store;

import dev.corral.core.org.OrganizationId;
import dev.corral.core.page.Cursor;
import dev.corral.core.page.Page;
import dev.corral.core.page.PageRequest;
import dev.corral.core.sandbox.Resources;
import dev.corral.core.sandbox.Sandbox;
import dev.corral.core.workspace.WorkspaceId;
import dev.corral.core.sandbox.SandboxFilter;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.SandboxNetwork;
import dev.corral.core.sandbox.SandboxStatus;
import dev.corral.core.sandbox.SandboxStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * The {@link SandboxStore} kept in the {@code sandboxes} table and its child tables (see
 * {@link SandboxChildTables}). Safe for concurrent use.
 *
 * <p>The rule that a live sandbox's name is unique in its organization is the partial unique index
 * {@code sandboxes_live_name}, so concurrent inserts cannot both take a name. The predicates below that say
 * "live" and "active" repeat those of the indexes literally, which lets both planners use them.
 */
public final class JdbiSandboxStore implements SandboxStore {
    private static final String SELECT = """
            SELECT id, organization_id, name, template, status, vcpus, memory_bytes, disk_bytes, pids,
                   idle_timeout_seconds, max_runtime_seconds, error, created_at, last_activity_at, paused_at,
                   stopped_at, hibernated, network
            FROM sandboxes""";
    private static final String LIVE = "status NOT IN ('stopped', 'failed')";
    private static final String ACTIVE = "status IN ('creating', 'running', 'paused')";

    private final Jdbi jdbi;
    private final SecretBox secrets;

    /** A store that seals environment values with {@code secrets} (see {@link SecretBox}). */
    public JdbiSandboxStore(Jdbi jdbi, SecretBox secrets) {
        this.jdbi = jdbi;
        this.secrets = secrets;
    }

    /**
     * Seals the environment values stored before they were encrypted; run once at start, before serving.
     *
     * @return how many it sealed
     * @throws IllegalStateException when the values sealed before do not open with this store's key
     */
    public int sealPlaintextEnv() {
        return jdbi.inTransaction(handle -> SandboxChildTables.sealPlaintextEnv(handle, secrets));
    }

    @Override
    public void insert(Sandbox sandbox) {
        UniqueViolation.asConflict(() -> jdbi.useTransaction(handle -> {
            handle.createUpdate("""
                            INSERT INTO sandboxes (id, organization_id, name, template, status, vcpus, memory_bytes,
                                                   disk_bytes, pids, idle_timeout_seconds, max_runtime_seconds,
                                                   error, created_at, last_activity_at, paused_at, stopped_at,
                                                   hibernated, network)
                            VALUES (:id, :org, :name, :template, :status, :vcpus, :memoryBytes, :diskBytes, :pids,
                                    :idleTimeoutSeconds, :maxRuntimeSeconds, :error, :createdAt, :lastActivityAt,
                                    :pausedAt, :stoppedAt, :hibernated, :network)""")
                    .bind("id", sandbox.id().toString())
                    .bind("org", sandbox.organizationId().toString())
                    .bind("name", sandbox.name().orElse(null))
                    .bind("template", sandbox.template())
                    .bind("status", sandbox.status().wire())
                    .bind("vcpus", sandbox.resources().vcpus())
                    .bind("memoryBytes", sandbox.resources().memoryBytes())
                    .bind("diskBytes", sandbox.resources().diskBytes())
                    .bind("pids", sandbox.resources().pids())
                    .bind("idleTimeoutSeconds", sandbox.idleTimeout().toSeconds())
                    .bind("maxRuntimeSeconds", sandbox.maxRuntime().toSeconds())
                    .bind("error", sandbox.error().orElse(null))
                    .bind("createdAt", sandbox.createdAt().toEpochMilli())
                    .bind("lastActivityAt", sandbox.lastActivity().toEpochMilli())
                    .bind("pausedAt", EpochMillis.orNull(sandbox.pausedAt()))
                    .bind("stoppedAt", EpochMillis.orNull(sandbox.stoppedAt()))
                    .bind("hibernated", sandbox.hibernated())
                    .bind("network", sandbox.network().toText())
                    .execute();
            SandboxChildTables.insert(handle, sandbox, secrets);
        }), () -> nameTaken(sandbox));
    }

    private static String nameTaken(Sandbox sandbox) {
        return sandbox.name()
                .map(name -> "A sandbox named '" + name + "' already exists")
                .orElse("Sandbox '" + sandbox.id() + "' already exists");
    }

    @Override
    public Optional<Sandbox> find(OrganizationId organizationId, SandboxId id) {
        return jdbi.withHandle(handle -> sandboxes(handle, handle
                .createQuery(SELECT + " WHERE organization_id = :org AND id = :id")
                .bind("org", organizationId.toString())
                .bind("id", id.toString())))
                .stream().findFirst();
    }

    @Override
    public Optional<Sandbox> findByName(OrganizationId organizationId, String name) {
        return jdbi.withHandle(handle -> sandboxes(handle, handle
                .createQuery(SELECT + " WHERE organization_id = :org AND name = :name AND " + LIVE
                        + " ORDER BY created_at DESC, id DESC LIMIT 1")
                .bind("org", organizationId.toString())
                .bind("name", name)))
                .stream().findFirst();
    }

    @Override
    public Page<Sandbox> list(OrganizationId organizationId, SandboxFilter filter, PageRequest page) {
        List<Sandbox> rows = jdbi.withHandle(handle -> sandboxes(handle,
                SandboxListQuery.prepare(handle, SELECT, organizationId, filter, page)));
        return Page.fromOverfetch(rows, page, sandbox -> new Cursor(sandbox.createdAt(), sandbox.id().toString()));
    }

    @Override
    public int countActive(OrganizationId organizationId) {
        return jdbi.withHandle(handle -> handle
                .createQuery("SELECT COUNT(*) FROM sandboxes WHERE organization_id = :org AND " + ACTIVE)
                .bind("org", organizationId.toString())
                .mapTo(Integer.class)
                .one());
    }

    @Override
    public int countAllActive() {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM sandboxes WHERE " + ACTIVE)
                .mapTo(Integer.class)
                .one());
    }

    @Override
    public List<String> sandboxesMounting(OrganizationId organizationId, WorkspaceId workspace) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT DISTINCT sandboxes.id FROM sandboxes"
                        + " JOIN sandbox_mounts m ON m.sandbox_id = sandboxes.id"
                        + " WHERE m.workspace_id = :workspace AND organization_id = :org AND " + ACTIVE
                        + " ORDER BY sandboxes.id")
                .bind("workspace", workspace.toString())
                .bind("org", organizationId.toString())
                .mapTo(String.class)
                .list());
    }

    @Override
    public List<Sandbox> listActive() {
        return jdbi.withHandle(handle -> sandboxes(handle, handle.createQuery(SELECT + " WHERE " + ACTIVE)));
    }

    @Override
    public void update(Sandbox sandbox) {
        jdbi.useHandle(handle -> handle.createUpdate("""
                        UPDATE sandboxes
                        SET status = :status, error = :error,
                            last_activity_at = CASE WHEN last_activity_at < :lastActivityAt
                                THEN :lastActivityAt ELSE last_activity_at END,
                            paused_at = :pausedAt, stopped_at = :stoppedAt, hibernated = :hibernated
                        WHERE organization_id = :org AND id = :id""")
                .bind("status", sandbox.status().wire())
                .bind("error", sandbox.error().orElse(null))
                .bind("lastActivityAt", sandbox.lastActivity().toEpochMilli())
                .bind("pausedAt", EpochMillis.orNull(sandbox.pausedAt()))
                .bind("stoppedAt", EpochMillis.orNull(sandbox.stoppedAt()))
                .bind("hibernated", sandbox.hibernated())
                .bind("org", sandbox.organizationId().toString())
                .bind("id", sandbox.id().toString())
                .execute());
    }

    @Override
    public void updateSettings(Sandbox sandbox) {
        UniqueViolation.asConflict(() -> jdbi.useTransaction(handle -> {
            int changed = handle.createUpdate("""
                            UPDATE sandboxes
                            SET name = :name, idle_timeout_seconds = :idleTimeoutSeconds,
                                max_runtime_seconds = :maxRuntimeSeconds, network = :network
                            WHERE organization_id = :org AND id = :id""")
                    .bind("name", sandbox.name().orElse(null))
                    .bind("network", sandbox.network().toText())
                    .bind("idleTimeoutSeconds", sandbox.idleTimeout().toSeconds())
                    .bind("maxRuntimeSeconds", sandbox.maxRuntime().toSeconds())
                    .bind("org", sandbox.organizationId().toString())
                    .bind("id", sandbox.id().toString())
                    .execute();
            if (changed == 1) {
                SandboxChildTables.replaceLabels(handle, sandbox);
            }
        }), () -> nameTaken(sandbox));
    }

    @Override
    public void recordActivity(SandboxId id, Instant at) {
        jdbi.useHandle(handle -> handle.createUpdate("""
                        UPDATE sandboxes SET last_activity_at = :at
                        WHERE id = :id AND last_activity_at < :at""")
                .bind("at", at.toEpochMilli())
                .bind("id", id.toString())
                .execute());
    }

    /** The sandboxes {@code query} selects, with their tags, metadata and environment. */
    private List<Sandbox> sandboxes(Handle handle, Query query) {
        return SandboxChildTables.attach(handle, query.map(JdbiSandboxStore::withoutChildren).list(), secrets);
    }

    /** The sandbox in {@code row}, its tags, metadata and environment still empty. */
    private static Sandbox withoutChildren(ResultSet row, StatementContext context) throws SQLException {
        return new Sandbox(
                new SandboxId(row.getString("id")),
                OrganizationId.parse(row.getString("organization_id")),
                Optional.ofNullable(row.getString("name")),
                row.getString("template"),
                SandboxStatus.valueOf(row.getString("status").toUpperCase(Locale.ROOT)),
                List.of(),
                Map.of(),
                Map.of(),
                List.of(),
                new Resources(row.getInt("vcpus"), row.getLong("memory_bytes"), row.getLong("disk_bytes"),
                        row.getInt("pids")),
                Duration.ofSeconds(row.getLong("idle_timeout_seconds")),
                Duration.ofSeconds(row.getLong("max_runtime_seconds")),
                Optional.ofNullable(row.getString("error")),
                EpochMillis.read(row, "created_at"),
                EpochMillis.read(row, "last_activity_at"),
                EpochMillis.readOptional(row, "paused_at"),
                EpochMillis.readOptional(row, "stopped_at"),
                row.getBoolean("hibernated"),
                network(row.getString("id"), row.getString("network")));
    }

    private static SandboxNetwork network(String id, String text) {
        try {
            return SandboxNetwork.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("sandbox " + id + " has an unknown network: " + text, e);
        }
    }
}
