package dev.corral.store;

import static org.junit.jupiter.api.Assertions.fail;

import dev.corral.core.id.RandomIds;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A PostgreSQL schema of its own for one test class, with a {@link Database} migrated into it; dropped after the
 * class. The server comes from {@code CORRAL_TEST_POSTGRES_URL} ({@code _USER} and {@code _PASSWORD} default to
 * {@code corral}, as {@code scripts/start-test-postgres} makes them). Without a URL the tests are skipped, except
 * when {@code CI=true}: there a missing server fails the build rather than passing it unseen.
 */
final class PostgresSchema implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
    private static final String MISSING =
            "CORRAL_TEST_POSTGRES_URL is not set; run scripts/start-test-postgres for a server";

    private String url;
    private String user;
    private String password;
    private String schema;
    private Database database;

    Database database() {
        return database;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws SQLException {
        url = System.getenv("CORRAL_TEST_POSTGRES_URL");
        if (url == null || url.isBlank()) {
            if ("true".equals(System.getenv("CI"))) {
                fail(MISSING);
            }
            return;
        }
        user = Objects.requireNonNullElse(System.getenv("CORRAL_TEST_POSTGRES_USER"), "corral");
        password = Objects.requireNonNullElse(System.getenv("CORRAL_TEST_POSTGRES_PASSWORD"), "corral");
        schema = "corral_test_" + RandomIds.lowerAlphanumeric(12);
        execute("CREATE SCHEMA " + schema);
        database = Database.postgres(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema, user,
                password);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        // Skipped test by test rather than as a whole class: failsafe leaves its summary unwritten when no test
        // ran, and its verify goal would then judge a stale one.
        Assumptions.assumeTrue(database != null, MISSING);
    }

    @Override
    public void afterAll(ExtensionContext context) throws SQLException {
        if (database != null) {
            database.close();
        }
        if (schema != null) {
            execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, user, password);
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
