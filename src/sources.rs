//! Finding input files: a path given directly is taken whatever its extension; a folder is
//! walked recursively (hidden folders included, as Soda Core does) for `.yml`/`.yaml` files.
//! Unlike Soda Core we sort each folder's entries, so a scan's order does not depend on the
//! filesystem.

use std::path::{Path, PathBuf};

/// Appends the files `path` stands for, skipping ones already collected.
pub fn collect(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let Ok(entries) = std::fs::read_dir(path) else {
            return;
        };
        let mut children: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        children.sort();
        for child in children {
            // Linked folders are not followed: a link cycle would never end.
            let linked_dir = child.is_symlink() && child.is_dir();
            if linked_dir {
                continue;
            }
            if child.is_dir() {
                collect(&child, out);
            } else if child.extension().is_some_and(|e| e == "yml" || e == "yaml") {
                push_unique(child, out);
            }
        }
    } else {
        push_unique(path.to_path_buf(), out);
    }
}

fn push_unique(path: PathBuf, out: &mut Vec<PathBuf>) {
    if !out.contains(&path) {
        out.push(path);
    }
}

/// Why an input file could not be read: the message, and where in the file when it is about
/// the file's content.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadError {
    pub message: String,
    /// Line and column (1-based) of the offending byte.
    pub at: Option<(usize, usize)>,
}

/// The largest checks or configuration file read (4 MiB): larger files are refused before
/// they are read. A big real checks file holds a few thousand checks in a few hundred KB.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Reads a checks or configuration file as UTF-8 text. Anything but a regular file (a FIFO,
/// `/dev/zero`, a socket) is refused at once, before reading could block or never end; bytes
/// that are not UTF-8 and NUL characters are refused with their line and column.
pub fn read_text(path: &Path) -> Result<String, ReadError> {
    let plain = |message: String| ReadError { message, at: None };
    let meta = std::fs::metadata(path).map_err(|e| plain(e.to_string()))?;
    if !meta.is_file() {
        return Err(plain(format!(
            "{} is not a regular file (a pipe, device or socket?); refused",
            path.display()
        )));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(plain(format!(
            "{} is {} bytes, more than the {} MiB a checks or configuration file may have; refused",
            path.display(),
            meta.len(),
            MAX_FILE_BYTES / (1024 * 1024)
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| plain(e.to_string()))?;
    decode_text(bytes)
}

/// The bytes of a checks or configuration file as text: not UTF-8 and NUL characters are
/// refused with their line and column.
pub fn decode_text(bytes: Vec<u8>) -> Result<String, ReadError> {
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        ReadError {
            message: "the file is not valid UTF-8 text".into(),
            at: Some(position(std::str::from_utf8(valid).unwrap_or_default())),
        }
    })?;
    if let Some(nul) = text.find('\0') {
        return Err(ReadError {
            message: "the file holds a NUL character".into(),
            at: Some(position(&text[..nul])),
        });
    }
    Ok(text)
}

/// The line and column just after `before` (the text preceding a position).
fn position(before: &str) -> (usize, usize) {
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}
