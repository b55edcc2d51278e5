//! The stage rules of the codebase, checked: which top-level module of `src/` may use which.
//!
//! The pipeline is cli → config → sodacl → plan → engine → eval → results → report, pages,
//! store, cloud, notify, server, with `measure` (the data the stages exchange) and the small helper
//! modules below every stage, and `commands` (one file per command) the one module that walks
//! them all. A stage that reaches into a later stage (or into
//! a sibling it has no business with) makes both harder to change; this test reads every
//! `crate::…` path in `src/` and fails on any edge not written down in [`ALLOWED`].

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Each module and the modules it may use. The one place the allowed graph is written down.
const ALLOWED: &[(&str, &[&str])] = &[
    // Helpers: below every stage, using nothing (or only each other).
    ("python", &["yaml"]),
    ("diagnostic", &[]),
    ("exit", &[]),
    ("yaml", &[]),
    ("template", &[]),
    ("sources", &[]),
    ("runtime", &[]),
    ("measure", &["python"]),
    ("outbox", &[]),
    ("suggest", &[]),
    // The stages, in pipeline order.
    ("cli", &[]),
    (
        "config",
        &[
            "diagnostic",
            "python",
            "sources",
            "suggest",
            "template",
            "yaml",
        ],
    ),
    (
        "sodacl",
        &[
            "diagnostic",
            "measure",
            "python",
            "sources",
            "suggest",
            "template",
            "yaml",
        ],
    ),
    (
        "plan",
        &["diagnostic", "measure", "python", "sodacl", "template"],
    ),
    (
        "engine",
        &["config", "diagnostic", "measure", "plan", "python"],
    ),
    (
        "eval",
        &[
            "diagnostic",
            "measure",
            "plan",
            "python",
            "sodacl",
            "template",
        ],
    ),
    // What a scan leaves behind: the one vocabulary of report, store, cloud, notify and server.
    (
        "results",
        &["diagnostic", "eval", "measure", "plan", "python", "sodacl"],
    ),
    (
        "report",
        &[
            "diagnostic",
            "eval",
            "measure",
            "plan",
            "python",
            "results",
            "sodacl",
        ],
    ),
    // The HTML pages of a results store (`soda report`, `soda server`): a pure function of the
    // store's read model, so they need nothing but `results`.
    ("pages", &["results"]),
    (
        "cloud",
        &[
            "config",
            "diagnostic",
            "eval",
            "measure",
            "outbox",
            "plan",
            "python",
            "results",
            "sodacl",
        ],
    ),
    (
        "store",
        &[
            "config",
            "diagnostic",
            "eval",
            "measure",
            "outbox",
            "plan",
            "python",
            "results",
            "sodacl",
        ],
    ),
    // Webhook alerts: the report's view of a scan, sent over the Cloud client's HTTPS setup.
    (
        "notify",
        &["cloud", "config", "diagnostic", "report", "results"],
    ),
    // `soda server`: the Cloud API's wire types (shared with the client), the store behind it,
    // the store's pages; its own arguments and exit status.
    (
        "server",
        &[
            "cli",
            "cloud",
            "config",
            "diagnostic",
            "exit",
            "pages",
            "results",
            "runtime",
            "store",
            "template",
        ],
    ),
    // One file per command: the only code that walks every stage, and the crate root.
    ("commands", &["*"]),
    ("lib", &["*"]),
    ("main", &["*"]),
];

/// Edges that must never come back, whatever the graph above says: each one once tied two
/// layers together. The store and the Cloud client read the report's types (the scan's results
/// now live below all three); the server reached into the report for its pages (which now
/// stand apart); the engine read the checks model (the plan now hands it all it runs); eval
/// built YAML to hash group-by children (sodacl now gives it their identities).
const FORBIDDEN: &[(&str, &str)] = &[
    ("store", "report"),
    ("cloud", "report"),
    ("server", "report"),
    ("pages", "report"),
    ("engine", "sodacl"),
    ("eval", "yaml"),
];

/// The top-level module a source file belongs to (`src/eval/history.rs` → `eval`).
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).expect("file under src");
    let first = rel.components().next().expect("a path component");
    let name = first.as_os_str().to_string_lossy();
    name.trim_end_matches(".rs").to_string()
}

/// The top-level modules named by `crate::…` paths in Rust source, comments left out.
fn used_modules(text: &str) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                // `use crate::{a::B, c}`: the first name of each item of the group.
                let end = group.find('}').unwrap_or(group.len());
                for item in group[..end].split(',') {
                    let name: String = item
                        .trim()
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if !name.is_empty() {
                        used.insert(name);
                    }
                }
            } else {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    used.insert(name);
                }
            }
        }
    }
    used
}

/// The forbidden edges of one file: `(used module, reason)`.
fn violations(module: &str, text: &str) -> Vec<String> {
    let Some((_, allowed)) = ALLOWED.iter().find(|(m, _)| *m == module) else {
        return vec![format!(
            "module `{module}` is not in the allowed graph of tests/layers.rs"
        )];
    };
    if allowed.contains(&"*") {
        return Vec::new();
    }
    used_modules(text)
        .into_iter()
        .filter(|used| used != module && !allowed.contains(&used.as_str()))
        .map(|used| format!("`{module}` uses `{used}`"))
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn stages_only_use_the_modules_they_may() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(
        files.len() > 20,
        "expected the crate's sources in {}",
        src.display()
    );
    let mut problems = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable source");
        let module = module_of(&src, file);
        for v in violations(&module, &text) {
            problems.push(format!(
                "{}: {v}",
                file.strip_prefix(&src).unwrap().display()
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "stage rules broken (allowed graph in tests/layers.rs):\n{}",
        problems.join("\n")
    );
}

/// The checker itself finds the edges it must refuse, in every spelling of a path.
#[test]
fn a_forbidden_edge_is_found() {
    assert_eq!(
        violations("eval", "use crate::engine::Connection;\n"),
        vec!["`eval` uses `engine`"]
    );
    assert_eq!(
        violations("eval", "use crate::{measure::Value, report::x};"),
        vec!["`eval` uses `report`"]
    );
    assert_eq!(
        violations("engine", "let t = crate::report::unquoted_table(x);"),
        vec!["`engine` uses `report`"]
    );
    assert!(violations("eval", "// see crate::engine for why\n").is_empty());
    assert!(violations("commands", "use crate::engine;").is_empty());
    assert_eq!(
        violations("newstage", "").len(),
        1,
        "unknown modules are refused"
    );
}

/// The edges named in [`FORBIDDEN`] are not in the allowed graph, and the checker refuses them.
#[test]
fn the_named_edges_stay_forbidden() {
    for (from, to) in FORBIDDEN {
        let (_, allowed) = ALLOWED.iter().find(|(m, _)| m == from).expect("listed");
        assert!(!allowed.contains(to), "`{from}` may not use `{to}`");
        assert_eq!(
            violations(from, &format!("use crate::{to}::Anything;")),
            vec![format!("`{from}` uses `{to}`")]
        );
    }
}
