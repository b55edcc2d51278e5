//! Engines: connecting to a data source and running the planned queries.
//!
//! One implementation per database behind [`Connection`] (sqlx pools), with the SQL spelling
//! in a [`dialect::Dialect`]. Queries of a plan run concurrently over a small pool. A failing
//! aggregation query is retried item by item, so one bad column or expression errors only the
//! checks that use it (Soda Core loses every aggregate of the table: soda-core#629).

pub mod dialect;
pub mod mysql;
pub mod postgres;
pub mod sqlite;
pub mod value;

use crate::config::{DataSource, Engine as EngineConfig};
use crate::plan::{Plan, Query, QueryKind};
use dialect::{Dialect, Post, RenderedQuery};
use std::sync::Arc;
use std::time::{Duration, Instant};
use value::Value;

/// How many connections (and so concurrent queries) a scan opens per data source.
pub const POOL_SIZE: u32 = 4;

#[derive(Clone)]
enum Pool {
    Postgres(sqlx::PgPool),
    MySql(sqlx::MySqlPool),
    Sqlite(sqlx::SqlitePool),
}

/// An open data source.
#[derive(Clone)]
pub struct Connection {
    pool: Pool,
    dialect: Arc<dyn Dialect>,
    pub schema: Option<String>,
    query_timeout: Duration,
}

/// One executed SQL statement, for logs and the results document.
#[derive(Debug, Clone)]
pub struct Executed {
    pub name: String,
    pub sql: String,
    pub error: Option<String>,
    pub duration: Duration,
    pub dataset: Option<crate::sodacl::model::Dataset>,
    pub column: Option<String>,
}

/// What running a plan produced: metric values (by metric id) and the executed queries.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// `None`: not computed (query failed or never built); `Some(Value::Null)`: SQL NULL.
    pub values: Vec<Option<Value>>,
    pub executed: Vec<Executed>,
}

/// Makes a database error readable: sqlx prefixes messages we do not want users to see.
fn error_text(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(db) => db.message().to_string(),
        sqlx::Error::Configuration(c) => c.to_string(),
        sqlx::Error::PoolTimedOut => "timed out while connecting".to_string(),
        other => other.to_string(),
    }
}

impl Connection {
    /// Connects to a data source.
    pub async fn open(ds: &DataSource) -> Result<Connection, String> {
        let (pool, dialect): (Pool, Arc<dyn Dialect>) = match &ds.engine {
            EngineConfig::Postgres { .. } => (
                Pool::Postgres(postgres::connect(ds, POOL_SIZE).await.map_err(|e| error_text(&e))?),
                Arc::new(postgres::Postgres),
            ),
            EngineConfig::MySql { .. } => (
                Pool::MySql(mysql::connect(ds, POOL_SIZE).await.map_err(|e| error_text(&e))?),
                Arc::new(mysql::MySql),
            ),
            EngineConfig::Sqlite { .. } => (
                Pool::Sqlite(sqlite::connect(ds, POOL_SIZE).await.map_err(|e| error_text(&e))?),
                Arc::new(sqlite::Sqlite),
            ),
        };
        Ok(Connection {
            pool,
            dialect,
            schema: ds.schema.clone(),
            query_timeout: ds.query_timeout,
        })
    }

    pub fn dialect(&self) -> &dyn Dialect {
        self.dialect.as_ref()
    }

    /// Runs one statement and returns its rows. Prepared statements refuse a second
    /// statement in the text, so a value from a checks file cannot smuggle one in.
    pub async fn fetch(&self, sql: &str) -> Result<Vec<Vec<Value>>, String> {
        let run = async {
            match &self.pool {
                Pool::Postgres(p) => sqlx::query(sql)
                    .fetch_all(p)
                    .await
                    .map(|rows| {
                        rows.iter()
                            .map(|r| (0..sqlx::Row::len(r)).map(|i| postgres::value(r, i)).collect())
                            .collect()
                    }),
                Pool::MySql(p) => sqlx::query(sql).fetch_all(p).await.map(|rows| {
                    rows.iter()
                        .map(|r| (0..sqlx::Row::len(r)).map(|i| mysql::value(r, i)).collect())
                        .collect()
                }),
                Pool::Sqlite(p) => sqlx::query(sql).fetch_all(p).await.map(|rows| {
                    rows.iter()
                        .map(|r| (0..sqlx::Row::len(r)).map(|i| sqlite::value(r, i)).collect())
                        .collect()
                }),
            }
        };
        // The server-side timeout is the real guard; this one catches a dead connection.
        match tokio::time::timeout(self.query_timeout + Duration::from_secs(5), run).await {
            Ok(r) => r.map_err(|e| error_text(&e)),
            Err(_) => Err(format!(
                "query timed out after {} seconds",
                self.query_timeout.as_secs()
            )),
        }
    }

