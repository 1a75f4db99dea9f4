package dev.corral.testkit.fake;

import dev.corral.core.page.Cursor;
import dev.corral.core.page.Page;
import dev.corral.core.page.PageRequest;
import java.time.Instant;
import java.util.Comparator;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The one list order of the stores, for rows held in memory: newest first, the id (as text) breaking ties, a page
 * being the rows after the cursor's {@code (createdAt, id)}. Times compare to the millisecond, as the database
 * stores keep them, so a cursor that went through its token still points where it did.
 */
final class NewestFirstPages {
    private NewestFirstPages() {
    }

    static <T> Page<T> page(Stream<T> rows, PageRequest page, Function<T, Instant> createdAt,
                            Function<T, String> id) {
        Comparator<T> newestFirst = Comparator.comparing((T row) -> createdAt.apply(row).toEpochMilli())
                .thenComparing(id).reversed();
        var fetched = rows
                .filter(row -> page.after().map(cursor -> isAfter(createdAt.apply(row), id.apply(row), cursor))
                        .orElse(true))
                .sorted(newestFirst)
                .limit(page.limit() + 1L)
                .toList();
        return Page.fromOverfetch(fetched, page, row -> new Cursor(createdAt.apply(row), id.apply(row)));
    }

    /** Whether a row with this sort key comes after {@code cursor} in newest-first order. */
    private static boolean isAfter(Instant createdAt, String id, Cursor cursor) {
        long millis = createdAt.toEpochMilli();
        long cursorMillis = cursor.createdAt().toEpochMilli();
        return millis < cursorMillis || millis == cursorMillis && id.compareTo(cursor.id()) < 0;
    }
}
