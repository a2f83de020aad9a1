-- Dashboard sign-in sessions (Cognito). The browser holds a random session id; only its
-- SHA-256 hash is stored, so a copy of the database cannot be replayed as cookies. The
-- refresh token renews the access token and is revoked at sign-out; the access token is
-- kept for GlobalSignOut. Times are UTC RFC 3339 text like every other table.
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    sub TEXT NOT NULL,
    username TEXT NOT NULL,
    email TEXT,
    groups TEXT NOT NULL,              -- JSON array of `cognito:groups`
    refresh_token TEXT NOT NULL,
    access_token TEXT NOT NULL,
    access_expires_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);
CREATE INDEX sessions_by_last_seen ON sessions (last_seen_at);
