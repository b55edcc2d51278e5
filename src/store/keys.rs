//! The API keys of `soda server`, kept in the store so that every server on one store (and
//! the `soda server keys` subcommand) sees the same keys. Only a slow salted hash of each
//! secret is stored; hashing and comparing are the server's business, not the store's.

use super::params::Param;
use super::{Store, StoreError};
use sqlx::Row;

/// One API key as `soda server keys list` shows it (never its secret or hash).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ApiKey {
    pub id: String,
    pub name: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

fn now() -> String {
    crate::results::time::soda(chrono::Utc::now())
}

impl Store {
    /// Adds a key: its id, a name for people, and the hash of its secret.
    pub async fn add_api_key(&self, id: &str, name: &str, hash: &str) -> Result<(), StoreError> {
        let row = vec![
            ("id", Param::from(id)),
            ("name", name.into()),
            ("secret_hash", hash.into()),
            ("created_at", Param::Time(now())),
        ];
        self.insert(&self.pool, "soda_api_keys", row).await?;
        Ok(())
    }

    /// Every key, oldest first, revoked ones included.
    pub async fn api_keys(&self) -> Result<Vec<ApiKey>, StoreError> {
        let sql = format!(
            "SELECT id, name, {}, {} FROM soda_api_keys ORDER BY created_at, id",
            self.time_text("created_at"),
            self.time_text("revoked_at")
        );
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(ApiKey {
                    id: r.try_get(0)?,
                    name: r.try_get(1)?,
                    created_at: r.try_get(2)?,
                    revoked_at: r.try_get(3)?,
                })
            })
            .collect()
    }

    /// The secret hash of a key that is not revoked.
    pub async fn active_key_hash(&self, id: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query(
            &self.sql("SELECT secret_hash FROM soda_api_keys WHERE id = ? AND revoked_at IS NULL"),
        )
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            Some(r) => Some(r.try_get(0)?),
            None => None,
        })
    }

    /// Revokes a key; false when there is no such active key.
    pub async fn revoke_api_key(&self, id: &str) -> Result<bool, StoreError> {
        let done = sqlx::query(&self.sql(&format!(
            "UPDATE soda_api_keys SET revoked_at = {} WHERE id = ? AND revoked_at IS NULL",
            self.time_arg()
        )))
        .bind(now())
        .bind(id.to_string())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }
}
