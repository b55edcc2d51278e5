//! The times a scan leaves behind, typed: the data timestamp (`-t`, parsed once), and the one
//! renderer of Soda's wire format for a moment. Received times and those of the results
//! document stay text (Soda's wire format is text), and the store hands its times back as text
//! of the same form (`store::times`); [`parse_utc`] reads them back where a page needs the
//! instant.

use crate::python::datetime::{fromisoformat, IsoTime};
use chrono::{DateTime, Local, SecondsFormat, TimeZone, Utc};

/// Soda Core's format for a moment: UTC, whole seconds, `+00:00`
/// (`2024-05-01T10:00:00+00:00`). Every timestamp soda-rs writes goes through here.
pub fn soda(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// A stored or received ISO 8601 time as an instant; one without an offset is UTC.
pub fn parse_utc(text: &str) -> Option<DateTime<Utc>> {
    fromisoformat(text).map(IsoTime::naive_as_utc)
}

/// The scan's data timestamp: the instant its checks are about, and the wall-clock digits of
/// `-t` as the user wrote it (Soda Core names uploaded failed-row files after them without
/// converting them to UTC).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataTime {
    utc: DateTime<Utc>,
    digits: String,
}

impl DataTime {
    /// `-t` read like Python's `datetime.fromisoformat`; a value without an offset is local
    /// time, as Soda Core's CLI takes it. `None` when it is not ISO 8601.
    pub fn from_cli(text: &str) -> Option<Self> {
        let (utc, wall) = match fromisoformat(text)? {
            IsoTime::Aware(t) => (t.with_timezone(&Utc), t.naive_local()),
            IsoTime::Naive(n) => (Local.from_local_datetime(&n).earliest()?.into(), n),
        };
        Some(DataTime {
            utc,
            digits: wall.format("%Y%m%d%H%M%S").to_string(),
        })
    }

    /// No `-t`: the scan's start, to the second.
    pub fn at_start(scan_start: DateTime<Utc>) -> Self {
        let utc = Utc
            .timestamp_opt(scan_start.timestamp(), 0)
            .single()
            .unwrap_or(scan_start);
        DataTime::at(utc)
    }

    /// An instant given in UTC (tests, and scans replayed from a results document).
    pub fn at(utc: DateTime<Utc>) -> Self {
        DataTime {
            utc,
            digits: utc.format("%Y%m%d%H%M%S").to_string(),
        }
    }

    pub fn utc(&self) -> DateTime<Utc> {
        self.utc
    }

    /// In Soda's wire format.
    pub fn soda(&self) -> String {
        soda(self.utc)
    }

    /// `YYYYMMDDhhmmss` of the time as written.
    pub fn digits(&self) -> &str {
        &self.digits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_timestamp_keeps_the_wall_clock_it_was_given() {
        let t = DataTime::from_cli("2024-05-01T12:00:00+02:00").unwrap();
        assert_eq!(t.soda(), "2024-05-01T10:00:00+00:00");
        assert_eq!(t.digits(), "20240501120000");
        assert_eq!(
            DataTime::from_cli("2024-05-01").unwrap().digits(),
            "20240501000000"
        );
        let start = DateTime::parse_from_rfc3339("2024-05-01T10:00:00.750Z").unwrap();
        let t = DataTime::at_start(start.with_timezone(&Utc));
        assert_eq!(
            (t.soda(), t.digits()),
            ("2024-05-01T10:00:00+00:00".into(), "20240501100000")
        );
        assert!(DataTime::from_cli("yesterday").is_none());
    }

    #[test]
    fn stored_times_are_read_as_utc() {
        let t = parse_utc("2024-05-01T10:00:00").unwrap();
        assert_eq!(soda(t), "2024-05-01T10:00:00+00:00");
        assert_eq!(parse_utc("2024-05-01T12:00:00+02:00"), Some(t));
    }
}
