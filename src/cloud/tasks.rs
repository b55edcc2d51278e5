//! What a scan asks of Soda Cloud, step by step: start (login, cloud configuration, pending
//! outbox), attribute validation, history for checks that need it, sample uploads, and the
//! final insert (or the outbox when it cannot be delivered).

use super::history::decode;
use super::{outbox, Client, CloudError};
use crate::config::Cloud as CloudConfig;
use crate::diagnostic::{Level, Logs};
use crate::eval::CheckResult;
use crate::measure::history::{History, HistoryMap};
use crate::measure::Sample;
use crate::plan::Plan;
use crate::results::document::ScanResults;
use crate::sodacl::model::{Check, CheckKind};
use chrono::{Local, Utc};
use serde_json::Value;

/// A scan's connection to Soda Cloud.
pub struct CloudSession {
    pub client: Client,
    pub outbox: std::path::PathBuf,
    /// The account tag of the outbox files this session may deliver.
    pub account: String,
    /// `sodaCoreCloudConfiguration` answered and allowed sample uploads.
    pub samples_allowed: bool,
    /// The endpoint keeps every check of a scan (`soda server`): the results sent list the
    /// checks Soda Core leaves out too.
    pub keeps_every_check: bool,
    /// The start-up calls worked (history and uploads are only tried then).
    pub reachable: bool,
    host: String,
}

fn log_error(logs: &mut Logs, what: &str, e: &CloudError) {
    match e {
        CloudError::Status { code, .. } => logs.error(format!(
            "Error while executing Soda Cloud {what} response code: {code}"
        )),
        other => logs.log(
            Level::Error,
            format!("Error while executing Soda Cloud {what}"),
            None,
            Some(other.to_string()),
        ),
    }
}

fn flush_notices(client: &mut Client, logs: &mut Logs) {
    for n in client.notices.drain(..) {
        logs.print_raw(&n);
    }
}

impl CloudSession {
    /// Logs in, reads the cloud configuration and delivers results waiting in the outbox.
    pub fn start(
        rt: &tokio::runtime::Runtime,
        config: &CloudConfig,
        logs: &mut Logs,
    ) -> Option<CloudSession> {
        let client = match Client::new(config) {
            Ok(c) => c,
            Err(e) => {
                logs.log(
                    Level::Error,
                    "Could not set up the Soda Cloud client".into(),
                    None,
                    Some(format!("{e:#}")),
                );
                return None;
            }
        };
        let mut s = CloudSession {
            client,
            outbox: config.outbox.clone(),
            account: outbox::account(config),
            samples_allowed: false,
            keeps_every_check: false,
            reachable: false,
            host: config.host.clone(),
        };
        match rt.block_on(s.client.configuration()) {
            Ok(answer) => {
                s.samples_allowed = answer.samples_allowed;
                s.keeps_every_check = answer.keeps_every_check;
                s.reachable = true;
            }
            Err(e) => log_error(logs, "query", &e),
        }
        flush_notices(&mut s.client, logs);
        if s.reachable {
            s.deliver_outbox(rt, logs);
        }
        Some(s)
    }

