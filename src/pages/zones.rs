//! How threshold zones and numbers read on the pages: a zone's bounds and the value ranges it
//! covers (for the chart's bands), a zone in words (`< 10 or > 20`), and numbers short
//! enough for axis labels and tables.
//!
//! Apart from the outcome facts because only the check page and its chart need them, and the
//! rules for `not between` zones are easier to test on their own.

use crate::results::stored::Zone;

/// A zone's lower and upper bounds, each with its comparison sign.
pub fn bounds(zone: &Zone) -> Vec<(&'static str, f64)> {
    [
        (">=", zone.greater_than_or_equal),
        (">", zone.greater_than),
        ("<", zone.less_than),
        ("<=", zone.less_than_or_equal),
    ]
    .into_iter()
    .filter_map(|(sign, v)| v.filter(|v| v.is_finite()).map(|v| (sign, v)))
    .collect()
}

/// The value intervals a zone covers. With a lower and an upper bound, the zone is the range
/// between them when lower <= upper (`between`), else the two outer ranges (`not between`,
/// which Soda Cloud writes as `greaterThan 20, lessThan 10`).
pub fn covered(zone: &Zone) -> Vec<(f64, f64)> {
    let lower = max_finite([zone.greater_than_or_equal, zone.greater_than], f64::max);
    let upper = max_finite([zone.less_than, zone.less_than_or_equal], f64::min);
    match (lower, upper) {
        (None, None) => Vec::new(),
        (Some(lo), None) => vec![(lo, f64::INFINITY)],
        (None, Some(hi)) => vec![(f64::NEG_INFINITY, hi)],
        (Some(lo), Some(hi)) if lo <= hi => vec![(lo, hi)],
        (Some(lo), Some(hi)) => vec![(f64::NEG_INFINITY, hi), (lo, f64::INFINITY)],
    }
}

fn max_finite(values: [Option<f64>; 2], pick: fn(f64, f64) -> f64) -> Option<f64> {
    values
        .into_iter()
        .flatten()
        .filter(|v| v.is_finite())
        .reduce(pick)
}

/// A zone in words, e.g. `< 10`, `>= 10 and <= 20`, `< 10 or > 20`; empty without bounds.
pub fn zone_text(zone: &Zone) -> String {
    let parts: Vec<String> = bounds(zone)
        .into_iter()
        .map(|(sign, v)| format!("{} {}", pretty_sign(sign), number(v)))
        .collect();
    let lower = max_finite([zone.greater_than_or_equal, zone.greater_than], f64::max);
    let upper = max_finite([zone.less_than, zone.less_than_or_equal], f64::min);
    let joiner = match (lower, upper) {
        (Some(lo), Some(hi)) if lo > hi => " or ",
        _ => " and ",
    };
    if joiner == " or " {
        // Upper bound first reads naturally: "< 10 or > 20".
        let (up, low): (Vec<_>, Vec<_>) = parts
            .into_iter()
            .partition(|p| p.starts_with('<') || p.starts_with('≤'));
        return up.into_iter().chain(low).collect::<Vec<_>>().join(joiner);
    }
    parts.join(joiner)
}

/// The comparison sign as shown (≥ and ≤ rather than >= and <=).
pub fn pretty_sign(sign: &str) -> &'static str {
    match sign {
        ">=" => "≥",
        ">" => ">",
        "<" => "<",
        _ => "≤",
    }
}

/// A number as axis and threshold labels show it: integers in full, others with six
/// significant digits, very large or small ones in scientific notation.
pub fn number(v: f64) -> String {
    if !v.is_finite() {
        return format!("{v}");
    }
    let a = v.abs();
    if a == 0.0 {
        return "0".to_string();
    }
    if v.fract() == 0.0 && a < 1e15 {
        return format!("{v:.0}");
    }
    if !(1e-4..1e15).contains(&a) {
        let s = format!("{v:.3e}");
        return match s.split_once('e') {
            Some((mantissa, exp)) => format!("{}e{exp}", trim_zeros(mantissa)),
            None => s,
        };
    }
    let decimals = (5 - a.log10().floor() as i32).clamp(0, 12) as usize;
    trim_zeros(&format!("{v:.decimals$}")).to_string()
}

fn trim_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_read_as_ranges() {
        let below = Zone {
            less_than: Some(10.0),
            ..Zone::default()
        };
        assert_eq!(zone_text(&below), "< 10");
        assert_eq!(covered(&below), vec![(f64::NEG_INFINITY, 10.0)]);
        let between = Zone {
            greater_than_or_equal: Some(10.0),
            less_than_or_equal: Some(20.5),
            ..Zone::default()
        };
        assert_eq!(zone_text(&between), "≥ 10 and ≤ 20.5");
        assert_eq!(covered(&between), vec![(10.0, 20.5)]);
        let outside = Zone {
            greater_than: Some(20.0),
            less_than: Some(10.0),
            ..Zone::default()
        };
        assert_eq!(zone_text(&outside), "< 10 or > 20");
        assert_eq!(
            covered(&outside),
            vec![(f64::NEG_INFINITY, 10.0), (20.0, f64::INFINITY)]
        );
        let odd = Zone {
            greater_than: Some(f64::NAN),
            less_than: Some(f64::INFINITY),
            ..Zone::default()
        };
        assert_eq!(zone_text(&odd), "");
        assert!(covered(&odd).is_empty() && bounds(&odd).is_empty());
    }

    #[test]
    fn numbers_read_short() {
        assert_eq!(number(0.0), "0");
        assert_eq!(number(-0.0), "0");
        assert_eq!(number(42.0), "42");
        assert_eq!(number(-1234567.0), "-1234567");
        assert_eq!(number(0.05), "0.05");
        assert_eq!(number(1234.5678), "1234.57");
        assert_eq!(number(1e20), "1e20");
        assert_eq!(number(-1.5e300), "-1.5e300");
        assert_eq!(number(1.25e-7), "1.25e-7");
        assert_eq!(number(f64::MAX), "1.798e308");
    }
}
