package dev.corral.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A fresh PostgreSQL schema for tests on the server named by {@code CORRAL_TEST_POSTGRES_URL} ({@code _USER} and
 * {@code _PASSWORD} default to {@code corral}, as {@code scripts/start-test-postgres} makes them). Without a URL
 * there is none, and tests skip, except when {@code CI=true}: there a missing server fails the test rather than
 * passing it unseen.
 *
 * @param url a JDBC URL whose connections work in the new schema
 */
public record PostgresTestSchema(String serverUrl, String url, String user, String password, String schema)
        implements AutoCloseable {
    public static final String MISSING =
            "CORRAL_TEST_POSTGRES_URL is not set; run scripts/start-test-postgres for a server";

    /** A new schema, or empty when no server is configured outside CI. */
    public static Optional<PostgresTestSchema> create() throws SQLException {
        String server = System.getenv("CORRAL_TEST_POSTGRES_URL");
        if (server == null || server.isBlank()) {
            if ("true".equals(System.getenv("CI"))) {
                fail(MISSING);
            }
            return Optional.empty();
        }
        String user = Objects.requireNonNullElse(System.getenv("CORRAL_TEST_POSTGRES_USER"), "corral");
        String password = Objects.requireNonNullElse(System.getenv("CORRAL_TEST_POSTGRES_PASSWORD"), "corral");
        String schema = "corral_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        var created = new PostgresTestSchema(server, server + (server.contains("?") ? "&" : "?") + "currentSchema="
                + schema, user, password, schema);
        created.execute("CREATE SCHEMA " + schema);
        return Optional.of(created);
    }

    /** Drops the schema and everything in it. */
    @Override
    public void close() throws SQLException {
        execute("DROP SCHEMA " + schema + " CASCADE");
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(serverUrl, user, password);
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
