//! Numbers as people read them: four significant digits (never `65.20000000000005`), whole
//! numbers in full, thousands separators, a `%` on percent metrics and a duration for
//! freshness. The pages show these and keep the exact value in a `title` (shown on hover); the
//! JSON API keeps exact values.

use super::escape::Esc;
use crate::results::stored::CheckInfo;
use std::fmt::{self, Write};

/// What a check's value measures, from its definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A plain number (an average, a sum, a count).
    Plain,
    /// Percent: `missing_percent`, `invalid_percent`, `duplicate_percent`, `change percent`.
    Percent,
    /// Milliseconds, shown as a duration: the age a freshness check measures.
    Millis,
}

impl Unit {
    /// The unit of a check's value: a freshness check measures an age, a percent metric or a
    /// change in percent a percentage.
    pub fn of(check: &CheckInfo) -> Unit {
        let definition = check.definition.to_ascii_lowercase();
        let head = definition.trim_start();
        if head.starts_with("freshness") {
            Unit::Millis
        } else if head.contains("percent") {
            Unit::Percent
        } else {
            Unit::Plain
        }
    }

    /// The unit as an axis title names it.
    pub fn axis_suffix(self) -> &'static str {
        match self {
            Unit::Plain => "",
            Unit::Percent => " (%)",
            Unit::Millis => "",
        }
    }
}

/// A number with at most four significant digits (whole digits are never dropped), thousands
/// separators, and scientific notation when very large or small: `65.2`, `1,234,567`,
/// `130.9`, `-27.86`, `0.0001235`, `1.235e-7`.
pub fn number(v: f64) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 {
            "∞".into()
        } else {
            "−∞".into()
        };
    }
    let a = v.abs();
    if a == 0.0 {
        return "0".into();
    }
    if !(1e-4..1e15).contains(&a) {
        let s = format!("{v:.3e}");
        return match s.split_once('e') {
            Some((mantissa, exp)) => format!("{}e{exp}", trim_zeros(mantissa)),
            None => s,
        };
    }
    let whole_digits = a.log10().floor() as i32 + 1;
    let decimals = (4 - whole_digits).clamp(0, 12) as usize;
    let text = format!("{a:.decimals$}");
    let text = trim_zeros(&text);
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    let mut out = String::with_capacity(text.len() + 6);
    // A value that rounds to zero keeps no sign: -0.00001 is shown as 0.00001's neighbour 0.
    if v < 0.0 && text.bytes().any(|b| b.is_ascii_digit() && b != b'0') {
        out.push('-');
    }
    group_thousands(&mut out, int);
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

