//! History from the store, for the checks that compare with the past when Soda Cloud is not
//! configured: the metric's measurements recorded by earlier scans, newest data timestamp
//! first, each decoded into the shape the check reads.

use super::{Store, StoreError};
use crate::eval::history::HistoryRequest;
use crate::measure::history::{HistoricMeasurement, HistoricValue};
use chrono::{DateTime, Days, Utc};
use sqlx::Row;

impl Store {
    /// The measurements of `metric` from scans whose data timestamp is before `now` (the
    /// scan's own `-t`, so a backfill compares with the past of its own time and never with
    /// itself). For `same day last week`: only that calendar day (UTC) a week before `now`.
    pub async fn metric_history(
        &self,
        metric: &str,
        request: &HistoryRequest,
        now: DateTime<Utc>,
    ) -> Result<Vec<HistoricMeasurement>, StoreError> {
        let stamp = crate::results::time::soda;
        let mut from = String::new();
        let mut to = stamp(now);
        let mut sql = format!(
            "SELECT value, {} FROM soda_metrics WHERE identity = ? AND data_timestamp < {}",
            self.time_text("data_timestamp"),
            self.time_arg()
        );
        if request.same_day_last_week {
            let day = (now.date_naive() - Days::new(7)).and_hms_opt(0, 0, 0);
            if let Some(start) = day.map(|d| d.and_utc()) {
                from = stamp(start);
                to = stamp(start + chrono::Duration::days(1));
                sql.push_str(&format!(" AND data_timestamp >= {}", self.time_arg()));
            }
        }
        sql.push_str(" ORDER BY data_timestamp DESC");
        if let Some(limit) = request.limit {
            sql.push_str(&format!(" LIMIT {limit}"));
        }
        let sql = self.sql(&sql);
        let mut query = sqlx::query(&sql).bind(metric.to_string()).bind(to);
        if !from.is_empty() {
            query = query.bind(from);
        }
        let rows = query.fetch_all(&self.pool).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let value: String = row.try_get(0)?;
            let time: String = row.try_get(1)?;
            out.push(HistoricMeasurement {
                data_time: DateTime::parse_from_rfc3339(&time)
                    .ok()
                    .map(|t| t.with_timezone(&Utc)),
                value: HistoricValue::from_json(
                    serde_json::from_str(&value).unwrap_or(serde_json::Value::Null),
                    request.shape,
                ),
            });
        }
        Ok(out)
    }

    /// Where the history of a metric is when its identity under this scan's definition
    /// (`metric-{definition}-{rest}`) has none before `now`: the other scan definition with
    /// the most measurements of `metric-{other}-{rest}` (same data source, dataset, column,
    /// metric and settings) before `now`, and how many. `None` when this definition has some
    /// too (only a narrower window found nothing) or no other one has any. One query, run only
    /// after the look-up under this definition came back empty.
    pub async fn history_elsewhere(
        &self,
        definition: &str,
        metric: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(String, usize)>, StoreError> {
        let Some(rest) = metric.strip_prefix(&format!("metric-{definition}-")) else {
            return Ok(None);
        };
        let sql = self.sql(&format!(
            "SELECT s.definition, COUNT(*) FROM soda_metrics m \
             JOIN soda_scans s ON s.id = m.scan_id \
             WHERE m.data_timestamp < {} AND m.identity = 'metric-' || s.definition || '-' || ? \
             GROUP BY s.definition ORDER BY COUNT(*) DESC, s.definition",
            self.time_arg()
        ));
        let rows = sqlx::query(&sql)
            .bind(crate::results::time::soda(now))
            .bind(rest.to_string())
            .fetch_all(&self.pool)
            .await?;
        let mut best = None;
        for row in rows {
            let name: String = row.try_get(0)?;
            let count: i64 = row.try_get(1)?;
            if name == definition {
                return Ok(None);
            }
            if best.is_none() {
                best = Some((name, usize::try_from(count).unwrap_or(0)));
            }
        }
        Ok(best)
    }
}
