package dev.corral.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import java.sql.SQLException;
import org.jdbi.v3.core.HandleCallback;
import org.junit.jupiter.api.Test;

class FullDiskErrorsTest {
    private final FullDiskErrors errors = new FullDiskErrors();

    @Test
    void decorate_sqliteFull_becomesRuntimeUnavailableSayingTheDiskIsFull() {
        var full = new IllegalStateException("insert failed", new SQLException(
                "[SQLITE_FULL] Insertion failed because database is full (database or disk is full)", null, 13));

        assertThatThrownBy(() -> errors.decorate(failingWith(full)).withHandle(null))
                .isInstanceOfSatisfying(CorralException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.RUNTIME_UNAVAILABLE);
                    assertThat(e.getMessage()).contains("disk is full");
                });
    }

    @Test
    void decorate_postgresDiskFull_becomesRuntimeUnavailable() {
        var full = new IllegalStateException(new SQLException("could not extend file", "53100"));

        assertThatThrownBy(() -> errors.decorate(failingWith(full)).withHandle(null))
                .isInstanceOfSatisfying(CorralException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.RUNTIME_UNAVAILABLE));
    }

    @Test
    void decorate_otherDatabaseError_isLeftAsItIs() {
        var constraint = new IllegalStateException(new SQLException("[SQLITE_CONSTRAINT] UNIQUE", null, 19));

        assertThatThrownBy(() -> errors.decorate(failingWith(constraint)).withHandle(null)).isSameAs(constraint);
    }

    private static HandleCallback<Object, RuntimeException> failingWith(RuntimeException e) {
        return handle -> {
            throw e;
        };
    }
}
