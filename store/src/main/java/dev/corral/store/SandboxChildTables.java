package dev.corral.store;

import dev.corral.core.sandbox.Sandbox;
import dev.corral.core.sandbox.WorkspaceMount;
import dev.corral.core.workspace.WorkspaceId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * A sandbox's tags, metadata, environment and mounts, kept as rows of {@code sandbox_tags}, {@code
 * sandbox_metadata}, {@code sandbox_env} and {@code sandbox_mounts}: written with the sandbox (tags and metadata
 * replaced whole when its settings change), and read for many sandboxes at once in one query, so that a page costs
 * the same two queries however long it is. Environment values are kept sealed by a {@link SecretBox}, bound to
 * their sandbox and name.
 */
final class SandboxChildTables {
    /** Ids per read (each bound four times): far below the bind-parameter limits of both dialects. */
    private static final int IDS_PER_QUERY = 500;
    /**
     * The four child tables in one statement (one round trip per page instead of four), each row tagged with its
     * kind; tags and mounts in the order they were given. A mount stored before V6 has no reference: it was named
     * by the id it shows.
     */
    private static final String CHILDREN = """
            SELECT sandbox_id, 't' AS kind, position, tag AS name, NULL AS value, FALSE AS read_only,
                   NULL AS reference
            FROM sandbox_tags WHERE sandbox_id IN (<ids>)
            UNION ALL
            SELECT sandbox_id, 'm', 0, key, value, FALSE, NULL FROM sandbox_metadata WHERE sandbox_id IN (<ids>)
            UNION ALL
            SELECT sandbox_id, 'e', 0, name, value, FALSE, NULL FROM sandbox_env WHERE sandbox_id IN (<ids>)
            UNION ALL
            SELECT sandbox_id, 'w', position, workspace_id, path, read_only, COALESCE(workspace_ref, workspace_id)
            FROM sandbox_mounts WHERE sandbox_id IN (<ids>)
            ORDER BY sandbox_id, kind, position""";

    private SandboxChildTables() {
    }

    /** Writes the child rows of {@code sandbox}; the caller's transaction makes them one write with its row. */
    static void insert(Handle handle, Sandbox sandbox, SecretBox secrets) {
        String id = sandbox.id().toString();
        insertLabels(handle, sandbox);
        Map<String, String> sealed = new HashMap<>();
        sandbox.env().forEach((name, value) -> sealed.put(name, secrets.seal(value, envPlace(id, name))));
        insertPairs(handle, "INSERT INTO sandbox_env (sandbox_id, name, value) VALUES (:id, :name, :value)",
                id, sealed);
        if (!sandbox.mounts().isEmpty()) {
            PreparedBatch batch = handle.prepareBatch("INSERT INTO sandbox_mounts (sandbox_id, position, "
                    + "workspace_id, path, read_only, workspace_ref) "
                    + "VALUES (:id, :position, :workspace, :path, :readOnly, :reference)");
            for (int position = 0; position < sandbox.mounts().size(); position++) {
                WorkspaceMount mount = sandbox.mounts().get(position);
                batch.bind("id", id).bind("position", position).bind("workspace", mount.workspaceId().toString())
                        .bind("path", mount.path()).bind("readOnly", mount.readOnly())
                        .bind("reference", mount.reference()).add();
            }
            batch.execute();
        }
    }

    /** Replaces the tags and metadata of {@code sandbox} with its own; in the caller's transaction. */
    static void replaceLabels(Handle handle, Sandbox sandbox) {
        for (String table : List.of("sandbox_tags", "sandbox_metadata")) {
            handle.createUpdate("DELETE FROM " + table + " WHERE sandbox_id = :id")
                    .bind("id", sandbox.id().toString()).execute();
        }
        insertLabels(handle, sandbox);
    }

    private static void insertLabels(Handle handle, Sandbox sandbox) {
        String id = sandbox.id().toString();
        if (!sandbox.tags().isEmpty()) {
            PreparedBatch batch = handle.prepareBatch(
                    "INSERT INTO sandbox_tags (sandbox_id, position, tag) VALUES (:id, :position, :tag)");
            for (int position = 0; position < sandbox.tags().size(); position++) {
                batch.bind("id", id).bind("position", position).bind("tag", sandbox.tags().get(position)).add();
            }
            batch.execute();
        }
        insertPairs(handle, "INSERT INTO sandbox_metadata (sandbox_id, key, value) VALUES (:id, :name, :value)",
                id, sandbox.metadata());
    }

