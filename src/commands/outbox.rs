//! `soda outbox list|send`: the scan results waiting for Soda Cloud.

use crate::cli::{OutboxAction, OutboxArgs};
use crate::cloud::tasks::CloudSession;
use crate::diagnostic::{Logs, Sink};
use crate::exit::ExitStatus;
use crate::template::Vars;

/// Runs `soda outbox list|send`.
pub fn run(args: &OutboxArgs, sink: Option<Sink>) -> ExitStatus {
    let mut logs = Logs::new(args.verbose, sink);
    logs.info(super::banner());
    let config = crate::config::load(&args.configuration, &Vars::default(), &mut logs);
    let Some(cloud) = &config.cloud else {
        logs.error("No soda_cloud configuration: the outbox belongs to a Soda Cloud connection");
        return ExitStatus::Error;
    };
    let pending =
        crate::cloud::outbox::pending(&cloud.outbox, &crate::cloud::outbox::account(cloud));
    match args.action {
        OutboxAction::List => {
            logs.info(format!(
                "{} scan result(s) waiting in {}",
                pending.len(),
                cloud.outbox.display()
            ));
            for p in &pending {
                logs.info(format!("  {}", p.display()));
            }
        }
        OutboxAction::Send => {
            let Ok(rt) = crate::runtime::start(crate::runtime::Threads::Command) else {
                logs.error("could not start the async runtime");
                return ExitStatus::Error;
            };
            // Starting a session delivers what waits; report what it could not.
            if let Some(session) = CloudSession::start(&rt, cloud, &mut logs) {
                if !session.reachable {
                    logs.error(format!(
                        "Soda Cloud is not reachable; {} scan result(s) stay in {}",
                        pending.len(),
                        cloud.outbox.display()
                    ));
                } else if pending.is_empty() {
                    logs.info(format!("The outbox {} is empty", cloud.outbox.display()));
                }
            }
        }
    }
    if logs.has_errors() {
        ExitStatus::Error
    } else {
        ExitStatus::Pass
    }
}
