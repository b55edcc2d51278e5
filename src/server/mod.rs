//! `soda server`: a self-hosted endpoint that speaks Soda Cloud's ingest API, keeps what it
//! receives in the results store, and serves the report's pages live.
//!
//! `soda scan` (ours, or Soda Core 3.x) pointed at it with `soda_cloud: host:` logs in with an
//! API key, asks for the cloud configuration, the attribute schema and history, uploads
//! failed-row samples and inserts its results document: [`api`] answers those calls with the
//! client's own wire types (`cloud::payload`), [`auth`] holds the keys (Argon2id hashes in the
//! store) and the session tokens, [`pages`] and [`read_api`] show the store to people and
//! programs, [`listen`] accepts connections (TLS by rustls, graceful shutdown on SIGTERM) and
//! [`log`] is the one place that writes the server's log. An insert is answered only after the
//! store's transaction committed, so a result the client saw acknowledged survives a SIGKILL.

mod api;
mod auth;
mod error;
mod http;
mod keys;
mod listen;
mod log;
mod pages;
mod read_api;

use crate::cli::{ServerArgs, ServerCommand, ServerStoreArgs};
use crate::config::StoreConfig;
use crate::diagnostic::{Logs, Sink};
use crate::exit::ExitStatus;
use crate::store::Store;
use axum::routing::{get, post};
use axum::Router;
use error::ServerError;
use serde_json::Value as Json;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// Connections the server keeps to its store: enough for history reads while a scan is
/// written (SQLite still has one writer at a time; PostgreSQL queues writers of one scan key).
const STORE_CONNECTIONS: u32 = 8;

/// What every request handler shares.
pub(crate) struct State {
    pub store: Store,
    pub auth: auth::Auth,
    pub max_body: usize,
    /// `sodaCoreCloudConfiguration` answers that samples may be uploaded.
    pub samples_allowed: bool,
    /// `sodaCoreAvailableCheckAttributes`'s `results`.
    pub attributes: Vec<Json>,
    pub anonymous_read: bool,
    /// Session cookies get `Secure` when the server speaks HTTPS.
    pub tls: bool,
}

pub(crate) type Shared = Arc<State>;

/// Runs `soda server` or one of its `keys` subcommands.
pub fn run(args: &ServerArgs, out: Sink) -> ExitStatus {
    match &args.command {
        Some(ServerCommand::Keys(command)) => keys::run(command, out),
        None => serve(args),
    }
}

/// The store `soda server` and its key commands use: `--store`, else the `results_store:` of
/// the `-c` files, else `results.sqlite` in the state directory.
fn store_config(args: &ServerStoreArgs) -> Result<StoreConfig, ServerError> {
    if let Some(text) = &args.store {
        return Ok(StoreConfig::parse_argument(text)?);
    }
    if !args.configuration.is_empty() {
        let mut logs = Logs::new(false, Some(Box::new(std::io::stderr())));
        let config = crate::config::load(
            &args.configuration,
            &crate::template::Vars::default(),
            &mut logs,
        );
        if logs.has_errors() {
            return Err(ServerError::ConfigurationUnreadable);
        }
        if let Some(store) = config.store {
            return Ok(store);
        }
    }
    Ok(StoreConfig::Sqlite {
        path: crate::config::state_dir().join("results.sqlite"),
    })
}

fn runtime() -> Result<tokio::runtime::Runtime, ServerError> {
    crate::runtime::start(crate::runtime::Threads::Server).map_err(ServerError::Runtime)
}

/// The server's settings, checked before anything listens.
struct Settings {
    addr: SocketAddr,
    tls: Option<tokio_rustls::TlsAcceptor>,
    store: StoreConfig,
    attributes: Vec<Json>,
    token_ttl: Duration,
    /// `--create-store`: an SQLite store file that does not exist is created, not refused.
    create_store: bool,
}

