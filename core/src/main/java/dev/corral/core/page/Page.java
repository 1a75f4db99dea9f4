package dev.corral.core.page;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** One page of a list, and the cursor of the next page when there is more. */
public record Page<T>(List<T> items, Optional<Cursor> next) {
    public Page {
        items = List.copyOf(items);
    }

    public boolean hasMore() {
        return next.isPresent();
    }

    /**
     * The page made from a query that fetched up to {@code request.limit() + 1} rows: the extra row, if it came,
     * only proves there is more and is not shown.
     */
    public static <T> Page<T> fromOverfetch(List<T> rows, PageRequest request, Function<T, Cursor> cursorOf) {
        if (rows.size() <= request.limit()) {
            return new Page<>(rows, Optional.empty());
        }
        List<T> shown = rows.subList(0, request.limit());
        return new Page<>(shown, Optional.of(cursorOf.apply(shown.getLast())));
    }

    public <R> Page<R> map(Function<T, R> mapper) {
        return new Page<>(items.stream().map(mapper).toList(), next);
    }
}
