package dev.corral.core.page;

import java.util.Optional;

/** Which page of a list to return: at most {@code limit} items, starting after {@code after} when present. */
public record PageRequest(int limit, Optional<Cursor> after) {
    public PageRequest {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
    }

    public static PageRequest first(int limit) {
        return new PageRequest(limit, Optional.empty());
    }
}
