//! The configuration file as written: a typed mirror of `configuration.yml` blocks.
//!
//! This layer only checks shapes (known keys, scalar types) and keeps each value's location;
//! [`super`] turns it into the validated [`super::Configuration`].

use crate::yaml::{Node, NodeKind, Pos, Scalar};

/// One problem found while reading a configuration file.
#[derive(Debug, Clone)]
pub struct Problem {
    pub pos: Pos,
    pub message: String,
}

/// A scalar value with the place it came from.
#[derive(Debug, Clone)]
pub struct Spanned<T> {
    pub value: T,
    pub pos: Pos,
}

/// A `data_source NAME:` block.
#[derive(Debug, Clone, Default)]
pub struct RawDataSource {
    pub name: String,
    pub pos: Pos,
    /// Keys an unknown key was taken to be a misspelling of (already reported: a missing
    /// `path` after `paht:` is not a second error).
    pub misspelt: Vec<String>,
    pub type_: Option<Spanned<String>>,
    pub host: Option<Spanned<String>>,
    pub port: Option<Spanned<String>>,
    pub username: Option<Spanned<String>>,
    pub password: Option<Spanned<String>>,
    pub database: Option<Spanned<String>>,
    pub schema: Option<Spanned<String>>,
    pub path: Option<Spanned<String>>,
    pub sslmode: Option<Spanned<String>>,
    pub connection_timeout: Option<Spanned<f64>>,
    pub query_timeout: Option<Spanned<f64>>,
    pub max_connections: Option<Spanned<f64>>,
    /// PostgreSQL: parallel workers each query may use.
    pub parallel_workers: Option<Spanned<f64>>,
    pub samples_limit: Option<Spanned<i64>>,
    pub disable_samples: Option<bool>,
    /// Spark: the Connect endpoint's bearer token, TLS, catalog and Soda Core's `method`.
    pub token: Option<Spanned<String>>,
    pub use_ssl: Option<bool>,
    pub catalog: Option<Spanned<String>>,
    pub method: Option<Spanned<String>>,
}

/// The `soda_cloud:` block.
#[derive(Debug, Clone, Default)]
pub struct RawCloud {
    pub pos: Pos,
    pub host: Option<Spanned<String>>,
    pub port: Option<Spanned<String>>,
    pub scheme: Option<Spanned<String>>,
    pub api_key_id: Option<Spanned<String>>,
    pub api_key_secret: Option<Spanned<String>>,
    pub connect_timeout: Option<Spanned<f64>>,
    pub request_timeout: Option<Spanned<f64>>,
    pub retries: Option<Spanned<f64>>,
    pub retry_backoff: Option<Spanned<f64>>,
    pub outbox: Option<Spanned<String>>,
}

/// The `results_store:` block.
#[derive(Debug, Clone, Default)]
pub struct RawStore {
    pub pos: Pos,
    pub type_: Option<Spanned<String>>,
    pub path: Option<Spanned<String>>,
    pub host: Option<Spanned<String>>,
    pub port: Option<Spanned<String>>,
    pub username: Option<Spanned<String>>,
    pub password: Option<Spanned<String>>,
    pub database: Option<Spanned<String>>,
    pub schema: Option<Spanned<String>>,
}

/// The `notifications:` block: webhooks called when a scan ends in one of the `on` outcomes.
#[derive(Debug, Clone, Default)]
pub struct RawNotifications {
    pub pos: Pos,
    pub on: Option<Vec<Spanned<String>>>,
    pub timeout: Option<Spanned<f64>>,
    pub tries: Option<Spanned<f64>>,
    pub retry_backoff: Option<Spanned<f64>>,
    pub webhooks: Vec<RawWebhook>,
}

/// One item of `notifications: webhooks:`.
#[derive(Debug, Clone, Default)]
pub struct RawWebhook {
    pub pos: Pos,
    pub name: Option<Spanned<String>>,
    pub url: Option<Spanned<String>>,
    pub format: Option<Spanned<String>>,
    pub on: Option<Vec<Spanned<String>>>,
}

/// Everything one configuration file declares.
#[derive(Debug, Clone, Default)]
pub struct RawConfig {
    pub data_sources: Vec<RawDataSource>,
    pub cloud: Option<RawCloud>,
    pub store: Option<RawStore>,
    pub notifications: Option<RawNotifications>,
}

