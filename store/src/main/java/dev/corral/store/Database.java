package dev.corral.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.postgresql.ds.PGSimpleDataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * Corral's database: a connection pool over SQLite or PostgreSQL, its schema brought up to date by Flyway when
 * opened, and the {@link Jdbi} the stores run their SQL through. Closing it closes the pool.
 *
 * <p>Threading: safe for concurrent use from any number of (virtual) threads; callers wait for a pooled
 * connection. Each pool owns one housekeeping thread, named after the pool, which {@link #close()} stops.
 *
 * <p>SQLite admits one writer at a time, so its pool holds a single connection: writers queue in the pool instead
 * of polling SQLite's busy handler, which sleeps inside a native call and so pins the carrier thread of a
 * virtual thread. Reads queue behind writes too; they take microseconds on an embedded file. The busy timeout and
 * immediate transactions are for other processes opening the same file (the CLI, a {@code sqlite3} shell).
 *
 * <p>{@link #isHealthy()} asks through a connection of its own: behind a burst of requests the single SQLite
 * connection has a queue, and {@code /health} must tell whether the database answers, not how long that queue is.
 */
public final class Database implements AutoCloseable {
    private static final int SQLITE_BUSY_TIMEOUT_MILLIS = 5_000;
    private static final int SQLITE_POOL_SIZE = 1;
    private static final int POSTGRES_POOL_SIZE = 10;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Dialect dialect;
    private final HikariDataSource pool;
    private final HikariDataSource probe;
    private final Jdbi jdbi;
    private final Jdbi probeJdbi;

    private Database(Dialect dialect, DataSource connections, int poolSize) {
        Flyway.configure(Database.class.getClassLoader())
                .dataSource(connections)
                .locations("classpath:db/migration")
                .load()
                .migrate();
        this.dialect = dialect;
        this.pool = pool("corral-" + dialect.name().toLowerCase(Locale.ROOT), connections, poolSize);
        this.probe = pool("corral-" + dialect.name().toLowerCase(Locale.ROOT) + "-health", connections, 1);
        this.jdbi = Jdbi.create(pool).setHandleCallbackDecorator(new FullDiskErrors());
        this.probeJdbi = Jdbi.create(probe);
    }

    private static HikariDataSource pool(String name, DataSource connections, int size) {
        var config = new HikariConfig();
        config.setPoolName(name);
        config.setDataSource(connections);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(size);
        return new HikariDataSource(config);
    }

    /**
     * Opens (creating it and its directory when absent) the SQLite database in {@code file}, in WAL mode with
     * foreign keys enforced, and migrates it. The file, its write-ahead log and its shared-memory index are
     * readable and writable by their owner only: made so when new, and corrected when an older version left them
     * open to others.
     */
    public static Database sqlite(Path file) {
        Path absolute = file.toAbsolutePath();
        try {
            Files.createDirectories(absolute.getParent());
            if (!Files.exists(absolute)) {
                // SQLite gives the log and the index it makes the mode of the database file, so this is enough.
                Files.createFile(absolute, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            }
            for (String suffix : List.of("", "-wal", "-shm")) { // the log and index exist while it is open
                Path part = absolute.resolveSibling(absolute.getFileName() + suffix);
                if (Files.exists(part)) {
                    Files.setPosixFilePermissions(part, OWNER_ONLY);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the database file " + absolute, e);
        }
        var config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.enforceForeignKeys(true);
        // Deleted and overwritten content is zeroed, not left in free space: what was sealed or removed (a value
        // stored in clear by an older version, say) does not linger in the file.
        config.setPragma(SQLiteConfig.Pragma.SECURE_DELETE, "true");
        config.setBusyTimeout(SQLITE_BUSY_TIMEOUT_MILLIS);
        // A deferred transaction that reads before it writes fails at once when another process wrote meanwhile;
        // an immediate one takes the write lock up front, waiting through the busy timeout.
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        var source = new SQLiteDataSource(config);
        source.setUrl("jdbc:sqlite:" + absolute);
        return new Database(Dialect.SQLITE, source, SQLITE_POOL_SIZE);
    }

    /** Connects to the PostgreSQL database at {@code jdbcUrl} and migrates it; fails when it is unreachable. */
    public static Database postgres(String jdbcUrl, String user, String password) {
        var source = new PGSimpleDataSource();
        source.setURL(jdbcUrl);
        source.setUser(user);
        source.setPassword(password);
        return new Database(Dialect.POSTGRESQL, source, POSTGRES_POOL_SIZE);
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public Dialect dialect() {
        return dialect;
    }

    /**
     * For SQLite, writes the write-ahead log into the database file and empties it, so that the page images it
     * held (with content since overwritten) leave the disk; PostgreSQL manages its own files: nothing.
     */
    public void checkpoint() {
        if (dialect == Dialect.SQLITE) {
            jdbi.useHandle(handle -> handle.createQuery("PRAGMA wal_checkpoint(TRUNCATE)").mapToMap().list());
        }
    }

    /** Whether the database answers a trivial query now, on the probe's own connection; for {@code /health}. */
    public boolean isHealthy() {
        return probeJdbi.withHandle(handle -> handle.createQuery("SELECT 1").mapTo(Integer.class).one() == 1);
    }

    @Override
    public void close() {
        pool.close();
        probe.close();
    }
}
