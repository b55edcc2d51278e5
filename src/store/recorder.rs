//! The store as a scan uses it: opened at the start (delivering what waits in the store's
//! outbox), asked for history, and handed the scan's results at the end. When the store cannot
//! be written, the results wait in the outbox, and the scan says so and fails (exit 3): a
//! record of a scan is never silently lost.

use super::{Store, StoreError};
use crate::config::StoreConfig;
use crate::diagnostic::Logs;
use crate::eval::history::HistoryMap;
use crate::measure::history::{Elsewhere, History};
use crate::plan::Plan;
use crate::results::record::StoreRecord;
use crate::sodacl::model::Check;
use chrono::{DateTime, Utc};
use std::path::PathBuf;
use tokio::runtime::Runtime;

/// The results store of one scan.
pub struct Recorder {
    store: Result<Store, StoreError>,
    location: String,
    outbox: PathBuf,
    /// Outbox files are tagged with the store they are meant for.
    account: String,
}

/// The tag of a store's outbox files.
fn account(location: &str) -> String {
    let mut h = crate::python::hash::HashBuilder::new();
    h.add_str(location);
    h.finish().unwrap_or_else(|| "00000000".into())
}

impl Recorder {
    /// Opens the store; a store that cannot be opened is reported now, and recorded into later
    /// by way of the outbox.
    pub fn open(rt: &Runtime, config: &StoreConfig, logs: &mut Logs) -> Recorder {
        let location = config.describe();
        let store = rt.block_on(Store::open(config));
        if let Err(e) = &store {
            logs.error(format!("Could not open the results store {location}: {e}"));
        }
        let recorder = Recorder {
            store,
            account: account(&location),
            location,
            outbox: crate::config::state_dir().join("store-outbox"),
        };
        recorder.deliver_pending(rt, logs);
        recorder
    }

    /// Writes the records that waited in the outbox, oldest first.
    fn deliver_pending(&self, rt: &Runtime, logs: &mut Logs) {
        let Ok(store) = &self.store else { return };
        for file in crate::outbox::pending(&self.outbox, &self.account) {
            let Some(claimed) = crate::outbox::claim(&file) else {
                continue;
            };
            let record = std::fs::read_to_string(&claimed)
                .ok()
                .and_then(|t| serde_json::from_str::<StoreRecord>(&t).ok());
            let Some(record) = record else {
                let kept = crate::outbox::reject(&claimed);
                logs.error(format!(
                    "Store outbox file {} is not a readable scan record; moved to {}",
                    file.display(),
                    kept.display()
                ));
                continue;
            };
            match rt.block_on(store.record(&record)) {
                Ok(()) => {
                    let _ = std::fs::remove_file(&claimed);
                    logs.info(format!(
                        "Recorded the waiting results of the scan of {} into the results store",
                        record.results.data_timestamp
                    ));
                }
                Err(e) => {
                    crate::outbox::release(&claimed, &file);
                    logs.error(format!(
                        "Could not record waiting results into {}: {e}",
                        self.location
                    ));
                    return;
                }
            }
        }
    }

    /// The history of every check that compares with the past, from scans before `now`.
    pub fn history(
        &self,
        rt: &Runtime,
        checks: &[&Check],
        plan: &Plan,
        now: DateTime<Utc>,
        logs: &mut Logs,
    ) -> HistoryMap {
        let mut map = HistoryMap::new();
        for check in checks {
            let Some(request) = crate::eval::history::request(check) else {
                continue;
            };
            let Some(metric) = plan
                .metrics_of(check.seq)
                .first()
                .map(|i| &plan.metrics[*i])
            else {
                continue;
            };
            let history = match &self.store {
                Ok(store) => {
                    match rt.block_on(store.metric_history(&metric.identity, &request, now)) {
                        Ok(m) if m.is_empty() => {
                            elsewhere(rt, store, &plan.scan_definition, &metric.identity, now)
                                .unwrap_or(History::Measurements(m))
                        }
                        Ok(m) => History::Measurements(m),
                        Err(e) => {
                            logs.error(format!(
                                "Could not read history from {}: {e}",
                                self.location
                            ));
                            History::Failed(e.to_string())
                        }
                    }
                }
                Err(e) => History::Failed(format!("the results store is not available: {e}")),
            };
            map.insert(check.seq, history);
        }
        map
    }

    /// Records the scan; when the store cannot take it, keeps it in the outbox. False when the
    /// results were not recorded (the scan then fails with exit 3).
    pub fn record(&self, rt: &Runtime, record: &StoreRecord, logs: &mut Logs) -> bool {
        let error = match &self.store {
            Ok(store) => match rt.block_on(store.record(record)) {
                Ok(()) => {
                    logs.info(format!("Scan results recorded in {}", self.location));
                    return true;
                }
                Err(e) => e,
            },
            Err(e) => e.clone(),
        };
        logs.error(format!(
            "Could not record the scan results in {}: {error}",
            self.location
        ));
        let text = serde_json::to_string(record).unwrap_or_default();
        match crate::outbox::save(&self.outbox, &self.account, &text) {
            Ok(path) => logs.info(format!(
                "The scan results wait in {}; the next scan that reaches the store records them",
                path.display()
            )),
            Err(e) => logs.error(format!(
                "Could not keep the scan results in {} either: {e}. They are lost.",
                self.outbox.display()
            )),
        }
        false
    }

    pub fn close(&self, rt: &Runtime) {
        if let Ok(store) = &self.store {
            rt.block_on(store.close());
        }
    }
}

/// The history of `metric` under another scan definition, when the store has some (a scan run
/// without its usual `-s` then says where its history is). A failed look-up only loses the hint.
fn elsewhere(
    rt: &Runtime,
    store: &Store,
    here: &str,
    metric: &str,
    now: DateTime<Utc>,
) -> Option<History> {
    let (definition, count) = rt
        .block_on(store.history_elsewhere(here, metric, now))
        .ok()
        .flatten()?;
    Some(History::Elsewhere(Elsewhere {
        here: here.to_string(),
        definition,
        count,
    }))
}