fn group_thousands(out: &mut String, int: &str) {
    let n = int.len();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (n - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
}

fn trim_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

/// A percentage: `5.2%`.
pub fn percent(v: f64) -> String {
    format!("{}%", number(v))
}

/// A duration of `ms` milliseconds in its two largest units: `850 ms`, `12.5 s`,
/// `5 min 3 s`, `3 h 12 min`, `2 d 4 h`.
pub fn duration(ms: f64) -> String {
    if !ms.is_finite() {
        return number(ms);
    }
    let sign = if ms < 0.0 { "-" } else { "" };
    let ms = ms.abs();
    if ms < 1000.0 {
        return format!("{sign}{} ms", number(ms.round()));
    }
    if ms < 60_000.0 {
        return format!("{sign}{} s", number((ms / 100.0).round() / 10.0));
    }
    // Rounded to the smaller of the two units shown.
    let two = |big: u64, bu: &str, small: u64, su: &str| {
        let big = number(big as f64);
        if small == 0 {
            format!("{sign}{big} {bu}")
        } else {
            format!("{sign}{big} {bu} {small} {su}")
        }
    };
    if ms >= 86_400_000.0 {
        let hours = (ms / 3_600_000.0).round() as u64;
        two(hours / 24, "d", hours % 24, "h")
    } else if ms >= 3_600_000.0 {
        let minutes = (ms / 60_000.0).round() as u64;
        two(minutes / 60, "h", minutes % 60, "min")
    } else {
        let secs = (ms / 1000.0).round() as u64;
        two(secs / 60, "min", secs % 60, "s")
    }
}

/// A value as its unit reads.
pub fn show(v: f64, unit: Unit) -> String {
    match unit {
        Unit::Plain => number(v),
        Unit::Percent => percent(v),
        Unit::Millis => duration(v),
    }
}

/// A value for a page: the readable text, with the exact value in a `title` when they differ.
/// `exact` is the value as recorded (the store's text); without a number only that is shown.
pub fn write_value(out: &mut String, value: Option<f64>, exact: &str, unit: Unit) -> fmt::Result {
    match value.filter(|v| v.is_finite()) {
        Some(v) => {
            let shown = show(v, unit);
            // Separators, a `%` or a `.0` do not make a value inexact.
            let same = shown == exact
                || shown
                    .trim_end_matches('%')
                    .replace(',', "")
                    .parse::<f64>()
                    .is_ok_and(|s| s == v);
            if same {
                write!(out, "{}", Esc(&shown))
            } else {
                write!(
                    out,
                    "<span class=\"n\" title=\"{}\">{}</span>",
                    Esc(exact),
                    Esc(&shown)
                )
            }
        }
        None => write!(out, "{}", Esc(exact)),
    }
}

/// A JSON value of diagnostics for a page: a number read as [`write_value`] does (exact on
/// hover), `NULL` apart from text, text as it is, anything else as compact JSON.
pub fn write_json(out: &mut String, v: &serde_json::Value, unit: Unit) -> fmt::Result {
    use serde_json::Value as Json;
    match v {
        Json::Null => {
            out.push_str("<span class=\"null\">NULL</span>");
            Ok(())
        }
        Json::Number(n) => write_value(out, n.as_f64(), &n.to_string(), unit),
        Json::String(s) => write!(out, "{}", Esc(s)),
        Json::Bool(b) => write!(out, "{b}"),
        other => write!(out, "<code>{}</code>", Esc(&other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn four_significant_digits_and_thousands() {
        assert_eq!(number(65.20000000000005), "65.2");
        assert_eq!(number(130.93867276887872), "130.9");
        assert_eq!(number(-27.85714285714289), "-27.86");
        assert_eq!(number(23.81), "23.81");
        assert_eq!(number(0.0), "0");
        assert_eq!(number(-0.0), "0");
        assert_eq!(number(42.0), "42");
        assert_eq!(number(1234.0), "1,234");
        assert_eq!(number(-1234567.0), "-1,234,567");
        assert_eq!(number(12345.678), "12,346");
        assert_eq!(number(999.99), "1,000");
        assert_eq!(number(0.05), "0.05");
        assert_eq!(number(0.30000000000000004), "0.3");
        assert_eq!(number(0.000123456), "0.0001235");
        assert_eq!(number(1.25e-7), "1.25e-7");
        assert_eq!(number(1e20), "1e20");
        assert_eq!(number(f64::MAX), "1.798e308");
        assert_eq!(number(f64::INFINITY), "∞");
    }

    #[test]
    fn percentages_and_durations() {
        assert_eq!(percent(5.0), "5%");
        assert_eq!(percent(33.333333), "33.33%");
        assert_eq!(duration(0.0), "0 ms");
        assert_eq!(duration(850.0), "850 ms");
        assert_eq!(duration(12_500.0), "12.5 s");
        assert_eq!(duration(303_000.0), "5 min 3 s");
        assert_eq!(duration(3_600_000.0), "1 h");
        assert_eq!(duration(11_520_000.0), "3 h 12 min");
        assert_eq!(duration(187_200_000.0), "2 d 4 h");
        assert_eq!(duration(-90_000.0), "-1 min 30 s");
        assert_eq!(show(5.2, Unit::Percent), "5.2%");
        assert_eq!(show(86_400_000.0, Unit::Millis), "1 d");
    }

    #[test]
    fn units_from_the_definition() {
        let unit = |d: &str| {
            Unit::of(&CheckInfo {
                definition: d.into(),
                ..CheckInfo::default()
            })
        };
        assert_eq!(unit("missing_percent(email) < 5"), Unit::Percent);
        assert_eq!(unit("change percent for row_count < 10%"), Unit::Percent);
        assert_eq!(unit("freshness(updated_at) < 1d"), Unit::Millis);
        assert_eq!(unit("row_count > 0"), Unit::Plain);
    }

    #[test]
    fn the_exact_value_on_hover() {
        let mut out = String::new();
        write_value(
            &mut out,
            Some(65.20000000000005),
            "65.20000000000005",
            Unit::Plain,
        )
        .unwrap();
        assert_eq!(
            out,
            "<span class=\"n\" title=\"65.20000000000005\">65.2</span>"
        );
        out.clear();
        write_value(&mut out, Some(3.0), "3", Unit::Plain).unwrap();
        assert_eq!(out, "3");
        out.clear();
        write_value(&mut out, Some(1400.0), "1400.0", Unit::Percent).unwrap();
        assert_eq!(out, "1,400%");
        out.clear();
        write_value(&mut out, None, "<b>", Unit::Plain).unwrap();
        assert_eq!(out, "&lt;b&gt;");
        out.clear();
        write_json(&mut out, &serde_json::Value::Null, Unit::Plain).unwrap();
        assert_eq!(out, "<span class=\"null\">NULL</span>");
    }
}
