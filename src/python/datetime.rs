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
/// `+02`); `None` for anything else, as Python raises `ValueError`. Every field has its full
/// count of ASCII digits, so a caller that accepted the text may slice it by position.
pub fn fromisoformat(text: &str) -> Option<IsoTime> {
    let mut s = Scanner {
        b: text.trim().as_bytes(),
        i: 0,
    };
    let date = s.date()?;
    if s.done() {
        return Some(IsoTime::Naive(date.and_time(NaiveTime::MIN)));
    }
    if !matches!(s.next()?, b'T' | b't' | b' ') {
        return None;
    }
    let local = date.and_time(s.time()?);
    if s.done() {
        return Some(IsoTime::Naive(local));
    }
    let offset = s.offset()?;
    if !s.done() {
        return None;
    }
    local
        .and_local_timezone(offset)
        .single()
        .map(IsoTime::Aware)
}

/// A cursor over the text's bytes; every method consumes what it reads or fails.
struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
}

impl Scanner<'_> {
    fn done(&self) -> bool {
        self.i >= self.b.len()
    }

    fn next(&mut self) -> Option<u8> {
        let c = *self.b.get(self.i)?;
        self.i += 1;
        Some(c)
    }

    fn eat(&mut self, c: u8) -> bool {
        let found = self.b.get(self.i) == Some(&c);
        self.i += usize::from(found);
        found
    }

    /// Exactly `n` ASCII digits.
    fn digits(&mut self, n: usize) -> Option<u32> {
        let mut v = 0;
        for _ in 0..n {
            let d = self.next().filter(u8::is_ascii_digit)?;
            v = v * 10 + u32::from(d - b'0');
        }
        Some(v)
    }

    /// `YYYY-MM-DD`.
    fn date(&mut self) -> Option<NaiveDate> {
        let year = self.digits(4)?;
        self.eat(b'-').then_some(())?;
        let month = self.digits(2)?;
        self.eat(b'-').then_some(())?;
        let day = self.digits(2)?;
        NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
    }

    /// `HH`, `HH:MM`, `HH:MM:SS`, then `.ffffff` or `,ffffff` after seconds.
    fn time(&mut self) -> Option<NaiveTime> {
        let hour = self.digits(2)?;
        let (mut minute, mut second, mut nanos) = (0, 0, 0);
        if self.eat(b':') {
            minute = self.digits(2)?;
            if self.eat(b':') {
                second = self.digits(2)?;
                if self.eat(b'.') || self.eat(b',') {
                    nanos = self.fraction()?;
                }
            }
        }
        if second > 59 {
            return None;
        }
        NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)
    }

    /// One or more digits, as nanoseconds (digits past the ninth are dropped).
    fn fraction(&mut self) -> Option<u32> {
        let start = self.i;
        let mut nanos = 0;
        let mut scale = 100_000_000;
        while let Some(d) = self.b.get(self.i).copied().filter(u8::is_ascii_digit) {
            nanos += u32::from(d - b'0') * scale;
            scale /= 10;
            self.i += 1;
        }
        (self.i > start).then_some(nanos)
    }

    /// `Z`, `z`, `±HH`, `±HHMM` or `±HH:MM`.
    fn offset(&mut self) -> Option<FixedOffset> {
        let sign = match self.next()? {
            b'Z' | b'z' => return FixedOffset::east_opt(0),
            b'+' => 1,
            b'-' => -1,
            _ => return None,
        };
        let hours = self.digits(2)?;
        let minutes = if self.eat(b':') || !self.done() {
            self.digits(2)?
        } else {
            0
        };
        if hours > 23 || minutes > 59 {
            return None;
        }
        FixedOffset::east_opt(sign * i32::try_from(hours * 3600 + minutes * 60).ok()?)
    }
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
            ("2024-05-01T10:00:00.250z", t + 250),
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
            "2024-05-01T10:\u{3000}00:00Z",
            "2024-05-01T10:0\u{2212}02:00",
            "2024-05-01T10:00:\u{3000}7Z",
            "2024-05-01T9:00:00",
            "2024-05-01T10:00:00 +02:00",
            "2024-05-01T10:00:60",
            "2024-05-01T10:00+02:",
            "2024-05-01T10:00+2",
        ] {
            assert_eq!(fromisoformat(bad), None, "{bad}");
        }
        assert!(fromisoformat("2024-02-29T00:00:00Z").is_some());
    }
}
