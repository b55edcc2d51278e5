//! How the store keeps times: typed on PostgreSQL (`TIMESTAMPTZ`), and on SQLite, which has no
//! time type, as text in one canonical UTC form that sorts in time order; either way they reach
//! and leave SQL as that text, so the read model, the pages, the API and the history checks
//! see the same bytes on both backends. Also the migration (version 4) that brought every
//! store, of either kind, to this, without losing a row.
//!
//! The canonical form is what [`crate::results::time::soda`] writes (`2024-05-01T10:00:00+00:00`:
//! UTC, `+00:00`, whole seconds), which is every time soda-rs itself writes; a time that has a
//! fraction of a second (only stores written before the server normalised times held one)
//! keeps it, to the microsecond (`2024-05-01T10:00:00.250000+00:00`, PostgreSQL's precision).
//! Text of that form compares as the times do: equal fields up to the seconds, then `+` (a whole
//! second) sorts before `.` (a later fraction of it).
//!
//! A time the store cannot read (`not-a-date`, which an earlier server accepted) becomes
//! [`UNREADABLE`], 1970-01-01T00:00:00+00:00: the row stays, as the oldest of its history.

use super::{Backend, Store, StoreError};
use crate::results::time::{parse_utc, soda};
use chrono::{DateTime, Duration, Timelike, Utc};
use sqlx::Row;
use std::collections::{HashMap, HashSet};

/// The version of the migration that typed the times (`migrations/0004_typed_times.sql`).
pub const TYPED_TIMES: i64 = 4;

/// What a time the store cannot read is kept as (the row is never dropped for it).
pub const UNREADABLE: &str = "1970-01-01T00:00:00+00:00";

/// Every time column of the store, by table.
const TIME_COLUMNS: &[(&str, &[&str])] = &[
    (
        "soda_scans",
        &["data_timestamp", "scan_start", "scan_end", "recorded_at"],
    ),
    ("soda_check_results", &["data_timestamp"]),
    ("soda_metrics", &["data_timestamp"]),
    ("soda_api_keys", &["created_at", "revoked_at"]),
    ("soda_uploads", &["uploaded_at"]),
];

/// An instant in the canonical form: whole seconds as `soda` writes them, else to the
/// microsecond (a finer fraction is cut, as PostgreSQL could not keep it).
pub fn render(t: DateTime<Utc>) -> String {
    let micros = (t.nanosecond() % 1_000_000_000) / 1_000;
    if micros == 0 {
        soda(t)
    } else {
        format!("{}.{micros:06}+00:00", t.format("%Y-%m-%dT%H:%M:%S"))
    }
}

/// Any stored or received time in the canonical form; one without an offset is UTC, and one
/// that cannot be read is [`UNREADABLE`].
pub fn canonical(text: &str) -> String {
    parse_utc(text).map_or_else(|| UNREADABLE.to_string(), render)
}

impl Store {
    /// `column` as text in the canonical form, for a select list. On PostgreSQL it is a
    /// `TIMESTAMPTZ`, which sqlx's `Any` driver cannot decode and whose own text form follows
    /// the session's `TimeZone` and `DateStyle`: it is rendered in UTC here, with the
    /// microseconds only when it has some.
    pub(super) fn time_text(&self, column: &str) -> String {
        match self.backend {
            Backend::Sqlite => column.to_string(),
            Backend::Postgres => {
                let utc = format!("({column} AT TIME ZONE 'UTC')");
                format!(
                    "to_char({utc}, CASE WHEN {utc} = date_trunc('second', {utc}) \
                     THEN 'YYYY-MM-DD\"T\"HH24:MI:SS\"+00:00\"' \
                     ELSE 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"' END)"
                )
            }
        }
    }

