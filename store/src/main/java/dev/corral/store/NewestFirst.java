package dev.corral.store;

import dev.corral.core.org.OrganizationId;
import dev.corral.core.page.Cursor;
import dev.corral.core.page.Page;
import dev.corral.core.page.PageRequest;
import java.util.List;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;

/**
 * Keyset pagination in the one order every list has: newest first, the id breaking ties. A page is the rows
 * after the cursor's {@code (created_at, id)}, fetched one more than asked, which only tells whether there is a
 * next page.
 */
final class NewestFirst {
    /** The rows after the cursor, bound as {@code :createdAt} and {@code :id}. */
    static final String AFTER_CURSOR = "(created_at < :createdAt OR (created_at = :createdAt AND id < :id))";
    static final String ORDER_AND_LIMIT = "ORDER BY created_at DESC, id DESC LIMIT :limit";

    private NewestFirst() {
    }

    /**
     * One page of an organization's rows.
     *
     * @param select   {@code SELECT ... FROM <table>} of a table with {@code organization_id}, {@code created_at}
     *                 (epoch millis) and {@code id} columns
     * @param cursorOf the sort key of a row, for the next page's cursor
     */
    static <T> Page<T> page(Jdbi jdbi, String select, OrganizationId organizationId, PageRequest page,
                            RowMapper<T> mapper, Function<T, Cursor> cursorOf) {
        String where = " WHERE organization_id = :org" + (page.after().isPresent() ? " AND " + AFTER_CURSOR : "");
        List<T> rows = jdbi.withHandle(handle -> {
            Query query = handle.createQuery(select + where + " " + ORDER_AND_LIMIT)
                    .bind("org", organizationId.toString());
            bindPage(query, page);
            return query.map(mapper).list();
        });
        return Page.fromOverfetch(rows, page, cursorOf);
    }

    /** Binds the cursor (when there is one) and the limit, one row more than the page holds. */
    static void bindPage(Query query, PageRequest page) {
        page.after().ifPresent(after -> query
                .bind("createdAt", after.createdAt().toEpochMilli())
                .bind("id", after.id()));
        // long, as the limit may be Integer.MAX_VALUE
        query.bind("limit", page.limit() + 1L);
    }
}
