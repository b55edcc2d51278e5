//! `soda server keys create|list|revoke`: the API keys clients log in with. A new key's
//! secret is printed once and stored only as its Argon2id hash; ids are not secret.

use super::auth::{hash_secret, random_hex};
use super::error::ServerError;
use crate::cli::{KeysCommand, ServerStoreArgs};
use crate::diagnostic::Sink;
use crate::exit::ExitStatus;
use crate::store::Store;
use std::io::Write;

/// Runs one key command against the server's store.
pub fn run(command: &KeysCommand, mut out: Sink) -> ExitStatus {
    let store_args = match command {
        KeysCommand::Create { store, .. }
        | KeysCommand::List { store }
        | KeysCommand::Revoke { store, .. } => store,
    };
    let result = super::runtime().and_then(|rt| {
        rt.block_on(async {
            // Only `keys create` starts a store: a typo in the path of `list` or `revoke` must
            // not answer from a new, empty one.
            let creates = matches!(command, KeysCommand::Create { .. });
            let store = open(store_args, creates).await?;
            let result = execute(command, &store, &mut out).await;
            store.close().await;
            result
        })
    });
    match result {
        Ok(()) => ExitStatus::Pass,
        Err(e) => {
            super::log::fatal(&e.to_string());
            ExitStatus::Error
        }
    }
}

async fn open(args: &ServerStoreArgs, create: bool) -> Result<Store, ServerError> {
    let config = super::store_config(args)?;
    let opened = if create {
        Store::open(&config).await
    } else {
        Store::open_existing(&config).await
    };
    opened.map_err(|source| ServerError::OpenStore {
        location: config.describe(),
        source,
    })
}

async fn execute(command: &KeysCommand, store: &Store, out: &mut Sink) -> Result<(), ServerError> {
    let failed = ServerError::StoreFailed;
    let written = |e: std::io::Error| ServerError::Write(e.to_string());
    match command {
        KeysCommand::Create { name, .. } => {
            let (id, secret) = (format!("k{}", random_hex(12)), random_hex(32));
            let hash = hash_secret(&secret)?;
            store.add_api_key(&id, name, &hash).await.map_err(failed)?;
            writeln!(
                out,
                "API key for {name} (the secret is shown only now; the server keeps a hash):\n\
                 api_key_id: {id}\napi_key_secret: {secret}"
            )
            .map_err(written)
        }
        KeysCommand::List { .. } => {
            for key in store.api_keys().await.map_err(failed)? {
                let state = match &key.revoked_at {
                    Some(t) => format!("revoked {t}"),
                    None => "active".into(),
                };
                writeln!(
                    out,
                    "{}\t{}\tcreated {}\t{state}",
                    key.id, key.name, key.created_at
                )
                .map_err(written)?;
            }
            Ok(())
        }
        KeysCommand::Revoke { id, .. } => {
            if !store.revoke_api_key(id).await.map_err(failed)? {
                return Err(ServerError::NoActiveKey(id.clone()));
            }
            writeln!(out, "Revoked API key {id}").map_err(written)
        }
    }
}
