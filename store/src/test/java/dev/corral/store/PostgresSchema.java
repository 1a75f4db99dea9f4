package dev.corral.store;

import dev.corral.testkit.PostgresTestSchema;
import java.sql.SQLException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A PostgreSQL schema of its own for one test class (see {@link PostgresTestSchema}), with a {@link Database}
 * migrated into it; dropped after the class. Without a server the tests skip, except in CI, where they fail.
 */
final class PostgresSchema implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
    private PostgresTestSchema schema;
    private Database database;

    Database database() {
        return database;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws SQLException {
        schema = PostgresTestSchema.create().orElse(null);
        if (schema != null) {
            database = Database.postgres(schema.url(), schema.user(), schema.password());
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        // Skipped test by test rather than as a whole class: failsafe leaves its summary unwritten when no test
        // ran, and its verify goal would then judge a stale one.
        Assumptions.assumeTrue(database != null, PostgresTestSchema.MISSING);
    }

    @Override
    public void afterAll(ExtensionContext context) throws SQLException {
        if (database != null) {
            database.close();
        }
        if (schema != null) {
            schema.close();
        }
    }
}
