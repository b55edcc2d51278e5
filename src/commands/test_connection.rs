//! `soda test-connection`: opens a data source and runs `SELECT 1`, in Soda Core's words.

use crate::cli::TestConnectionArgs;
use crate::diagnostic::{Logs, Sink};
use crate::engine::Connection;
use crate::exit::ExitStatus;
use crate::template::Vars;

/// Runs `soda test-connection`.
pub fn run(args: &TestConnectionArgs, sink: Option<Sink>) -> ExitStatus {
    let mut logs = Logs::new(args.verbose, sink);
    logs.info(super::banner());
    let vars = Vars::default();
    let config = crate::config::load(&args.configuration, &vars, &mut logs);
    let Some(ds) = config.data_source(&args.data_source) else {
        logs.error(format!(
            "Data source '{}' not present in the configuration.",
            args.data_source
        ));
        logs.print_raw(&format!("Unable to connect to '{}'.", args.data_source));
        return ExitStatus::Error;
    };
    let result = crate::runtime::start(crate::runtime::Threads::Command)
        .map_err(|e| e.to_string())
        .and_then(|rt| {
            rt.block_on(async {
                let conn = Connection::open(ds).await?;
                let rows = conn.fetch("SELECT 1").await;
                conn.close().await;
                rows.map(|_| ())
            })
            .map_err(|e| e.to_string())
        });
    match result {
        Ok(()) => {
            logs.print_raw(&format!("Successfully connected to '{}'.", ds.name));
            logs.print_raw(&format!("Connection '{}' is valid.", ds.name));
            if logs.has_errors() {
                ExitStatus::Error
            } else {
                ExitStatus::Pass
            }
        }
        Err(e) => {
            logs.error(format!(
                "Could not connect to data source \"{}\": {e}",
                ds.name
            ));
            logs.print_raw(&format!("Unable to connect to '{}'.", ds.name));
            ExitStatus::Error
        }
    }
}
