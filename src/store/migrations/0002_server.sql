-- Version 2: what `soda server` needs beyond what a scan records.
-- Check results keep Soda's v1 identity (anomaly checks ask Cloud for their past results by
-- it) and the metric identities they read (the link from a result to its measurement).
ALTER TABLE soda_check_results ADD COLUMN identity_v1 TEXT;
ALTER TABLE soda_check_results ADD COLUMN metrics TEXT;
CREATE INDEX soda_check_results_by_v1 ON soda_check_results (identity_v1, data_timestamp);
-- API keys of `soda server`: the secret only as a slow salted hash (Argon2id, PHC string).
CREATE TABLE soda_api_keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
-- Failed-row samples uploaded to `/api/scan/upload` (JSON lines), until the insert that names
-- their file id turns them into the check's samples.
CREATE TABLE soda_uploads (
    file_id TEXT PRIMARY KEY,
    file_path TEXT NOT NULL,
    content TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
);
CREATE INDEX soda_uploads_by_time ON soda_uploads (uploaded_at)
