//! The store's read model for the HTML report: every scan, and every check with its results
//! in data-time order and the failed rows of its latest run that kept some.

use super::{Store, StoreError};
use crate::results::record::CheckSamples;
use crate::results::stored::{
    CheckHistory, CheckInfo, CheckPoint, LogLine, ReportData, SampleRows, ScanDataset, ScanSummary,
    Zone,
};
use serde_json::Value as Json;
use sqlx::any::AnyRow;
use sqlx::Row;
use std::collections::HashMap;

/// One result as the points query packs it: scan id, data timestamp, outcome, value, value
/// text, outcome reasons (JSON text), and the `fail` and `warn` zones of its diagnostics.
type PointRow = (
    i64,
    String,
    Option<String>,
    Option<f64>,
    String,
    Option<String>,
    Option<Json>,
    Option<Json>,
);

/// How many of the newest scans the report shows with their whole log.
const FULL_LOGS: usize = 30;

impl Store {
    /// Everything `soda report` shows.
    pub async fn read_model(&self) -> Result<ReportData, StoreError> {
        let scans = self.scans().await?;
        Ok(ReportData {
            generated_at: crate::results::time::soda(chrono::Utc::now()),
            store: self.location.clone(),
            datasets: crate::results::datasets::statuses(&scans),
            scans,
            checks: self.checks().await?,
        })
    }

    async fn scans(&self) -> Result<Vec<ScanSummary>, StoreError> {
        let sql = format!(
            "SELECT s.id, s.definition, s.data_source, {}, {}, {}, \
             s.has_errors, s.has_warnings, s.has_failures, s.logs, \
             (SELECT COUNT(*) FROM soda_check_results c WHERE c.scan_id = s.id) \
             FROM soda_scans s ORDER BY s.data_timestamp DESC, s.id DESC",
            self.time_text("s.data_timestamp"),
            self.time_text("s.scan_start"),
            self.time_text("s.scan_end"),
        );
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        // A year of daily scans logs some 75,000 lines; the newest scans keep their whole log,
        // older ones their errors and warnings, so the report stays quick to open.
        let mut scans = rows
            .iter()
            .enumerate()
            .map(|(i, row)| scan_summary(row, i < FULL_LOGS))
            .collect::<Result<Vec<_>, _>>()?;
        let mut datasets = self.scan_datasets().await?;
        for scan in &mut scans {
            scan.datasets = datasets.remove(&scan.id).unwrap_or_default();
        }
        Ok(scans)
    }

