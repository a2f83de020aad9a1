-- The audit log: who did what, from where, to what, and how it ended. Append-only (the
-- application never updates or deletes a row). `detail` is a JSON object as text.
CREATE TABLE audit_log (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    at       TEXT NOT NULL,
    actor    TEXT NOT NULL,
    source   TEXT,
    action   TEXT NOT NULL,
    target   TEXT NOT NULL DEFAULT '',
    detail   TEXT NOT NULL DEFAULT '{}',
    outcome  TEXT NOT NULL CHECK (outcome IN ('success', 'failure', 'denied'))
);
CREATE INDEX audit_log_by_actor ON audit_log (actor, id);
CREATE INDEX audit_log_by_action ON audit_log (action, id);
