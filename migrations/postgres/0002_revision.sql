-- A data revision for read caches: every change of `accounts` or `scans` (and so of the
-- findings, controls and progress they carry) bumps it inside the same transaction, so a
-- reader that sees a revision never sees older data than it stands for. Triggers, so that
-- every writer (another server replica, an import) counts, not only this process.
CREATE TABLE revision (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n BIGINT NOT NULL
);
INSERT INTO revision (id, n) VALUES (1, 0);

CREATE FUNCTION bump_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE revision SET n = n + 1 WHERE id = 1;
    RETURN NULL;
END;
$$;

CREATE TRIGGER revision_on_scans AFTER INSERT OR UPDATE OR DELETE ON scans
    FOR EACH STATEMENT EXECUTE FUNCTION bump_revision();
CREATE TRIGGER revision_on_accounts AFTER INSERT OR UPDATE OR DELETE ON accounts
    FOR EACH STATEMENT EXECUTE FUNCTION bump_revision();

-- Running scans are looked up on every overview; without this it reads every scan row.
CREATE INDEX scans_by_status ON scans (status);
