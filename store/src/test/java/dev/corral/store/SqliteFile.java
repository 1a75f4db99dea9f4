package dev.corral.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** A fresh SQLite {@link Database} in a temporary directory for each test, closed and deleted after it. */
final class SqliteFile implements BeforeEachCallback, AfterEachCallback {
    private Path dir;
    private Database database;

    Database database() {
        return database;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("corral-store-");
        database = Database.sqlite(dir.resolve("corral.db"));
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        database.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
