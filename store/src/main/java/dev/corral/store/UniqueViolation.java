package dev.corral.store;

import dev.corral.core.error.CorralException;
import java.sql.SQLException;
import java.util.function.Supplier;
import org.jdbi.v3.core.JdbiException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * A unique-constraint violation in either dialect: the one database error the stores answer as {@code conflict}
 * rather than let escape as a failure.
 */
final class UniqueViolation {
    private static final String POSTGRES_UNIQUE_VIOLATION = "23505";

    private UniqueViolation() {
    }

    /** Runs {@code write}; a unique violation becomes {@code conflict} with the given message. */
    static void asConflict(Runnable write, Supplier<String> message) {
        try {
            write.run();
        } catch (JdbiException e) {
            if (isCauseOf(e)) {
                throw CorralException.conflict(message.get());
            }
            throw e;
        }
    }

    private static boolean isCauseOf(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLiteException sqlite) {
                SQLiteErrorCode code = sqlite.getResultCode();
                return code == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE
                        || code == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY;
            }
            if (cause instanceof SQLException sql && POSTGRES_UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