const DATA_SOURCE_KEYS: &[&str] = &[
    "type",
    "host",
    "port",
    "username",
    "user",
    "password",
    "database",
    "schema",
    "path",
    "sslmode",
    "ssl_mode",
    "connection_timeout",
    "query_timeout",
    "max_connections",
    "parallel_workers",
    "connection",
    "quote_tables",
    "connection_parameters",
    "sampler",
    "disable_samples",
    "token",
    "use_ssl",
    "catalog",
    "method",
];

/// Reads the top level of a configuration document.
pub fn read(doc: &Node, problems: &mut Vec<Problem>) -> RawConfig {
    let mut config = RawConfig::default();
    let Some(entries) = doc.entries() else {
        if !doc.is_null() {
            problems.push(Problem {
                pos: doc.pos,
                message: "The configuration file must be a mapping of data_source blocks".into(),
            });
        }
        return config;
    };
    for (key, value) in entries {
        let key_text = key.scalar_text().unwrap_or_default();
        if let Some(name) = key_text.strip_prefix("data_source ") {
            let name = name.trim();
            if name.is_empty() {
                problems.push(header_problem(key.pos));
                continue;
            }
            config
                .data_sources
                .push(read_data_source(name, key.pos, value, problems));
        } else if key_text == "soda_cloud" {
            config.cloud = Some(read_cloud(value, problems));
        } else if key_text == "results_store" {
            config.store = Some(read_store(value, problems));
        } else if key_text == "notifications" {
            config.notifications = Some(read_notifications(value, problems));
        } else if key_text == "dbt_cloud" {
            // Only `soda ingest` reads it; accepted so existing files keep loading.
        } else {
            problems.push(header_problem(key.pos));
        }
    }
    config
}

fn header_problem(pos: Pos) -> Problem {
    Problem {
        pos,
        message: "Invalid configuration header: expected \"data_source {data source name}\"."
            .into(),
    }
}

fn read_data_source(
    name: &str,
    pos: Pos,
    block: &Node,
    problems: &mut Vec<Problem>,
) -> RawDataSource {
    let mut ds = RawDataSource {
        name: name.to_string(),
        pos,
        ..RawDataSource::default()
    };
    let Some(entries) = block.entries() else {
        problems.push(Problem {
            pos: block.pos,
            message: format!("data_source {name} must be a mapping of connection keys"),
        });
        return ds;
    };
    // Legacy `connection:` nesting: its keys count where the top level lacks them.
    let mut all: Vec<(&Node, &Node)> = entries.iter().map(|(k, v)| (k, v)).collect();
    if let Some(conn) = block.get("connection") {
        match conn.entries() {
            Some(inner) => {
                for (k, v) in inner {
                    let kt = k.scalar_text();
                    if !entries.iter().any(|(tk, _)| tk.scalar_text() == kt) {
                        all.push((k, v));
                    }
                }
            }
            None => problems.push(Problem {
                pos: conn.pos,
                message: "'connection' configuration must be a dict".into(),
            }),
        }
    }
    for (key, value) in all {
        let k = key.scalar_text().unwrap_or_default();
        if !DATA_SOURCE_KEYS.contains(&k.as_str()) {
            let meant = crate::suggest::did_you_mean(&k, DATA_SOURCE_KEYS.iter().copied());
            let message = match meant {
                Some(m) => {
                    ds.misspelt.push(m.to_string());
                    format!("Unknown key \"{k}\" in data_source {name}: did you mean \"{m}\"?")
                }
                None => format!(
                    "Unknown key \"{k}\" in data_source {name}. Known keys: {}",
                    DATA_SOURCE_KEYS.join(", ")
                ),
            };
            problems.push(Problem {
                pos: key.pos,
                message,
            });
            continue;
        }
        match k.as_str() {
            "type" => ds.type_ = string(&k, value, problems),
            "host" => ds.host = string(&k, value, problems),
            "port" => ds.port = string(&k, value, problems),
            "username" | "user" => ds.username = string(&k, value, problems),
            "password" => ds.password = string(&k, value, problems),
            "database" => ds.database = string(&k, value, problems),
            "schema" => ds.schema = string(&k, value, problems),
            "path" => ds.path = string(&k, value, problems),
            "sslmode" | "ssl_mode" => ds.sslmode = string(&k, value, problems),
            "connection_timeout" => ds.connection_timeout = number(&k, value, problems),
            "query_timeout" => ds.query_timeout = number(&k, value, problems),
            "max_connections" => ds.max_connections = number(&k, value, problems),
            "parallel_workers" => ds.parallel_workers = number(&k, value, problems),
            "disable_samples" => ds.disable_samples = boolean(&k, value, problems),
            "token" => ds.token = string(&k, value, problems),
            "use_ssl" => ds.use_ssl = boolean(&k, value, problems),
            "catalog" => ds.catalog = string(&k, value, problems),
            "method" => ds.method = string(&k, value, problems),
            "sampler" => read_sampler(&mut ds, value, problems),
            // Accepted for compatibility; they change nothing for our engines.
            _ => {}
        }
    }
    ds
}

