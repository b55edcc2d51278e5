//! Who may call the server. API keys are an id and a secret; the store keeps only an Argon2id
//! hash of the secret (a PHC string with its own random salt), and a login recomputes it on a
//! blocking thread and compares in constant time. A pair that verified is remembered for ten
//! minutes as a salted SHA-256 fingerprint in memory, so hosts that scan often do not queue on
//! the slow hash; a wrong secret always pays it. A login issues a random token that expires
//! after the configured time; the server keeps only the tokens' SHA-256 hashes, in memory, so
//! a restart ends every session (clients log in again on the 401, as Soda Core does).
//!
//! Requests for the pages and the read API bring a session cookie, a `Bearer` token or HTTP
//! Basic credentials (the key id and secret, which then get a cookie so that the slow hash is
//! not paid on every page).

use super::error::ServerError;
use super::{http, Shared};
use crate::store::{Store, StoreError};
use argon2::password_hash::{PasswordHash, PasswordHasher, SaltString};
use argon2::Argon2;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};
use subtle::ConstantTimeEq;

/// How often a live token's key is checked again for revocation.
const RECHECK: Duration = Duration::from_secs(30);

/// Above this many sessions (or remembered verifications), a login first drops expired ones.
const PRUNE_AT: usize = 4096;

/// How long a key pair that verified is remembered, so that a host that scans every few
/// seconds does not pay the slow hash at each login. Only successes are remembered: a wrong
/// secret always costs a full Argon2 computation.
const VERIFIED_FOR: Duration = Duration::from_secs(600);

/// The session cookie of the pages.
pub const COOKIE: &str = "soda_session";

/// The sessions the server issued, by the SHA-256 of their token.
pub struct Auth {
    sessions: Mutex<HashMap<[u8; 32], Session>>,
    /// Key pairs that verified recently: SHA-256 of a per-process random salt, the key id, the
    /// secret and the stored hash (a key re-created with a new secret never matches), and when.
    verified: Mutex<HashMap<[u8; 32], Instant>>,
    salt: String,
    ttl: Duration,
    /// Argon2 takes tens of milliseconds and 19 MiB per hash: no more at once than cores.
    hashing: tokio::sync::Semaphore,
}

struct Session {
    key_id: String,
    expires: Instant,
    checked: Instant,
}

/// `n` random bytes as hex (ids, secrets, tokens, file ids).
pub fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    // The operating system's generator; without it no secret can be made safely.
    if let Err(e) = getrandom::getrandom(&mut bytes) {
        panic!("the operating system's random generator failed: {e}");
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The PHC string of a new secret: Argon2id with the default parameters and a random salt.
pub fn hash_secret(secret: &str) -> Result<String, ServerError> {
    let failed = |e: &dyn std::fmt::Display| ServerError::Hash(e.to_string());
    let mut salt = [0u8; 16];
    getrandom::getrandom(&mut salt).map_err(|e| failed(&e))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| failed(&e))?;
    Argon2::default()
        .hash_password(secret.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| failed(&e))
}

/// Whether `secret` hashes to `phc` (with the parameters and salt written in it), compared in
/// constant time.
fn verify(secret: &str, phc: &str) -> bool {
    let Ok(stored) = PasswordHash::new(phc) else {
        return false;
    };
    let (Some(expected), Some(salt)) = (stored.hash, stored.salt) else {
        return false;
    };
    let Ok(params) = argon2::Params::try_from(&stored) else {
        return false;
    };
    let computed = Argon2::default().hash_password_customized(
        secret.as_bytes(),
        Some(stored.algorithm),
        stored.version,
        params,
        salt,
    );
    match computed.ok().and_then(|c| c.hash) {
        Some(got) => got.as_bytes().ct_eq(expected.as_bytes()).into(),
        None => false,
    }
}

/// A hash no secret matches, verified for unknown key ids so that a wrong id takes as long
/// to refuse as a wrong secret.
fn decoy() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_secret(&random_hex(32)).unwrap_or_default())
}

/// A panic while holding a lock leaves the maps usable: they hold plain values.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

impl Auth {
    pub fn new(ttl: Duration) -> Auth {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Auth {
            sessions: Mutex::new(HashMap::new()),
            verified: Mutex::new(HashMap::new()),
            salt: random_hex(32),
            ttl,
            hashing: tokio::sync::Semaphore::new(cores),
        }
    }

