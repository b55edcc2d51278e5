//! Configuration: data sources, Soda Cloud, the results store and notifications from
//! `configuration.yml` files.
//!
//! Files are read in command-line order (folders walked for `.yml`/`.yaml`), rendered for
//! `${VAR}` before YAML parsing (as Soda Core does, so a variable may hold any YAML), read into
//! [`raw`] mirrors, and resolved into [`Configuration`]. A later file's `data_source X` block
//! replaces an earlier one whole. Every problem is logged with `file:line:col`; the rest of the
//! file is still used.

pub mod notifications;
pub mod raw;

use crate::diagnostic::{Location, Logs};
use crate::template::Vars;
use crate::yaml;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A value that must never be printed (passwords, API secrets).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: String) -> Secret {
        Secret(value)
    }

    /// The secret itself, for handing to a driver or an HTTP body, never to output.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Which engine a data source uses, with that engine's connection settings.
#[derive(Debug, Clone)]
pub enum Engine {
    Postgres {
        host: String,
        port: u16,
        username: Option<String>,
        password: Option<Secret>,
        database: Option<String>,
        sslmode: Option<String>,
        /// `max_parallel_workers_per_gather` of the scan's sessions; the server's when unset.
        parallel_workers: Option<u32>,
    },
    MySql {
        host: String,
        port: u16,
        username: Option<String>,
        password: Option<Secret>,
        database: Option<String>,
        ssl_mode: Option<String>,
        /// How many statements the aggregation query of a big table is split into (see
        /// `engine::sizes`); two when unset, and 0 or 1 never splits.
        parallel_workers: Option<u32>,
    },
    Sqlite {
        path: PathBuf,
    },
    /// Spark SQL through a Spark Connect endpoint.
    Spark {
        host: String,
        port: u16,
        token: Option<Secret>,
        use_ssl: bool,
        catalog: Option<String>,
        database: Option<String>,
    },
}

impl Engine {
    pub fn type_name(&self) -> &'static str {
        match self {
            Engine::Postgres { .. } => "postgres",
            Engine::MySql { .. } => "mysql",
            Engine::Sqlite { .. } => "sqlite",
            Engine::Spark { .. } => "spark",
        }
    }
}

/// A validated data source.
#[derive(Debug, Clone)]
pub struct DataSource {
    pub name: String,
    pub engine: Engine,
    /// Prefix for table names in queries (`schema.table`).
    pub schema: Option<String>,
    pub connect_timeout: Duration,
    pub query_timeout: Duration,
    /// How many connections (so queries at a time) the scan opens to this data source.
    pub max_connections: u32,
    pub samples_limit: Option<i64>,
    /// `sampler: disable_samples: true` (or the legacy top-level key): no sample queries.
    pub disable_samples: bool,
}

/// Soda Cloud connection settings.
#[derive(Debug, Clone)]
pub struct Cloud {
    pub host: String,
    pub port: Option<String>,
    pub scheme: String,
    pub api_key_id: Secret,
    pub api_key_secret: Secret,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    /// Extra attempts for transient failures (connection errors, timeouts, 429, 5xx).
    pub retries: u32,
    pub backoff: Duration,
    /// Where results that could not be delivered wait (see [`crate::cloud::outbox`]).
    pub outbox: PathBuf,
}

/// Everything the configuration files declared.
#[derive(Debug, Clone, Default)]
pub struct Configuration {
    pub data_sources: Vec<DataSource>,
    pub cloud: Option<Cloud>,
    /// Where scan results are recorded (`results_store:`, or `--store`).
    pub store: Option<StoreConfig>,
    /// Webhooks called at the end of a scan (`notifications:`).
    pub notifications: Option<notifications::Notifications>,
    /// Data sources the configuration names but whose settings were refused (reported where
    /// they are wrong).
    pub unusable: Vec<String>,
}

/// The results store: an SQLite file (the default kind) or a PostgreSQL database.
#[derive(Debug, Clone, PartialEq)]
pub enum StoreConfig {
    Sqlite {
        path: PathBuf,
    },
    Postgres {
        host: String,
        port: u16,
        username: Option<String>,
        password: Option<Secret>,
        database: Option<String>,
        schema: Option<String>,
    },
}

