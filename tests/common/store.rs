//! A fresh results store for one test, on either backend: an SQLite file in the test's dir,
//! or a database of its own on the local PostgreSQL server (named after the test and this
//! process, so parallel tests and parallel checkouts never share one), dropped when the test
//! ends. The store tests run on both, so that both backends are held to the same behaviour.

use super::db::{block_on, POSTGRES_URL};
use super::Test;
use sqlx::{Connection, Row};

/// Which database holds the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// One test's store.
pub struct TestStore {
    pub backend: Backend,
    /// What `--store` takes: the file (relative to the test's dir) or a `postgres://` URL.
    pub arg: String,
    /// The sqlx URL the test reads it with.
    url: String,
    /// PostgreSQL: the database to drop at the end.
    database: Option<String>,
}

impl TestStore {
    /// A store nobody has written yet; `name` (short, `[a-z0-9_]`) names its database.
    pub fn new(backend: Backend, t: &Test, name: &str) -> TestStore {
        match backend {
            Backend::Sqlite => TestStore {
                backend,
                arg: "store.sqlite".into(),
                url: format!("sqlite://{}", t.join("store.sqlite").display()),
                database: None,
            },
            Backend::Postgres => {
                let database = format!("soda_rs_{name}_{}", std::process::id());
                let url = postgres_database(&database);
                TestStore {
                    backend,
                    arg: url.clone(),
                    url,
                    database: Some(database),
                }
            }
        }
    }

    /// PostgreSQL: the name of the store's database.
    pub fn database(&self) -> Option<&str> {
        self.database.as_deref()
    }

    /// The `results_store:` block of a configuration file for this store.
    pub fn configuration(&self) -> String {
        match &self.database {
            None => "results_store:\n  type: sqlite\n  path: store.sqlite\n".into(),
            Some(db) => format!(
                "results_store:\n  type: postgres\n  host: 127.0.0.1\n  port: 5432\n  username: postgres\n  database: {db}\n"
            ),
        }
    }

    /// Runs SQL against the store and returns the first column of every row as text (a text
    /// or an integer column; cast anything else).
    pub fn rows(&self, sql: &str) -> Vec<String> {
        query_rows(&self.url, sql)
    }
}

impl Drop for TestStore {
    fn drop(&mut self) {
        if let Some(db) = &self.database {
            let _ = block_on(drop_database(db));
        }
    }
}

async fn drop_database(name: &str) -> Result<(), sqlx::Error> {
    let mut c = sqlx::PgConnection::connect(POSTGRES_URL).await?;
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&mut c)
        .await?;
    c.close().await
}

/// A fresh database on the local PostgreSQL server (dropped first if left over); its URL.
pub fn postgres_database(name: &str) -> String {
    block_on(async {
        drop_database(name).await?;
        let mut c = sqlx::PgConnection::connect(POSTGRES_URL).await?;
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut c)
            .await?;
        c.close().await
    })
    .unwrap_or_else(|e| panic!("PostgreSQL on 127.0.0.1:5432 is needed for this test: {e}"));
    format!("postgres://postgres@127.0.0.1:5432/{name}")
}

/// Runs SQL against a store given by URL (`sqlite://` or `postgres://`) and returns the first
/// column of every row as text (a text or an integer column; cast anything else).
pub fn query_rows(url: &str, sql: &str) -> Vec<String> {
    sqlx::any::install_default_drivers();
    block_on(async {
        let mut c = sqlx::AnyConnection::connect(url).await?;
        let rows = sqlx::query(sql).fetch_all(&mut c).await?;
        c.close().await?;
        Ok::<_, sqlx::Error>(
            rows.iter()
                .map(|r| {
                    r.try_get::<String, _>(0)
                        .or_else(|_| r.try_get::<i64, _>(0).map(|i| i.to_string()))
                        .unwrap_or_else(|e| panic!("column 0 of {sql}: {e}"))
                })
                .collect(),
        )
    })
    .unwrap_or_else(|e| panic!("query {url}: {e}"))
}
