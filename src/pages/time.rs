//! The timestamps of the store, read for ordering and for the chart's time axis.
//!
//! The store keeps ISO 8601 text (`2024-05-01T10:00:00+00:00`, `…Z`, `2024-05-01`, with or
//! without fractional seconds), read by the one ISO reader (`results::time::parse_utc`) into
//! milliseconds since the epoch in UTC. Text it cannot read gives `None`, and the caller skips
//! it or sorts it last, so the renderer stays a pure function of its input.

/// Milliseconds since 1970-01-01T00:00:00Z, or `None` when `s` is not an ISO 8601 date or
/// date-time. A time without an offset is taken as UTC.
pub fn parse_millis(s: &str) -> Option<i64> {
    crate::results::time::parse_utc(s).map(|t| t.timestamp_millis())
}

fn utc(millis: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_millis(millis).unwrap_or_default()
}

/// `YYYY-MM-DD` of a time in UTC.
pub fn format_date(millis: i64) -> String {
    utc(millis).format("%Y-%m-%d").to_string()
}

/// `YYYY-MM-DD HH:MM` of a time in UTC.
pub fn format_minute(millis: i64) -> String {
    utc(millis).format("%Y-%m-%d %H:%M").to_string()
}

/// A store timestamp shortened for tables: `2024-05-01 10:00`, with its offset when it is
/// not UTC (`2024-05-01 12:00 +02:00`). Text that does not parse is shown as it is.
pub fn short(s: &str) -> std::borrow::Cow<'_, str> {
    let t = s.trim();
    let b = t.as_bytes();
    if t.len() < 16
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
        || parse_millis(t).is_none()
    {
        return std::borrow::Cow::Borrowed(s);
    }
    // The reader accepts only ASCII, with every field at its place: `t` slices safely.
    let offset = t[16..]
        .find(['+', '-'])
        .map(|i| &t[16 + i..])
        .filter(|o| !matches!(*o, "+00:00" | "-00:00" | "+0000" | "+00"));
    std::borrow::Cow::Owned(match offset {
        Some(o) => format!("{} {} {o}", &t[..10], &t[11..16]),
        None => format!("{} {}", &t[..10], &t[11..16]),
    })
}

/// The `HH:MM:SS` of a store timestamp as written (for log lines, whose date is the scan's),
/// or `None` when it has no seconds or does not parse.
pub fn clock(s: &str) -> Option<&str> {
    let t = s.trim();
    let b = t.as_bytes();
    let shaped = t.len() >= 19 && b[13] == b':' && b[16] == b':';
    (shaped && parse_millis(t).is_some()).then(|| &t[11..19])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_store_format_and_its_variants() {
        let t = parse_millis("2024-05-01T10:00:00+00:00").unwrap();
        assert_eq!(t, 1_714_557_600_000);
        assert_eq!(parse_millis("2024-05-01T10:00:00Z"), Some(t));
        assert_eq!(parse_millis("2024-05-01 10:00:00"), Some(t));
        assert_eq!(parse_millis("2024-05-01T12:00:00+02:00"), Some(t));
        assert_eq!(parse_millis("2024-05-01T07:30:00-0230"), Some(t));
        assert_eq!(parse_millis("2024-05-01T10:00"), Some(t));
        assert_eq!(parse_millis("2024-05-01T10:00:00.250Z"), Some(t + 250));
        assert_eq!(
            parse_millis("2024-05-01T10:00:00.123456+00:00"),
            Some(t + 123)
        );
        assert_eq!(parse_millis("2024-05-01"), Some(t - 10 * 3_600_000));
        assert_eq!(parse_millis("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_millis("1969-12-31T23:59:59Z"), Some(-1000));
    }

    #[test]
    fn rejects_what_it_cannot_read() {
        // The reader's own tests (python/datetime.rs) hold the full list.
        assert_eq!(parse_millis("yesterday"), None);
        assert_eq!(parse_millis("2024-02-30"), None);
    }

    #[test]
    fn shortens_for_tables() {
        assert_eq!(short("2024-05-01T10:00:00+00:00"), "2024-05-01 10:00");
        assert_eq!(short("2024-05-01T10:00:00.5Z"), "2024-05-01 10:00");
        assert_eq!(
            short("2024-05-01T12:00:00+02:00"),
            "2024-05-01 12:00 +02:00"
        );
        assert_eq!(
            short("2024-05-01T12:00:00-05:00"),
            "2024-05-01 12:00 -05:00"
        );
        assert_eq!(short("2024-05-01"), "2024-05-01");
        assert_eq!(
            short("<b>2024-05-01T10:00:00</b>"),
            "<b>2024-05-01T10:00:00</b>"
        );
        assert_eq!(short(""), "");
        assert_eq!(clock("2024-05-01T10:00:07.123+02:00"), Some("10:00:07"));
        assert_eq!(clock("2024-05-01T10:00"), None);
        assert_eq!(clock("10:00:07 and more text"), None);
        // Text a Soda Cloud client sent: never sliced through a character.
        for odd in [
            "2024-05-01T10:\u{3000}00:00Z",
            "2024-05-01T10:00:\u{3000}7Z",
        ] {
            assert_eq!(short(odd), odd);
            assert_eq!(clock(odd), None);
        }
        assert_eq!(short("2024-05-01T10+02:00"), "2024-05-01T10+02:00");
    }

    #[test]
    fn formats_back_in_utc() {
        let t = parse_millis("2024-05-01T23:30:00-01:00").unwrap();
        assert_eq!(format_date(t), "2024-05-02");
        assert_eq!(format_minute(t), "2024-05-02 00:30");
        assert_eq!(format_date(-1), "1969-12-31");
    }
}
