//! The named formats of SodaCL (`valid format`, `invalid format`, `missing format`): the
//! regex behind each name, per SQL dialect, and which names are numeric (sodacl.md §4.5.1,
//! §4.5.3).
//!
//! The patterns are reproduced byte for byte because they end up inside the SQL text that users
//! see in query logs and scan results; their quirks (the loosely anchored `credit card number`,
//! the unescaped `.` in `money point`) are deliberate.

/// The regex engine a pattern is written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegexFlavor {
    /// POSIX ARE via `~`: the base table unchanged.
    Postgres,
    /// ICU via `RLIKE`: seven entries are replaced by POSIX-class variants.
    MySql,
    /// Our SQLite `REGEXP` function, backed by Rust's `regex` crate.
    Sqlite,
    /// Spark's `RLIKE`: `java.util.regex`, which reads every base pattern as written.
    Java,
}

// One macro invocation keeps the pattern table and the public name list from drifting apart.
macro_rules! format_table {
    ($($name:literal => $re:expr,)*) => {
        const BASE: &[(&str, &str)] = &[$(($name, $re),)*];
        const NAMES: &[&str] = &[$($name,)*];
    };
}

// Shared by two names (`ipv4 address` is an alias) and by two dialects (MySQL "overrides"
// `email` with the very same text).
const IP_ADDRESS: &str = r"^[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$";
const EMAIL: &str = r"^[a-zA-ZÀ-ÿĀ-ſƀ-ȳ0-9.\-_%+]+@[a-zA-ZÀ-ÿĀ-ſƀ-ȳ0-9.\-_%]+\.[A-Za-z]{2,4}$";

