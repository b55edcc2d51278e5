//! The Soda Cloud side of the [`crate::outbox`]: which account a waiting result belongs to.

pub use crate::outbox::*;

/// Which Soda Cloud account (host and API key) results belong to, as a short tag: results are
/// only ever delivered to the account they were meant for, even when configurations share an
/// outbox folder.
pub fn account(cloud: &crate::config::Cloud) -> String {
    let mut h = crate::python::hash::HashBuilder::new();
    h.add_str(&cloud.host);
    h.add_str("\n");
    h.add_str(cloud.api_key_id.expose());
    h.finish().unwrap_or_else(|| "00000000".into())
}