/// Why a `--store` argument is not a store; the one place its words are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreArgumentError {
    /// The port of a `postgres://` URL is not a number from 0 to 65535.
    InvalidPort(String),
    /// A `postgres://` URL without a host.
    NoHost,
}

impl std::fmt::Display for StoreArgumentError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreArgumentError::InvalidPort(port) => write!(f, "--store: invalid port '{port}'"),
            StoreArgumentError::NoHost => f.write_str("--store: a postgres:// URL needs a host"),
        }
    }
}

impl StoreConfig {
    /// Reads `--store`: a `postgres://user:password@host:port/database` URL or a file path.
    pub fn parse_argument(text: &str) -> Result<StoreConfig, StoreArgumentError> {
        let Some(rest) = text
            .strip_prefix("postgres://")
            .or_else(|| text.strip_prefix("postgresql://"))
        else {
            return Ok(StoreConfig::Sqlite {
                path: PathBuf::from(text),
            });
        };
        let (credentials, location) = match rest.rsplit_once('@') {
            Some((c, l)) => (Some(c), l),
            None => (None, rest),
        };
        let (username, password) = match credentials.map(|c| c.split_once(':')) {
            Some(Some((u, p))) => (Some(u.to_string()), Some(Secret::new(p.to_string()))),
            Some(None) => (credentials.map(str::to_string), None),
            None => (None, None),
        };
        let (address, database) = match location.split_once('/') {
            Some((a, d)) if !d.is_empty() => (a, Some(d.to_string())),
            Some((a, _)) => (a, None),
            None => (location, None),
        };
        let (host, port) = match address.rsplit_once(':') {
            Some((h, p)) => (
                h.to_string(),
                p.parse::<u16>()
                    .map_err(|_| StoreArgumentError::InvalidPort(p.to_string()))?,
            ),
            None => (address.to_string(), 5432),
        };
        if host.is_empty() {
            return Err(StoreArgumentError::NoHost);
        }
        Ok(StoreConfig::Postgres {
            host,
            port,
            username,
            password,
            database,
            schema: None,
        })
    }

    /// Where the store is, for messages: the file, or `postgres://user@host:port/db` (never
    /// the password).
    pub fn describe(&self) -> String {
        match self {
            StoreConfig::Sqlite { path } => path.display().to_string(),
            StoreConfig::Postgres {
                host,
                port,
                username,
                database,
                ..
            } => format!(
                "postgres://{}{host}:{port}/{}",
                username
                    .as_ref()
                    .map(|u| format!("{u}@"))
                    .unwrap_or_default(),
                database.clone().unwrap_or_default()
            ),
        }
    }
}

impl Configuration {
    pub fn data_source(&self, name: &str) -> Option<&DataSource> {
        self.data_sources.iter().find(|d| d.name == name)
    }
}

/// The default timeout for opening a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
/// The default statement timeout: long enough for big tables, short enough to not hang CI.
pub const DEFAULT_QUERY_TIMEOUT: Duration = Duration::from_secs(600);
/// Connections per data source unless `max_connections` says otherwise: enough to overlap a
/// table's aggregation with its duplicate and schema queries, few enough for a shared server.
pub const DEFAULT_MAX_CONNECTIONS: u32 = 4;

/// Loads the `-c` paths (or the default file) into one configuration.
pub fn load(paths: &[PathBuf], vars: &Vars, logs: &mut Logs) -> Configuration {
    let mut files = Vec::new();
    if paths.is_empty() {
        let default = home_dir().map(|h| h.join(".soda").join("configuration.yml"));
        match default {
            Some(p) if p.is_file() => files.push(p),
            _ => logs
                .warning("No configuration file specified nor found in ~/.soda/configuration.yml"),
        }
    }
    for path in paths {
        if !path.exists() {
            logs.error(format!(
                "Configuration path '{}' does not exist",
                path.display()
            ));
            continue;
        }
        crate::sources::collect(path, &mut files);
    }
    let mut config = Configuration::default();
    for file in files {
        load_file(&file, vars, logs, &mut config);
    }
    config
}

fn home_dir() -> Option<PathBuf> {
    std::env::var_os("HOME").map(PathBuf::from)
}

