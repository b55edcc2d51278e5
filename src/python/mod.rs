//! Python compatibility: the few behaviours of CPython that Soda Core's output depends on and
//! that soda-rs reproduces byte for byte, so that identities, `-srf` documents and Cloud
//! payloads stay interchangeable with Soda Core's. `float_repr` (Python's `repr(float)`),
//! `timedelta` (`str(timedelta)`), [`json`] (`json.dumps`), [`hash`] (Soda's consistent hash
//! builder) and [`ruamel`] (the YAML text `ruamel.yaml` dumps, hashed into check identities).
//! Every stage may use this module; it uses none of them, only the spanned YAML tree of
//! [`crate::yaml`] that the emitter writes out.

pub mod datetime;
pub mod hash;
pub mod json;
pub mod ruamel;

use std::time::Duration;

/// Python's `repr(float)`: the shortest digits that round-trip, in positional notation when the
/// decimal exponent is in -4..16 and in `d.ddde±XX` notation otherwise.
pub fn float_repr(value: f64) -> String {
    if value.is_nan() {
        return "nan".to_string();
    }
    if value.is_infinite() {
        return if value > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    let sign = if value.is_sign_negative() { "-" } else { "" };
    let Some((digits, exponent)) = shortest_digits(value.abs()) else {
        return value.to_string();
    };
    // Position of the decimal point relative to the digit string, as CPython's dtoa reports it.
    let point = exponent + 1;
    let body = if !(-4 < point && point <= 16) {
        let (first, rest) = digits.split_at(1);
        let fraction = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let exponent_sign = if exponent < 0 { '-' } else { '+' };
        format!(
            "{first}{fraction}e{exponent_sign}{:02}",
            exponent.unsigned_abs()
        )
    } else if point <= 0 {
        format!("0.{}{digits}", "0".repeat(point.unsigned_abs() as usize))
    } else {
        let point = point as usize;
        if point < digits.len() {
            let (whole, fraction) = digits.split_at(point);
            format!("{whole}.{fraction}")
        } else {
            format!("{digits}{}.0", "0".repeat(point - digits.len()))
        }
    };
    format!("{sign}{body}")
}

/// The shortest round-trip significant digits of a finite non-negative `value` and the decimal
/// exponent of the first one, chosen as CPython's dtoa chooses them.
fn shortest_digits(value: f64) -> Option<(String, i32)> {
    let (digits, exponent) = split_scientific(&format!("{value:e}"))?;
    // When two equally short candidates are equally close (983300536950290.25 → …0.2 or …0.3),
    // Rust's shortest mode rounds up but dtoa rounds to even. Rust's fixed-precision formatting
    // is exact with ties to even, so redo the rounding at the same length and keep the result
    // whenever it still reads back as the same float.
    let precision = digits.len().saturating_sub(1);
    let even = format!("{value:.precision$e}");
    if even.parse::<f64>().ok() == Some(value) {
        if let Some((even_digits, even_exponent)) = split_scientific(&even) {
            let trimmed = even_digits.trim_end_matches('0');
            let trimmed = if trimmed.is_empty() { "0" } else { trimmed };
            return Some((trimmed.to_string(), even_exponent));
        }
    }
    Some((digits, exponent))
}

/// `d.ddde±x` (Rust's `{:e}` output) as the digit string and the exponent.
fn split_scientific(text: &str) -> Option<(String, i32)> {
    let (mantissa, exponent) = text.split_once('e')?;
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    if digits.is_empty() {
        return None;
    }
    Some((digits, exponent.parse().ok()?))
}

/// Python's `str(timedelta)` for a non-negative duration: `H:MM:SS`, a `.ffffff` fraction only
/// when there are microseconds, and a `N day(s), ` prefix only when there are days.
/// Sub-microsecond precision is truncated, since Python timedeltas have none.
pub fn timedelta(duration: Duration) -> String {
    let total_micros = duration.as_micros();
    let micros = total_micros % 1_000_000;
    let total_seconds = total_micros / 1_000_000;
    let days = total_seconds / 86_400;
    let seconds_of_day = total_seconds % 86_400;
    let hours = seconds_of_day / 3_600;
    let minutes = seconds_of_day % 3_600 / 60;
    let seconds = seconds_of_day % 60;
    let mut out = String::new();
    if days > 0 {
        let plural = if days == 1 { "" } else { "s" };
        out.push_str(&format!("{days} day{plural}, "));
    }
    out.push_str(&format!("{hours}:{minutes:02}:{seconds:02}"));
    if micros > 0 {
        out.push_str(&format!(".{micros:06}"));
    }
    out
}
