//! The store as Soda Cloud's ingest API uses it (`soda server`): a results document recorded
//! with the failed-row samples uploaded for it, the uploads themselves, and the history
//! queries (`sodaCoreHistoricMeasurements`, `sodaCoreHistoricCheckResults`) answered in
//! Cloud's shapes, newest data time first. Every value reaches SQL as a bound parameter.

use super::params::Param;
use super::{Store, StoreError};
use crate::results::document::ScanResults;
use crate::results::record::{uploaded_samples, StoreRecord};
use serde_json::{json, Value as Json};
use sqlx::any::AnyRow;
use sqlx::Row;
use std::collections::HashMap;

/// Which rows a history query asks for: one identity, optionally a data-time window (ISO
/// 8601, `2024-05-01T00:00:00+00:00`; compared as the store's canonical times).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HistoryFilter {
    pub identity: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub limit: u32,
}

/// How long an upload that no insert has named is kept.
const UPLOAD_DAYS: i64 = 7;

impl Store {
    /// Records a document as a scan (replacing one with the same key); its checks' uploaded
    /// samples are read first. Returns the scan's id once the transaction has committed.
    pub async fn record_document(&self, results: ScanResults) -> Result<i64, StoreError> {
        let mut uploads = HashMap::new();
        for (_, id, _) in uploaded_samples(&results) {
            if let Some(text) = self.upload(&id).await? {
                uploads.insert(id, text);
            }
        }
        let record = StoreRecord::from_document(results, |id| uploads.get(id).cloned());
        self.record_scan(&record).await
    }

    /// Keeps an uploaded sample file (JSON lines) under its new file id, and forgets uploads
    /// older than a week that no insert came for.
    pub async fn save_upload(&self, id: &str, path: &str, text: &str) -> Result<(), StoreError> {
        let now = chrono::Utc::now();
        let stamp = crate::results::time::soda;
        let _turn = self.write_turn().await;
        sqlx::query(&self.sql(&format!(
            "DELETE FROM soda_uploads WHERE uploaded_at < {}",
            self.time_arg()
        )))
        .bind(stamp(now - chrono::Duration::days(UPLOAD_DAYS)))
        .execute(&self.pool)
        .await?;
        let row = vec![
            ("file_id", Param::from(id)),
            ("file_path", path.into()),
            ("content", text.into()),
            ("uploaded_at", Param::Time(stamp(now))),
        ];
        self.insert(&self.pool, "soda_uploads", row).await?;
        Ok(())
    }

    async fn upload(&self, id: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query(&self.sql("SELECT content FROM soda_uploads WHERE file_id = ?"))
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(r) => Some(r.try_get(0)?),
            None => None,
        })
    }

    /// `sodaCoreHistoricMeasurements`: `{id, identity, value, dataTime}` per measurement of
    /// the metric identity.
    pub async fn cloud_measurements(
        &self,
        filter: &HistoryFilter,
    ) -> Result<Vec<Json>, StoreError> {
        let select = format!(
            "SELECT scan_id, identity, value, {} FROM soda_metrics WHERE identity = ?",
            self.time_text("data_timestamp")
        );
        let rows = self.history_rows(&select, filter).await?;
        rows.iter().map(measurement).collect()
    }

    /// `sodaCoreHistoricCheckResults`: the results of the check (by its v1 identity).
    pub async fn cloud_check_results(
        &self,
        filter: &HistoryFilter,
    ) -> Result<Vec<Json>, StoreError> {
        let select = format!(
            "SELECT scan_id, identity_v1, name, definition, data_source, dataset, column_name, \
             file, line, outcome, diagnostics, metrics, {} \
             FROM soda_check_results WHERE identity_v1 = ?",
            self.time_text("data_timestamp")
        );
        let rows = self.history_rows(&select, filter).await?;
        rows.iter().map(check_result).collect()
    }

    /// Runs `select` (whose one `?` is the identity) with the window and limit of `filter`,
    /// newest first.
    async fn history_rows(
        &self,
        select: &str,
        filter: &HistoryFilter,
    ) -> Result<Vec<AnyRow>, StoreError> {
        let mut sql = select.to_string();
        if filter.from.is_some() {
            sql.push_str(&format!(" AND data_timestamp >= {}", self.time_arg()));
        }
        if filter.to.is_some() {
            sql.push_str(&format!(" AND data_timestamp <= {}", self.time_arg()));
        }
        sql.push_str(" ORDER BY data_timestamp DESC, scan_id DESC LIMIT ?");
        let sql = self.sql(&sql);
        let mut query = sqlx::query(&sql).bind(filter.identity.clone());
        for bound in [&filter.from, &filter.to].into_iter().flatten() {
            query = query.bind(super::times::canonical(bound));
        }
        Ok(query
            .bind(i64::from(filter.limit))
            .fetch_all(&self.pool)
            .await?)
    }
}

/// The id Cloud gives a measurement, which check results name as their `measurementId`.
fn measurement_id(scan_id: i64, metric: &str) -> String {
    format!("{scan_id}:{metric}")
}

fn measurement(row: &AnyRow) -> Result<Json, StoreError> {
    let scan_id: i64 = row.try_get(0)?;
    let identity: String = row.try_get(1)?;
    let value: String = row.try_get(2)?;
    Ok(json!({
        "id": measurement_id(scan_id, &identity),
        "identity": identity,
        "value": serde_json::from_str::<Json>(&value).unwrap_or(Json::Null),
        "dataTime": row.try_get::<String, _>(3)?,
    }))
}

fn check_result(row: &AnyRow) -> Result<Json, StoreError> {
    let scan_id: i64 = row.try_get(0)?;
    let metrics: Vec<String> =
        serde_json::from_str(&row.try_get::<Option<String>, _>(11)?.unwrap_or_default())
            .unwrap_or_default();
    let diagnostics: Json =
        serde_json::from_str(&row.try_get::<String, _>(10)?).unwrap_or_default();
    Ok(json!({
        "identity": row.try_get::<Option<String>, _>(1)?,
        "measurementId": metrics.first().map(|m| measurement_id(scan_id, m)),
        "name": row.try_get::<String, _>(2)?,
        "definition": row.try_get::<String, _>(3)?,
        "location": {"filePath": row.try_get::<String, _>(7)?, "line": row.try_get::<i64, _>(8)?, "col": 0},
        "metrics": metrics,
        "dataSource": row.try_get::<String, _>(4)?,
        "table": row.try_get::<Option<String>, _>(5)?,
        "partition": Json::Null,
        "column": row.try_get::<Option<String>, _>(6)?,
        "outcome": row.try_get::<Option<String>, _>(9)?,
        "diagnostics": diagnostics,
        "dataTime": row.try_get::<String, _>(12)?,
        "feedback": Json::Null,
    }))
}
