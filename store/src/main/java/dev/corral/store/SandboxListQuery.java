package dev.corral.store;

import dev.corral.core.org.OrganizationId;
import dev.corral.core.page.PageRequest;
import dev.corral.core.sandbox.SandboxFilter;
import dev.corral.core.sandbox.SandboxStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * The SQL for one page of an organization's sandboxes matching a {@link SandboxFilter}: a condition per part of
 * the filter, each wanted tag and metadata pair an {@code EXISTS} on its child table, then the keyset pagination
 * every list uses (newest first, id breaking ties, after the cursor).
 */
final class SandboxListQuery {
    private final List<String> conditions = new ArrayList<>();
    private final Map<String, Object> values = new HashMap<>();

    private SandboxListQuery() {
    }

    /** The query of {@code select} (a select from {@code sandboxes}) for the page, fetching one row extra. */
    static Query prepare(Handle handle, String select, OrganizationId organizationId, SandboxFilter filter,
                         PageRequest page) {
        var query = new SandboxListQuery();
        query.where("organization_id = :org").bind("org", organizationId.toString());
        query.statuses(filter.statuses());
        filter.template().ifPresent(template -> query.where("template = :template").bind("template", template));
        query.tags(filter.tags());
        query.metadata(filter.metadata());
        page.after().ifPresent(after -> query.where(NewestFirst.AFTER_CURSOR));
        Query prepared = handle.createQuery(select + " WHERE " + String.join(" AND ", query.conditions) + " "
                + NewestFirst.ORDER_AND_LIMIT).bindMap(query.values);
        NewestFirst.bindPage(prepared, page);
        return prepared;
    }

    private void statuses(Set<SandboxStatus> statuses) {
        if (statuses.isEmpty()) {
            where("status <> :stopped").bind("stopped", SandboxStatus.STOPPED.wire());
            return;
        }
        List<String> parameters = new ArrayList<>();
        for (SandboxStatus status : statuses) {
            String parameter = "status" + parameters.size();
            parameters.add(":" + parameter);
            bind(parameter, status.wire());
        }
        where("status IN (" + String.join(", ", parameters) + ")");
    }

    private void tags(List<String> tags) {
        for (int i = 0; i < tags.size(); i++) {
            where("EXISTS (SELECT 1 FROM sandbox_tags t WHERE t.sandbox_id = sandboxes.id AND t.tag = :tag" + i + ")")
                    .bind("tag" + i, tags.get(i));
        }
    }

    private void metadata(Map<String, String> metadata) {
        int i = 0;
        for (Map.Entry<String, String> pair : metadata.entrySet()) {
            where("EXISTS (SELECT 1 FROM sandbox_metadata m WHERE m.sandbox_id = sandboxes.id"
                    + " AND m.key = :key" + i + " AND m.value = :value" + i + ")")
                    .bind("key" + i, pair.getKey())
                    .bind("value" + i, pair.getValue());
            i++;
        }
    }

    private SandboxListQuery where(String condition) {
        conditions.add(condition);
        return this;
    }

    private SandboxListQuery bind(String name, Object value) {
        values.put(name, value);
        return this;
    }
}
