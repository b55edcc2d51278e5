//! The per-driver trait: what each database implementation provides (open a pool of read-only
//! sessions, run one statement in a read-only transaction, decode its values), and the
//! streaming of result rows that every driver shares.

use super::dialect::Dialect;
use crate::measure::{ColumnInfo, EngineError, Rows, Value};
use futures_util::future::LocalBoxFuture;
use futures_util::TryStreamExt;
use sqlx::{Column, Executor, Row, TypeInfo};

/// One database driver over an open pool.
pub trait Driver: Send + Sync {
    /// How this engine spells SQL.
    fn dialect(&self) -> &dyn Dialect;

    /// Runs one statement in a read-only session; keeps at most `keep` rows but counts them all.
    /// `settings` (constant statements from the dialect, such as `SET LOCAL work_mem`) apply
    /// to this statement only; engines without transactions ignore them.
    fn fetch_rows<'a>(
        &'a self,
        sql: &'a str,
        keep: usize,
        settings: &'a [&'static str],
    ) -> LocalBoxFuture<'a, Result<Rows, EngineError>>;

    /// Closes the pool.
    fn close(&self) -> LocalBoxFuture<'_, ()>;
}

/// A driver over an sqlx pool: what differs between databases is data (their dialect, how a
/// read-only transaction begins, how values decode), so one implementation serves them all.
pub struct PooledDriver<DB: sqlx::Database> {
    pub pool: sqlx::Pool<DB>,
    pub dialect: &'static dyn Dialect,
    /// The statement that opens a read-only transaction; `None` where the session itself can
    /// only read (SQLite files opened read-only, with an authorizer).
    pub begin_read_only: Option<&'static str>,
    pub decode: Decode<DB::Row>,
    /// Sessions kept between statements. sqlx hands a session back to its pool with a ping
    /// in a task of its own, and a statement that starts meanwhile finds none idle and opens
    /// a new session: on PostgreSQL a new backend whose cold caches cost more than a small
    /// scan's queries. `None` where sessions must pass the pool's `after_release` (MySQL puts
    /// its session settings back there, since a statement may change them).
    pub idle: Option<Idle<DB>>,
}

/// The sessions a [`PooledDriver`] keeps between statements.
pub type Idle<DB> = std::sync::Mutex<Vec<sqlx::pool::PoolConnection<DB>>>;

impl<DB> Driver for PooledDriver<DB>
where
    DB: sqlx::Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> <DB as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
{
    fn dialect(&self) -> &dyn Dialect {
        self.dialect
    }

    fn fetch_rows<'a>(
        &'a self,
        sql: &'a str,
        keep: usize,
        settings: &'a [&'static str],
    ) -> LocalBoxFuture<'a, Result<Rows, EngineError>> {
        Box::pin(async move {
            let rows = match self.begin_read_only {
                Some(begin) => {
                    self.in_read_only_transaction(begin, settings, sql, keep)
                        .await
                }
                None => stream_rows(&self.pool, sql, keep, self.decode).await,
            };
            rows.map_err(|e| engine_error(&e))
        })
    }

    fn close(&self) -> LocalBoxFuture<'_, ()> {
        // The pool waits for every session it lent, so the kept ones go back first.
        drop(self.take_all_idle());
        Box::pin(self.pool.close())
    }
}

impl<DB> PooledDriver<DB>
where
    DB: sqlx::Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> <DB as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
{
    /// Runs one statement in its own read-only transaction that is rolled back: whatever a
    /// statement changes in the session (even the read-only default), and the `settings`
    /// made for it, do not outlive it.
    async fn in_read_only_transaction(
        &self,
        begin: &'static str,
        settings: &[&'static str],
        sql: &str,
        keep: usize,
    ) -> Result<Rows, sqlx::Error> {
        let kept = self
            .idle
            .as_ref()
            .and_then(|idle| idle.lock().ok())
            .and_then(|mut idle| idle.pop());
        let mut conn = match kept {
            Some(conn) => conn,
            None => self.pool.acquire().await?,
        };
        sqlx::raw_sql(begin).execute(&mut *conn).await?;
        for setting in settings {
            sqlx::raw_sql(setting).execute(&mut *conn).await?;
        }
        // Collected before ROLLBACK is sent, so that a failing query still reaches it.
        let result = stream_rows(&mut *conn, sql, keep, self.decode).await;
        if sqlx::raw_sql("ROLLBACK").execute(&mut *conn).await.is_err() {
            // A connection whose transaction cannot be ended is not reused.
            conn.detach();
        } else if let Some(Ok(mut idle)) = self.idle.as_ref().map(|idle| idle.lock()) {
            idle.push(conn);
        }
        result
    }

    fn take_all_idle(&self) -> Vec<sqlx::pool::PoolConnection<DB>> {
        self.idle
            .as_ref()
            .and_then(|idle| idle.lock().ok())
            .map(|mut idle| std::mem::take(&mut *idle))
            .unwrap_or_default()
    }
}

/// Classifies a driver error; the database's own words are kept without sqlx's prefixes.
pub fn engine_error(e: &sqlx::Error) -> EngineError {
    match e {
        sqlx::Error::Database(db) => EngineError::Database(db.message().to_string()),
        sqlx::Error::Configuration(c) => EngineError::Configuration(c.to_string()),
        sqlx::Error::PoolTimedOut => EngineError::PoolTimedOut,
        other => EngineError::Database(other.to_string()),
    }
}

/// Decodes column `i` of a row into a [`Value`] by the engine's type of the column.
pub type Decode<R> = fn(&R, usize) -> Value;

/// Streams the rows of one statement: a `fail query` may return millions of rows, of which
/// only the first `keep` are kept while all are counted.
pub async fn stream_rows<'e, DB, E>(
    executor: E,
    sql: &'e str,
    keep: usize,
    decode: Decode<DB::Row>,
) -> Result<Rows, sqlx::Error>
where
    DB: sqlx::Database,
    E: Executor<'e, Database = DB> + 'e,
    <DB as sqlx::Database>::Arguments<'e>: sqlx::IntoArguments<'e, DB>,
{
    let mut stream = sqlx::query::<DB>(sql).fetch(executor);
    let mut out = Rows::default();
    while let Some(row) = stream.try_next().await? {
        if out.total == 0 {
            out.columns = row
                .columns()
                .iter()
                .map(|c| ColumnInfo {
                    name: c.name().to_string(),
                    type_name: c.type_info().name().to_lowercase(),
                })
                .collect();
        }
        out.total += 1;
        if out.rows.len() < keep {
            out.rows
                .push((0..row.len()).map(|i| decode(&row, i)).collect());
        }
    }
    name_untyped_columns(&mut out);
    Ok(out)
}

/// Expressions (and some declared types on SQLite) have no type name: name them after the
/// values of the first row.
fn name_untyped_columns(out: &mut Rows) {
    let Some(first) = out.rows.first() else {
        return;
    };
    for (c, v) in out.columns.iter_mut().zip(first) {
        if c.type_name.is_empty() || c.type_name == "null" {
            c.type_name = match v {
                Value::Int(_) => "integer",
                Value::Float(_) => "real",
                Value::Bool(_) => "boolean",
                Value::Null => "null",
                _ => "text",
            }
            .to_string();
        }
    }
}
