-- The SSH logins a sandbox was created with, beside its organization's registered keys: its own public keys (one
-- authorized_keys line each, without comments, newline-separated; empty when it has none) and the PBKDF2 hash of
-- its root password (never the password; NULL when it has none). One row per sandbox that asked for any; the
-- gateway looks rows up by sandbox id. Portable like V1.

CREATE TABLE sandbox_ssh_credentials (
    sandbox_id      TEXT NOT NULL PRIMARY KEY REFERENCES sandboxes (id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    public_keys     TEXT NOT NULL,
    password_hash   TEXT
);
