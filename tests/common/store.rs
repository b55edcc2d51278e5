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
    /// or an integer column; cast anything else, and read a time column through [`Self::time`]).
    pub fn rows(&self, sql: &str) -> Vec<String> {
        query_rows(&self.url, sql)
    }

    /// A time column as text in the store's canonical UTC form (`2024-05-01T10:00:00+00:00`):
    /// on PostgreSQL it is a `TIMESTAMPTZ`, which the `Any` driver cannot decode, so it is
    /// rendered as the store itself renders it.
    pub fn time(&self, column: &str) -> String {
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

    /// Runs a script of statements separated by `;` (lines starting with `--` are comments,
    /// `{id}` is the backend's auto-increment primary key), the way the store's migrations ran
    /// up to version 2; an SQLite file is created.
    pub fn execute(&self, script: &str) {
        let id = match self.backend {
            Backend::Sqlite => "INTEGER PRIMARY KEY AUTOINCREMENT",
            Backend::Postgres => "BIGSERIAL PRIMARY KEY",
        };
        let text: String = script
            .lines()
            .filter(|l| !l.trim_start().starts_with("--"))
            .collect::<Vec<_>>()
            .join("\n")
            .replace("{id}", id);
        let url = match self.backend {
            Backend::Sqlite => format!("{}?mode=rwc", self.url),
            Backend::Postgres => self.url.clone(),
        };
        sqlx::any::install_default_drivers();
        block_on(async {
            let mut c = sqlx::AnyConnection::connect(&url).await?;
            for statement in text.split(';').map(str::trim).filter(|s| !s.is_empty()) {
                sqlx::query(statement).execute(&mut c).await?;
            }
            c.close().await
        })
        .unwrap_or_else(|e| panic!("script on {url}: {e}"));
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
