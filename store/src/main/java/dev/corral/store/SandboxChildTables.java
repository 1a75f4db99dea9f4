package dev.corral.store;

import dev.corral.core.sandbox.Sandbox;
import dev.corral.core.sandbox.WorkspaceMount;
import dev.corral.core.workspace.WorkspaceId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * A sandbox's tags, metadata, environment and mounts, kept as rows of {@code sandbox_tags}, {@code
 * sandbox_metadata}, {@code sandbox_env} and {@code sandbox_mounts}: written with the sandbox, and read for many sandboxes at once, one query per table, so that
 * a page costs the same few queries however long it is.
 */
final class SandboxChildTables {
    /** Ids per read: far below the bind-parameter limits of both dialects, even for every active sandbox. */
    private static final int IDS_PER_QUERY = 500;

    private SandboxChildTables() {
    }

    /** Writes the child rows of {@code sandbox}; the caller's transaction makes them one write with its row. */
    static void insert(Handle handle, Sandbox sandbox) {
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
        insertPairs(handle, "INSERT INTO sandbox_env (sandbox_id, name, value) VALUES (:id, :name, :value)",
                id, sandbox.env());
        if (!sandbox.mounts().isEmpty()) {
            PreparedBatch batch = handle.prepareBatch("INSERT INTO sandbox_mounts (sandbox_id, position, "
                    + "workspace_id, path, read_only) VALUES (:id, :position, :workspace, :path, :readOnly)");
            for (int position = 0; position < sandbox.mounts().size(); position++) {
                WorkspaceMount mount = sandbox.mounts().get(position);
                batch.bind("id", id).bind("position", position).bind("workspace", mount.workspaceId().toString())
                        .bind("path", mount.path()).bind("readOnly", mount.readOnly()).add();
            }
            batch.execute();
        }
    }

    /**
     * {@code sandboxes}, read from their own table with no tags, metadata or environment, completed with them.
     * Needs no transaction with that read: child rows never change after the insert that wrote them with it.
     */
    static List<Sandbox> attach(Handle handle, List<Sandbox> sandboxes) {
        Map<String, List<String>> tags = new HashMap<>();
        Map<String, Map<String, String>> metadata = new HashMap<>();
        Map<String, Map<String, String>> env = new HashMap<>();
        Map<String, List<WorkspaceMount>> mounts = new HashMap<>();
        List<String> ids = sandboxes.stream().map(sandbox -> sandbox.id().toString()).toList();
        for (int from = 0; from < ids.size(); from += IDS_PER_QUERY) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + IDS_PER_QUERY));
            read(handle, "SELECT sandbox_id, tag AS name, NULL AS value FROM sandbox_tags"
                    + " WHERE sandbox_id IN (<ids>) ORDER BY position", chunk,
                    row -> tags.computeIfAbsent(row.sandboxId(), id -> new ArrayList<>()).add(row.name()));
            read(handle, "SELECT sandbox_id, key AS name, value FROM sandbox_metadata WHERE sandbox_id IN (<ids>)",
                    chunk, row -> row.putInto(metadata));
            read(handle, "SELECT sandbox_id, name, value FROM sandbox_env WHERE sandbox_id IN (<ids>)",
                    chunk, row -> row.putInto(env));
            handle.createQuery("SELECT sandbox_id, workspace_id, path, read_only FROM sandbox_mounts"
                            + " WHERE sandbox_id IN (<ids>) ORDER BY position")
                    .bindList("ids", chunk)
                    .map((row, context) -> Map.entry(row.getString("sandbox_id"), new WorkspaceMount(
                            WorkspaceId.parse(row.getString("workspace_id")), row.getString("path"),
                            row.getBoolean("read_only"))))
                    .forEach(entry -> mounts.computeIfAbsent(entry.getKey(), key -> new ArrayList<>())
                            .add(entry.getValue()));
        }
        return sandboxes.stream().map(sandbox -> {
            String id = sandbox.id().toString();
            return new Sandbox(sandbox.id(), sandbox.organizationId(), sandbox.name(), sandbox.template(),
                    sandbox.status(), tags.getOrDefault(id, List.of()), metadata.getOrDefault(id, Map.of()),
                    env.getOrDefault(id, Map.of()), mounts.getOrDefault(id, List.of()), sandbox.resources(), sandbox.idleTimeout(), sandbox.error(),
                    sandbox.createdAt(), sandbox.lastActivity(), sandbox.pausedAt(), sandbox.stoppedAt(),
                    sandbox.hibernated());
        }).toList();
    }

    private static void insertPairs(Handle handle, String sql, String id, Map<String, String> pairs) {
        if (pairs.isEmpty()) {
            return;
        }
        PreparedBatch batch = handle.prepareBatch(sql);
        pairs.forEach((name, value) -> batch.bind("id", id).bind("name", name).bind("value", value).add());
        batch.execute();
    }

    private static void read(Handle handle, String sql, List<String> ids, Consumer<ChildRow> sink) {
        handle.createQuery(sql)
                .bindList("ids", ids)
                .map((row, context) -> new ChildRow(row.getString("sandbox_id"), row.getString("name"),
                        row.getString("value")))
                .forEach(sink);
    }

    /** One row of a child table: a tag (without value), a metadata pair or an environment variable. */
    private record ChildRow(String sandboxId, String name, String value) {
        void putInto(Map<String, Map<String, String>> pairsById) {
            pairsById.computeIfAbsent(sandboxId, id -> new HashMap<>()).put(name, value);
        }
    }
}
