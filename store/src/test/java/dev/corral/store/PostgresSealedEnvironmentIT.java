package dev.corral.store;

import org.junit.jupiter.api.extension.RegisterExtension;

/** Runs the sealed environment contract on PostgreSQL, in a schema of its own. */
class PostgresSealedEnvironmentIT extends SealedEnvironmentContract {
    @RegisterExtension
    static final PostgresSchema POSTGRES = new PostgresSchema();

    @Override
    protected Database database() {
        return POSTGRES.database();
    }
}
