//! The timestamps of the store, read for ordering and for the chart's time axis.
//!
//! The store keeps ISO 8601 text (`2024-05-01T10:00:00+00:00`, `…Z`, `2024-05-01`, with or
//! without fractional seconds). Parsing it here, to milliseconds since the epoch in UTC,
//! keeps the renderer a pure function of its input and tolerant of text it cannot read: an
//! unparsable time gives `None` and the caller skips or sorts it last.

/// Milliseconds since 1970-01-01T00:00:00Z, or `None` when `s` is not an ISO 8601 date or
/// date-time. A time without an offset is taken as UTC.
pub fn parse_millis(s: &str) -> Option<i64> {
    let b = s.trim().as_bytes();
    let mut p = Cursor { b, i: 0 };
    let year = p.digits(4)?;
    p.expect(b'-')?;
    let month = p.digits(2)?;
    p.expect(b'-')?;
    let day = p.digits(2)?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    if p.done() {
        return Some(days * 86_400_000);
    }
    if !matches!(p.next()?, b'T' | b't' | b' ') {
        return None;
    }
    let hour = p.digits(2)?;
    p.expect(b':')?;
    let minute = p.digits(2)?;
    let mut second = 0;
    let mut millis = 0;
    if p.peek() == Some(b':') {
        p.i += 1;
        second = p.digits(2)?;
        if matches!(p.peek(), Some(b'.' | b',')) {
            p.i += 1;
            let start = p.i;
            let mut scale = 100;
            while let Some(d) = p.peek().filter(u8::is_ascii_digit) {
                millis += i64::from(d - b'0') * scale;
                scale /= 10;
                p.i += 1;
            }
            if p.i == start {
                return None;
            }
        }
    }
    // 24:00 and leap seconds are rare enough in a store to be treated as unreadable.
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let offset_minutes = match p.next() {
        None => 0,
        Some(b'Z' | b'z') => 0,
        Some(sign @ (b'+' | b'-')) => {
            let h = p.digits(2)?;
            if p.peek() == Some(b':') {
                p.i += 1;
            }
            let m = if p.done() { 0 } else { p.digits(2)? };
            if h > 23 || m > 59 {
                return None;
            }
            let total = h * 60 + m;
            if sign == b'-' {
                -total
            } else {
                total
            }
        }
        Some(_) => return None,
    };
    if !p.done() {
        return None;
    }
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
    Some(secs * 1000 + millis)
}

/// `YYYY-MM-DD` of a time in UTC.
pub fn format_date(millis: i64) -> String {
    let (y, m, d) = civil_from_days(millis.div_euclid(86_400_000));
    format!("{y:04}-{m:02}-{d:02}")
}

/// `YYYY-MM-DD HH:MM` of a time in UTC.
pub fn format_minute(millis: i64) -> String {
    let minute_of_day = millis.rem_euclid(86_400_000) / 60_000;
    format!(
        "{} {:02}:{:02}",
        format_date(millis),
        minute_of_day / 60,
        minute_of_day % 60
    )
}

/// A store timestamp shortened for tables: `2024-05-01 10:00`, with its offset when it is
/// not UTC (`2024-05-01 12:00 +02:00`). Text that does not parse is shown as it is.
pub fn short(s: &str) -> std::borrow::Cow<'_, str> {
    let t = s.trim();
    let b = t.as_bytes();
    if t.len() < 16 || !matches!(b[10], b'T' | b't' | b' ') || parse_millis(t).is_none() {
        return std::borrow::Cow::Borrowed(s);
    }
    // parse_millis accepted it, so bytes 0..16 are ASCII digits and separators.
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
    (t.len() >= 19 && t.as_bytes()[16] == b':' && parse_millis(t).is_some()).then(|| &t[11..19])
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn next(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.i += 1;
        Some(c)
    }
    fn done(&self) -> bool {
        self.i >= self.b.len()
    }
    fn expect(&mut self, c: u8) -> Option<()> {
        (self.next()? == c).then_some(())
    }
    fn digits(&mut self, n: usize) -> Option<i64> {
        let mut v = 0;
        for _ in 0..n {
            let d = self.next().filter(u8::is_ascii_digit)?;
            v = v * 10 + i64::from(d - b'0');
        }
        Some(v)
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's civil calendar algorithms (public domain), exact for the proleptic
// Gregorian calendar.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
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
        ] {
            assert_eq!(parse_millis(bad), None, "{bad}");
        }
        assert!(parse_millis("2024-02-29T00:00:00Z").is_some());
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
    }

    #[test]
    fn formats_back_in_utc() {
        let t = parse_millis("2024-05-01T23:30:00-01:00").unwrap();
        assert_eq!(format_date(t), "2024-05-02");
        assert_eq!(format_minute(t), "2024-05-02 00:30");
        assert_eq!(format_date(-1), "1969-12-31");
        for day in [-800_000, -1, 0, 59, 60, 11_016, 2_932_896] {
            let (y, m, d) = civil_from_days(day);
            assert_eq!(days_from_civil(y, m, d), day);
        }
    }
}