    /**
     * {@code sandboxes}, read from their own table with no tags, metadata or environment, completed with them.
     * Runs without a transaction with that read: a read racing a settings change may show the new tags and
     * metadata with the row as it was before; the next read is whole.
     */
    static List<Sandbox> attach(Handle handle, List<Sandbox> sandboxes, SecretBox secrets) {
        Map<String, List<String>> tags = new HashMap<>();
        Map<String, Map<String, String>> metadata = new HashMap<>();
        Map<String, Map<String, String>> env = new HashMap<>();
        Map<String, List<WorkspaceMount>> mounts = new HashMap<>();
        List<String> ids = sandboxes.stream().map(sandbox -> sandbox.id().toString()).toList();
        for (int from = 0; from < ids.size(); from += IDS_PER_QUERY) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + IDS_PER_QUERY));
            handle.createQuery(CHILDREN).bindList("ids", chunk).map(ChildRow::read).forEach(row -> {
                switch (row.kind()) {
                    case "t" -> tags.computeIfAbsent(row.sandboxId(), id -> new ArrayList<>()).add(row.name());
                    case "m" -> row.putInto(metadata);
                    case "e" -> env.computeIfAbsent(row.sandboxId(), id -> new HashMap<>())
                            .put(row.name(), secrets.open(row.value(), envPlace(row.sandboxId(), row.name())));
                    default -> mounts.computeIfAbsent(row.sandboxId(), id -> new ArrayList<>()).add(
                            new WorkspaceMount(WorkspaceId.parse(row.name()), row.value(), row.readOnly(),
                                    row.reference()));
                }
            });
        }
        return sandboxes.stream().map(sandbox -> {
            String id = sandbox.id().toString();
            return new Sandbox(sandbox.id(), sandbox.organizationId(), sandbox.name(), sandbox.template(),
                    sandbox.status(), tags.getOrDefault(id, List.of()), metadata.getOrDefault(id, Map.of()),
                    env.getOrDefault(id, Map.of()), mounts.getOrDefault(id, List.of()), sandbox.resources(),
                    sandbox.idleTimeout(), sandbox.maxRuntime(), sandbox.error(), sandbox.createdAt(), sandbox.lastActivity(),
                    sandbox.pausedAt(), sandbox.stoppedAt(), sandbox.hibernated(), sandbox.network());
        }).toList();
    }

    /**
     * Seals the environment values written before encryption, and checks that one value sealed before opens with
     * {@code secrets}, so that a wrong key fails the start rather than every later read; in one transaction.
     *
     * @return how many values it sealed
     * @throws IllegalStateException when a sealed value does not open with {@code secrets}
     */
    static int sealPlaintextEnv(Handle handle, SecretBox secrets) {
        handle.createQuery("SELECT sandbox_id, name, value FROM sandbox_env WHERE SUBSTR(value, 1, 3) = :prefix LIMIT 1")
                .bind("prefix", SecretBox.PREFIX)
                .map((row, context) -> secrets.open(row.getString("value"),
                        envPlace(row.getString("sandbox_id"), row.getString("name"))))
                .findOne();
        List<EnvRow> plain = handle.createQuery(
                        "SELECT sandbox_id, name, value FROM sandbox_env WHERE SUBSTR(value, 1, 3) <> :prefix")
                .bind("prefix", SecretBox.PREFIX)
                .map((row, context) -> new EnvRow(row.getString("sandbox_id"), row.getString("name"),
                        row.getString("value")))
                .list();
        if (plain.isEmpty()) {
            return 0;
        }
        PreparedBatch batch = handle.prepareBatch(
                "UPDATE sandbox_env SET value = :value WHERE sandbox_id = :id AND name = :name");
        for (EnvRow row : plain) {
            batch.bind("id", row.sandboxId()).bind("name", row.name())
                    .bind("value", secrets.seal(row.value(), envPlace(row.sandboxId(), row.name()))).add();
        }
        batch.execute();
        return plain.size();
    }

    /** Where an environment value is kept, which its seal is bound to: NUL cannot occur in an id or a name. */
    private static String envPlace(String sandboxId, String name) {
        return sandboxId + "\u0000" + name;
    }

    private record EnvRow(String sandboxId, String name, String value) {
    }

    private static void insertPairs(Handle handle, String sql, String id, Map<String, String> pairs) {
        if (pairs.isEmpty()) {
            return;
        }
        PreparedBatch batch = handle.prepareBatch(sql);
        pairs.forEach((name, value) -> batch.bind("id", id).bind("name", name).bind("value", value).add());
        batch.execute();
    }

    /**
     * One row of a child table: a tag ({@code t}, no value), a metadata pair ({@code m}), an environment variable
     * ({@code e}) or a mount ({@code w}: the workspace id, the path as value, whether it is read-only and the
     * workspace as the client named it).
     */
    private record ChildRow(String sandboxId, String kind, String name, String value, boolean readOnly,
                            String reference) {
        static ChildRow read(ResultSet row, StatementContext context) throws SQLException {
            return new ChildRow(row.getString("sandbox_id"), row.getString("kind"), row.getString("name"),
                    row.getString("value"), row.getBoolean("read_only"), row.getString("reference"));
        }

        void putInto(Map<String, Map<String, String>> pairsById) {
            pairsById.computeIfAbsent(sandboxId, id -> new HashMap<>()).put(name, value);
        }
    }
}
