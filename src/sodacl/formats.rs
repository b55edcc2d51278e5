//! The named formats of SodaCL (`valid format`, `invalid format`, `missing format`): the
//! regex behind each name and which names are numeric (sodacl.md §4.5.1, §4.5.3).
//!
//! The patterns are reproduced byte for byte because they end up inside the SQL text that users
//! see in query logs and scan results; their quirks (the loosely anchored `credit card number`,
//! the unescaped `.` in `money point`) are deliberate. They are the patterns as the language
//! defines them, for no engine in particular: an engine whose regex operator reads some of them
//! differently (MySQL) rewrites those where its SQL is rendered, in the engine.

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

/// The regex SodaCL defines for a format name, or `None` for an unknown name (the caller logs
/// `Format <name> is not supported.`). Names match exactly, case included.
pub fn format_pattern(name: &str) -> Option<&'static str> {
    lookup(BASE, name)
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

    fn pattern(name: &str) -> Regex {
        Regex::new(format_pattern(name).expect("known format")).expect("pattern compiles")
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
    fn every_pattern_compiles_with_the_regex_crate() {
        for name in all_format_names() {
            let pattern = format_pattern(name).expect("listed name resolves");
            assert!(
                Regex::new(pattern).is_ok(),
                "{name} does not compile: {pattern}"
            );
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
        assert_eq!(format_pattern("non existing format"), None);
        assert_eq!(format_pattern("Integer"), None);
        assert_eq!(format_pattern(" integer"), None);
    }

    #[test]
    fn patterns_are_the_table_verbatim() {
        assert_eq!(format_pattern("integer"), Some(r"^ *[-+]? *[0-9]+ *$"));
        assert_eq!(
            format_pattern("money point"),
            Some(r"^ *[-+]? *\d{1,3}(\,\d\d\d)*(.\d+)? *([A-Z]{3}|[a-z]{3}) *$")
        );
        assert_eq!(format_pattern("ipv4 address"), format_pattern("ip address"));
        for (name, pattern) in BASE {
            assert_eq!(format_pattern(name), Some(*pattern));
        }
    }

    #[test]
    fn integer_vectors() {
        assert_vectors(
            "integer",
            &pattern("integer"),
            &["0", "1234567890", "-0", "- 1234567890", "+0", "+1"],
            &["", "a", " ", "1.5", "4,2"],
        );
        assert_vectors(
            "positive integer",
            &pattern("positive integer"),
            &["0", "+0", "+1"],
            &["-0", "- 1234567890"],
        );
        assert_vectors(
            "negative integer",
            &pattern("negative integer"),
            &["0", "-0", "- 1234567890"],
            &["1234567890", "+0", "+1"],
        );
    }

    #[test]
    fn percentage_vectors() {
        assert_vectors(
            "percentage",
            &pattern("percentage"),
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
            &pattern("email"),
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
            &pattern("date us"),
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
            &pattern("date eu"),
            &["31/12/1925", "13-11-1981"],
            &["11-13-1981", "12/31/1925"],
        );
        assert_vectors(
            "date inverse",
            &pattern("date inverse"),
            &["2020/1/1", "1925-12-31", "2000/9/05"],
            &["1981-13-11", "1925/31/12"],
        );
    }

    #[test]
    fn documented_quirks_are_kept() {
        let card = pattern("credit card number");
        // Only the first alternative is anchored at the start and the last at the end.
        assert!(card.is_match("12345678901234 trailing junk"));
        assert!(card.is_match("junk 1234-5678-9012-3456 junk"));
        assert!(card.is_match("junk 1234 5678 9012 3456"));
        assert!(!card.is_match("1234"));
        // The unescaped `.` in `money point` accepts any separator before the fraction.
        let money_point = pattern("money point");
        assert!(money_point.is_match("1,234.50 EUR"));
        assert!(money_point.is_match("1,234x50 EUR"));
        assert!(!money_point.is_match("1234,50 EUR"));
    }

    #[test]
    fn other_formats_behave_sensibly() {
        assert_vectors(
            "uuid",
            &pattern("uuid"),
            &["123e4567-e89b-12d3-a456-426614174000"],
            &[
                "123e4567e89b12d3a456426614174000",
                "g23e4567-e89b-12d3-a456-426614174000",
            ],
        );
        assert_vectors(
            "ip address",
            &pattern("ipv4 address"),
            &["192.168.0.1", "999.999.999.999"],
            &["1.2.3", "1.2.3.4.5"],
        );
        assert_vectors(
            "ipv6 address",
            &pattern("ipv6 address"),
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
            &pattern("phone number"),
            &["+1 (555) 123-4567", "555.123.4567", "123-4567"],
            &["1234567", "phone"],
        );
        assert_vectors(
            "time 24h",
            &pattern("time 24h"),
            &["23:59", "7:05:09", "00:00:00.123"],
            &["24:00", "12:60"],
        );
        assert_vectors(
            "time 12h nosec",
            &pattern("time 12h nosec"),
            &["12:30"],
            &["13:00", "1:00:00"],
        );
        assert_vectors(
            "timestamp 24h",
            &pattern("timestamp 24h"),
            &["23:59:59,5"],
            &["23:59"],
        );
        assert_vectors(
            "money",
            &pattern("money"),
            &["-12,50 EUR", "3 usd"],
            &["12 Eur", "12"],
        );
        assert_vectors(
            "money comma",
            &pattern("money comma"),
            &["1.234,50 EUR"],
            &["1,234.50 EUR"],
        );
        assert_vectors(
            "negative decimal point",
            &pattern("negative decimal point"),
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