    fn sessions(&self) -> std::sync::MutexGuard<'_, HashMap<[u8; 32], Session>> {
        lock(&self.sessions)
    }

    /// Checks a key pair; a token when it is right and not revoked.
    pub async fn login(
        &self,
        store: &Store,
        key_id: &str,
        secret: &str,
    ) -> Result<Option<String>, StoreError> {
        // The stored hash is read at every login, so a revoked key stops at once.
        let hash = store.active_key_hash(key_id).await?;
        let verified = match hash {
            Some(phc) => self.verify_remembered(key_id, secret, phc).await,
            None => {
                // An unknown id takes as long to refuse as a wrong secret.
                self.verify_slowly(secret, decoy().to_string()).await;
                false
            }
        };
        Ok(verified.then(|| self.issue(key_id)))
    }

    /// Verifies against the stored hash, remembering a success for [`VERIFIED_FOR`].
    async fn verify_remembered(&self, key_id: &str, secret: &str, phc: String) -> bool {
        let mut h = Sha256::new();
        for part in [self.salt.as_str(), key_id, secret, phc.as_str()] {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part.as_bytes());
        }
        let fingerprint: [u8; 32] = h.finalize().into();
        let now = Instant::now();
        let remembered = lock(&self.verified)
            .get(&fingerprint)
            .is_some_and(|at| now.duration_since(*at) < VERIFIED_FOR);
        if remembered {
            return true;
        }
        if !self.verify_slowly(secret, phc).await {
            return false;
        }
        let mut verified = lock(&self.verified);
        if verified.len() >= PRUNE_AT {
            verified.retain(|_, at| now.duration_since(*at) < VERIFIED_FOR);
        }
        verified.insert(fingerprint, now);
        true
    }

    /// Argon2 on a blocking thread, no more at once than there are cores.
    async fn verify_slowly(&self, secret: &str, phc: String) -> bool {
        let secret = secret.to_string();
        let _permit = self.hashing.acquire().await;
        tokio::task::spawn_blocking(move || verify(&secret, &phc))
            .await
            .unwrap_or(false)
    }

    /// A new token for the key.
    fn issue(&self, key_id: &str) -> String {
        let token = random_hex(32);
        let now = Instant::now();
        let mut sessions = self.sessions();
        if sessions.len() >= PRUNE_AT {
            sessions.retain(|_, s| s.expires > now);
        }
        sessions.insert(
            token_hash(&token),
            Session {
                key_id: key_id.to_string(),
                expires: now + self.ttl,
                checked: now,
            },
        );
        token
    }

    /// The key id of a live token (not expired, key not revoked).
    pub async fn check(&self, store: &Store, token: &str) -> Result<Option<String>, StoreError> {
        let hash = token_hash(token);
        let now = Instant::now();
        let (key_id, recheck) = {
            let mut sessions = self.sessions();
            match sessions.get(&hash) {
                None => return Ok(None),
                Some(s) if s.expires <= now => {
                    sessions.remove(&hash);
                    return Ok(None);
                }
                Some(s) => (s.key_id.clone(), now.duration_since(s.checked) > RECHECK),
            }
        };
        if recheck {
            if store.active_key_hash(&key_id).await?.is_none() {
                self.sessions().remove(&hash);
                return Ok(None);
            }
            if let Some(s) = self.sessions().get_mut(&hash) {
                s.checked = now;
            }
        }
        Ok(Some(key_id))
    }
}

/// Who reads the pages or the read API, and the cookie to set when they came with a key pair.
pub struct Reader {
    pub key_id: String,
    pub new_token: Option<String>,
}

/// Authenticates a page or read-API request: the session cookie, a `Bearer` token, HTTP Basic
/// with the key pair, or nobody when anonymous reading is enabled. `Err` is the 401 (or 500).
pub async fn reader(state: &Shared, headers: &HeaderMap) -> Result<Reader, Response> {
    let failed = |e: StoreError| {
        super::log::line(&format!("the results store failed: {e}"));
        http::error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the results store failed",
        )
    };
    let presented = cookie(headers).or_else(|| bearer(headers));
    if let Some(token) = presented {
        if let Some(key_id) = state
            .auth
            .check(&state.store, &token)
            .await
            .map_err(failed)?
        {
            return Ok(Reader {
                key_id,
                new_token: None,
            });
        }
    }
    if let Some((id, secret)) = basic(headers) {
        if let Some(token) = state
            .auth
            .login(&state.store, &id, &secret)
            .await
            .map_err(failed)?
        {
            return Ok(Reader {
                key_id: id,
                new_token: Some(token),
            });
        }
    }
    if state.anonymous_read {
        return Ok(Reader {
            key_id: "anonymous".into(),
            new_token: None,
        });
    }
    let mut response = http::error(StatusCode::UNAUTHORIZED, "credentials required");
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Basic realm=\"soda server\", charset=\"UTF-8\""),
    );
    Err(response)
}

/// Sets the session cookie of a reader who logged in with Basic credentials.
pub fn set_cookie(response: &mut Response, reader: &Reader, secure: bool) {
    let Some(token) = &reader.new_token else {
        return;
    };
    let secure = if secure { "; Secure" } else { "" };
    let value = format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{secure}");
    if let Ok(v) = HeaderValue::from_str(&value) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
}

fn cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_string())
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    value.strip_prefix("Bearer ").map(|t| t.trim().to_string())
}

fn basic(headers: &HeaderMap) -> Option<(String, String)> {
    use base64ct::{Base64, Encoding};
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ")?.trim();
    let decoded = String::from_utf8(Base64::decode_vec(encoded).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_string(), secret.to_string()))
}

/// The token of an upload: Soda Core sends it raw in `Authorization` (no `Bearer`).
pub fn upload_token(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    Some(value.strip_prefix("Bearer ").unwrap_or(value).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_verify_against_their_hash_only() {
        let hash = hash_secret("s3cret").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(!hash.contains("s3cret"));
        assert!(verify("s3cret", &hash));
        assert!(!verify("s3cret ", &hash));
        assert!(!verify("", &hash));
        assert!(!verify("s3cret", "not a hash"));
        assert_ne!(
            hash,
            hash_secret("s3cret").unwrap(),
            "each hash has its own salt"
        );
    }

    #[test]
    fn credentials_are_read_from_headers() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=b; soda_session=tok; c=d"),
        );
        assert_eq!(cookie(&h).as_deref(), Some("tok"));
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Basic aWQ6c2U6Y3JldA=="),
        );
        assert_eq!(basic(&h), Some(("id".into(), "se:cret".into())));
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer tok2"),
        );
        assert_eq!(bearer(&h).as_deref(), Some("tok2"));
        assert_eq!(upload_token(&h).as_deref(), Some("tok2"));
    }
}
