//! `soda report`: the results store as one self-contained HTML file.

use crate::cli::ReportArgs;
use crate::diagnostic::{Logs, Sink};
use crate::exit::ExitStatus;
use crate::pages;
use crate::store::{Store, StoreError};
use crate::template::Vars;

/// Runs `soda report`: the results store as one HTML file.
pub fn run(args: &ReportArgs, sink: Option<Sink>) -> ExitStatus {
    let mut logs = Logs::new(args.verbose, sink);
    logs.info(super::banner());
    // With --store and no -c, no configuration is needed: do not look for one (and do not
    // warn that ~/.soda/configuration.yml is missing).
    let config = if args.store.is_some() && args.configuration.is_empty() {
        crate::config::Configuration::default()
    } else {
        crate::config::load(&args.configuration, &Vars::default(), &mut logs)
    };
    let Ok(store_config) = super::store_config(args.store.as_deref(), &config) else {
        return ExitStatus::Error;
    };
    let Some(store_config) = store_config else {
        logs.error("No results store: configure results_store: or pass --store");
        return ExitStatus::Error;
    };
    let data = crate::runtime::start(crate::runtime::Threads::Command)
        .map_err(|e| e.to_string())
        .and_then(|rt| {
            rt.block_on(async {
                // There is nothing to report from a store that does not exist: a typo in
                // --store is an error, not a new, empty store.
                let store = Store::open_existing(&store_config).await?;
                let data = store.read_model().await;
                store.close().await;
                data
            })
            .map_err(|e| match e {
                StoreError::Missing(path) => format!(
                    "The results store {} does not exist; nothing to report (soda scan --store or results_store: creates it)",
                    path.display()
                ),
                e => format!(
                    "Could not read the results store {}: {e}",
                    store_config.describe()
                ),
            })
        });
    let data = match data {
        Ok(d) => d,
        Err(e) => {
            logs.error(e);
            return ExitStatus::Error;
        }
    };
    let html = pages::render(&data);
    if let Err(e) = std::fs::write(&args.output, html) {
        logs.error(format!("Could not write {}: {e}", args.output.display()));
        return ExitStatus::Error;
    }
    logs.info(format!(
        "Report of {} checks and {} scans written to {}",
        data.checks.len(),
        data.scans.len(),
        args.output.display()
    ));
    ExitStatus::Pass
}
