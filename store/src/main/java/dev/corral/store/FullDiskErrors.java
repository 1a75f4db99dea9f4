package dev.corral.store;

import dev.corral.core.error.CorralException;
import java.sql.SQLException;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.HandleCallbackDecorator;

/**
 * Turns a database write refused because its disk is full into {@code runtime_unavailable} with a message that
 * says so, where it would otherwise be an unexplained {@code internal_error}: the server cannot keep anything until
 * space is freed, and works again once it is, without a restart. DECISIONS.md has no code of its own for a full
 * disk (no 507); {@code runtime_unavailable} (503) is the closest: the server, not the request, is at fault, and a
 * retry later may succeed. Recognizes SQLite's {@code SQLITE_FULL} and PostgreSQL's {@code disk_full} (53100).
 *
 * <p>Threading: stateless.
 */
final class FullDiskErrors implements HandleCallbackDecorator {
    static final String MESSAGE = "The server's data disk is full (no space left on device); it can store nothing"
            + " until space is freed";
    private static final int SQLITE_FULL = 13;
    private static final String POSTGRES_DISK_FULL = "53100";

    @Override
    public <R, X extends Exception> HandleCallback<R, X> decorate(HandleCallback<R, X> callback) {
        return handle -> {
            try {
                return callback.withHandle(handle);
            } catch (RuntimeException e) {
                if (isDiskFull(e)) {
                    throw CorralException.runtimeUnavailable(MESSAGE, e);
                }
                throw e;
            }
        };
    }

    /** Whether a database error, anywhere in its causes, is a full disk. */
    static boolean isDiskFull(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && (POSTGRES_DISK_FULL.equals(sql.getSQLState())
                    || (sql.getErrorCode() & 0xff) == SQLITE_FULL
                    || String.valueOf(sql.getMessage()).contains("SQLITE_FULL"))) {
                return true;
            }
            if (String.valueOf(cause.getMessage()).contains("No space left on device")) {
                return true;
            }
        }
        return false;
    }
}
