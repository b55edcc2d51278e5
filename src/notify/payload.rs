//! The webhook bodies, as typed structs: soda-rs's JSON alert and Slack's incoming-webhook
//! message. Both are built from the report's [`checklist`] view of a finished scan.

use crate::diagnostic::Logs;
use crate::report::checklist::{self, Status, Verdict};
use crate::report::ScanReport;
use crate::results::time::soda as timestamp;
use serde::Serialize;

/// The generic JSON alert (`format: json`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Alert {
    /// `pass`, `warn`, `fail` or `error`: how the scan ended.
    pub outcome: String,
    pub scan_definition: String,
    pub data_source: String,
    pub data_timestamp: String,
    pub scan_start_timestamp: String,
    pub scan_end_timestamp: String,
    pub counts: Counts,
    /// The checks that did not pass, in Soda Core's order.
    pub checks: Vec<AlertCheck>,
    /// The scan's error messages (never with SQL or database detail).
    pub errors: Vec<String>,
}

/// How many checks ended how.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    pub pass: usize,
    pub warn: usize,
    pub fail: usize,
    pub not_evaluated: usize,
    pub errors: usize,
}

/// One check that did not pass.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertCheck {
    pub name: String,
    /// Empty for data-source level checks.
    pub dataset: String,
    /// `warn`, `fail` or `notEvaluated`.
    pub outcome: String,
    pub value: Option<String>,
    pub thresholds: String,
    pub file: String,
    pub line: usize,
}

/// Slack's incoming-webhook message (`format: slack`).
#[derive(Debug, Clone, Serialize)]
pub struct SlackMessage {
    /// mrkdwn text.
    pub text: String,
}

fn outcome_word(s: Status) -> &'static str {
    match s {
        Status::Pass => "pass",
        Status::Warn => "warn",
        Status::Fail => "fail",
        Status::NotEvaluated => "notEvaluated",
    }
}

/// The alert of a scan that ended as `verdict`.
pub fn alert(report: &ScanReport, logs: &Logs, verdict: Verdict) -> Alert {
    let items = checklist::items(report, logs);
    let count = |s: Status| items.iter().filter(|i| i.status == s).count();
    let errors: Vec<String> = checklist::errors(logs)
        .into_iter()
        .map(|e| e.message.lines().next().unwrap_or_default().to_string())
        .collect();
    Alert {
        outcome: verdict.as_str().to_string(),
        scan_definition: report.definition_name.to_string(),
        data_source: report.data_source.to_string(),
        data_timestamp: report.data_timestamp.soda(),
        scan_start_timestamp: timestamp(report.scan_start),
        scan_end_timestamp: timestamp(report.scan_end),
        counts: Counts {
            pass: count(Status::Pass),
            warn: count(Status::Warn),
            fail: count(Status::Fail),
            not_evaluated: count(Status::NotEvaluated),
            errors: errors.len(),
        },
        checks: items
            .iter()
            .filter(|i| i.status != Status::Pass)
            .map(|i| AlertCheck {
                name: i.check.name.clone(),
                dataset: i.dataset.clone(),
                outcome: outcome_word(i.status).to_string(),
                value: i.value.clone(),
                thresholds: i.thresholds.clone(),
                file: i.check.file.clone(),
                line: i.check.line,
            })
            .collect(),
        errors,
    }
}

/// The Slack message for an alert: a headline with the counts, then one line per check that
/// did not pass and per error (at most 20 lines, so a broken table does not flood a channel).
pub fn slack(alert: &Alert) -> SlackMessage {
    const MAX_LINES: usize = 20;
    let c = &alert.counts;
    let mut text = format!(
        "{} Soda scan *{}* on `{}` ({}): {} failed, {} warned, {} not evaluated, {} errors, {} passed",
        icon(&alert.outcome),
        slack_escape(&alert.outcome),
        slack_escape(&alert.data_source),
        slack_escape(&alert.scan_definition),
        c.fail,
        c.warn,
        c.not_evaluated,
        c.errors,
        c.pass
    );
    let mut lines: Vec<String> = alert
        .checks
        .iter()
        .map(|ch| {
            let dataset = if ch.dataset.is_empty() {
                String::new()
            } else {
                format!("{}: ", slack_escape(&ch.dataset))
            };
            let value = ch
                .value
                .as_ref()
                .map(|v| format!(" (value {})", slack_escape(v)))
                .unwrap_or_default();
            format!(
                "• {}: {dataset}{}{value}",
                ch.outcome,
                slack_escape(&ch.name)
            )
        })
        .collect();
    lines.extend(
        alert
            .errors
            .iter()
            .map(|e| format!("• error: {}", slack_escape(e))),
    );
    let hidden = lines.len().saturating_sub(MAX_LINES);
    lines.truncate(MAX_LINES);
    if hidden > 0 {
        lines.push(format!("… and {hidden} more"));
    }
    for line in lines {
        text.push('\n');
        text.push_str(&line);
    }
    SlackMessage { text }
}

fn icon(outcome: &str) -> &'static str {
    match outcome {
        "pass" => ":white_check_mark:",
        "warn" => ":warning:",
        _ => ":x:",
    }
}

/// Slack's three control characters; everything else is shown as written.
pub fn slack_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::slack_escape;

    #[test]
    fn slack_control_characters_are_escaped() {
        assert_eq!(slack_escape("<!channel> & co"), "&lt;!channel&gt; &amp; co");
    }
}