format_table! {
    "integer" => r"^ *[-+]? *[0-9]+ *$",
    "positive integer" => r"^ *\+? *[0-9]+ *$",
    "negative integer" => r"^ *(\- *[0-9]+|0+) *$",
    "decimal" => r"^ *[-+]? *(\d+([\.,]\d+)?|([\.,]\d+)) *$",
    "positive decimal" => r"^ *\+? *(\d+([\.,]\d+)?|([\.,]\d+)) *$",
    "negative decimal" => r"^ *(\- *(\d+([\.,]\d+)?|([\.,]\d+))|(0+([\.,]0+)?|([\.,]0+))) *$",
    "decimal point" => r"^ *[-+]? *(\d+(\.\d+)?|(\.\d+)) *$",
    "positive decimal point" => r"^ *\+? *(\d+(\.\d+)?|(\.\d+)) *$",
    "negative decimal point" => r"^ *(\- *(\d+(\.\d+)?|(\.\d+))|(0+(\.0+)?|(\.0+))) *$",
    "decimal comma" => r"^ *[-+]? *(\d+(,\d+)?|(,\d+)) *$",
    "positive decimal comma" => r"^ *\+? *(\d+(,\d+)?|(,\d+)) *$",
    "negative decimal comma" => r"^ *(\- *(\d+(,\d+)?|(,\d+))|(0+(,0+)?|(,0+))) *$",
    "percentage" => r"^ *[-+]? *(\d+([\.,]\d+)?|([\.,]\d+)) *% *$",
    "positive percentage" => r"^ *\+? *(\d+([\.,]\d+)?|([\.,]\d+)) *% *$",
    "negative percentage" => r"^ *(\- *(\d+([\.,]\d+)?|([\.,]\d+))|(0+([\.,]0+)?|([\.,]0+))) *% *$",
    "percentage point" => r"^ *[-+]? *(\d+(\.\d+)?|(\.\d+)) *% *$",
    "positive percentage point" => r"^ *\+? *(\d+(\.\d+)?|(\.\d+)) *% *$",
    "negative percentage point" => r"^ *(\- *(\d+(\.\d+)?|(\.\d+))|(0+(\.0+)?|(\.0+))) *% *$",
    "percentage comma" => r"^ *[-+]? *(\d+(,\d+)?|(,\d+)) *% *$",
    "positive percentage comma" => r"^ *\+? *(\d+(,\d+)?|(,\d+)) *% *$",
    "negative percentage comma" => r"^ *(\- *(\d+(,\d+)?|(,\d+))|(0+(,0+)?|(,0+))) *% *$",
    "money" => r"^ *[-+]? *(\d+([\.,]\d+)?|([\.,]\d+)) *([A-Z]{3}|[a-z]{3}) *$",
    "money point" => r"^ *[-+]? *\d{1,3}(\,\d\d\d)*(.\d+)? *([A-Z]{3}|[a-z]{3}) *$",
    "money comma" => r"^ *[-+]? *\d{1,3}(\.\d\d\d)*(,\d+)? *([A-Z]{3}|[a-z]{3}) *$",
    "date us" => r"^ *(0?[1-9]|1[012])[-\./](0?[1-9]|[12][0-9]|3[01])[-\./]([12][0-9])?\d\d *$",
    "date eu" => r"^ *(0?[1-9]|[12][0-9]|3[01])[-\./](0?[1-9]|1[012])[-\./]([12][0-9])?\d\d *$",
    "date inverse" => r"^ *([12][0-9])?\d\d[-\./](0?[1-9]|1[012])[-\./](0?[1-9]|[12][0-9]|3[01]) *$",
    "date iso 8601" => r"^ *[12][0-9]{3}-?((0[1-9]|1[012])-?(0[1-9]|[12][0-9]|3[01])|W[0-5]\d(-?[1-7])?|[0-3]\d\d)([ T](0?[0-9]|[01]\d|2[0-3])(:?[0-5][0-9](:?[0-5][0-9]([.,]\d+)?)?)?([+-](0?[0-9]|[01]\d|2[0-3]):?[0-5][0-9]|Z)?)? *$",
    "time 24h" => r"^ *(0?[0-9]|[01]\d|2[0-3]):[0-5]?[0-9](:[0-5]?[0-9]([.,]\d+)?)? *$",
    "time 24h nosec" => r"^ *(0?[0-9]|[01]\d|2[0-3]):[0-5]?[0-9] *$",
    "time 12h" => r"^ *(0?[0-9]|1[0-2]):[0-5]?[0-9](:[0-5]?[0-9]([.,]\d+)?)? *$",
    "time 12h nosec" => r"^ *(0?[0-9]|1[0-2]):[0-5]?[0-9] *$",
    "timestamp 24h" => r"^ *(0?[0-9]|[01]\d|2[0-3]):[0-5]?[0-9]:[0-5]?[0-9]([.,]\d+)? *$",
    "timestamp 12h" => r"^ *(0?[0-9]|1[0-2]):[0-5]?[0-9]:[0-5]?[0-9]([.,]\d+)? *$",
    "uuid" => r"^[0-9a-fA-F]{8}\-[0-9a-fA-F]{4}\-[0-9a-fA-F]{4}\-[0-9a-fA-F]{4}\-[0-9a-fA-F]{12}$",
    "ip address" => IP_ADDRESS,
    "ipv4 address" => IP_ADDRESS,
    "ipv6 address" => r"^(([0-9a-fA-F]{1,4}:){7,7}[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,7}:|([0-9a-fA-F]{1,4}:){1,6}:[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,5}(:[0-9a-fA-F]{1,4}){1,2}|([0-9a-fA-F]{1,4}:){1,4}(:[0-9a-fA-F]{1,4}){1,3}|([0-9a-fA-F]{1,4}:){1,3}(:[0-9a-fA-F]{1,4}){1,4}|([0-9a-fA-F]{1,4}:){1,2}(:[0-9a-fA-F]{1,4}){1,5}|[0-9a-fA-F]{1,4}:((:[0-9a-fA-F]{1,4}){1,6})|:((:[0-9a-fA-F]{1,4}){1,7}|:)|fe80:(:[0-9a-fA-F]{0,4}){0,4}%[0-9a-zA-Z]{1,}|::(ffff(:0{1,4}){0,1}:){0,1}((25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])\.){3,3}(25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])|([0-9a-fA-F]{1,4}:){1,4}:((25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])\.){3,3}(25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9]))$",
    "email" => EMAIL,
    "phone number" => r"^((\+[0-9]{1,2}\s)?\(?[0-9]{3}\)?[\s.-])?[0-9]{3}[\s.-][0-9]{4}$",
    "credit card number" => r"^[0-9]{14}|[0-9]{15}|[0-9]{16}|[0-9]{17}|[0-9]{18}|[0-9]{19}|([0-9]{4}-){3}[0-9]{4}|([0-9]{4} ){3}[0-9]{4}$",
}

