//! The store's read model for the HTML report: every scan, and every check with its results
//! in data-time order and the failed rows of its latest run that kept some.

use super::rows::CheckSamples;
use super::{Store, StoreError};
use crate::report::html::{
    CheckHistory, CheckPoint, LogLine, ReportData, SampleRows, ScanSummary, Zone,
};
use serde_json::Value as Json;
use sqlx::any::AnyRow;
use sqlx::Row;
use std::collections::HashMap;

impl Store {
    /// Everything `soda report` shows.
    pub async fn read_model(&self) -> Result<ReportData, StoreError> {
        Ok(ReportData {
            generated_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
            store: self.location.clone(),
            scans: self.scans().await?,
            checks: self.checks().await?,
        })
    }

    async fn scans(&self) -> Result<Vec<ScanSummary>, StoreError> {
        let rows = sqlx::query(
            "SELECT s.id, s.definition, s.data_source, s.data_timestamp, s.scan_start, s.scan_end, \
             s.has_errors, s.has_warnings, s.has_failures, s.logs, \
             (SELECT COUNT(*) FROM soda_check_results c WHERE c.scan_id = s.id) \
             FROM soda_scans s ORDER BY s.data_timestamp DESC, s.id DESC",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(scan_summary).collect()
    }

    async fn checks(&self) -> Result<Vec<CheckHistory>, StoreError> {
        let rows = sqlx::query(
            "SELECT identity, name, definition, data_source, dataset, column_name, file, line, \
             scan_id, data_timestamp, outcome, value, value_text, diagnostics, samples \
             FROM soda_check_results ORDER BY identity, data_timestamp, scan_id",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut checks: Vec<CheckHistory> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        for row in &rows {
            let identity: String = row.try_get(0)?;
            let at = *index.entry(identity.clone()).or_insert_with(|| {
                checks.push(CheckHistory {
                    identity: identity.clone(),
                    ..CheckHistory::default()
                });
                checks.len() - 1
            });
            add_result(&mut checks[at], row)?;
        }
        Ok(checks)
    }
}

fn scan_summary(row: &AnyRow) -> Result<ScanSummary, StoreError> {
    let logs: String = row.try_get(9)?;
    let logs: Vec<LogLine> = serde_json::from_str::<Vec<Json>>(&logs)
        .unwrap_or_default()
        .iter()
        .map(|l| LogLine {
            level: text(l, "level"),
            message: text(l, "message"),
            timestamp: text(l, "timestamp"),
        })
        .collect();
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
        logs,
    })
}

fn text(v: &Json, key: &str) -> String {
    v.get(key)
        .and_then(Json::as_str)
        .unwrap_or_default()
        .to_string()
}

/// Adds one result row to its check; the latest row names and locates the check.
fn add_result(check: &mut CheckHistory, row: &AnyRow) -> Result<(), StoreError> {
    check.name = row.try_get(1)?;
    check.definition = row.try_get(2)?;
    check.data_source = row.try_get(3)?;
    check.dataset = row.try_get(4)?;
    check.column = row.try_get(5)?;
    check.file = row.try_get(6)?;
    check.line = row.try_get::<i64, _>(7)?.max(0) as usize;
    let diagnostics: Json =
        serde_json::from_str(&row.try_get::<String, _>(13)?).unwrap_or_default();
    let data_timestamp: String = row.try_get(9)?;
    let samples: Option<String> = row.try_get(14)?;
    if let Some(s) = samples.and_then(|s| serde_json::from_str::<CheckSamples>(&s).ok()) {
        check.samples = Some(SampleRows {
            data_timestamp: data_timestamp.clone(),
            columns: s.columns,
            rows: s.rows,
            total: s.total,
        });
    }
    check.results.push(CheckPoint {
        scan_id: row.try_get(8)?,
        data_timestamp,
        outcome: row.try_get(10)?,
        value: row.try_get(11)?,
        value_text: row.try_get(12)?,
        fail: zone(diagnostics.get("fail")),
        warn: zone(diagnostics.get("warn")),
    });
    Ok(())
}

fn zone(v: Option<&Json>) -> Option<Zone> {
    let v = v?.as_object()?;
    let bound = |k: &str| v.get(k).and_then(Json::as_f64);
    Some(Zone {
        greater_than_or_equal: bound("greaterThanOrEqual"),
        greater_than: bound("greaterThan"),
        less_than: bound("lessThan"),
        less_than_or_equal: bound("lessThanOrEqual"),
    })
}
