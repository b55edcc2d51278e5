//! Python's `datetime.fromisoformat`, the one reader of ISO 8601 text in soda-rs: `-t`, the
//! freshness of text columns, and the times the results store keeps. Each caller decides what a
//! time without an offset means (local time for `-t`, as Soda Core's CLI reads it; UTC for
//! stored and column values).

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Utc};

/// An ISO 8601 date or date-time as written: aware (with its offset) or naive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IsoTime {
    Aware(DateTime<FixedOffset>),
    Naive(NaiveDateTime),
}

impl IsoTime {
    /// The instant, taking a naive time as UTC (how stored times and column values are read).
    pub fn naive_as_utc(self) -> DateTime<Utc> {
        match self {
            IsoTime::Aware(t) => t.with_timezone(&Utc),
            IsoTime::Naive(n) => n.and_utc(),
        }
    }
}

/// Reads `2024-05-01`, `2024-05-01T10`, `…T10:00`, `…T10:00:00`, with fractional seconds (`.` or
/// `,`), a `T`, `t` or space between date and time, and an offset (`Z`, `+02:00`, `-0230`,
/// `+02`); `None` for anything else, as Python raises `ValueError`.
pub fn fromisoformat(text: &str) -> Option<IsoTime> {
    let t = text.trim();
    if !date_shape(t.as_bytes()) {
        return None;
    }
    if t.len() == 10 {
        let date = NaiveDate::parse_from_str(t, "%Y-%m-%d").ok()?;
        return Some(IsoTime::Naive(date.and_time(NaiveTime::MIN)));
    }
    if !matches!(t.as_bytes()[10], b'T' | b't' | b' ') {
        return None;
    }
    let t = format!("{}T{}", &t[..10], t[11..].replace(',', "."));
    // `T10` and `T10+02:00`: chrono wants the minutes of a time.
    let t = match t.as_bytes().get(13) {
        None | Some(b'+' | b'-' | b'Z') if t.len() >= 13 && t.is_char_boundary(13) => {
            format!("{}:00{}", &t[..13], &t[13..])
        }
        _ => t,
    };
    let t = t
        .strip_suffix('Z')
        .map_or(t.clone(), |s| format!("{s}+00:00"));
    if t.ends_with('.') || t.contains(".+") || t.contains(".-") {
        return None;
    }
    aware(&t)
        .map(IsoTime::Aware)
        .or_else(|| naive(&t).map(IsoTime::Naive))
}

/// `YYYY-MM-DD` at the start, digits where digits belong (chrono alone accepts `2024-5-1`).
fn date_shape(b: &[u8]) -> bool {
    b.len() >= 10
        && b[..10].iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
}

fn aware(t: &str) -> Option<DateTime<FixedOffset>> {
    let t = short_offset(t);
    [
        "%Y-%m-%dT%H:%M:%S%.f%:z",
        "%Y-%m-%dT%H:%M%:z",
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M%z",
    ]
    .iter()
    .find_map(|f| DateTime::parse_from_str(&t, f).ok())
}

/// `+02` as `+02:00`: chrono wants the minutes of an offset.
fn short_offset(t: &str) -> String {
    let b = t.as_bytes();
    let n = b.len();
    if n > 3 && matches!(b[n - 3], b'+' | b'-') && b[n - 2..].iter().all(u8::is_ascii_digit) {
        return format!("{t}:00");
    }
    t.to_string()
}

fn naive(t: &str) -> Option<NaiveDateTime> {
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc_millis(text: &str) -> Option<i64> {
        fromisoformat(text).map(|t| t.naive_as_utc().timestamp_millis())
    }

    #[test]
    fn reads_what_python_reads() {
        let t = 1_714_557_600_000;
        for (text, millis) in [
            ("2024-05-01T10:00:00+00:00", t),
            ("2024-05-01T10:00:00Z", t),
            ("2024-05-01 10:00:00", t),
            ("2024-05-01t10:00:00", t),
            ("2024-05-01T12:00:00+02:00", t),
            ("2024-05-01T12:00:00+02", t),
            ("2024-05-01T07:30:00-0230", t),
            ("2024-05-01T10:00", t),
            ("2024-05-01T10", t),
            ("2024-05-01T10:00:00.250Z", t + 250),
            ("2024-05-01T10:00:00,250", t + 250),
            ("2024-05-01T10:00:00.123456+00:00", t + 123),
            ("2024-05-01", t - 10 * 3_600_000),
            ("1969-12-31T23:59:59Z", -1000),
        ] {
            assert_eq!(utc_millis(text), Some(millis), "{text}");
        }
        assert!(matches!(
            fromisoformat("2024-05-01T10:00"),
            Some(IsoTime::Naive(_))
        ));
        assert!(matches!(
            fromisoformat("2024-05-01T10:00Z"),
            Some(IsoTime::Aware(_))
        ));
    }

    #[test]
    fn rejects_what_python_rejects() {
        for bad in [
            "",
            "yesterday",
            "2024-13-01",
            "2024-02-30",
            "2023-02-29T00:00:00Z",
            "2024-05-01T25:00:00Z",
            "2024-05-01T10:00:00+",
            "2024-05-01T10:00:00.Z",
            "2024-05-01T10:00:00Zjunk",
            "2024-5-1",
            "2024-05-01X10:00",
            "2024-05-01T1",
            "2024-05-01Té",
            "2024-05-01T1é",
        ] {
            assert_eq!(fromisoformat(bad), None, "{bad}");
        }
        assert!(fromisoformat("2024-02-29T00:00:00Z").is_some());
    }
}
