//! Accepting connections: TCP, then TLS (rustls) when a certificate is configured, then
//! HTTP/1.1 (what Soda Core's `requests` speaks) with a header timeout against slow clients.
//! On SIGTERM or Ctrl-C the listener closes, requests in flight finish (up to
//! [`DRAIN`]), and `serve` returns so the store can be closed.

use super::error::ServerError;
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio_rustls::rustls;
use tokio_rustls::TlsAcceptor;

/// How long requests in flight get to finish after SIGTERM.
const DRAIN: Duration = Duration::from_secs(30);

/// How long a client gets for its TLS handshake and for each request's headers.
const HANDSHAKE: Duration = Duration::from_secs(10);

/// The TLS setup of a certificate chain and key (PEM files).
pub fn tls_acceptor(cert: &Path, key: &Path) -> Result<TlsAcceptor, ServerError> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .and_then(Iterator::collect)
        .map_err(|e| ServerError::TlsCert {
            path: cert.to_path_buf(),
            reason: e.to_string(),
        })?;
    if chain.is_empty() {
        return Err(ServerError::NoCertificate(cert.to_path_buf()));
    }
    let key = PrivateKeyDer::from_pem_file(key).map_err(|e| ServerError::TlsKey {
        path: key.to_path_buf(),
        reason: e.to_string(),
    })?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ServerError::Tls(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| ServerError::CertificateKeyMismatch(e.to_string()))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = ctrl_c => {}
                }
            }
            Err(_) => {
                let _ = ctrl_c.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

/// Serves `app` until `shutdown` resolves, then lets requests in flight finish.
pub async fn serve(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    app: Router,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((tcp, _)) = accepted else { continue };
                let _ = tcp.set_nodelay(true);
                let watcher = graceful.watcher();
                let (tls, app) = (tls.clone(), app.clone());
                tokio::spawn(async move {
                    match tls {
                        None => connection(TokioIo::new(tcp), app, watcher).await,
                        Some(acceptor) => {
                            let handshake = tokio::time::timeout(HANDSHAKE, acceptor.accept(tcp)).await;
                            if let Ok(Ok(stream)) = handshake {
                                connection(TokioIo::new(stream), app, watcher).await;
                            }
                        }
                    }
                });
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    super::log::line("shutting down: no new connections; finishing requests in flight");
    let _ = tokio::time::timeout(DRAIN, graceful.shutdown()).await;
}

/// One HTTP/1.1 connection, ended gracefully when the server shuts down.
async fn connection<I>(io: I, app: Router, watcher: hyper_util::server::graceful::Watcher)
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(HANDSHAKE)
        .keep_alive(true);
    let conn = builder.serve_connection(io, TowerToHyperService::new(app));
    let _ = watcher.watch(conn).await;
}
