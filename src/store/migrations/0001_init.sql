-- Version 1: scans, their check results and their metrics.
-- `{id}` is the auto-increment primary key of the backend (SQLite or PostgreSQL).
-- Times are ISO 8601 UTC text (`2024-05-01T10:00:00+00:00`), which sorts in time order.
CREATE TABLE soda_scans (
    id {id},
    definition TEXT NOT NULL,
    data_source TEXT NOT NULL,
    data_timestamp TEXT NOT NULL,
    scan_start TEXT NOT NULL,
    scan_end TEXT NOT NULL,
    has_errors BIGINT NOT NULL,
    has_warnings BIGINT NOT NULL,
    has_failures BIGINT NOT NULL,
    logs TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    UNIQUE (definition, data_source, data_timestamp)
);
CREATE TABLE soda_check_results (
    scan_id BIGINT NOT NULL REFERENCES soda_scans (id),
    identity TEXT NOT NULL,
    name TEXT NOT NULL,
    definition TEXT NOT NULL,
    data_source TEXT NOT NULL,
    dataset TEXT,
    column_name TEXT,
    file TEXT NOT NULL,
    line BIGINT NOT NULL,
    data_timestamp TEXT NOT NULL,
    outcome TEXT,
    value DOUBLE PRECISION,
    value_text TEXT NOT NULL,
    diagnostics TEXT NOT NULL,
    samples TEXT
);
CREATE INDEX soda_check_results_by_check ON soda_check_results (identity, data_timestamp);
CREATE INDEX soda_check_results_by_scan ON soda_check_results (scan_id);
CREATE TABLE soda_metrics (
    scan_id BIGINT NOT NULL REFERENCES soda_scans (id),
    identity TEXT NOT NULL,
    name TEXT NOT NULL,
    data_timestamp TEXT NOT NULL,
    value TEXT NOT NULL
);
CREATE INDEX soda_metrics_by_metric ON soda_metrics (identity, data_timestamp);
CREATE INDEX soda_metrics_by_scan ON soda_metrics (scan_id);