fn load_file(path: &Path, vars: &Vars, logs: &mut Logs, config: &mut Configuration) {
    let display = path.display().to_string();
    logs.debug(format!("Reading configuration file \"{display}\""));
    let text = match crate::sources::read_text(path) {
        Ok(t) => {
            logs.add_source(&display, &t, crate::diagnostic::Redact::SecretValues);
            t
        }
        Err(e) => {
            let location = e.at.map(|(line, col)| Location {
                file: display.clone(),
                line,
                col,
            });
            logs.error_at(
                format!(
                    "Error reading file {display} from the file system: {}",
                    e.message
                ),
                location,
            );
            return;
        }
    };
    add_text(&display, &text, vars, logs, config);
}

/// Reads configuration text, as if from the file `display`; problems are logged.
pub fn load_text(display: &str, text: &str, vars: &Vars, logs: &mut Logs) -> Configuration {
    let mut config = Configuration::default();
    add_text(display, text, vars, logs, &mut config);
    config
}

/// Adds the data sources, Soda Cloud and store settings of one configuration text.
fn add_text(display: &str, text: &str, vars: &Vars, logs: &mut Logs, config: &mut Configuration) {
    let rendered = vars.render(text);
    logs.problems_at(rendered.problems(&format!(" in {display}")), None);
    let doc = match yaml::parse(&rendered.text) {
        Ok(Some(doc)) => doc,
        Ok(None) => return,
        Err(e) => return logs.yaml_error(display, (e.pos.line, e.pos.col), e.message),
    };
    let mut problems = Vec::new();
    let raw = raw::read(&doc, &mut problems);
    for ds in raw.data_sources {
        let name = ds.name.clone();
        match resolve_data_source(ds, &mut problems) {
            Some(resolved) => {
                config.data_sources.retain(|d| d.name != resolved.name);
                config.unusable.retain(|n| *n != name);
                config.data_sources.push(resolved);
            }
            None => config.unusable.push(name),
        }
    }
    if let Some(cloud) = raw.cloud {
        config.cloud = resolve_cloud(cloud, &mut problems);
    }
    if let Some(store) = raw.store {
        config.store = resolve_store(store, &mut problems);
    }
    if let Some(n) = raw.notifications {
        config.notifications = Some(notifications::resolve(n, &mut problems));
    }
    for p in problems {
        logs.error_at(
            p.message,
            Some(Location {
                file: display.to_string(),
                line: p.pos.line,
                col: p.pos.col,
            }),
        );
    }
}

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    name.len() >= 2
        && matches!(chars.next(), Some('a'..='z' | '_'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
}

fn resolve_data_source(
    ds: raw::RawDataSource,
    problems: &mut Vec<raw::Problem>,
) -> Option<DataSource> {
    if !valid_name(&ds.name) {
        problems.push(raw::Problem {
            pos: ds.pos,
            message: format!(
                "Invalid data source name '{}'. Data source names must start with a lower case char or an underscore [a-z_], followed by any number of lower case chars, digits or underscore [a-z0-9_]",
                ds.name
            ),
        });
    }
    let Some(type_) = ds.type_.clone() else {
        problems.push(raw::Problem {
            pos: ds.pos,
            message: "type is required".into(),
        });
        return None;
    };
    let engine = resolve_engine(&ds, &type_, problems)?;
    let schema = namespace(&engine, value(&ds.schema).filter(|s| !s.is_empty()));
    let seconds = |s: &Option<raw::Spanned<f64>>, default: Duration| {
        s.as_ref()
            .map_or(default, |v| Duration::from_secs_f64(v.value.max(0.001)))
    };
    if let (Some(n), false) = (
        &ds.parallel_workers,
        matches!(engine, Engine::Postgres { .. } | Engine::MySql { .. }),
    ) {
        problems.push(raw::Problem {
            pos: n.pos,
            message: format!(
                "data_source {}: parallel_workers applies to postgres and mysql data sources only",
                ds.name
            ),
        });
    }
    Some(DataSource {
        name: ds.name.clone(),
        engine,
        schema,
        connect_timeout: seconds(&ds.connection_timeout, DEFAULT_CONNECT_TIMEOUT),
        query_timeout: seconds(&ds.query_timeout, DEFAULT_QUERY_TIMEOUT),
        max_connections: max_connections(&ds, problems),
        samples_limit: ds.samples_limit.as_ref().map(|s| s.value),
        disable_samples: ds.disable_samples.unwrap_or(false),
    })
}

/// Queries at a time on one data source: 4 unless configured, from 1 (one after the other)
/// to 64.
fn max_connections(ds: &raw::RawDataSource, problems: &mut Vec<raw::Problem>) -> u32 {
    let Some(n) = &ds.max_connections else {
        return DEFAULT_MAX_CONNECTIONS;
    };
    if n.value.fract() == 0.0 && (1.0..=64.0).contains(&n.value) {
        return n.value as u32;
    }
    problems.push(raw::Problem {
        pos: n.pos,
        message: format!(
            "data_source {}: max_connections must be a whole number from 1 to 64",
            ds.name
        ),
    });
    DEFAULT_MAX_CONNECTIONS
}

/// What table names are prefixed with. Spark has no session we keep between queries, so its
/// `database` (Soda Core's key) and `catalog` become the prefix: `catalog.database.table`.
fn namespace(engine: &Engine, schema: Option<String>) -> Option<String> {
    let Engine::Spark {
        catalog, database, ..
    } = engine
    else {
        return schema;
    };
    let database = schema.or_else(|| database.clone());
    match (catalog, database) {
        (Some(c), Some(d)) => Some(format!("{c}.{d}")),
        (Some(c), None) => Some(format!("{c}.default")),
        (None, d) => d,
    }
}

/// The engine named by `type`, with its connection settings; `None` (reported) when the type
/// is unknown or a required setting is missing.
fn resolve_engine(
    ds: &raw::RawDataSource,
    type_: &raw::Spanned<String>,
    problems: &mut Vec<raw::Problem>,
) -> Option<Engine> {
    let message = match type_.value.as_str() {
        "postgres" => return postgres_engine(ds, problems),
        "mysql" => return mysql_engine(ds, problems),
        "sqlite" => return sqlite_engine(ds, problems),
        "spark" => return spark_engine(ds, problems),
        "postgresql" => "Data source type \"postgresql\" not found. Did you mean postgres?".into(),
        other => format!(
            "Data source type \"{other}\" not found. Supported types: postgres, mysql, sqlite, spark"
        ),
    };
    problems.push(raw::Problem {
        pos: type_.pos,
        message,
    });
    None
}

fn postgres_engine(ds: &raw::RawDataSource, problems: &mut Vec<raw::Problem>) -> Option<Engine> {
    let host = match &ds.host {
        Some(h) if !h.value.trim().is_empty() => h.value.clone(),
        _ if ds.misspelt.iter().any(|k| k == "host") => return None,
        _ => {
            problems.push(raw::Problem {
                pos: ds.host.as_ref().map_or(ds.pos, |h| h.pos),
                message: format!("data_source {}: host is required for postgres", ds.name),
            });
            return None;
        }
    };
    if let Some(mode) = &ds.sslmode {
        if ![
            "disable",
            "allow",
            "prefer",
            "require",
            "verify-ca",
            "verify-full",
        ]
        .contains(&mode.value.as_str())
        {
            problems.push(raw::Problem {
                pos: mode.pos,
                message: format!("Invalid sslmode '{}': use disable, allow, prefer, require, verify-ca or verify-full", mode.value),
            });
        }
    }
    Some(Engine::Postgres {
        host,
        port: port(ds, 5432, problems)?,
        username: value(&ds.username),
        password: secret(&ds.password),
        database: value(&ds.database),
        sslmode: value(&ds.sslmode),
        parallel_workers: parallel_workers(ds, problems),
    })
}

/// How many cores one query may use, from 0 to 64: PostgreSQL's parallel workers per query
/// (0: each query on one core), MySQL's statements per big aggregation (0 and 1: one).
fn parallel_workers(ds: &raw::RawDataSource, problems: &mut Vec<raw::Problem>) -> Option<u32> {
    let n = ds.parallel_workers.as_ref()?;
    if n.value.fract() == 0.0 && (0.0..=64.0).contains(&n.value) {
        return Some(n.value as u32);
    }
    problems.push(raw::Problem {
        pos: n.pos,
        message: format!(
            "data_source {}: parallel_workers must be a whole number from 0 to 64",
            ds.name
        ),
    });
    None
}

fn mysql_engine(ds: &raw::RawDataSource, problems: &mut Vec<raw::Problem>) -> Option<Engine> {
    Some(Engine::MySql {
        host: value(&ds.host)
            .filter(|h| !h.trim().is_empty())
            .unwrap_or_else(|| "localhost".into()),
        port: port(ds, 3306, problems)?,
        username: value(&ds.username),
        password: secret(&ds.password),
        database: value(&ds.database),
        ssl_mode: value(&ds.sslmode),
        parallel_workers: parallel_workers(ds, problems),
    })
}

fn sqlite_engine(ds: &raw::RawDataSource, problems: &mut Vec<raw::Problem>) -> Option<Engine> {
    match &ds.path {
        Some(p) if !p.value.is_empty() => Some(Engine::Sqlite {
            path: PathBuf::from(&p.value),
        }),
        _ if ds.misspelt.iter().any(|k| k == "path") => None,
        _ => {
            problems.push(raw::Problem {
                pos: ds.pos,
                message: format!(
                    "data_source {}: path (the SQLite database file) is required",
                    ds.name
                ),
            });
            None
        }
    }
}

/// Spark over Spark Connect. Soda Core's `method` (hive, odbc, databricks) picks a client
/// library; we speak only Spark Connect, so any other method is an error at its line rather
/// than a silent change of protocol.
fn spark_engine(ds: &raw::RawDataSource, problems: &mut Vec<raw::Problem>) -> Option<Engine> {
    if let Some(m) = ds.method.as_ref().filter(|m| m.value != "connect") {
        problems.push(raw::Problem {
            pos: m.pos,
            message: format!(
                "data_source {}: method '{}' is not supported: soda-rs reaches Spark through Spark Connect (method: connect, host, port)",
                ds.name, m.value
            ),
        });
        return None;
    }
    Some(Engine::Spark {
        host: value(&ds.host)
            .filter(|h| !h.trim().is_empty())
            .unwrap_or_else(|| "localhost".into()),
        port: port(ds, 15002, problems)?,
        token: secret(&ds.token),
        use_ssl: ds.use_ssl.unwrap_or(false),
        catalog: value(&ds.catalog).filter(|c| !c.is_empty()),
        database: value(&ds.database).filter(|d| !d.is_empty()),
    })
}

/// The configured port, or the engine's default when it is absent; `None` (reported) when it
/// is no port at all: a data source with an impossible port is not used.
fn port(ds: &raw::RawDataSource, default: u16, problems: &mut Vec<raw::Problem>) -> Option<u16> {
    let Some(p) = &ds.port else {
        return Some(default);
    };
    match p.value.trim().parse::<u16>() {
        Ok(port) if port > 0 => Some(port),
        _ => {
            problems.push(raw::Problem {
                pos: p.pos,
                message: format!(
                    "port must be a number from 1 to 65535, but was '{}'",
                    p.value
                ),
            });
            None
        }
    }
}

fn value(s: &Option<raw::Spanned<String>>) -> Option<String> {
    s.as_ref().map(|v| v.value.clone())
}

/// An empty password counts as none.
fn secret(s: &Option<raw::Spanned<String>>) -> Option<Secret> {
    s.as_ref()
        .filter(|v| !v.value.is_empty())
        .map(|v| Secret::new(v.value.clone()))
}

fn resolve_cloud(cloud: raw::RawCloud, problems: &mut Vec<raw::Problem>) -> Option<Cloud> {
    let mut missing = Vec::new();
    if cloud
        .host
        .as_ref()
        .is_none_or(|h| h.value.trim().is_empty())
    {
        missing.push("host");
    }
    if cloud.api_key_id.as_ref().is_none_or(|h| h.value.is_empty()) {
        missing.push("api_key_id");
    }
    if cloud
        .api_key_secret
        .as_ref()
        .is_none_or(|h| h.value.is_empty())
    {
        missing.push("api_key_secret");
    }
    if !missing.is_empty() {
        problems.push(raw::Problem {
            pos: cloud.pos,
            message: format!("soda_cloud: missing {}", missing.join(", ")),
        });
        return None;
    }
    let scheme = cloud
        .scheme
        .map_or_else(|| "https".to_string(), |s| s.value);
    let host_text = cloud
        .host
        .as_ref()
        .map(|h| h.value.as_str())
        .unwrap_or_default();
    if scheme == "http" && !matches!(host_text, "localhost" | "127.0.0.1" | "::1") {
        problems.push(raw::Problem {
            pos: cloud.pos,
            message: format!(
                "soda_cloud: scheme http would send the API key and token unencrypted to {host_text}; use https (http is only allowed for localhost)"
            ),
        });
        return None;
    }
    if scheme != "https" && scheme != "http" {
        problems.push(raw::Problem {
            pos: cloud.pos,
            message: format!("soda_cloud: scheme must be https or http, but was '{scheme}'"),
        });
        return None;
    }
    let seconds = |s: &Option<raw::Spanned<f64>>, default: f64| {
        Duration::from_secs_f64(s.as_ref().map_or(default, |v| v.value))
    };
    Some(Cloud {
        connect_timeout: seconds(&cloud.connect_timeout, 10.0),
        request_timeout: seconds(&cloud.request_timeout, 60.0),
        retries: cloud
            .retries
            .as_ref()
            .map_or(3, |r| (r.value as u32).min(100)),
        backoff: seconds(&cloud.retry_backoff, 0.5),
        outbox: cloud
            .outbox
            .as_ref()
            .map(|o| PathBuf::from(&o.value))
            .unwrap_or_else(default_outbox_dir),
        host: cloud.host.map(|h| h.value).unwrap_or_default(),
        port: cloud.port.map(|p| p.value),
        scheme,
        api_key_id: Secret::new(cloud.api_key_id.map(|v| v.value).unwrap_or_default()),
        api_key_secret: Secret::new(cloud.api_key_secret.map(|v| v.value).unwrap_or_default()),
    })
}

fn resolve_store(store: raw::RawStore, problems: &mut Vec<raw::Problem>) -> Option<StoreConfig> {
    let text = |v: Option<raw::Spanned<String>>| v.map(|s| s.value).filter(|s| !s.is_empty());
    let kind = store
        .type_
        .as_ref()
        .map_or_else(|| "sqlite".to_string(), |t| t.value.clone());
    match kind.as_str() {
        "sqlite" => Some(StoreConfig::Sqlite {
            path: text(store.path)
                .map_or_else(|| state_dir().join("results.sqlite"), PathBuf::from),
        }),
        "postgres" => {
            let port = match &store.port {
                None => 5432,
                Some(p) => match p.value.parse::<u16>() {
                    Ok(port) if port > 0 => port,
                    _ => {
                        problems.push(raw::Problem {
                            pos: p.pos,
                            message: format!("results_store: invalid port '{}'", p.value),
                        });
                        return None;
                    }
                },
            };
            let Some(host) = text(store.host) else {
                problems.push(raw::Problem {
                    pos: store.pos,
                    message: "results_store: a postgres store needs a host".into(),
                });
                return None;
            };
            Some(StoreConfig::Postgres {
                host,
                port,
                username: text(store.username),
                password: store.password.map(|p| Secret::new(p.value)),
                database: text(store.database),
                schema: text(store.schema),
            })
        }
        other => {
            problems.push(raw::Problem {
                pos: store.type_.map_or(store.pos, |t| t.pos),
                message: format!("results_store: unknown type '{other}' (sqlite or postgres)"),
            });
            None
        }
    }
}

/// Where soda-rs keeps its own state (outbox, results store): `$XDG_STATE_HOME/soda-rs`, else
/// `~/.local/state/soda-rs`. Never `~/.soda`, which belongs to Soda Core.
pub fn state_dir() -> PathBuf {
    std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local").join("state")))
        .unwrap_or_else(|| PathBuf::from("."))
        .join("soda-rs")
}

/// The outbox of undelivered Cloud results: `$SODA_OUTBOX_DIR`, else `outbox` in the
/// [`state_dir`]. The `outbox:` key of `soda_cloud` overrides both.
pub fn default_outbox_dir() -> PathBuf {
    std::env::var_os("SODA_OUTBOX_DIR").map_or_else(|| state_dir().join("outbox"), PathBuf::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn logs() -> Logs {
        Logs::new(false, None)
    }

    #[test]
    fn reference_configuration_parses_without_problems() {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("configuration.example.yml");
        let mut vars = Vars::default();
        for k in [
            "PG_USER",
            "PG_PASSWORD",
            "MYSQL_PASSWORD",
            "SODA_API_KEY_ID",
            "SODA_API_KEY_SECRET",
        ] {
            vars.cli.insert(k.to_string(), "x".to_string());
        }
        vars.cli.insert(
            "SLACK_WEBHOOK_URL".into(),
            "https://hooks.slack.com/services/T/B/x".into(),
        );
        let mut logs = logs();
        let config = load(&[path], &vars, &mut logs);
        let problems: Vec<String> = logs.records().iter().map(|r| r.message.clone()).collect();
        assert!(!logs.has_errors(), "{problems:?}");
        let types: Vec<&str> = config
            .data_sources
            .iter()
            .map(|d| d.engine.type_name())
            .collect();
        assert_eq!(types, ["postgres", "mysql", "sqlite", "spark"]);
        let spark = &config.data_sources[3];
        assert_eq!(
            spark.schema.as_deref(),
            Some("sales"),
            "database is the table prefix"
        );
        assert!(config.cloud.is_some());
        assert_eq!(config.notifications.map(|n| n.webhooks.len()), Some(1));
    }

    #[test]
    fn max_connections_is_a_whole_number_from_1_to_64() {
        for (text, expected, errors) in [
            ("1", 1, 0),
            ("16", 16, 0),
            ("0", 4, 1),
            ("2.5", 4, 1),
            ("65", 4, 1),
        ] {
            let yaml = format!(
                "data_source lite:\n  type: sqlite\n  path: x.db\n  max_connections: {text}\n"
            );
            let dir =
                std::env::temp_dir().join(format!("soda-max-conn-{}-{text}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            let path = dir.join("configuration.yml");
            std::fs::write(&path, yaml).unwrap();
            let mut logs = logs();
            let config = load(&[path], &Vars::default(), &mut logs);
            assert_eq!(logs.error_count(), errors, "{text}");
            assert_eq!(config.data_sources[0].max_connections, expected, "{text}");
            let _ = std::fs::remove_dir_all(&dir);
        }
    }

    #[test]
    fn parallel_workers_are_for_postgres_and_mysql_from_0_to_64() {
        for (body, expected, errors) in [
            (
                "type: postgres\n  host: h\n  parallel_workers: 0",
                Some(0),
                0,
            ),
            (
                "type: postgres\n  host: h\n  parallel_workers: 3",
                Some(3),
                0,
            ),
            ("type: postgres\n  host: h\n  parallel_workers: 65", None, 1),
            ("type: postgres\n  host: h\n  parallel_workers: -1", None, 1),
            ("type: postgres\n  host: h", None, 0),
            ("type: mysql\n  host: h\n  parallel_workers: 4", Some(4), 0),
            ("type: mysql\n  host: h\n  parallel_workers: 2.5", None, 1),
            ("type: sqlite\n  path: x.db\n  parallel_workers: 2", None, 1),
        ] {
            let dir = std::env::temp_dir().join(format!(
                "soda-parallel-{}-{}",
                std::process::id(),
                body.len()
            ));
            std::fs::create_dir_all(&dir).unwrap();
            let path = dir.join("configuration.yml");
            std::fs::write(&path, format!("data_source db:\n  {body}\n")).unwrap();
            let mut logs = logs();
            let config = load(&[path], &Vars::default(), &mut logs);
            assert_eq!(logs.error_count(), errors, "{body}");
            let workers = match &config.data_sources[0].engine {
                Engine::Postgres {
                    parallel_workers, ..
                }
                | Engine::MySql {
                    parallel_workers, ..
                } => *parallel_workers,
                _ => None,
            };
            assert_eq!(workers, expected, "{body}");
            let _ = std::fs::remove_dir_all(&dir);
        }
    }

    #[test]
    fn unknown_keys_and_types_are_located() {
        let dir = std::env::temp_dir().join(format!("soda-config-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("c.yml");
        std::fs::write(
            &file,
            "data_source pg:\n  type: postgres\n  host: h\n  hots: x\n  port: [1]\n",
        )
        .unwrap();
        let mut logs = logs();
        load(&[file], &Vars::default(), &mut logs);
        let located: Vec<(usize, usize)> = logs
            .records()
            .iter()
            .filter_map(|r| r.location.as_ref().map(|l| (l.line, l.col)))
            .collect();
        assert!(located.contains(&(4, 3)), "{located:?}");
        assert!(located.contains(&(5, 9)), "{located:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn secrets_do_not_debug_print() {
        assert_eq!(
            format!("{:?}", Secret::new("hunter2".into())),
            "Secret(***)"
        );
    }
}
