package dev.corral.store;

/** The SQL database a {@link Database} talks to. */
public enum Dialect {
    /** An embedded SQLite file: one node, nothing to run beside Corral. */
    SQLITE,
    /** A PostgreSQL server, which several Corral nodes can share. */
    POSTGRESQL
}
