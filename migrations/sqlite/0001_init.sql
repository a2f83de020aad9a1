-- Rampart schema, SQLite flavour (keep in step with ../postgres/0001_init.sql).
-- Times are UTC RFC 3339 text with milliseconds (`2026-06-01T00:00:00.000Z`): sortable, readable.

CREATE TABLE accounts (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    environment     TEXT NOT NULL DEFAULT '',
    owner_team      TEXT NOT NULL DEFAULT '',
    role_arn        TEXT,
    external_id     TEXT,
    regions         TEXT NOT NULL DEFAULT '',
    source          TEXT NOT NULL DEFAULT 'config',
    latest_scan_id  BIGINT,
    created_at      TEXT NOT NULL
);

CREATE TABLE scans (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id           TEXT NOT NULL REFERENCES accounts(id),
    source               TEXT NOT NULL,
    status               TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'partial', 'failed')),
    started_at           TEXT NOT NULL,
    finished_at          TEXT,
    collected_at         TEXT,
    score                REAL,
    passed               BIGINT NOT NULL DEFAULT 0,
    failed               BIGINT NOT NULL DEFAULT 0,
    errored              BIGINT NOT NULL DEFAULT 0,
    failed_critical      BIGINT NOT NULL DEFAULT 0,
    failed_high          BIGINT NOT NULL DEFAULT 0,
    failed_medium        BIGINT NOT NULL DEFAULT 0,
    failed_low           BIGINT NOT NULL DEFAULT 0,
    failed_informational BIGINT NOT NULL DEFAULT 0,
    collection_errors    BIGINT NOT NULL DEFAULT 0,
    progress_done        BIGINT NOT NULL DEFAULT 0,
    progress_total       BIGINT NOT NULL DEFAULT 0,
    progress_label       TEXT NOT NULL DEFAULT '',
    message              TEXT NOT NULL DEFAULT '',
    errors_json          TEXT NOT NULL DEFAULT '[]',
    coverage_json        TEXT,
    coverage_summary     TEXT,
    inventory_gz         BLOB
);
CREATE INDEX scans_by_account ON scans (account_id, id);

-- One row per (account, check, region, resource): a finding's identity across scans.
CREATE TABLE finding_keys (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id       TEXT NOT NULL REFERENCES accounts(id),
    check_id         TEXT NOT NULL,
    region           TEXT NOT NULL,
    resource_arn     TEXT NOT NULL,
    first_seen_at    TEXT NOT NULL,
    last_seen_at     TEXT NOT NULL,
    last_status      TEXT NOT NULL,
    first_failed_at  TEXT,
    resolved_at      TEXT,
    UNIQUE (account_id, check_id, region, resource_arn)
);

CREATE TABLE findings (
    scan_id        BIGINT NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
    key_id         BIGINT NOT NULL REFERENCES finding_keys(id),
    account_id     TEXT NOT NULL,
    check_id       TEXT NOT NULL,
    title          TEXT NOT NULL,
    service        TEXT NOT NULL,
    severity       TEXT NOT NULL,
    severity_rank  BIGINT NOT NULL,
    status         TEXT NOT NULL,
    region         TEXT NOT NULL,
    resource_arn   TEXT NOT NULL,
    resource_type  TEXT NOT NULL,
    message        TEXT NOT NULL,
    evidence       TEXT NOT NULL,
    controls       TEXT NOT NULL,
    PRIMARY KEY (scan_id, key_id)
);
CREATE INDEX findings_by_scan ON findings (scan_id, status, severity_rank);
CREATE INDEX findings_by_check ON findings (check_id, scan_id);
CREATE INDEX findings_by_key ON findings (key_id, scan_id);

-- Pass/fail per compliance control and scan, written with the scan.
CREATE TABLE scan_controls (
    scan_id    BIGINT NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
    framework  TEXT NOT NULL,
    control    TEXT NOT NULL,
    passed     BIGINT NOT NULL,
    failed     BIGINT NOT NULL,
    errored    BIGINT NOT NULL,
    PRIMARY KEY (scan_id, framework, control)
);