fn read_sampler(ds: &mut RawDataSource, value: &Node, problems: &mut Vec<Problem>) {
    let Some(entries) = value.entries() else {
        if !value.is_null() {
            problems.push(type_problem("sampler", "dict", value));
        }
        return;
    };
    for (key, v) in entries {
        match key.scalar_text().unwrap_or_default().as_str() {
            "samples_limit" => match v.scalar() {
                Some(Scalar::Int(i)) => {
                    ds.samples_limit = Some(Spanned {
                        value: *i,
                        pos: v.pos,
                    })
                }
                _ => problems.push(Problem {
                    pos: v.pos,
                    message: "'samples_limit' configuration must be an int".into(),
                }),
            },
            "disable_samples" => ds.disable_samples = boolean("disable_samples", v, problems),
            "exclude_columns" | "storage" => {}
            other => problems.push(Problem {
                pos: key.pos,
                message: format!("Unknown sampler key \"{other}\""),
            }),
        }
    }
}

fn read_cloud(value: &Node, problems: &mut Vec<Problem>) -> RawCloud {
    let mut cloud = RawCloud {
        pos: value.pos,
        ..RawCloud::default()
    };
    let Some(entries) = value.entries() else {
        problems.push(type_problem("soda_cloud", "dict", value));
        return cloud;
    };
    for (key, v) in entries {
        let k = key.scalar_text().unwrap_or_default();
        match k.as_str() {
            "host" => cloud.host = string(&k, v, problems),
            "port" => cloud.port = string(&k, v, problems),
            "scheme" => cloud.scheme = string(&k, v, problems),
            "api_key_id" => cloud.api_key_id = string(&k, v, problems),
            "api_key_secret" => cloud.api_key_secret = string(&k, v, problems),
            "connect_timeout" => cloud.connect_timeout = number(&k, v, problems),
            "request_timeout" => cloud.request_timeout = number(&k, v, problems),
            "retries" => cloud.retries = number(&k, v, problems),
            "retry_backoff" => cloud.retry_backoff = number(&k, v, problems),
            "outbox" => cloud.outbox = string(&k, v, problems),
            // Soda Core ignores a token key; so do we (the token always comes from a login).
            "token" => {}
            _ => problems.push(Problem {
                pos: key.pos,
                message: format!(
                    "Unknown key \"{k}\" in soda_cloud. Known keys: host, port, scheme, api_key_id, api_key_secret, connect_timeout, request_timeout, retries, retry_backoff, outbox"
                ),
            }),
        }
    }
    cloud
}

fn read_store(value: &Node, problems: &mut Vec<Problem>) -> RawStore {
    let mut store = RawStore {
        pos: value.pos,
        ..RawStore::default()
    };
    let Some(entries) = value.entries() else {
        problems.push(type_problem("results_store", "dict", value));
        return store;
    };
    for (key, v) in entries {
        let k = key.scalar_text().unwrap_or_default();
        let slot = match k.as_str() {
            "type" => &mut store.type_,
            "path" => &mut store.path,
            "host" => &mut store.host,
            "port" => &mut store.port,
            "username" => &mut store.username,
            "password" => &mut store.password,
            "database" => &mut store.database,
            "schema" => &mut store.schema,
            _ => {
                problems.push(Problem {
                    pos: key.pos,
                    message: format!(
                        "Unknown key \"{k}\" in results_store. Known keys: type, path, host, port, username, password, database, schema"
                    ),
                });
                continue;
            }
        };
        *slot = string(&k, v, problems);
    }
    store
}

