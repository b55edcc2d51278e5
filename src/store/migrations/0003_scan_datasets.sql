-- Version 3: which datasets each scan covers, and every part of a check result Soda sends.
-- A dataset's failed-scan warning follows its own latest scan, so the store records the
-- datasets of a scan, also of one that failed before any check ran (from its checks files,
-- or for a scan pushed to `soda server` from its checks, its queries, or the earlier scans of
-- its scan definition). Stores written before this version get them from their results.
CREATE TABLE soda_scan_datasets (
    scan_id BIGINT NOT NULL REFERENCES soda_scans (id),
    data_source TEXT NOT NULL,
    dataset TEXT NOT NULL
);
CREATE INDEX soda_scan_datasets_by_scan ON soda_scan_datasets (scan_id);
CREATE INDEX soda_scan_datasets_by_dataset ON soda_scan_datasets (data_source, dataset);
INSERT INTO soda_scan_datasets (scan_id, data_source, dataset)
    SELECT DISTINCT scan_id, data_source, dataset FROM soda_check_results WHERE dataset IS NOT NULL;
-- Why a check has no outcome (`outcomeReasons`), a group-by result's group, and the check's
-- attributes (`resourceAttributes`), each as the JSON Soda sent; NULL when absent.
ALTER TABLE soda_check_results ADD COLUMN outcome_reasons TEXT;
ALTER TABLE soda_check_results ADD COLUMN group_info TEXT;
ALTER TABLE soda_check_results ADD COLUMN attributes TEXT
