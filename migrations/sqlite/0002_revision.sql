-- A data revision for read caches: every change of `accounts` or `scans` (and so of the
-- findings, controls and progress they carry) bumps it inside the same transaction, so a
-- reader that sees a revision never sees older data than it stands for. Triggers, so that
-- every writer (another server replica, an import) counts, not only this process.
CREATE TABLE revision (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n BIGINT NOT NULL
);
INSERT INTO revision (id, n) VALUES (1, 0);

CREATE TRIGGER revision_on_scan_insert AFTER INSERT ON scans
BEGIN UPDATE revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER revision_on_scan_update AFTER UPDATE ON scans
BEGIN UPDATE revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER revision_on_scan_delete AFTER DELETE ON scans
BEGIN UPDATE revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER revision_on_account_insert AFTER INSERT ON accounts
BEGIN UPDATE revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER revision_on_account_update AFTER UPDATE ON accounts
BEGIN UPDATE revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER revision_on_account_delete AFTER DELETE ON accounts
BEGIN UPDATE revision SET n = n + 1 WHERE id = 1; END;

-- Running scans are looked up on every overview; without this it reads every scan row.
CREATE INDEX scans_by_status ON scans (status);
