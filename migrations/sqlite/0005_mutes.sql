-- Risk acceptance ("mutes"; keep in step with ../postgres/0005_mutes.sql). A failing finding
-- of `account_id` + `check_id` whose resource matches `resource_pattern` (an exact ARN or a
-- glob with `*`; NULL: every resource) shows MUTED until `expires_at`. Matching is done when
-- findings are read (server/src/store/mutes.rs), so an expired mute needs no job to undo it.
-- `source`: `ui` (made in the dashboard) or `file` (kept in version control and applied with
-- `rampart mutes apply`, which only ever changes `file` rows).
CREATE TABLE mutes (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id        TEXT NOT NULL REFERENCES accounts(id),
    check_id          TEXT NOT NULL,
    resource_pattern  TEXT,
    reason            TEXT NOT NULL,
    owner             TEXT NOT NULL,
    expires_at        TEXT NOT NULL,
    created_by        TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    source            TEXT NOT NULL CHECK (source IN ('ui', 'file'))
);
CREATE INDEX mutes_by_target ON mutes (account_id, check_id, expires_at);
CREATE INDEX mutes_by_expiry ON mutes (expires_at);
-- A file names each target once.
CREATE UNIQUE INDEX mutes_file_target ON mutes (account_id, check_id, COALESCE(resource_pattern, ''))
    WHERE source = 'file';

-- Scores and counts of the cached read models depend on mutes (see 0002_revision.sql).
CREATE TRIGGER revision_on_mute_insert AFTER INSERT ON mutes
BEGIN UPDATE revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER revision_on_mute_update AFTER UPDATE ON mutes
BEGIN UPDATE revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER revision_on_mute_delete AFTER DELETE ON mutes
BEGIN UPDATE revision SET n = n + 1 WHERE id = 1; END;