// The MySQL data source swaps these in (the Python original mutates a shared dictionary; a
// per-dialect table avoids that leaking into other data sources). `date iso 8601` is the base
// pattern with `[[:digit:]]` for `\d` and the timezone hour narrowed to `(0[0-9]|1[012])`.
const MYSQL_OVERRIDES: &[(&str, &str)] = &[
    ("email", EMAIL),
    (
        "percentage",
        r"^[[:blank:]]*[-+]?[[:blank:]]*([[:digit:]]+([\.,][[:digit:]]+)?|([\.,][[:digit:]]+))[[:blank:]]*%[[:blank:]]*$",
    ),
    (
        "decimal",
        r"^[[:blank:]]*[-+]?[[:blank:]]*[[:digit:]]*[\.,]*[[:digit:]]*[[:blank:]]*$",
    ),
    ("integer", r"^[[:blank:]]*[-+]?[[:blank:]]*[[:digit:]]+$"),
    (
        "positive integer",
        r"^[[:blank:]]*[+]?[[:blank:]]*[[:digit:]]+$",
    ),
    (
        "negative integer",
        r"^[[:blank:]]*(-[[:blank:]]*[[:digit:]]+|0)[[:blank:]]*$",
    ),
    (
        "date iso 8601",
        r"^ *[12][0-9]{3}-?((0[1-9]|1[012])-?(0[1-9]|[12][0-9]|3[01])|W[0-5][[:digit:]](-?[1-7])?|[0-3][[:digit:]][[:digit:]])([ T](0?[0-9]|[01][[:digit:]]|2[0-3])(:?[0-5][0-9](:?[0-5][0-9]([.,][[:digit:]]+)?)?)?([+-](0[0-9]|1[012]):?[0-5][0-9]|Z)?)? *$",
    ),
];

// Every base pattern is accepted by the `regex` crate as written (regex-syntax 0.8 allows `\,`
// and `\-`), so SQLite needs no replacements; the hook stays so a future syntax gap has one
// obvious place to go. Semantics are close but not identical to Postgres under a libc locale:
// the crate's `\d` and `\s` are Unicode-aware (`١` is a digit) and `.` does not match `\n`.
const SQLITE_OVERRIDES: &[(&str, &str)] = &[];

// sodacl.md §4.5.3: these trigger the cast-to-number treatment of aggregates and valid min/max.
const NUMERIC_FORMATS: &[&str] = &[
    "integer",
    "positive integer",
    "negative integer",
    "decimal",
    "positive decimal",
    "negative decimal",
    "decimal point",
    "positive decimal point",
    "negative decimal point",
    "decimal comma",
    "positive decimal comma",
    "negative decimal comma",
    "percentage",
    "positive percentage",
    "negative percentage",
    "percentage point",
    "positive percentage point",
    "negative percentage point",
    "percentage comma",
    "positive percentage comma",
    "negative percentage comma",
    "money",
    "money point",
    "money comma",
];

fn lookup(table: &[(&'static str, &'static str)], name: &str) -> Option<&'static str> {
    table
        .iter()
        .find(|(candidate, _)| *candidate == name)
        .map(|(_, pattern)| *pattern)
}

/// The regex for a format name as the given engine should receive it, or `None` for an unknown
/// name (the caller logs `Format <name> is not supported.`). Names match exactly, case included.
/// MySQL backslash doubling (§4.5.2) is the SQL builder's job, not done here.
pub fn format_regex(name: &str, flavor: RegexFlavor) -> Option<&'static str> {
    let overrides = match flavor {
        RegexFlavor::Postgres => &[][..],
        RegexFlavor::MySql => MYSQL_OVERRIDES,
        RegexFlavor::Sqlite => SQLITE_OVERRIDES,
        RegexFlavor::Java => &[][..],
    };
    lookup(overrides, name).or_else(|| lookup(BASE, name))
}

/// Whether `valid format: <name>` makes aggregates and `valid min`/`valid max` work on the value
/// cast to a number (every integer, decimal, percentage and money variant).
pub fn is_numeric_format(name: &str) -> bool {
    NUMERIC_FORMATS.contains(&name)
}

