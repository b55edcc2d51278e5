//! Alerts without Soda Cloud: the webhooks of `notifications:` called at the end of a scan
//! whose outcome they are for, each with the JSON alert or a Slack message ([`payload`]).
//!
//! Delivery is bounded: each try has a timeout, transient failures (connection errors,
//! timeouts, 429, 5xx) are retried a bounded number of times with doubling backoff, and all
//! webhooks are called concurrently. A webhook that cannot be reached is a warning: an alert
//! never changes the scan's exit code. Webhook URLs are secrets: messages name the webhook,
//! and transport errors are reported without their URL.

pub mod payload;

use crate::config::notifications::{Event, Notifications, Webhook, WebhookFormat};
use crate::diagnostic::Logs;
use crate::report::checklist::Verdict;
use crate::report::ScanReport;
use std::time::Duration;

/// The `on:` word of a verdict.
fn event(verdict: Verdict) -> Event {
    match verdict {
        Verdict::Pass => Event::Pass,
        Verdict::Warn => Event::Warn,
        Verdict::Fail => Event::Fail,
        Verdict::Error => Event::Error,
    }
}

/// Calls every webhook that is for `verdict`, and logs how each delivery went.
pub fn send(
    rt: &tokio::runtime::Runtime,
    config: &Notifications,
    report: &ScanReport,
    verdict: Verdict,
    logs: &mut Logs,
) {
    let due: Vec<&Webhook> = config
        .webhooks
        .iter()
        .filter(|w| w.on.contains(&event(verdict)))
        .collect();
    if due.is_empty() {
        return;
    }
    let client = match crate::cloud::https_client(config.timeout, config.timeout) {
        Ok(c) => c,
        Err(e) => {
            logs.warning(format!("Notifications not sent: {e:#}"));
            return;
        }
    };
    let alert = payload::alert(report, logs, verdict);
    let deliveries = due.iter().map(|w| deliver(&client, config, w, &alert));
    let results = rt.block_on(futures_util::future::join_all(deliveries));
    for (w, result) in due.iter().zip(results) {
        match result {
            Ok(()) => logs.info(format!("Notification sent to {}", w.name)),
            Err(why) => logs.warning(format!(
                "Could not notify {} after {} {}: {why}",
                w.name,
                config.tries,
                if config.tries == 1 { "try" } else { "tries" }
            )),
        }
    }
}

/// The body a webhook receives.
fn body(w: &Webhook, alert: &payload::Alert) -> Vec<u8> {
    let json = match w.format {
        WebhookFormat::Json => serde_json::to_vec(alert),
        WebhookFormat::Slack => serde_json::to_vec(&payload::slack(alert)),
    };
    json.unwrap_or_default()
}

/// Posts to one webhook until it answers 2xx, a try fails for good, or the tries run out.
async fn deliver(
    client: &reqwest::Client,
    config: &Notifications,
    w: &Webhook,
    alert: &payload::Alert,
) -> Result<(), Undelivered> {
    let body = body(w, alert);
    let mut wait = config.backoff;
    let mut last = Undelivered::Transport(String::new());
    for attempt in 1..=config.tries {
        match post(client, w, body.clone()).await {
            Ok(()) => return Ok(()),
            Err(Failure { why, retry }) => {
                last = why;
                if !retry || attempt == config.tries {
                    break;
                }
            }
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(Duration::from_secs(30));
    }
    // Whatever the transport said, the URL must not come back with it.
    Err(match last {
        Undelivered::Transport(text) => Undelivered::Transport(text.replace(w.url.expose(), "***")),
        status => status,
    })
}

/// Why a webhook did not take the alert; its `Display` is the end of the warning.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Undelivered {
    /// The request did not get an answer (the transport's words, the URL masked).
    Transport(String),
    /// The webhook answered with this HTTP status.
    Status(u16),
}

impl std::fmt::Display for Undelivered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Undelivered::Transport(text) => f.write_str(text),
            Undelivered::Status(code) => write!(f, "HTTP {code}"),
        }
    }
}

/// Why one try failed, and whether another could do better.
struct Failure {
    why: Undelivered,
    retry: bool,
}

async fn post(client: &reqwest::Client, w: &Webhook, body: Vec<u8>) -> Result<(), Failure> {
    let response = client
        .post(w.url.expose())
        .header("Content-Type", "application/json")
        .body(body)
        .send()
        .await
        .map_err(|e| Failure {
            why: Undelivered::Transport(crate::cloud::describe(&e)),
            retry: true,
        })?;
    let status = response.status();
    if status.is_success() {
        return Ok(());
    }
    Err(Failure {
        why: Undelivered::Status(status.as_u16()),
        retry: status.is_server_error() || status.as_u16() == 429,
    })
}
