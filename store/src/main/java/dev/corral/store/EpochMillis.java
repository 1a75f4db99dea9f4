package dev.corral.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** Instants as the schema keeps them: epoch milliseconds in a BIGINT column, NULL when absent. */
final class EpochMillis {
    private EpochMillis() {
    }

    /** The value to bind for {@code at}; a boxed null binds as a typed SQL NULL. */
    static Long orNull(Optional<Instant> at) {
        return at.map(Instant::toEpochMilli).orElse(null);
    }

    static Instant read(ResultSet row, String column) throws SQLException {
        return Instant.ofEpochMilli(row.getLong(column));
    }

    static Optional<Instant> readOptional(ResultSet row, String column) throws SQLException {
        long millis = row.getLong(column);
        return row.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis));
    }
}
