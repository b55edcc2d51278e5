//! Freshness: how old the newest value of a column is, compared with "now" (sodacl.md §4.7).

use super::{location, CheckResult, Message, Outcome, Problem};
use crate::diagnostic::Level;
use crate::measure::Value;
use crate::python::datetime::{fromisoformat, IsoTime};
use crate::sodacl::model::{Check, FreshnessCheck};
use crate::template::Vars;
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc};
use serde_json::json;

/// Parses an ISO 8601 date or date-time like Python's `fromisoformat`; naive values are UTC.
pub fn parse_iso(text: &str) -> Option<DateTime<Utc>> {
    fromisoformat(text).map(IsoTime::naive_as_utc)
}

/// Python's `str(datetime)`: microseconds only when non-zero.
fn py_naive(n: &NaiveDateTime) -> String {
    if n.and_utc().timestamp_subsec_micros() == 0 {
        n.format("%Y-%m-%d %H:%M:%S").to_string()
    } else {
        n.format("%Y-%m-%d %H:%M:%S%.6f").to_string()
    }
}

fn py_utc(dt: &DateTime<Utc>) -> String {
    format!("{}+00:00", py_naive(&dt.naive_utc()))
}

/// Python's `str(timedelta)`, negative values included (`-1 day, 23:00:00`).
pub fn py_timedelta(d: TimeDelta) -> String {
    let micros = d.num_microseconds().unwrap_or(i64::MAX);
    let days = micros.div_euclid(86_400_000_000);
    let rest = micros.rem_euclid(86_400_000_000);
    let (h, m, s, us) = (
        rest / 3_600_000_000,
        rest / 60_000_000 % 60,
        rest / 1_000_000 % 60,
        rest % 1_000_000,
    );
    let mut out = String::new();
    if days != 0 {
        out.push_str(&format!(
            "{days} day{}, ",
            if days.abs() == 1 { "" } else { "s" }
        ));
    }
    out.push_str(&format!("{h}:{m:02}:{s:02}"));
    if us != 0 {
        out.push_str(&format!(".{us:06}"));
    }
    out
}

/// The newest value as a UTC instant plus its text as Soda Core shows it.
fn max_instant(v: &Value) -> Result<Option<(DateTime<Utc>, String)>, &'static str> {
    Ok(Some(match v {
        Value::Null => return Ok(None),
        // A date counts as its last microsecond.
        Value::Date(d) => {
            let n = d.and_time(
                NaiveTime::from_hms_micro_opt(23, 59, 59, 999_999).unwrap_or(NaiveTime::MIN),
            );
            (n.and_utc(), py_naive(&n))
        }
        Value::DateTime(n) => (n.and_utc(), py_naive(n)),
        Value::DateTimeTz(dt) => (
            dt.with_timezone(&Utc),
            format!("{}{}", py_naive(&dt.naive_local()), dt.format("%:z")),
        ),
        // SQLite keeps dates and timestamps as text; a bare date is a DATE (its last microsecond).
        Value::Text(t) => match NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d") {
            Ok(d) => return max_instant(&Value::Date(d)),
            Err(_) => match parse_iso(t) {
                Some(dt) => (dt, t.clone()),
                None => return Err("str"),
            },
        },
        Value::Int(_) => return Err("int"),
        Value::Float(_) => return Err("float"),
        Value::Bool(_) => return Err("bool"),
        Value::Time(_) => return Err("time"),
    }))
}

pub fn evaluate(
    check: &Check,
    f: &FreshnessCheck,
    max: Value,
    vars: &Vars,
    result: &mut CheckResult,
    messages: &mut Vec<Message>,
) {
    let now_text = vars.lookup(&f.now_variable);
    let max = match max_instant(&max) {
        Ok(m) => m,
        Err(ty) => {
            let problem = Problem::FreshnessNotTime {
                column: f.column.clone(),
                type_name: ty.to_string(),
            };
            error(check, messages, problem);
            return;
        }
    };
    let Ok(now) = now_instant(check, f, now_text.as_deref(), max.is_some(), messages) else {
        return;
    };
    let freshness = match (&now, &max) {
        (Some(now), Some((m, _))) => Some(*now - *m),
        _ => None,
    };
    let reading = Reading {
        max,
        now_text,
        now,
        freshness,
    };
    reading.write_diagnostics(f, result);
    // No newest value, or no "now": the data cannot be shown to be fresh.
    let Some(age) = freshness else {
        result.outcome = Some(Outcome::Fail);
        return;
    };
    // A limit too large for a duration is never exceeded.
    let over = |limit: Option<i64>| {
        limit.is_some_and(|s| TimeDelta::try_seconds(s).is_some_and(|l| age > l))
    };
    result.outcome = Some(Outcome::decide(over(f.fail_after), over(f.warn_after)));
}

fn error(check: &Check, messages: &mut Vec<Message>, problem: Problem) {
    messages.push(Message {
        level: Level::Error,
        problem,
        location: location(check),
    })
}

