//! Named formats (`valid format: email`) as each engine's regex operator must receive them.
//!
//! The checks language defines one pattern per format name, written for PostgreSQL's POSIX
//! regexes; the plan hands it over as is. An engine whose regex dialect reads some of those
//! patterns differently swaps them here, beside the dialects, so that the checks language
//! knows nothing of engines.

use crate::plan::format_pattern;

/// The regex engine a pattern is written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegexFlavor {
    /// POSIX ARE via `~`: the defined patterns unchanged.
    Postgres,
    /// ICU via `RLIKE`: six entries are replaced by POSIX-class variants.
    MySql,
    /// Our SQLite `REGEXP` function, backed by Rust's `regex` crate.
    Sqlite,
    /// Spark's `RLIKE`: `java.util.regex`, which reads every defined pattern as written.
    Java,
}

// The MySQL data source swaps these in (the Python original mutates a shared dictionary; a
// per-dialect table avoids that leaking into other data sources). `date iso 8601` is the
// defined pattern with `[[:digit:]]` for `\d` and the timezone hour narrowed to
// `(0[0-9]|1[012])`. Soda Core's MySQL table also lists `email`, with the very text of the
// defined pattern, so it needs no entry here.
const MYSQL_OVERRIDES: &[(&str, &str)] = &[
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

// Every defined pattern is accepted by the `regex` crate as written (regex-syntax 0.8 allows
// `\,` and `\-`), so SQLite needs no replacements; the hook stays so a future syntax gap has
// one obvious place to go. Semantics are close but not identical to Postgres under a libc
// locale: the crate's `\d` and `\s` are Unicode-aware (`١` is a digit) and `.` does not match
// `\n`.
const SQLITE_OVERRIDES: &[(&str, &str)] = &[];

fn overrides(flavor: RegexFlavor) -> &'static [(&'static str, &'static str)] {
    match flavor {
        RegexFlavor::Postgres | RegexFlavor::Java => &[],
        RegexFlavor::MySql => MYSQL_OVERRIDES,
        RegexFlavor::Sqlite => SQLITE_OVERRIDES,
    }
}

/// The regex for a format name as the given engine should receive it, or `None` for an unknown
/// name (the checks files were already refused for it). MySQL backslash doubling (§4.5.2) is
/// the SQL builder's job, not done here.
pub fn format_regex(name: &str, flavor: RegexFlavor) -> Option<&'static str> {
    let defined = format_pattern(name)?;
    let rewritten = overrides(flavor)
        .iter()
        .find(|(candidate, _)| *candidate == name)
        .map(|(_, pattern)| *pattern);
    Some(rewritten.unwrap_or(defined))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::all_format_names;
    use regex::Regex;

    const ALL_FLAVORS: [RegexFlavor; 4] = [
        RegexFlavor::Postgres,
        RegexFlavor::MySql,
        RegexFlavor::Sqlite,
        RegexFlavor::Java,
    ];

    fn compiled(name: &str, flavor: RegexFlavor) -> Regex {
        Regex::new(format_regex(name, flavor).expect("known format")).expect("pattern compiles")
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
    }

    #[test]
    fn unknown_names_resolve_to_nothing() {
        for flavor in ALL_FLAVORS {
            assert_eq!(format_regex("non existing format", flavor), None);
            assert_eq!(format_regex("Integer", flavor), None);
            assert_eq!(format_regex(" integer", flavor), None);
        }
        for (name, _) in MYSQL_OVERRIDES.iter().chain(SQLITE_OVERRIDES) {
            assert!(
                all_format_names().contains(name),
                "override for unknown {name}"
            );
        }
    }

    #[test]
    fn postgres_and_java_use_the_defined_patterns_verbatim() {
        for name in all_format_names() {
            assert_eq!(
                format_regex(name, RegexFlavor::Postgres),
                format_pattern(name)
            );
            assert_eq!(format_regex(name, RegexFlavor::Java), format_pattern(name));
        }
    }

    #[test]
    fn mysql_differs_from_the_definition_only_for_its_overrides() {
        let changed = [
            "percentage",
            "decimal",
            "integer",
            "positive integer",
            "negative integer",
            "date iso 8601",
        ];
        for name in all_format_names() {
            let defined = format_pattern(name);
            let mysql = format_regex(name, RegexFlavor::MySql);
            if changed.contains(name) {
                assert_ne!(defined, mysql, "{name} should be overridden");
            } else {
                assert_eq!(defined, mysql, "{name} should be the defined pattern");
            }
        }
        assert_eq!(MYSQL_OVERRIDES.len(), 6);
        assert_eq!(
            format_regex("email", RegexFlavor::MySql),
            format_regex("email", RegexFlavor::Postgres)
        );
    }

    #[test]
    fn mysql_date_iso_8601_is_derived_from_the_definition_as_described() {
        let derived = format_pattern("date iso 8601")
            .expect("defined")
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
    fn sqlite_matches_the_definition_because_no_pattern_needs_rewriting() {
        for name in all_format_names() {
            assert_eq!(
                format_regex(name, RegexFlavor::Sqlite),
                format_pattern(name)
            );
        }
    }

    // The checks language's ISO 8601 vectors, which the defined pattern (PostgreSQL's and
    // Spark's flavour, unchanged) and every rewrite must hold: MySQL's narrower timezone hours
    // keep them all.
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
        for flavor in [RegexFlavor::Postgres, RegexFlavor::Sqlite] {
            let re = compiled("date iso 8601", flavor);
            assert_vectors("date iso 8601", &re, &ISO_PASS, &ISO_FAIL);
        }
    }

    #[test]
    fn mysql_overrides_behave_as_documented() {
        let mysql = |name: &str| compiled(name, RegexFlavor::MySql);
        let sqlite = |name: &str| compiled(name, RegexFlavor::Sqlite);
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
    fn sqlite_digit_classes_are_unicode_aware() {
        // Recorded divergence from Postgres (libc locale), see SQLITE_OVERRIDES.
        let sqlite = |name: &str| compiled(name, RegexFlavor::Sqlite);
        assert!(sqlite("decimal").is_match("\u{661}\u{662}"));
        assert!(!sqlite("integer").is_match("\u{661}\u{662}"));
    }
}
