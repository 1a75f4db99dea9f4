package dev.corral.store;

import org.junit.jupiter.api.extension.RegisterExtension;

/** Runs the sealed environment contract on a fresh SQLite file per test. */
class SqliteSealedEnvironmentTest extends SealedEnvironmentContract {
    @RegisterExtension
    final SqliteFile sqlite = new SqliteFile();

    @Override
    protected Database database() {
        return sqlite.database();
    }
}