/// "Now" from its variable. A missing or unreadable variable is reported and leaves no "now"
/// (the check then fails); `Err` when, with a newest value to compare, evaluation stops.
fn now_instant(
    check: &Check,
    f: &FreshnessCheck,
    now_text: Option<&str>,
    has_max: bool,
    messages: &mut Vec<Message>,
) -> Result<Option<DateTime<Utc>>, ()> {
    let Some(t) = now_text else {
        let variable = f.now_variable.clone();
        error(check, messages, Problem::NowMissing { variable });
        return Ok(None);
    };
    if let Some(n) = parse_iso(t) {
        return Ok(Some(n));
    }
    let problem = Problem::NowUnreadable {
        variable: f.now_variable.clone(),
        text: t.to_string(),
    };
    error(check, messages, problem);
    if has_max {
        let variable = f.now_variable.clone();
        error(check, messages, Problem::NowNotTime { variable });
        return Err(());
    }
    Ok(None)
}

/// The instants a freshness check compares, kept for its diagnostics.
struct Reading {
    max: Option<(DateTime<Utc>, String)>,
    now_text: Option<String>,
    now: Option<DateTime<Utc>>,
    freshness: Option<TimeDelta>,
}

impl Reading {
    /// The value (age in milliseconds), the results' diagnostics and the console lines.
    fn write_diagnostics(&self, f: &FreshnessCheck, result: &mut CheckResult) {
        let (max, now_text, now, freshness) =
            (&self.max, &self.now_text, &self.now, self.freshness);
        let millis = freshness.map_or(0, |d| {
            (d.num_microseconds().unwrap_or(0) as f64 / 1000.0).round() as i64
        });
        // Without "now" (its variable undefined or unreadable) Soda Core reports no value;
        // without a newest value it reports 0.
        result.value = Some(if now.is_none() {
            Value::Null
        } else {
            Value::Int(millis)
        });
        let x = &mut result.extra;
        x.insert("measure".into(), json!("time"));
        x.insert(
            "maxColumnTimestamp".into(),
            json!(max.as_ref().map(|(_, t)| t.clone())),
        );
        x.insert(
            "maxColumnTimestampUtc".into(),
            json!(max.as_ref().map(|(m, _)| py_utc(m))),
        );
        x.insert("nowVariableName".into(), json!(f.now_variable));
        x.insert("nowTimestamp".into(), json!(now_text));
        x.insert("nowTimestampUtc".into(), json!(now.as_ref().map(py_utc)));
        x.insert("freshness".into(), json!(freshness.map(py_timedelta)));
        let show = |v: Option<String>| v.unwrap_or_else(|| "None".into());
        result.console = vec![
            (
                "max_column_timestamp".into(),
                show(max.as_ref().map(|(_, t)| t.clone())),
            ),
            (
                "max_column_timestamp_utc".into(),
                show(max.as_ref().map(|(m, _)| py_utc(m))),
            ),
            ("now_variable_name".into(), f.now_variable.clone()),
            ("now_timestamp".into(), show(now_text.clone())),
            ("now_timestamp_utc".into(), show(now.as_ref().map(py_utc))),
            ("freshness".into(), show(freshness.map(py_timedelta))),
        ];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timedeltas_read_like_python() {
        assert_eq!(py_timedelta(TimeDelta::seconds(9000)), "2:30:00");
        assert_eq!(
            py_timedelta(TimeDelta::microseconds(43_200_000_001)),
            "12:00:00.000001"
        );
        assert_eq!(
            py_timedelta(TimeDelta::seconds(86_400 + 60)),
            "1 day, 0:01:00"
        );
        assert_eq!(py_timedelta(TimeDelta::seconds(-3600)), "-1 day, 23:00:00");
    }

    #[test]
    fn text_dates_count_as_their_last_microsecond() {
        // SQLite returns DATE columns as text; they must read like PostgreSQL's dates.
        let from_text = max_instant(&Value::Text("2024-01-10".into())).unwrap();
        let from_date = max_instant(&Value::Date(NaiveDate::from_ymd_opt(2024, 1, 10).unwrap()));
        assert_eq!(from_text, from_date.unwrap());
        assert_eq!(
            from_text.unwrap().1,
            "2024-01-10 23:59:59.999999".to_string()
        );
        let timestamp = max_instant(&Value::Text("2024-01-09 16:00:00".into())).unwrap();
        assert_eq!(timestamp.unwrap().1, "2024-01-09 16:00:00");
    }

    #[test]
    fn iso_parsing() {
        assert!(parse_iso("2024-06-01T12:00:00+00:00").is_some());
        assert!(parse_iso("2020-06-25 01:00:00").is_some());
        assert!(parse_iso("2020-06-25T01:00:00Z").is_some());
        assert_eq!(
            parse_iso("2020-06-25").unwrap().to_rfc3339(),
            "2020-06-25T00:00:00+00:00"
        );
        assert!(parse_iso("yesterday").is_none());
    }
}
