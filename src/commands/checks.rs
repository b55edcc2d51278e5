//! The checks of a scan: the files its paths stand for, parsed into one checks model, and
//! `for each dataset` expanded once the data source can list its tables.

use super::session::Session;
use crate::cli::ScanArgs;
use crate::diagnostic::Logs;
use crate::sodacl;
use crate::sodacl::model::ChecksModel;
use crate::template::Vars;
use std::path::PathBuf;

/// The checks files the paths stand for; missing paths are errors.
pub fn checks_files(args: &ScanArgs, logs: &mut Logs) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = Vec::new();
    for path in &args.paths {
        let text = path.to_string_lossy();
        let trimmed = text
            .strip_suffix('/')
            .filter(|t| !t.is_empty())
            .unwrap_or(&text);
        let path = PathBuf::from(trimmed);
        if !path.exists() {
            logs.error(format!("Path \"{}\" does not exist", path.display()));
            continue;
        }
        crate::sources::collect(&path, &mut files);
    }
    files
}

pub fn parse_checks(files: &[PathBuf], vars: &mut Vars, logs: &mut Logs, ds: &str) -> ChecksModel {
    let mut parser = sodacl::Parser::new(vars, logs, ds);
    for f in files {
        parser.add_file(f);
    }
    if parser.over_limit {
        // Refused whole: running only the first checks would look like a complete scan.
        parser.model.checks.clear();
        return parser.model;
    }
    parser.model
}

/// `for each dataset`: discovers the tables, then parses the checks once per table.
pub fn expand_for_each(
    mut model: ChecksModel,
    session: &Session,
    vars: &mut Vars,
    logs: &mut Logs,
    ds: &str,
) -> ChecksModel {
    let templates = std::mem::take(&mut model.for_each);
    if templates.is_empty() {
        return model;
    }
    let mut expansions = Vec::new();
    for t in &templates {
        match session.discover(t) {
            Ok(tables) => expansions.push((t, tables)),
            Err(e) => logs.error_at(
                format!(
                    "Could not list the datasets of \"for each dataset {}\": {e}",
                    t.alias
                ),
                Some(crate::diagnostic::Location {
                    file: t.file.clone(),
                    line: t.line,
                    col: t.col,
                }),
            ),
        }
    }
    let mut parser = sodacl::Parser::new(vars, logs, ds).with_model(model);
    for (t, tables) in expansions {
        for table in tables {
            parser.expand_for_each(t, &table);
        }
    }
    if parser.over_limit {
        parser.model.checks.clear();
    }
    parser.model
}