    /// The placeholder of a time bound as canonical text: PostgreSQL does not compare or store
    /// text as a `TIMESTAMPTZ` without being told to.
    pub(super) fn time_arg(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite => "?",
            Backend::Postgres => "CAST(? AS TIMESTAMPTZ)",
        }
    }

    /// Version 4: every time in the canonical form, typed `TIMESTAMPTZ` on PostgreSQL. Runs in
    /// the migration's transaction; every row stays.
    ///
    /// Two scans whose keys differed only in how their time was written (`12:00:00+02:00` and
    /// `10:00:00+00:00`, or two unreadable times) would share a key once converted: the later
    /// one (by id) is moved on by a microsecond until its key is free, so both stay apart.
    pub(super) async fn typed_times(
        &self,
        conn: &mut sqlx::AnyConnection,
    ) -> Result<(), StoreError> {
        self.convert_scan_keys(conn).await?;
        self.convert_other_times(conn).await?;
        if self.backend == Backend::Postgres {
            for (table, columns) in TIME_COLUMNS {
                let alters: Vec<String> = columns
                    .iter()
                    .map(|c| {
                        format!("ALTER COLUMN {c} TYPE TIMESTAMPTZ USING CAST({c} AS TIMESTAMPTZ)")
                    })
                    .collect();
                // Its indexes and the scan key's unique constraint are rebuilt with it.
                sqlx::query(&format!("ALTER TABLE {table} {}", alters.join(", ")))
                    .execute(&mut *conn)
                    .await?;
            }
        }
        Ok(())
    }

    /// The data timestamps of `soda_scans`, row by row, keeping the scan key unique (see
    /// [`Store::typed_times`]); the results and metrics of a scan that had to move move with it.
    async fn convert_scan_keys(&self, conn: &mut sqlx::AnyConnection) -> Result<(), StoreError> {
        let rows = sqlx::query(
            "SELECT id, definition, data_source, data_timestamp FROM soda_scans ORDER BY id",
        )
        .fetch_all(&mut *conn)
        .await?;
        let mut scans = Vec::with_capacity(rows.len());
        for row in &rows {
            let id: i64 = row.try_get(0)?;
            let definition: String = row.try_get(1)?;
            let data_source: String = row.try_get(2)?;
            let time: String = row.try_get(3)?;
            scans.push((id, definition, data_source, time));
        }
        // Keys already in the canonical form keep their time: no update can then meet a key
        // that is still to change (the unique constraint is checked row by row).
        let mut taken: HashSet<(&str, &str, String)> = scans
            .iter()
            .filter(|(_, _, _, time)| canonical(time) == *time)
            .map(|(_, d, s, time)| (d.as_str(), s.as_str(), time.clone()))
            .collect();
        for (id, definition, data_source, old) in &scans {
            let first = canonical(old);
            if first == *old {
                continue;
            }
            let mut new = first.clone();
            let mut at = parse_utc(&new).unwrap_or_default();
            while taken.contains(&(definition.as_str(), data_source.as_str(), new.clone())) {
                at += Duration::microseconds(1);
                new = render(at);
            }
            taken.insert((definition.as_str(), data_source.as_str(), new.clone()));
            sqlx::query(&self.sql("UPDATE soda_scans SET data_timestamp = ? WHERE id = ?"))
                .bind(new.clone())
                .bind(*id)
                .execute(&mut *conn)
                .await?;
            if new != first {
                for table in ["soda_check_results", "soda_metrics"] {
                    let sql = format!(
                        "UPDATE {table} SET data_timestamp = ? WHERE scan_id = ? AND data_timestamp = ?"
                    );
                    sqlx::query(&self.sql(&sql))
                        .bind(new.clone())
                        .bind(*id)
                        .bind(old.clone())
                        .execute(&mut *conn)
                        .await?;
                }
            }
        }
        Ok(())
    }

    /// Every other time column: each distinct text that is not canonical is mapped to its
    /// canonical form through a temporary table, one indexed join per column (one update per
    /// value would scan the results table once per scan).
    async fn convert_other_times(&self, conn: &mut sqlx::AnyConnection) -> Result<(), StoreError> {
        let mut map: HashMap<String, String> = HashMap::new();
        for (table, columns) in TIME_COLUMNS {
            for column in *columns {
                if (*table, *column) == ("soda_scans", "data_timestamp") {
                    continue;
                }
                let sql =
                    format!("SELECT DISTINCT {column} FROM {table} WHERE {column} IS NOT NULL");
                for row in sqlx::query(&sql).fetch_all(&mut *conn).await? {
                    let old: String = row.try_get(0)?;
                    let new = canonical(&old);
                    if new != old {
                        map.insert(old, new);
                    }
                }
            }
        }
        if map.is_empty() {
            return Ok(());
        }
        sqlx::query(
            "CREATE TEMPORARY TABLE soda_time_map (old TEXT PRIMARY KEY, new TEXT NOT NULL)",
        )
        .execute(&mut *conn)
        .await?;
        for (old, new) in map {
            sqlx::query(&self.sql("INSERT INTO soda_time_map (old, new) VALUES (?, ?)"))
                .bind(old)
                .bind(new)
                .execute(&mut *conn)
                .await?;
        }
        for (table, columns) in TIME_COLUMNS {
            for column in *columns {
                if (*table, *column) == ("soda_scans", "data_timestamp") {
                    continue;
                }
                sqlx::query(&format!(
                    "UPDATE {table} SET {column} = \
                     (SELECT m.new FROM soda_time_map m WHERE m.old = {table}.{column}) \
                     WHERE {column} IN (SELECT old FROM soda_time_map)"
                ))
                .execute(&mut *conn)
                .await?;
            }
        }
        sqlx::query("DROP TABLE soda_time_map")
            .execute(&mut *conn)
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_time_has_one_form_that_sorts_in_time_order() {
        assert_eq!(
            canonical("2024-05-01T10:00:00+00:00"),
            "2024-05-01T10:00:00+00:00"
        );
        assert_eq!(
            canonical("2024-05-01T12:00:00+02:00"),
            "2024-05-01T10:00:00+00:00"
        );
        assert_eq!(
            canonical("2024-05-01T10:00:00Z"),
            "2024-05-01T10:00:00+00:00"
        );
        assert_eq!(canonical("2024-05-01 10:00"), "2024-05-01T10:00:00+00:00");
        assert_eq!(
            canonical("2024-05-01T10:00:00.25+00:00"),
            "2024-05-01T10:00:00.250000+00:00"
        );
        assert_eq!(canonical("not-a-date"), UNREADABLE);
        assert_eq!(canonical(""), UNREADABLE);
        let ordered = [
            "1970-01-01T00:00:00+00:00",
            "2024-05-01T10:00:00+00:00",
            "2024-05-01T10:00:00.000001+00:00",
            "2024-05-01T10:00:00.500000+00:00",
            "2024-05-01T10:00:01+00:00",
        ];
        let mut sorted = ordered.map(canonical);
        sorted.sort();
        assert_eq!(sorted, ordered);
    }

    #[test]
    fn a_fraction_finer_than_a_microsecond_is_cut() {
        let t = DateTime::parse_from_rfc3339("2024-05-01T10:00:00.0000009Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(render(t), "2024-05-01T10:00:00+00:00");
        assert_eq!(
            render(t + Duration::microseconds(1)),
            "2024-05-01T10:00:00.000001+00:00"
        );
    }
}
