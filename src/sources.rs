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