    /// Lists the tables matching `for each dataset` patterns, as they must be written in SQL.
    pub async fn discover_tables(&self, includes: &[String], excludes: &[String]) -> Result<Vec<String>, String> {
        let Some(sql) = dialect::render_table_discovery(self.dialect(), includes, excludes, self.schema.as_deref()) else {
            return Ok(Vec::new());
        };
        let rows = self.fetch(&sql).await?;
        let mut names: Vec<String> = rows
            .into_iter()
            .filter_map(|r| match r.into_iter().next() {
                Some(Value::Text(t)) => Some(self.dialect().discovered_name(&t)),
                _ => None,
            })
            .collect();
        names.sort();
        Ok(names)
    }

    /// Closes the pool.
    pub async fn close(&self) {
        match &self.pool {
            Pool::Postgres(p) => p.close().await,
            Pool::MySql(p) => p.close().await,
            Pool::Sqlite(p) => p.close().await,
        }
    }
}

fn apply(post: Post, v: Value) -> Value {
    match (post, &v) {
        (Post::Sqrt, Value::Float(f)) => Value::Float(f.sqrt()),
        (Post::Sqrt, Value::Int(i)) => Value::Float((*i as f64).sqrt()),
        _ => v,
    }
}

struct QueryRun {
    executed: Vec<Executed>,
    values: Vec<(usize, Value)>,
}

async fn run_one(conn: Connection, plan: Arc<Plan>, q: Query) -> QueryRun {
    let schema = conn.schema.clone();
    let mut run = QueryRun {
        executed: Vec::new(),
        values: Vec::new(),
    };
    let record = |name: String, r: &RenderedQuery, error: Option<String>, duration: Duration| Executed {
        name,
        sql: r.sql.clone(),
        error,
        duration,
        dataset: Some(q.dataset.clone()),
        column: q.column.clone(),
    };
    match &q.kind {
        QueryKind::Aggregate { items } => {
            let rendered = dialect::render_aggregate(conn.dialect(), &plan, &q, items, schema.as_deref());
            let start = Instant::now();
            let result = conn.fetch(&rendered.sql).await;
            let elapsed = start.elapsed();
            match result {
                Ok(rows) => {
                    run.executed.push(record(q.name.clone(), &rendered, None, elapsed));
                    let row = rows.into_iter().next().unwrap_or_default();
                    for (i, id) in items.iter().enumerate() {
                        let v = row.get(i).cloned().unwrap_or(Value::Null);
                        run.values.push((*id, apply(rendered.posts.get(i).copied().unwrap_or(Post::None), v)));
                    }
                }
                Err(e) => {
                    run.executed.push(record(q.name.clone(), &rendered, Some(e), elapsed));
                    if items.len() > 1 {
                        // Isolate: each item alone, so only the failing metrics stay unset.
                        for (i, id) in items.iter().enumerate() {
                            let single = dialect::render_aggregate(conn.dialect(), &plan, &q, &[*id], schema.as_deref());
                            let start = Instant::now();
                            let result = conn.fetch(&single.sql).await;
                            let name = format!("{}.isolated[{i}]", q.name);
                            match result {
                                Ok(rows) => {
                                    let v = rows.into_iter().next().and_then(|r| r.into_iter().next()).unwrap_or(Value::Null);
                                    run.values.push((*id, apply(single.posts[0], v)));
                                    run.executed.push(record(name, &single, None, start.elapsed()));
                                }
                                Err(e) => run.executed.push(record(name, &single, Some(e), start.elapsed())),
                            }
                        }
                    }
                }
            }
        }
        QueryKind::Duplicate { metric } => {
            let rendered = dialect::render_duplicate(&plan, &q, schema.as_deref());
            let start = Instant::now();
            let result = conn.fetch(&rendered.sql).await;
            let elapsed = start.elapsed();
            match result {
                Ok(rows) => {
                    let v = rows.into_iter().next().and_then(|r| r.into_iter().next()).unwrap_or(Value::Int(0));
                    run.values.push((*metric, v));
                    run.executed.push(record(q.name.clone(), &rendered, None, elapsed));
                }
                Err(e) => run.executed.push(record(q.name.clone(), &rendered, Some(e), elapsed)),
            }
        }
    }
    run
}

/// Runs every query of the plan, concurrently, and collects the metric values.
pub async fn execute(conn: &Connection, plan: Arc<Plan>) -> Outcome {
    let mut set = tokio::task::JoinSet::new();
    for (i, q) in plan.queries.iter().enumerate() {
        let fut = run_one(conn.clone(), plan.clone(), q.clone());
        set.spawn(async move { (i, fut.await) });
    }
    let mut runs: Vec<(usize, QueryRun)> = Vec::new();
    while let Some(joined) = set.join_next().await {
        if let Ok(r) = joined {
            runs.push(r);
        }
    }
    // Report in plan order, whatever order the queries finished in.
    runs.sort_by_key(|(i, _)| *i);
    let mut outcome = Outcome {
        values: vec![None; plan.metrics.len()],
        executed: Vec::new(),
    };
    for (_, run) in runs {
        for (id, v) in run.values {
            if let Some(slot) = outcome.values.get_mut(id) {
                *slot = Some(v);
            }
        }
        outcome.executed.extend(run.executed);
    }
    outcome
}
