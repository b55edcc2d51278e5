//! The validated `notifications:` block: webhooks called at the end of a scan whose outcome is
//! one they are for. Webhook URLs carry their credentials (Slack's do), so they are
//! [`Secret`]s: messages name a webhook by its `name`, never by its URL.

use super::raw::{Problem, RawNotifications, RawWebhook, Spanned};
use super::Secret;
use std::time::Duration;

/// How a scan ended, as `on:` lists name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    Pass,
    Warn,
    Fail,
    Error,
}

impl Event {
    fn parse(text: &str) -> Option<Event> {
        match text {
            "pass" => Some(Event::Pass),
            "warn" => Some(Event::Warn),
            "fail" => Some(Event::Fail),
            "error" => Some(Event::Error),
            _ => None,
        }
    }
}

/// The body a webhook receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookFormat {
    /// soda-rs's own JSON alert (documented in README.md).
    Json,
    /// Slack's incoming-webhook message (`{"text": …}`).
    Slack,
}

/// One webhook.
#[derive(Debug, Clone)]
pub struct Webhook {
    /// How messages name it: `name:`, else `webhook N` (its place in the list).
    pub name: String,
    pub url: Secret,
    pub format: WebhookFormat,
    pub on: Vec<Event>,
}

/// The `notifications:` settings.
#[derive(Debug, Clone)]
pub struct Notifications {
    pub webhooks: Vec<Webhook>,
    /// Per try: connecting, sending and reading the answer.
    pub timeout: Duration,
    /// Attempts per webhook, the first included.
    pub tries: u32,
    /// The wait before the second try; doubled before each later one.
    pub backoff: Duration,
}

/// By default a webhook is for scans that need someone's attention.
const DEFAULT_ON: [Event; 2] = [Event::Fail, Event::Error];

/// Resolves the block; problems are reported at their place and leave the offending webhook
/// out.
pub fn resolve(raw: RawNotifications, problems: &mut Vec<Problem>) -> Notifications {
    let default_on = raw
        .on
        .as_ref()
        .map_or_else(|| DEFAULT_ON.to_vec(), |on| events(on, problems));
    let seconds = |s: &Option<Spanned<f64>>, default: f64| {
        Duration::from_secs_f64(s.as_ref().map_or(default, |v| v.value).max(0.001))
    };
    let tries = match &raw.tries {
        None => 3,
        Some(t) if (1.0..=10.0).contains(&t.value) => t.value as u32,
        Some(t) => {
            problems.push(Problem {
                pos: t.pos,
                message: format!(
                    "notifications: tries must be from 1 to 10, but was {}",
                    t.value
                ),
            });
            3
        }
    };
    let webhooks = raw
        .webhooks
        .into_iter()
        .enumerate()
        .filter_map(|(i, w)| webhook(i, w, &default_on, problems))
        .collect();
    Notifications {
        webhooks,
        timeout: seconds(&raw.timeout, 10.0),
        tries,
        backoff: seconds(&raw.retry_backoff, 0.5),
    }
}

fn events(on: &[Spanned<String>], problems: &mut Vec<Problem>) -> Vec<Event> {
    on.iter()
        .filter_map(|e| {
            let event = Event::parse(e.value.trim());
            if event.is_none() {
                problems.push(Problem {
                    pos: e.pos,
                    message: format!(
                        "notifications: unknown outcome '{}' in on (pass, warn, fail, error)",
                        e.value
                    ),
                });
            }
            event
        })
        .collect()
}

fn webhook(
    index: usize,
    raw: RawWebhook,
    default_on: &[Event],
    problems: &mut Vec<Problem>,
) -> Option<Webhook> {
    let name = raw
        .name
        .as_ref()
        .map_or_else(|| format!("webhook {}", index + 1), |n| n.value.clone());
    let Some(url) = raw.url.filter(|u| !u.value.trim().is_empty()) else {
        problems.push(Problem {
            pos: raw.pos,
            message: format!("notifications: {name} has no url"),
        });
        return None;
    };
    if let Err(why) = check_url(url.value.trim()) {
        problems.push(Problem {
            pos: url.pos,
            message: format!("notifications: the url of {name} {why}"),
        });
        return None;
    }
    let format = match raw.format.as_ref().map(|f| f.value.as_str()) {
        None | Some("json") => WebhookFormat::Json,
        Some("slack") => WebhookFormat::Slack,
        Some(other) => {
            problems.push(Problem {
                pos: raw.format.as_ref().map_or(raw.pos, |f| f.pos),
                message: format!(
                    "notifications: unknown format '{other}' of {name} (json or slack)"
                ),
            });
            return None;
        }
    };
    Some(Webhook {
        on: raw
            .on
            .as_ref()
            .map_or_else(|| default_on.to_vec(), |on| events(on, problems)),
        name,
        url: Secret::new(url.value.trim().to_string()),
        format,
    })
}

/// Only HTTPS, except to this machine: the URL is a credential. The reason never quotes the
/// URL.
fn check_url(url: &str) -> Result<(), &'static str> {
    if url.starts_with("https://") {
        return Ok(());
    }
    let Some(rest) = url.strip_prefix("http://") else {
        return Err("must start with https://");
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host.split(':').next().unwrap_or_default(),
    };
    if matches!(host, "localhost" | "127.0.0.1" | "::1") {
        Ok(())
    } else {
        Err("must use https:// (http:// would send it unencrypted; it is only allowed for localhost)")
    }
}

#[cfg(test)]
mod tests {
    use super::check_url;

    #[test]
    fn webhook_urls_must_be_https_except_locally() {
        assert!(check_url("https://hooks.slack.com/services/T/B/x").is_ok());
        assert!(check_url("http://localhost:8080/hook").is_ok());
        assert!(check_url("http://[::1]:8080/hook").is_ok());
        assert!(check_url("http://example.com/hook").is_err());
        assert!(check_url("http://localhost.example.com/hook").is_err());
        assert!(check_url("ftp://x").is_err());
    }
}
