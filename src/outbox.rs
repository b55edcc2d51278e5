//! The outbox: scan results that could not be delivered (to Soda Cloud, or to the results
//! store), kept on disk until a later scan (or `soda outbox send`) delivers them, oldest first.
//! Each file is tagged with the account (or store) it is meant for and only delivered there.
//!
//! One file per scan: the results document exactly as it would have been sent, without the
//! token (nothing secret is ever written here). Files are written to a temporary name and
//! renamed, so a crash never leaves a half-written result that looks complete.

use std::path::{Path, PathBuf};

/// Saves one results document for `account`; returns the file it went to.
pub fn save(dir: &Path, account: &str, text: &str) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let now = chrono::Utc::now().format("%Y%m%dT%H%M%S%.6fZ");
    let mut n = 0;
    let path = loop {
        let p = dir.join(format!("scan-{now}-{n}-{account}.json"));
        if !p.exists() {
            break p;
        }
        n += 1;
    };
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, &path)?;
    Ok(path)
}

/// How long a claimed file may stay claimed before it is taken to be abandoned (a scan
/// killed while sending) and queued again.
const ABANDONED_AFTER: std::time::Duration = std::time::Duration::from_secs(3600);

/// The waiting results of `account`, oldest first.
pub fn pending(dir: &Path, account: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let suffix = format!("-{account}.json");
    let mut files = Vec::new();
    for path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        if name.ends_with(&suffix) {
            files.push(path);
        } else if let Some(original) = name.strip_suffix(".sending") {
            let stale = std::fs::metadata(&path)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > ABANDONED_AFTER);
            if stale && original.ends_with(&suffix) {
                let back = dir.join(original);
                if std::fs::rename(&path, &back).is_ok() {
                    files.push(back);
                }
            }
        }
    }
    // Names start with a UTC timestamp, so name order is age order.
    files.sort();
    files
}

/// Takes a pending file for delivery (renamed to `*.sending`); `None` if another process
/// took it first.
pub fn claim(path: &Path) -> Option<PathBuf> {
    let claimed = path.with_extension("json.sending");
    std::fs::rename(path, &claimed).ok().map(|()| claimed)
}

/// Puts a claimed file back when it could not be delivered.
pub fn release(claimed: &Path, original: &Path) {
    let _ = std::fs::rename(claimed, original);
}

/// Moves a file Soda Cloud will never accept to `rejected/` (kept for inspection).
pub fn reject(claimed: &Path) -> PathBuf {
    let dir = claimed.parent().unwrap_or(Path::new(".")).join("rejected");
    let name = claimed
        .file_name()
        .map(|n| n.to_string_lossy().replace(".json.sending", ".json"))
        .unwrap_or_else(|| "rejected.json".into());
    let target = dir.join(name);
    if std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::rename(claimed, &target))
        .is_ok()
    {
        target
    } else {
        claimed.to_path_buf()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_and_lists_oldest_first() {
        let dir = std::env::temp_dir().join(format!("soda-outbox-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let a = save(&dir, "acct1", "{\"a\": 1}").unwrap();
        let b = save(&dir, "acct1", "{\"b\": 2}").unwrap();
        let other = save(&dir, "acct2", "{\"c\": 3}").unwrap();
        assert_eq!(pending(&dir, "acct1"), vec![a.clone(), b.clone()]);
        assert_eq!(pending(&dir, "acct2"), vec![other]);
        let claimed = claim(&a).unwrap();
        assert!(
            claim(&a).is_none(),
            "a claimed file cannot be claimed twice"
        );
        assert_eq!(pending(&dir, "acct1"), vec![b.clone()]);
        release(&claimed, &a);
        assert_eq!(pending(&dir, "acct1"), vec![a.clone(), b]);
        let rejected = reject(&claim(&a).unwrap());
        assert!(rejected.starts_with(dir.join("rejected")));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
