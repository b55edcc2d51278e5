//! Missing and validity settings (`missing values`, `valid format`, `valid min length`, ...):
//! the configuration keys of a check or of `configurations for`, read into [`Validity`].

use super::formats;
use super::model::Validity;
use super::problem::Problem;
use super::Parser;
use crate::yaml::{Node, Scalar};

/// A number a length or bound key holds (integers for lengths).
fn number(v: &Node, integer: bool) -> Option<f64> {
    match v.scalar() {
        Some(Scalar::Int(i)) => Some(*i as f64),
        Some(Scalar::Float(f)) if integer => Some(f.trunc()),
        Some(Scalar::Float(f)) => Some(*f),
        Some(Scalar::Str(s)) if integer => s.trim().parse::<i64>().ok().map(|i| i as f64),
        Some(Scalar::Str(s)) => s.trim().parse::<f64>().ok(),
        _ => None,
    }
}

impl Parser<'_> {
    /// Applies one missing/validity key; false when `key` is not one.
    pub(super) fn apply_validity_key(
        &mut self,
        file: &str,
        key: &str,
        key_node: &Node,
        v: &Node,
        validity: &mut Validity,
    ) -> bool {
        match key {
            "missing values" | "valid values" | "invalid values" => {
                let list = self.literal_list(file, key, v);
                let slot = match key {
                    "missing values" => &mut validity.missing_values,
                    "valid values" => &mut validity.valid_values,
                    _ => &mut validity.invalid_values,
                };
                if list.is_some() {
                    *slot = list;
                }
            }
            "missing format" | "valid format" | "invalid format" => {
                self.apply_format(file, key, key_node, v, validity);
            }
            "missing regex" | "valid regex" | "invalid regex" => {
                let Some(re) = self.string_value(file, key, v) else {
                    return true;
                };
                let slot = match key {
                    "missing regex" => &mut validity.missing_regex,
                    "valid regex" => &mut validity.valid_regex,
                    _ => &mut validity.invalid_regex,
                };
                *slot = Some(re);
            }
            "valid length" | "valid min length" | "valid max length" | "valid min"
            | "valid max" => self.apply_bound(file, key, v, validity),
            "include null" => match v.scalar() {
                Some(Scalar::Bool(b)) => validity.include_null = Some(*b),
                _ => self.error(
                    file,
                    v,
                    Problem::IncludeNull {
                        text: v.scalar_text().unwrap_or_default(),
                    },
                ),
            },
            _ => return false,
        }
        true
    }

    /// `missing format`, `valid format`, `invalid format`: a known format name.
    fn apply_format(
        &mut self,
        file: &str,
        key: &str,
        key_node: &Node,
        v: &Node,
        validity: &mut Validity,
    ) {
        let Some(name) = self.string_value(file, key, v) else {
            return;
        };
        if formats::format_pattern(&name).is_none() {
            // Soda Core ignores unknown formats silently; we refuse them (README).
            self.error(file, v, Problem::UnknownFormat { name: name.clone() });
        }
        let slot = match key {
            "missing format" => &mut validity.missing_format,
            "valid format" => &mut validity.valid_format,
            _ => &mut validity.invalid_format,
        };
        if slot.replace(name).is_some() {
            let key = key.to_string();
            self.warning(file, key_node, Problem::Overwriting { key });
        }
    }

    /// The length keys (integers) and `valid min` / `valid max` (numbers).
    fn apply_bound(&mut self, file: &str, key: &str, v: &Node, validity: &mut Validity) {
        let integer = key.ends_with("length");
        let Some(n) = number(v, integer) else {
            let bound = Problem::Bound {
                key: key.to_string(),
                integer,
                text: v.scalar_text().unwrap_or_default(),
            };
            self.error(file, v, bound);
            return;
        };
        match key {
            "valid length" => validity.valid_length = Some(n as i64),
            "valid min length" => validity.valid_min_length = Some(n as i64),
            "valid max length" => validity.valid_max_length = Some(n as i64),
            "valid min" => validity.valid_min = Some(n),
            _ => validity.valid_max = Some(n),
        }
    }
}
