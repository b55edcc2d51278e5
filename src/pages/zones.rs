//! How threshold zones read on the pages: a zone's bounds and the value ranges it covers (for
//! the chart's bands) and a zone in words (`< 10 or > 20`; numbers as [`super::numbers`]
//! writes them).
//!
//! Apart from the outcome facts because only the check page and its chart need them, and the
//! rules for `not between` zones are easier to test on their own.

use super::numbers::{show, Unit};
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
/// which Soda Cloud writes as `greaterThan 20, lessThan 10`). Soda writes "bad unless it is
/// exactly v" (`= 0`, a collapsed anomaly range) as `greaterThan v, lessThan v`: both sides.
pub fn covered(zone: &Zone) -> Vec<(f64, f64)> {
    let lower = max_finite([zone.greater_than_or_equal, zone.greater_than], f64::max);
    let upper = max_finite([zone.less_than, zone.less_than_or_equal], f64::min);
    match (lower, upper) {
        (None, None) => Vec::new(),
        (Some(lo), None) => vec![(lo, f64::INFINITY)],
        (None, Some(hi)) => vec![(f64::NEG_INFINITY, hi)],
        (Some(lo), Some(hi)) if lo < hi || (lo == hi && point_split(zone).is_none()) => {
            vec![(lo, hi)]
        }
        (Some(lo), Some(hi)) => vec![(f64::NEG_INFINITY, hi), (lo, f64::INFINITY)],
    }
}

/// The value `v` of a zone that is bad on both sides of it (`greaterThan v, lessThan v`).
pub fn point_split(zone: &Zone) -> Option<f64> {
    match (zone.greater_than, zone.less_than) {
        (Some(a), Some(b))
            if a == b
                && a.is_finite()
                && zone.greater_than_or_equal.is_none()
                && zone.less_than_or_equal.is_none() =>
        {
            Some(a)
        }
        _ => None,
    }
}

/// The bounds as labels name them: a zone bad on both sides of one value is one bound, `≠ v`.
pub fn labelled_bounds(zone: &Zone) -> Vec<(&'static str, f64)> {
    match point_split(zone) {
        Some(v) => vec![("!=", v)],
        None => bounds(zone),
    }
}

fn max_finite(values: [Option<f64>; 2], pick: fn(f64, f64) -> f64) -> Option<f64> {
    values
        .into_iter()
        .flatten()
        .filter(|v| v.is_finite())
        .reduce(pick)
}

/// A zone in words with its values in `unit`, e.g. `< 10`, `≥ 10 and ≤ 20`, `< 10 or > 20`,
/// `> 5%`, `> 1 d`; empty without bounds.
pub fn zone_text_in(zone: &Zone, unit: Unit) -> String {
    if let Some(v) = point_split(zone) {
        return format!("≠ {}", show(v, unit));
    }
    let parts: Vec<String> = bounds(zone)
        .into_iter()
        .map(|(sign, v)| format!("{} {}", pretty_sign(sign), show(v, unit)))
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
        "!=" => "≠",
        _ => "≤",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone_text(zone: &Zone) -> String {
        zone_text_in(zone, Unit::Plain)
    }

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
        let not_zero = Zone {
            greater_than: Some(0.0),
            less_than: Some(0.0),
            ..Zone::default()
        };
        assert_eq!(zone_text(&not_zero), "≠ 0");
        assert_eq!(
            covered(&not_zero),
            vec![(f64::NEG_INFINITY, 0.0), (0.0, f64::INFINITY)]
        );
        assert_eq!(labelled_bounds(&not_zero), vec![("!=", 0.0)]);
        assert!(covered(&odd).is_empty() && bounds(&odd).is_empty());
    }
}