    /// Sends the results waiting in the outbox, oldest first; stops at the first failure.
    pub fn deliver_outbox(
        &mut self,
        rt: &tokio::runtime::Runtime,
        logs: &mut Logs,
    ) -> (usize, usize) {
        let files = outbox::pending(&self.outbox, &self.account);
        let mut sent = 0;
        for f in &files {
            // Claim the file first, so that two scans sharing an outbox never send it twice.
            let Some(claimed) = outbox::claim(f) else {
                continue;
            };
            let doc: ScanResults = match std::fs::read_to_string(&claimed)
                .ok()
                .and_then(|t| serde_json::from_str(&t).ok())
            {
                Some(d) => d,
                None => {
                    let kept = outbox::reject(&claimed);
                    logs.error(format!(
                        "Outbox file {} is not a readable scan result; moved to {}",
                        f.display(),
                        kept.display()
                    ));
                    continue;
                }
            };
            match rt.block_on(self.client.insert_scan_results(&doc)) {
                Ok(_) => {
                    if let Err(e) = std::fs::remove_file(&claimed) {
                        logs.error(format!(
                            "Delivered {} but could not remove it from the outbox: {e}",
                            f.display()
                        ));
                    }
                    sent += 1;
                }
                // Refused for good (a 4xx other than 401): set aside, so it does not block
                // the results behind it forever.
                Err(CloudError::Status {
                    code,
                    retryable: false,
                }) if code != 401 => {
                    let kept = outbox::reject(&claimed);
                    logs.error(format!(
                        "Soda Cloud refused the earlier scan result {} (response code: {code}); moved to {}",
                        f.display(),
                        kept.display()
                    ));
                }
                Err(e) => {
                    outbox::release(&claimed, f);
                    log_error(logs, "command", &e);
                    break;
                }
            }
        }
        flush_notices(&mut self.client, logs);
        let left = files.len() - sent;
        if sent > 0 || left > 0 {
            logs.info(format!(
                "Outbox {}: delivered {sent} earlier scan result(s) to Soda Cloud, {left} still pending",
                self.outbox.display()
            ));
        }
        (sent, left)
    }

    /// Validates check attributes against the organisation's schema. Returns false (after
    /// logging why) if any attribute is invalid: then no check may run, as in Soda Core.
    pub fn validate_attributes(
        &mut self,
        rt: &tokio::runtime::Runtime,
        checks: &[&Check],
        logs: &mut Logs,
    ) -> bool {
        if !self.reachable {
            return true;
        }
        let mut ok = true;
        for check in checks.iter().filter(|c| !c.attributes.is_empty()) {
            let schema = match rt.block_on(self.client.check_attributes()) {
                Ok(s) => s,
                Err(e) => {
                    log_error(logs, "query", &e);
                    return true;
                }
            };
            for (name, value) in &check.attributes {
                if let Some(problem) = attribute_problem(&schema, name, value) {
                    logs.error_at(
                        problem,
                        Some(crate::diagnostic::Location {
                            file: check.file.clone(),
                            line: check.line,
                            col: check.col,
                        }),
                    );
                    ok = false;
                }
            }
        }
        flush_notices(&mut self.client, logs);
        if !ok {
            logs.info(format!("Refer to list of valid attributes and values at https://{}/organization/attributes.", self.host));
        }
        ok
    }

    /// Fetches the history of the checks that compare with it.
    pub fn history(
        &mut self,
        rt: &tokio::runtime::Runtime,
        checks: &[&Check],
        plan: &Plan,
        logs: &mut Logs,
    ) -> HistoryMap {
        let mut map = HistoryMap::new();
        for check in checks {
            let ids = plan.metrics_of(check.seq);
            let Some(metric) = ids.first().map(|i| plan.metrics[*i].identity.clone()) else {
                continue;
            };
            let Some(request) = crate::eval::history::request(check) else {
                continue;
            };
            let (limit, shape) = (request.limit, request.shape);
            let window = request.same_day_last_week.then(last_week_window);
            if !self.reachable {
                map.insert(
                    check.seq,
                    History::Failed("Soda Cloud is not reachable".into()),
                );
                continue;
            }
            let result = rt.block_on(self.client.historic_measurements(&metric, limit, window));
            if matches!(check.kind, CheckKind::Anomaly(_)) {
                if let Err(e) =
                    rt.block_on(self.client.historic_check_results(&check.identity_v1, 1000))
                {
                    log_error(logs, "query", &e);
                }
            }
            map.insert(
                check.seq,
                match result {
                    Ok(m) => History::Measurements(decode(m, shape)),
                    Err(e) => {
                        log_error(logs, "query", &e);
                        History::Failed(e.to_string())
                    }
                },
            );
        }
        flush_notices(&mut self.client, logs);
        map
    }

