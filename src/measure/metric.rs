//! What a metric is told to measure beyond its column: the aggregate it computes and the
//! missing and validity settings (`missing values`, `valid format`, ...) that decide which
//! values count as missing, valid or invalid.
//!
//! The checks files declare these and the engine renders them into SQL; they live here, in the
//! data the stages share, so that the engine reads the plan without knowing the checks
//! language.

/// A literal in a `missing values` / `valid values` / `invalid values` list.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Str(String),
    /// A number with its YAML text (`0`, `-1`, `2.0`).
    Num {
        value: f64,
        is_int: bool,
    },
}

/// Missing and validity configuration of one metric (check-level or column-level).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Validity {
    pub missing_values: Option<Vec<Literal>>,
    pub missing_format: Option<String>,
    pub missing_regex: Option<String>,
    pub valid_values: Option<Vec<Literal>>,
    pub valid_format: Option<String>,
    pub valid_regex: Option<String>,
    pub valid_length: Option<i64>,
    pub valid_min_length: Option<i64>,
    pub valid_max_length: Option<i64>,
    pub valid_min: Option<f64>,
    pub valid_max: Option<f64>,
    pub invalid_values: Option<Vec<Literal>>,
    pub invalid_format: Option<String>,
    pub invalid_regex: Option<String>,
    pub include_null: Option<bool>,
}

impl Validity {
    pub fn is_empty(&self) -> bool {
        *self == Validity::default()
    }

    /// Merges a column configuration into check-level settings (sodacl.md §4.5.4): lists are
    /// concatenated (check values first), scalars fall back to the column's; `invalid *` from
    /// `configurations for` is ignored, as in Soda Core.
    pub fn merged_with_column(&self, column: &Validity) -> Validity {
        let concat = |a: &Option<Vec<Literal>>, b: &Option<Vec<Literal>>| match (a, b) {
            (None, None) => None,
            (Some(x), None) => Some(x.clone()),
            (None, Some(y)) => Some(y.clone()),
            (Some(x), Some(y)) => Some(x.iter().chain(y.iter()).cloned().collect()),
        };
        Validity {
            missing_values: concat(&self.missing_values, &column.missing_values),
            missing_format: self
                .missing_format
                .clone()
                .or(column.missing_format.clone()),
            missing_regex: self.missing_regex.clone().or(column.missing_regex.clone()),
            valid_values: concat(&self.valid_values, &column.valid_values),
            valid_format: self.valid_format.clone().or(column.valid_format.clone()),
            valid_regex: self.valid_regex.clone().or(column.valid_regex.clone()),
            valid_length: self.valid_length.or(column.valid_length),
            valid_min_length: self.valid_min_length.or(column.valid_min_length),
            valid_max_length: self.valid_max_length.or(column.valid_max_length),
            valid_min: self.valid_min.or(column.valid_min),
            valid_max: self.valid_max.or(column.valid_max),
            invalid_values: self.invalid_values.clone(),
            invalid_format: self.invalid_format.clone(),
            invalid_regex: self.invalid_regex.clone(),
            include_null: self.include_null.or(column.include_null),
        }
    }

    pub fn has_valid(&self) -> bool {
        self.valid_values.is_some()
            || self.valid_format.is_some()
            || self.valid_regex.is_some()
            || self.valid_length.is_some()
            || self.valid_min_length.is_some()
            || self.valid_max_length.is_some()
            || self.valid_min.is_some()
            || self.valid_max.is_some()
    }

    pub fn has_invalid(&self) -> bool {
        self.invalid_values.is_some()
            || self.invalid_format.is_some()
            || self.invalid_regex.is_some()
    }
}

/// Aggregates computed from a column expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregate {
    Min,
    Max,
    Avg,
    Sum,
    MinLength,
    MaxLength,
    AvgLength,
    Stddev,
    StddevPop,
    StddevSamp,
    Variance,
    VarPop,
    VarSamp,
}