/// Every supported format name, in the order of the SodaCL documentation table.
pub fn all_format_names() -> &'static [&'static str] {
    NAMES
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    const ALL_FLAVORS: [RegexFlavor; 4] = [
        RegexFlavor::Postgres,
        RegexFlavor::MySql,
        RegexFlavor::Sqlite,
        RegexFlavor::Java,
    ];

    fn sqlite(name: &str) -> Regex {
        let pattern = format_regex(name, RegexFlavor::Sqlite).expect("known format");
        Regex::new(pattern).expect("pattern compiles")
    }

    fn assert_vectors(name: &str, re: &Regex, pass: &[&str], fail: &[&str]) {
        for value in pass {
            assert!(re.is_match(value), "{name}: {value:?} should match");
        }
        for value in fail {
            assert!(!re.is_match(value), "{name}: {value:?} should not match");
        }
    }

    #[test]
    fn every_pattern_of_every_flavor_compiles_with_the_regex_crate() {
        for flavor in ALL_FLAVORS {
            for name in all_format_names() {
                let pattern = format_regex(name, flavor).expect("listed name resolves");
                assert!(
                    Regex::new(pattern).is_ok(),
                    "{name} ({flavor:?}) does not compile: {pattern}"
                );
            }
        }
        for (name, pattern) in BASE {
            assert!(Regex::new(pattern).is_ok(), "base {name} does not compile");
        }
    }

    #[test]
    fn names_are_unique_and_complete() {
        let names = all_format_names();
        assert_eq!(names.len(), 41);
        for (i, name) in names.iter().enumerate() {
            assert!(!names[i + 1..].contains(name), "duplicate {name}");
        }
        for expected in [
            "integer",
            "positive integer",
            "money comma",
            "date iso 8601",
            "time 24h nosec",
            "timestamp 12h",
            "uuid",
            "ip address",
            "ipv4 address",
            "ipv6 address",
            "email",
            "phone number",
            "credit card number",
        ] {
            assert!(names.contains(&expected), "missing {expected}");
        }
    }

    #[test]
    fn unknown_names_resolve_to_nothing() {
        for flavor in ALL_FLAVORS {
            assert_eq!(format_regex("non existing format", flavor), None);
            assert_eq!(format_regex("Integer", flavor), None);
            assert_eq!(format_regex(" integer", flavor), None);
        }
        for (name, _) in MYSQL_OVERRIDES.iter().chain(SQLITE_OVERRIDES) {
            assert!(NAMES.contains(name), "override for unknown {name}");
        }
    }

    #[test]
    fn postgres_uses_the_base_table_verbatim() {
        assert_eq!(
            format_regex("integer", RegexFlavor::Postgres),
            Some(r"^ *[-+]? *[0-9]+ *$")
        );
        assert_eq!(
            format_regex("money point", RegexFlavor::Postgres),
            Some(r"^ *[-+]? *\d{1,3}(\,\d\d\d)*(.\d+)? *([A-Z]{3}|[a-z]{3}) *$")
        );
        assert_eq!(
            format_regex("ipv4 address", RegexFlavor::Postgres),
            format_regex("ip address", RegexFlavor::Postgres)
        );
        for (name, pattern) in BASE {
            assert_eq!(format_regex(name, RegexFlavor::Postgres), Some(*pattern));
        }
    }

    #[test]
    fn mysql_differs_from_base_only_for_its_overrides() {
        let changed = [
            "percentage",
            "decimal",
            "integer",
            "positive integer",
            "negative integer",
            "date iso 8601",
        ];
        for name in all_format_names() {
            let base = format_regex(name, RegexFlavor::Postgres);
            let mysql = format_regex(name, RegexFlavor::MySql);
            if changed.contains(name) {
                assert_ne!(base, mysql, "{name} should be overridden");
            } else {
                assert_eq!(base, mysql, "{name} should be the base pattern");
            }
        }
        assert_eq!(MYSQL_OVERRIDES.len(), 7);
        assert_eq!(
            format_regex("email", RegexFlavor::MySql),
            format_regex("email", RegexFlavor::Postgres)
        );
    }

    #[test]
    fn mysql_date_iso_8601_is_derived_from_the_base_as_described() {
        let derived = format_regex("date iso 8601", RegexFlavor::Postgres)
            .expect("base")
            .replace(r"\d", "[[:digit:]]")
            .replace(
                "([+-](0?[0-9]|[01][[:digit:]]|2[0-3])",
                "([+-](0[0-9]|1[012])",
            );
        assert_eq!(
            Some(derived.as_str()),
            format_regex("date iso 8601", RegexFlavor::MySql)
        );
    }

    #[test]
    fn sqlite_matches_base_because_no_pattern_needs_rewriting() {
        for name in all_format_names() {
            assert_eq!(
                format_regex(name, RegexFlavor::Sqlite),
                format_regex(name, RegexFlavor::Postgres)
            );
        }
    }

    #[test]
    fn integer_vectors() {
        assert_vectors(
            "integer",
            &sqlite("integer"),
            &["0", "1234567890", "-0", "- 1234567890", "+0", "+1"],
            &["", "a", " ", "1.5", "4,2"],
        );
        assert_vectors(
            "positive integer",
            &sqlite("positive integer"),
            &["0", "+0", "+1"],
            &["-0", "- 1234567890"],
        );
        assert_vectors(
            "negative integer",
            &sqlite("negative integer"),
            &["0", "-0", "- 1234567890"],
            &["1234567890", "+0", "+1"],
        );
    }

    #[test]
    fn percentage_vectors() {
        assert_vectors(
            "percentage",
            &sqlite("percentage"),
            &[
                "0%", " 0 % ", "- 0 %", "+ 0 %", "010%", "0.0 %", "0,0  %", ".0 %", ",0 %",
                "99.99%",
            ],
            &["", " ", "%", "a %", "0", "0.0"],
        );
    }

    #[test]
    fn email_vectors() {
        assert_vectors(
            "email",
            &sqlite("email"),
            &[
                "info@soda.io",
                "some+email@gmail.com",
                "a@b.be",
                "élodie@café.fr",
            ],
            &["", "a", " ", "1.5", "4,2", "@@@@@"],
        );
    }

    #[test]
    fn date_vectors() {
        assert_vectors(
            "date us",
            &sqlite("date us"),
            &[
                "1/1/2020",
                "01/06/2020",
                "12/31/1925",
                "11-13-1981",
                "9-05-2000",
                "08-15-1620",
                "01-01-2100",
            ],
            &[
                "1/1/2020 12:00",
                "13/11/1981",
                "31-12-1925",
                "07-00-2021",
                "00-25-2019",
                "02-14-999",
            ],
        );
        assert_vectors(
            "date eu",
            &sqlite("date eu"),
            &["31/12/1925", "13-11-1981"],
            &["11-13-1981", "12/31/1925"],
        );
        assert_vectors(
            "date inverse",
            &sqlite("date inverse"),
            &["2020/1/1", "1925-12-31", "2000/9/05"],
            &["1981-13-11", "1925/31/12"],
        );
    }

    const ISO_PASS: [&str; 14] = [
        "2020-02-08",
        "2020-W06-5",
        "2020-039",
        "20200208",
        "2020W065",
        "2020W06",
        "2020039",
        "2020-02-08T09",
        "2020-02-08 09:30:26.123",
        "20200208T080910,123",
        "2020-02-08 09+07:00",
        "2020-02-08 09-0100",
        "2020-02-08 09Z",
        "1623-10-11T10:10:10.0000+01:00",
    ];
    const ISO_FAIL: [&str; 5] = [
        "9999-01-01",
        "2000-13-01",
        "2000-01-32",
        "2020-10-11 90:34",
        "2100-01-01 14:67",
    ];

    #[test]
    fn date_iso_8601_vectors() {
        assert_vectors(
            "date iso 8601",
            &sqlite("date iso 8601"),
            &ISO_PASS,
            &ISO_FAIL,
        );
    }

    #[test]
    fn mysql_overrides_behave_as_documented() {
        let mysql = |name: &str| {
            Regex::new(format_regex(name, RegexFlavor::MySql).expect("known")).expect("compiles")
        };
        // The vectors hold on MySQL too: their timezone hours all fit 00..12.
        assert_vectors(
            "date iso 8601",
            &mysql("date iso 8601"),
            &ISO_PASS,
            &ISO_FAIL,
        );
        assert!(!mysql("date iso 8601").is_match("2020-02-08 09+13:00"));
        assert!(sqlite("date iso 8601").is_match("2020-02-08 09+13:00"));
        // Looser decimal: empty string and doubled separators pass.
        assert_vectors(
            "decimal",
            &mysql("decimal"),
            &["", "1..2", " -1,5 "],
            &["a", "1 2"],
        );
        // Integer allows no trailing blanks on MySQL.
        assert_vectors(
            "integer",
            &mysql("integer"),
            &[" - 12", "+3"],
            &["12 ", "1.5"],
        );
        assert_vectors(
            "negative integer",
            &mysql("negative integer"),
            &["0", "- 7 ", "-0"],
            &["00", "7", "+0"],
        );
        assert_vectors(
            "percentage",
            &mysql("percentage"),
            &["0%", " 0 % ", "99.99%", ",0 %"],
            &["", "%", "0"],
        );
    }

    #[test]
    fn documented_quirks_are_kept() {
        let card = sqlite("credit card number");
        // Only the first alternative is anchored at the start and the last at the end.
        assert!(card.is_match("12345678901234 trailing junk"));
        assert!(card.is_match("junk 1234-5678-9012-3456 junk"));
        assert!(card.is_match("junk 1234 5678 9012 3456"));
        assert!(!card.is_match("1234"));
        // The unescaped `.` in `money point` accepts any separator before the fraction.
        let money_point = sqlite("money point");
        assert!(money_point.is_match("1,234.50 EUR"));
        assert!(money_point.is_match("1,234x50 EUR"));
        assert!(!money_point.is_match("1234,50 EUR"));
    }

    #[test]
    fn sqlite_digit_classes_are_unicode_aware() {
        // Recorded divergence from Postgres (libc locale), see SQLITE_OVERRIDES.
        assert!(sqlite("decimal").is_match("\u{661}\u{662}"));
        assert!(!sqlite("integer").is_match("\u{661}\u{662}"));
    }

    #[test]
    fn other_formats_behave_sensibly() {
        assert_vectors(
            "uuid",
            &sqlite("uuid"),
            &["123e4567-e89b-12d3-a456-426614174000"],
            &[
                "123e4567e89b12d3a456426614174000",
                "g23e4567-e89b-12d3-a456-426614174000",
            ],
        );
        assert_vectors(
            "ip address",
            &sqlite("ipv4 address"),
            &["192.168.0.1", "999.999.999.999"],
            &["1.2.3", "1.2.3.4.5"],
        );
        assert_vectors(
            "ipv6 address",
            &sqlite("ipv6 address"),
            &[
                "2001:db8::1",
                "::1",
                "fe80::1%eth0",
                "::ffff:192.168.0.1",
                "1:2:3:4:5:6:7:8",
            ],
            &["2001:db8:::1", "12345::1", "1.2.3.4"],
        );
        assert_vectors(
            "phone number",
            &sqlite("phone number"),
            &["+1 (555) 123-4567", "555.123.4567", "123-4567"],
            &["1234567", "phone"],
        );
        assert_vectors(
            "time 24h",
            &sqlite("time 24h"),
            &["23:59", "7:05:09", "00:00:00.123"],
            &["24:00", "12:60"],
        );
        assert_vectors(
            "time 12h nosec",
            &sqlite("time 12h nosec"),
            &["12:30"],
            &["13:00", "1:00:00"],
        );
        assert_vectors(
            "timestamp 24h",
            &sqlite("timestamp 24h"),
            &["23:59:59,5"],
            &["23:59"],
        );
        assert_vectors(
            "money",
            &sqlite("money"),
            &["-12,50 EUR", "3 usd"],
            &["12 Eur", "12"],
        );
        assert_vectors(
            "money comma",
            &sqlite("money comma"),
            &["1.234,50 EUR"],
            &["1,234.50 EUR"],
        );
        assert_vectors(
            "negative decimal point",
            &sqlite("negative decimal point"),
            &["-1.5", "0.00", "- .5"],
            &["1.5", "-1,5"],
        );
    }

    #[test]
    fn numeric_formats_are_the_integer_decimal_percentage_and_money_families() {
        assert_eq!(NUMERIC_FORMATS.len(), 24);
        for name in all_format_names() {
            let family = ["integer", "decimal", "percentage", "money"]
                .iter()
                .any(|word| name.contains(word));
            assert_eq!(is_numeric_format(name), family, "{name}");
        }
        for name in NUMERIC_FORMATS {
            assert!(NAMES.contains(name), "{name} is not a format");
        }
        assert!(!is_numeric_format("date us"));
        assert!(!is_numeric_format("unknown"));
    }
}
