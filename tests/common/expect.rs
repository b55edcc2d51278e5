//! Expected-output files: a test compares a whole output with a file checked in next to its
//! fixture. `SODA_UPDATE_EXPECTED=1 cargo test` writes the files instead (review the diff).

use std::path::Path;

/// Asserts that `actual` equals the contents of `path` (or writes it when updating).
pub fn assert_expected(path: &Path, actual: &str) {
    if std::env::var_os("SODA_UPDATE_EXPECTED").is_some() {
        std::fs::write(path, actual).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        return;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!(
            "read {}: {e} (run with SODA_UPDATE_EXPECTED=1 to create it)",
            path.display()
        )
    });
    if expected == actual {
        return;
    }
    let first_difference = expected
        .lines()
        .zip(actual.lines())
        .position(|(e, a)| e != a)
        .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
    panic!(
        "{} differs from the output, first at line {}:\n{}\n---- expected ----\n{expected}\n---- actual ----\n{actual}",
        path.display(),
        first_difference + 1,
        "-".repeat(60)
    );
}
