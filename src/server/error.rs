//! Why `soda server` could not start or a key command could not finish ([`ServerError`]), and
//! why a request is answered 400 ([`BadRequest`]), as data. The functions that find them
//! return a kind with the values it needs; the `Display` impls here are the one place they
//! become the words of the server's log, of `error:` on stderr and of a 400's body, so a
//! message is changed here and nowhere else.

use crate::config::StoreArgumentError;
use crate::store::StoreError;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

/// A setting, the store or the listener kept the server (or a key command) from working.
#[derive(Debug)]
pub enum ServerError {
    /// `--store` is not a usable store.
    StoreArgument(StoreArgumentError),
    /// The `-c` files had errors (already logged).
    ConfigurationUnreadable,
    /// tokio could not start.
    Runtime(crate::runtime::RuntimeError),
    /// `--listen` is not `IP:PORT`.
    ListenAddress(String),
    /// No TLS on an address others can reach.
    PlainHttp(SocketAddr),
    /// `--token-ttl` is zero, negative or not a number.
    TokenTtl,
    /// The `--tls-cert` file could not be read as PEM.
    TlsCert { path: PathBuf, reason: String },
    /// The `--tls-cert` file holds no certificate.
    NoCertificate(PathBuf),
    /// The `--tls-key` file could not be read as a PEM key.
    TlsKey { path: PathBuf, reason: String },
    /// rustls refused its own protocol defaults (rustls's words).
    Tls(String),
    /// The key is not the certificate's.
    CertificateKeyMismatch(String),
    /// `--check-attributes` could not be read.
    AttributesUnreadable { path: PathBuf, reason: String },
    /// `--check-attributes` is not a JSON list.
    AttributesNotAList(PathBuf),
    /// The SQLite store file does not exist and `--create-store` was not given.
    StoreMissing(PathBuf),
    /// The store could not be opened; `location` never holds a password.
    OpenStore {
        location: String,
        source: StoreError,
    },
    /// The listening socket could not be bound.
    Bind { addr: SocketAddr, reason: String },
    /// The bound socket has no address (the operating system's words).
    LocalAddress(String),
    /// A key command's statement failed.
    StoreFailed(StoreError),
    /// A key command's answer could not be written to stdout.
    Write(String),
    /// `keys revoke` of a key that is unknown or already revoked.
    NoActiveKey(String),
    /// Argon2 or the random generator failed while hashing a new secret (their words).
    Hash(String),
}

impl fmt::Display for ServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServerError::StoreArgument(e) => write!(f, "{e}"),
            ServerError::ConfigurationUnreadable => {
                f.write_str("the configuration could not be read")
            }
            ServerError::Runtime(e) => write!(f, "{e}"),
            ServerError::ListenAddress(text) => {
                write!(f, "--listen {text}: expected IP:PORT, e.g. 127.0.0.1:8443")
            }
            ServerError::PlainHttp(addr) => write!(
                f,
                "plain HTTP is only served on a loopback address; give --tls-cert and --tls-key to listen on {addr}"
            ),
            ServerError::TokenTtl => {
                f.write_str("--token-ttl must be a positive number of seconds")
            }
            ServerError::TlsCert { path, reason } => {
                write!(f, "--tls-cert {}: {reason}", path.display())
            }
            ServerError::NoCertificate(path) => {
                write!(f, "--tls-cert {}: no certificate in it", path.display())
            }
            ServerError::TlsKey { path, reason } => {
                write!(f, "--tls-key {}: {reason}", path.display())
            }
            ServerError::Tls(text) | ServerError::LocalAddress(text) | ServerError::Hash(text) => {
                f.write_str(text)
            }
            ServerError::CertificateKeyMismatch(reason) => {
                write!(f, "the TLS certificate and key do not fit: {reason}")
            }
            ServerError::AttributesUnreadable { path, reason } => {
                write!(f, "cannot read {}: {reason}", path.display())
            }
            ServerError::AttributesNotAList(path) => write!(
                f,
                "{}: expected a JSON list of {{\"name\", \"type\", \"allowedValues\"}}",
                path.display()
            ),
            ServerError::StoreMissing(path) => write!(
                f,
                "the results store {} does not exist; pass --create-store to start a new one there",
                path.display()
            ),
            ServerError::OpenStore { location, source } => {
                write!(f, "could not open the results store {location}: {source}")
            }
            ServerError::Bind { addr, reason } => write!(f, "cannot listen on {addr}: {reason}"),
            ServerError::StoreFailed(e) => write!(f, "the results store failed: {e}"),
            ServerError::Write(reason) => write!(f, "could not write the answer: {reason}"),
            ServerError::NoActiveKey(id) => write!(f, "no active API key {id}"),
        }
    }
}

impl From<StoreArgumentError> for ServerError {
    fn from(e: StoreArgumentError) -> Self {
        ServerError::StoreArgument(e)
    }
}

/// Why a request body or a history query is refused with 400; the text is the body's message.
#[derive(Debug, Clone, PartialEq)]
pub enum BadRequest {
    /// JSON nested deeper than the limit (checked before parsing, against stack overflow).
    TooDeep {
        limit: usize,
    },
    NotAnObject,
    /// A history filter condition other than identity and data-time bounds.
    UnsupportedCondition,
    /// A history filter without `column = value`.
    MissingIdentity(&'static str),
    /// A data-time bound that is not a time operand.
    BoundNotTime,
    /// A time operand whose text is not ISO 8601.
    NotIsoTime(String),
    /// A field of an insert document the store needs is absent or null (`checks[2].identity`).
    MissingField(String),
    /// A field of an insert document that must be text is not.
    NotText(String),
    /// A field of an insert document that names something is empty.
    EmptyField(String),
    /// A time field of an insert document is not ISO 8601 (`text` is clipped).
    FieldNotIsoTime {
        field: String,
        text: String,
    },
}

impl fmt::Display for BadRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BadRequest::TooDeep { limit } => write!(f, "JSON nested deeper than {limit} levels"),
            BadRequest::NotAnObject => f.write_str("expected a JSON object"),
            BadRequest::UnsupportedCondition => f.write_str("unsupported filter condition"),
            BadRequest::MissingIdentity(column) => write!(f, "the filter must name {column}"),
            BadRequest::BoundNotTime => f.write_str("a data-time bound must be a time"),
            BadRequest::NotIsoTime(text) => write!(f, "not an ISO 8601 time: {text}"),
            BadRequest::MissingField(field) => write!(f, "{field} is missing"),
            BadRequest::NotText(field) => write!(f, "{field} must be a string"),
            BadRequest::EmptyField(field) => write!(f, "{field} must not be empty"),
            BadRequest::FieldNotIsoTime { field, text } => {
                write!(f, "{field} is not an ISO 8601 time: {text}")
            }
        }
    }
}