    /// The datasets each scan covers, by scan id.
    async fn scan_datasets(&self) -> Result<HashMap<i64, Vec<ScanDataset>>, StoreError> {
        let rows = sqlx::query(
            "SELECT scan_id, data_source, dataset FROM soda_scan_datasets \
             ORDER BY scan_id, data_source, dataset",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut by_scan: HashMap<i64, Vec<ScanDataset>> = HashMap::new();
        for row in &rows {
            by_scan
                .entry(row.try_get(0)?)
                .or_default()
                .push(ScanDataset {
                    data_source: row.try_get(1)?,
                    dataset: row.try_get(2)?,
                });
        }
        Ok(by_scan)
    }

    /// Every check: what its latest result says about it, all its results (three narrow
    /// queries rather than one wide one: the points are most of the rows and need few columns).
    async fn checks(&self) -> Result<Vec<CheckHistory>, StoreError> {
        let latest = sqlx::query(
            "SELECT r.identity, r.name, r.definition, r.data_source, r.dataset, r.column_name, \
             r.file, r.line, r.diagnostics, r.attributes, r.group_info FROM soda_check_results r \
             JOIN (SELECT identity, MAX(data_timestamp) AS t FROM soda_check_results GROUP BY identity) l \
             ON l.identity = r.identity AND l.t = r.data_timestamp ORDER BY r.identity",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut checks: Vec<CheckHistory> = Vec::with_capacity(latest.len());
        let mut index: HashMap<String, usize> = HashMap::new();
        for row in &latest {
            let check = check_of(row)?;
            if index.contains_key(&check.identity) {
                continue;
            }
            index.insert(check.identity.clone(), checks.len());
            let mut check = check;
            check.diagnostics = serde_json::from_str(&row.try_get::<String, _>(8)?).ok();
            check.group = row
                .try_get::<Option<String>, _>(10)?
                .and_then(|text| serde_json::from_str(&text).ok());
            check.attributes = row
                .try_get::<Option<String>, _>(9)?
                .and_then(|text| serde_json::from_str(&text).ok())
                .unwrap_or_default();
            checks.push(check);
        }
        self.add_points(&mut checks, &index).await?;
        self.add_samples(&mut checks, &index).await?;
        Ok(checks)
    }

    async fn add_points(
        &self,
        checks: &mut [CheckHistory],
        index: &HashMap<String, usize>,
    ) -> Result<(), StoreError> {
        // One row per check with its results as a JSON array: the driver hands rows over one
        // by one, and 200 rows cost far less than 73,000. The time goes in as canonical text
        // (PostgreSQL's JSON of a `TIMESTAMPTZ` is a form of its own). Of each result's
        // diagnostics only its zones are taken, by the database, so the rest never crosses
        // the wire.
        let time = self.time_text("data_timestamp");
        let sql = match self.backend {
            super::Backend::Sqlite => format!(
                "SELECT identity, json_group_array(json_array(scan_id, {time}, outcome, value, value_text, outcome_reasons, \
                 json_extract(diagnostics, '$.fail'), json_extract(diagnostics, '$.warn'))) \
                 FROM soda_check_results GROUP BY identity"
            ),
            super::Backend::Postgres => format!(
                "SELECT identity, CAST(json_agg(json_build_array(scan_id, {time}, outcome, value, value_text, outcome_reasons, \
                 CAST(diagnostics AS json)->'fail', CAST(diagnostics AS json)->'warn')) AS TEXT) \
                 FROM soda_check_results GROUP BY identity"
            ),
        };
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        for row in &rows {
            let identity: String = row.try_get(0)?;
            let Some(&at) = index.get(&identity) else {
                continue;
            };
            let points: Vec<PointRow> =
                serde_json::from_str(&row.try_get::<String, _>(1)?).unwrap_or_default();
            let results = &mut checks[at].results;
            results.extend(points.into_iter().map(
                |(scan_id, data_timestamp, outcome, value, value_text, reasons, fail, warn)| {
                    CheckPoint {
                        scan_id,
                        data_timestamp,
                        outcome,
                        value,
                        value_text,
                        fail: zone(fail),
                        warn: zone(warn),
                        reasons: reasons
                            .and_then(|text| serde_json::from_str(&text).ok())
                            .unwrap_or_default(),
                    }
                },
            ));
            results.sort_by(|a, b| {
                (&a.data_timestamp, a.scan_id).cmp(&(&b.data_timestamp, b.scan_id))
            });
        }
        Ok(())
    }

    /// The failed rows of each check's most recent run that kept some.
    async fn add_samples(
        &self,
        checks: &mut [CheckHistory],
        index: &HashMap<String, usize>,
    ) -> Result<(), StoreError> {
        let sql = format!(
            "SELECT identity, {}, samples FROM soda_check_results \
             WHERE samples IS NOT NULL ORDER BY identity, data_timestamp",
            self.time_text("data_timestamp")
        );
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        for row in &rows {
            let identity: String = row.try_get(0)?;
            let Some(&at) = index.get(&identity) else {
                continue;
            };
            let text: String = row.try_get(2)?;
            if let Ok(s) = serde_json::from_str::<CheckSamples>(&text) {
                checks[at].samples = Some(SampleRows {
                    data_timestamp: row.try_get(1)?,
                    sample: s.sample,
                });
            }
        }
        Ok(())
    }
}

/// A scan; `full_log`: all its log lines, else only its errors and warnings.
fn scan_summary(row: &AnyRow, full_log: bool) -> Result<ScanSummary, StoreError> {
    let logs: String = row.try_get(9)?;
    let mut logs: Vec<LogLine> = serde_json::from_str(&logs).unwrap_or_default();
    if !full_log {
        logs.retain(|l| l.level == "error" || l.level == "warning");
    }
    Ok(ScanSummary {
        id: row.try_get(0)?,
        definition: row.try_get(1)?,
        data_source: row.try_get(2)?,
        data_timestamp: row.try_get(3)?,
        scan_start: row.try_get(4)?,
        scan_end: row.try_get(5)?,
        has_errors: row.try_get::<i64, _>(6)? != 0,
        has_warnings: row.try_get::<i64, _>(7)? != 0,
        has_failures: row.try_get::<i64, _>(8)? != 0,
        check_count: row.try_get::<i64, _>(10)?.max(0) as usize,
        datasets: Vec::new(),
        logs,
    })
}

/// A check as its latest result names and locates it (results added after).
fn check_of(row: &AnyRow) -> Result<CheckHistory, StoreError> {
    Ok(CheckHistory {
        check: CheckInfo {
            identity: row.try_get(0)?,
            name: row.try_get(1)?,
            definition: row.try_get(2)?,
            data_source: row.try_get(3)?,
            dataset: row.try_get(4)?,
            column: row.try_get(5)?,
            file: row.try_get(6)?,
            line: row.try_get::<i64, _>(7)?.max(0) as usize,
        },
        results: Vec::new(),
        samples: None,
        attributes: Vec::new(),
        diagnostics: None,
        group: None,
    })
}

/// A `fail`/`warn` zone of recorded diagnostics, read with the document's own type (an
/// anomaly check may record `null`; a zone without bounds is no zone).
fn zone(v: Option<Json>) -> Option<Zone> {
    let zone: Zone = serde_json::from_value(v?).ok()?;
    (zone != Zone::default()).then_some(zone)
}