fn read_notifications(value: &Node, problems: &mut Vec<Problem>) -> RawNotifications {
    let mut n = RawNotifications {
        pos: value.pos,
        ..RawNotifications::default()
    };
    let Some(entries) = value.entries() else {
        problems.push(type_problem("notifications", "dict", value));
        return n;
    };
    for (key, v) in entries {
        let k = key.scalar_text().unwrap_or_default();
        match k.as_str() {
            "on" => n.on = strings(&k, v, problems),
            "timeout" => n.timeout = number(&k, v, problems),
            "tries" => n.tries = number(&k, v, problems),
            "retry_backoff" => n.retry_backoff = number(&k, v, problems),
            "webhooks" => match v.items() {
                Some(items) => n.webhooks = items.iter().map(|w| read_webhook(w, problems)).collect(),
                None => problems.push(type_problem("webhooks", "list", v)),
            },
            _ => problems.push(Problem {
                pos: key.pos,
                message: format!(
                    "Unknown key \"{k}\" in notifications. Known keys: on, timeout, tries, retry_backoff, webhooks"
                ),
            }),
        }
    }
    n
}

fn read_webhook(value: &Node, problems: &mut Vec<Problem>) -> RawWebhook {
    let mut w = RawWebhook {
        pos: value.pos,
        ..RawWebhook::default()
    };
    let Some(entries) = value.entries() else {
        problems.push(type_problem("webhooks item", "dict", value));
        return w;
    };
    for (key, v) in entries {
        let k = key.scalar_text().unwrap_or_default();
        match k.as_str() {
            "name" => w.name = string(&k, v, problems),
            "url" => w.url = string(&k, v, problems),
            "format" => w.format = string(&k, v, problems),
            "on" => w.on = strings(&k, v, problems),
            _ => problems.push(Problem {
                pos: key.pos,
                message: format!(
                    "Unknown key \"{k}\" in a notifications webhook. Known keys: name, url, format, on"
                ),
            }),
        }
    }
    w
}

/// A list of scalars (a single scalar counts as a list of one).
fn strings(key: &str, value: &Node, problems: &mut Vec<Problem>) -> Option<Vec<Spanned<String>>> {
    match value.items() {
        Some(items) => Some(
            items
                .iter()
                .filter_map(|item| string(key, item, problems))
                .collect(),
        ),
        None => string(key, value, problems).map(|s| vec![s]),
    }
}

fn type_problem(key: &str, expected: &str, value: &Node) -> Problem {
    Problem {
        pos: value.pos,
        message: format!(
            "Invalid YAML structure: key \"{key}\" must contain a {expected}, but was {}",
            value.type_name()
        ),
    }
}

/// Any scalar but null is accepted as text (ports are often numbers).
fn string(key: &str, value: &Node, problems: &mut Vec<Problem>) -> Option<Spanned<String>> {
    match &value.kind {
        NodeKind::Scalar {
            value: Scalar::Null,
            ..
        } => None,
        NodeKind::Scalar { .. } => value.scalar_text().map(|s| Spanned {
            value: s,
            pos: value.pos,
        }),
        _ => {
            problems.push(type_problem(key, "str", value));
            None
        }
    }
}

fn number(key: &str, value: &Node, problems: &mut Vec<Problem>) -> Option<Spanned<f64>> {
    let parsed = match value.scalar() {
        Some(Scalar::Int(i)) => Some(*i as f64),
        Some(Scalar::Float(f)) => Some(*f),
        Some(Scalar::Str(s)) => s.trim().parse::<f64>().ok(),
        Some(Scalar::Null) => return None,
        _ => None,
    };
    // A week is far beyond any sensible timeout, backoff or retry count, and keeps every
    // later conversion to a duration in range.
    const LIMIT: f64 = 7.0 * 24.0 * 3600.0;
    match parsed {
        Some(v) if v.is_finite() && (0.0..=LIMIT).contains(&v) => Some(Spanned {
            value: v,
            pos: value.pos,
        }),
        Some(v) if v.is_finite() && v > LIMIT => {
            problems.push(Problem {
                pos: value.pos,
                message: format!("{key} must be at most {LIMIT} (a week), but was {v}"),
            });
            None
        }
        _ => {
            problems.push(type_problem(key, "number of seconds", value));
            None
        }
    }
}

fn boolean(key: &str, value: &Node, problems: &mut Vec<Problem>) -> Option<bool> {
    match value.scalar() {
        Some(Scalar::Bool(b)) => Some(*b),
        Some(Scalar::Null) => None,
        _ => {
            problems.push(type_problem(key, "bool", value));
            None
        }
    }
}