    /// Uploads the collected failed-row samples and records Cloud's file ids.
    pub fn upload_samples(
        &mut self,
        rt: &tokio::runtime::Runtime,
        checks: &mut [(crate::results::scan::CheckRef<'_>, CheckResult)],
        scan_definition: &str,
        data_timestamp_digits: &str,
        logs: &mut Logs,
    ) {
        if !self.reachable || !self.samples_allowed {
            return;
        }
        let folder = format!(
            "{}_{data_timestamp_digits}_{}",
            fileify(scan_definition),
            Utc::now().format("%Y%m%d%H%M%S")
        );
        for (check, result) in checks.iter_mut() {
            let Some(sample) = result.samples.as_mut() else {
                continue;
            };
            if sample.rows.rows.is_empty() {
                continue;
            }
            logs.info("Sending failed row samples to Soda Cloud");
            let mut parts = vec![check.dataset.table.clone()];
            parts.extend(check.dataset.partition.clone());
            parts.extend(check.column.clone());
            parts.push("failed_rows".into());
            let name: Vec<String> = parts.into_iter().filter(|p| !p.is_empty()).collect();
            let path = format!("{folder}/{}.jsonl", name.join("_"));
            match rt.block_on(self.client.upload(&path, jsonl(sample))) {
                Ok(Some(id)) => sample.file_id = Some(id),
                Ok(None) => logs.print_raw("No fileId received in response"),
                // Soda Core does not check the status of uploads: an answer without a file id
                // is not an error of the scan. Not reaching Cloud at all is.
                Err(CloudError::Status { code, .. }) => logs.warning(format!(
                    "Soda Cloud did not store sample {path} (response code: {code}); the check is reported without it"
                )),
                Err(e) => logs.log(
                    Level::Error,
                    format!("Soda cloud error: Could not upload sample {path}"),
                    None,
                    Some(e.to_string()),
                ),
            }
        }
        flush_notices(&mut self.client, logs);
    }

    /// Sends the results; when that fails for good, keeps them in the outbox.
    /// Returns false when the results could neither be sent nor kept.
    /// The caller logs `Sending results to Soda Cloud` before building `doc`, whose logs end
    /// with that line, as Soda Core's do.
    pub fn send_results(
        &mut self,
        rt: &tokio::runtime::Runtime,
        doc: &ScanResults,
        logs: &mut Logs,
    ) -> bool {
        let result = rt.block_on(self.client.insert_scan_results(doc));
        flush_notices(&mut self.client, logs);
        match result {
            Ok(r) => {
                match r.trace_id {
                    Some(t) => logs.info(format!("Soda Cloud Trace: {t}")),
                    None => logs.info("Soda Cloud Trace ID not available."),
                }
                true
            }
            Err(e) => {
                log_error(logs, "command", &e);
                logs.info("Soda Cloud Trace ID not available.");
                keep(&self.outbox, &self.account, doc, logs)
            }
        }
    }
}

/// Keeps a results document in the outbox (also when no Cloud session could be set up).
/// Returns false, after logging why, when it cannot be kept.
pub fn keep(dir: &std::path::Path, account: &str, doc: &ScanResults, logs: &mut Logs) -> bool {
    let text = doc.to_text();
    match outbox::save(dir, account, &text) {
        Ok(path) => {
            logs.info(format!(
                "The scan results were saved to the outbox ({}); they will be sent at the start of the next scan that reaches Soda Cloud, or with `soda outbox send`",
                path.display()
            ));
            true
        }
        Err(io) => {
            logs.error(format!(
                "Could not save the scan results to the outbox {}: {io}. These results were not delivered and are not kept.",
                dir.display()
            ));
            false
        }
    }
}

/// The UTC calendar day of (local today − 7 days), as Soda Core asks for it.
fn last_week_window() -> (String, String) {
    let day = (Local::now() - chrono::TimeDelta::days(7)).date_naive();
    (
        format!("{day}T00:00:00+00:00"),
        format!("{day}T23:59:59+00:00"),
    )
}

/// Lower case, every run of non-word characters replaced by `_` (`My Scan/Def` → `my_scan_def`).
pub fn fileify(s: &str) -> String {
    let mut out = String::new();
    let mut in_run = false;
    for c in s.to_lowercase().chars() {
        if c.is_alphanumeric() || c == '_' {
            out.push(c);
            in_run = false;
        } else if !in_run {
            out.push('_');
            in_run = true;
        }
    }
    out
}

/// One JSON array per row: null, text, numbers and booleans as they are, anything else as text.
fn jsonl(sample: &Sample) -> Vec<u8> {
    let mut out = String::new();
    for row in &sample.rows.rows {
        let cells: Vec<Value> = row
            .iter()
            .map(|v| match v {
                crate::measure::Value::Null
                | crate::measure::Value::Bool(_)
                | crate::measure::Value::Int(_)
                | crate::measure::Value::Float(_) => v.to_json(),
                other => Value::String(other.to_string()),
            })
            .collect();
        out.push_str(&crate::python::json::to_python_json(&Value::Array(cells)));
        out.push('\n');
    }
    out.into_bytes()
}

/// Checks one attribute against the organisation's schema (cli-and-cloud.md §6.8).
fn attribute_problem(schema: &[Value], name: &str, value: &Value) -> Option<String> {
    let Some(spec) = schema
        .iter()
        .find(|s| s.get("name").and_then(Value::as_str) == Some(name))
    else {
        return Some(format!(
            "Soda Cloud does not recognize '{name}' attribute name."
        ));
    };
    let ty = spec
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_lowercase();
    let allowed: Vec<&str> = spec
        .get("allowedValues")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let text = match value {
        Value::String(s) => Some(s.as_str()),
        _ => None,
    };
    let bad_value = || {
        format!("Soda Cloud does not recognize '{name}': '{}' attribute value. Valid attribute value(s): {allowed:?}", value_text(value))
    };
    match ty.as_str() {
        "number" => match text.map(|t| t.parse::<f64>()) {
            Some(Ok(_)) => None,
            _ => Some(format!("Soda Cloud does not recognize '{}' type of attribute '{name}'. It expects the following type(s): ['int', 'float']", type_name(value))),
        },
        "text" => (!value.is_string()).then(|| format!("Soda Cloud does not recognize '{}' type of attribute '{name}'. It expects the following type(s): ['str']", type_name(value))),
        "singleselect" => (!text.is_some_and(|t| allowed.contains(&t))).then(bad_value),
        "checkbox" => (!matches!(value, Value::Bool(_)) && !text.is_some_and(|t| allowed.contains(&t))).then(bad_value),
        "multiselect" => {
            let ok = match value {
                Value::Array(items) => items.iter().all(|i| i.as_str().is_some_and(|t| allowed.contains(&t))),
                _ => false,
            };
            (!ok).then(bad_value)
        }
        "datetime" => {
            let ok = text.is_some_and(|t| crate::eval::parse_iso_datetime(t).is_some());
            (!ok).then(|| format!("Soda Cloud expects an ISO formatted date or datetime value for the '{name}' attribute."))
        }
        _ => None,
    }
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "str",
        Value::Bool(_) => "bool",
        Value::Array(_) => "list",
        Value::Number(_) => "float",
        Value::Null => "NoneType",
        Value::Object(_) => "dict",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fileify_like_soda() {
        assert_eq!(fileify("My Scan/Def"), "my_scan_def");
        assert_eq!(fileify("Soda Core CLI"), "soda_core_cli");
    }

    #[test]
    fn attributes_are_validated() {
        let schema = vec![
            json!({"name": "priority", "type": "number"}),
            json!({"name": "department", "type": "singleSelect", "allowedValues": ["sales", "marketing"]}),
        ];
        assert!(attribute_problem(&schema, "priority", &json!("1")).is_none());
        assert!(attribute_problem(&schema, "priority", &json!("high")).is_some());
        assert!(attribute_problem(&schema, "department", &json!("sales")).is_none());
        assert!(attribute_problem(&schema, "department", &json!("hr")).is_some());
        assert!(attribute_problem(&schema, "owner", &json!("x")).is_some());
    }
}
