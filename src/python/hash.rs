//! Soda's "consistent hash builder": the hash inside every check and metric identity.

use blake2::digest::{Update, VariableOutput};
use blake2::Blake2bVar;

/// Soda's `ConsistentHashBuilder`: BLAKE2b-32 over the fed parts, or no hash at all when nothing
/// was fed (callers then leave the hash out). Feeding an empty string still counts as feeding.
#[derive(Default)]
pub struct HashBuilder {
    hasher: Option<Blake2bVar>,
}

impl HashBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add_str(&mut self, s: &str) {
        if self.hasher.is_none() {
            // Digest size 4 is a BLAKE2b parameter, not a truncation of the 64-byte digest.
            self.hasher = Blake2bVar::new(4).ok();
        }
        if let Some(hasher) = self.hasher.as_mut() {
            hasher.update(s.as_bytes());
        }
    }

    /// A null part contributes nothing.
    pub fn add_opt(&mut self, s: Option<&str>) {
        if let Some(s) = s {
            self.add_str(s);
        }
    }

    pub fn add_f64(&mut self, f: f64) {
        self.add_str(&super::float_repr(f));
    }

    pub fn add_i64(&mut self, i: i64) {
        self.add_str(&i.to_string());
    }

    pub fn add_bool(&mut self, b: bool) {
        self.add_str(if b { "True" } else { "False" });
    }

    /// Eight lowercase hex characters, or `None` when nothing was fed.
    pub fn finish(self) -> Option<String> {
        let hasher = self.hasher?;
        let mut digest = [0u8; 4];
        hasher.finalize_variable(&mut digest).ok()?;
        Some(digest.iter().map(|b| format!("{b:02x}")).collect())
    }
}