impl Settings {
    fn from_args(args: &ServerArgs) -> Result<Settings, ServerError> {
        let addr: SocketAddr = args
            .listen
            .parse()
            .map_err(|_| ServerError::ListenAddress(args.listen.clone()))?;
        let tls = match (&args.tls_cert, &args.tls_key) {
            (Some(cert), Some(key)) => Some(listen::tls_acceptor(cert, key)?),
            _ if addr.ip().is_loopback() => None,
            _ => return Err(ServerError::PlainHttp(addr)),
        };
        if !(args.token_ttl.is_finite() && args.token_ttl > 0.0) {
            return Err(ServerError::TokenTtl);
        }
        let store = store_config(&args.store)?;
        if let StoreConfig::Sqlite { path } = &store {
            if !args.create_store && !path.exists() {
                return Err(ServerError::StoreMissing(path.clone()));
            }
        }
        Ok(Settings {
            addr,
            tls,
            store,
            attributes: attributes(args.check_attributes.as_deref())?,
            token_ttl: Duration::from_secs_f64(args.token_ttl.min(1e9)),
            create_store: args.create_store,
        })
    }
}

/// The attribute schema file: a JSON list (an absent file means no attributes).
fn attributes(path: Option<&std::path::Path>) -> Result<Vec<Json>, ServerError> {
    let Some(path) = path else {
        return Ok(Vec::new());
    };
    let text = std::fs::read_to_string(path).map_err(|e| ServerError::AttributesUnreadable {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    match serde_json::from_str(&text) {
        Ok(Json::Array(list)) => Ok(list),
        _ => Err(ServerError::AttributesNotAList(path.to_path_buf())),
    }
}

fn serve(args: &ServerArgs) -> ExitStatus {
    let settings = match Settings::from_args(args) {
        Ok(s) => s,
        Err(e) => {
            log::fatal(&e.to_string());
            return ExitStatus::Error;
        }
    };
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(e) => {
            log::line(&e.to_string());
            return ExitStatus::Error;
        }
    };
    match rt.block_on(start(args, settings)) {
        Ok(()) => ExitStatus::Pass,
        Err(e) => {
            log::line(&format!("soda server stopped: {e}"));
            ExitStatus::Error
        }
    }
}

async fn start(args: &ServerArgs, settings: Settings) -> Result<(), ServerError> {
    let location = settings.store.describe();
    let opened = if settings.create_store {
        Store::open_with(&settings.store, STORE_CONNECTIONS).await
    } else {
        Store::open_existing_with(&settings.store, STORE_CONNECTIONS).await
    };
    let store = opened.map_err(|source| match source {
        crate::store::StoreError::Missing(path) => ServerError::StoreMissing(path),
        source => ServerError::OpenStore {
            location: location.clone(),
            source,
        },
    })?;
    let listener = tokio::net::TcpListener::bind(settings.addr)
        .await
        .map_err(|e| ServerError::Bind {
            addr: settings.addr,
            reason: e.to_string(),
        })?;
    let local = listener
        .local_addr()
        .map_err(|e| ServerError::LocalAddress(e.to_string()))?;
    let scheme = if settings.tls.is_some() {
        "https"
    } else {
        "http"
    };
    let state = Arc::new(State {
        store,
        auth: auth::Auth::new(settings.token_ttl),
        max_body: args.max_body,
        samples_allowed: !args.disable_samples,
        attributes: settings.attributes,
        anonymous_read: args.allow_anonymous_read,
        tls: settings.tls.is_some(),
    });
    log::line(&format!(
        "soda server {} listening on {scheme}://{local} (store: {location})",
        env!("CARGO_PKG_VERSION")
    ));
    listen::serve(
        listener,
        settings.tls,
        router(state.clone()),
        listen::shutdown_signal(),
    )
    .await;
    state.store.close().await;
    log::line("soda server stopped");
    Ok(())
}

/// Every route: the Cloud API under `/api/`, the read API under `/api/v1/`, the pages.
fn router(state: Shared) -> Router {
    Router::new()
        .route("/api/command", post(api::command))
        .route("/api/query", post(api::query))
        .route("/api/scan/upload", post(api::upload))
        .route("/", get(pages::index))
        .route("/api/v1/checks", get(read_api::checks))
        .route("/api/v1/checks/{identity}", get(read_api::check))
        .route("/api/v1/scans", get(read_api::scans))
        .route("/api/v1/scans/{id}", get(read_api::scan))
        .route("/api/v1/datasets", get(read_api::datasets))
        .route("/{view}", get(pages::view))
        .fallback(http::not_found)
        .layer(axum::middleware::from_fn(log::access))
        .with_state(state)
}
