//! The grammar of one check line, one section header and one `when ...` threshold.
//!
//! Soda Core parses these with an ANTLR grammar whose lexer makes a single space the only
//! separator and reserves a few words; we keep those rules so that what Soda Core accepts we
//! accept, and report every rejection with the column where parsing stopped. One deliberate
//! difference: numbers in exponent notation (`1e3`) are numbers, not identifiers.
//!
//! All `parse_*` functions return a construct or a [`LineError`]; the error's `offset` is a byte
//! offset into the line, turned into a file column by the caller.

pub use super::ast::*;
use super::problem::{Found, Syntax};

/// Words that cannot be unquoted names (Soda's lexer ties them to keywords).
const RESERVED: &[&str] = &[
    "for", "and", "between", "not", "in", "warn", "fail", "pass", "change", "last", "with", "must",
    "default", "percent", "filter", "d", "h", "m",
];

struct Cursor<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(s: &'a str) -> Self {
        Cursor { s, pos: 0 }
    }

    fn rest(&self) -> &'a str {
        &self.s[self.pos..]
    }

    fn at_end(&self) -> bool {
        self.pos >= self.s.len()
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn error<T>(&self, syntax: Syntax) -> Result<T, LineError> {
        Err(LineError {
            offset: self.pos,
            syntax,
        })
    }

    /// `what` was expected where parsing stopped.
    fn expected<T>(&self, what: &'static str) -> Result<T, LineError> {
        self.error(Syntax::Expected {
            what,
            found: self.found(),
        })
    }

    fn found(&self) -> Found {
        match self.peek() {
            None => Found::End,
            Some(' ') => Found::Space,
            Some(_) => Found::Word(self.rest().chars().take_while(|c| *c != ' ').collect()),
        }
    }

    fn eat(&mut self, lit: &str) -> bool {
        if self.rest().starts_with(lit) {
            self.pos += lit.len();
            true
        } else {
            false
        }
    }

    /// `lit` followed by a word boundary.
    fn eat_word(&mut self, lit: &str) -> bool {
        if let Some(after) = self.rest().strip_prefix(lit) {
            let next = after.chars().next();
            if next.is_none_or(|c| !is_ident_char(c) || matches!(c, '(' | '[')) {
                self.pos += lit.len();
                return true;
            }
        }
        false
    }

    fn expect_space(&mut self) -> Result<(), LineError> {
        if !self.eat(" ") {
            return self.expected("a single space");
        }
        if self.peek() == Some(' ') {
            return self.error(Syntax::TwoSpaces);
        }
        Ok(())
    }

    fn expect_end(&self) -> Result<(), LineError> {
        if self.at_end() {
            Ok(())
        } else {
            self.error(Syntax::Unexpected(self.found()))
        }
    }

    /// A number: `[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?`, ending at a delimiter.
    fn parse_number(&mut self) -> Option<(f64, String)> {
        let rest = self.rest();
        let b = rest.as_bytes();
        let mut i = 0;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let digits_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let mut digits = i - digits_start;
        if i < b.len() && b[i] == b'.' {
            i += 1;
            let f = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            digits += i - f;
        }
        if digits == 0 {
            return None;
        }
        if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
            let mut j = i + 1;
            if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
                j += 1;
            }
            let e = j;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            if j > e {
                i = j;
            }
        }
        let next = rest[i..].chars().next();
        if next.is_some_and(|c| !matches!(c, ' ' | ')' | ',' | '%' | ']' | '(' | '<' | '>' | '=')) {
            return None;
        }
        let text = &rest[..i];
        let value = text.parse::<f64>().ok()?;
        self.pos += i;
        Some((value, text.to_string()))
    }

    /// An identifier: quoted (`"..."`, `` `...` ``, `[...]`) or unquoted. Quotes are kept.
    fn parse_ident(&mut self) -> Option<String> {
        let rest = self.rest();
        let first = rest.chars().next()?;
        let len = match first {
            '"' | '`' => {
                let mut escaped = false;
                let mut end = None;
                for (i, c) in rest.char_indices().skip(1) {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == first {
                        end = Some(i + c.len_utf8());
                        break;
                    }
                }
                end?
            }
            '[' => {
                let second = rest[1..].chars().next()?;
                if !(second.is_alphabetic() || second == '_' || second == '$') {
                    return None;
                }
                let close = rest.find(']')?;
                if close < 2 {
                    return None;
                }
                close + 1
            }
            c if c.is_alphabetic() || c == '_' || c == '$' || c.is_ascii_digit() => {
                let mut end = 0;
                let mut seen_letter = !c.is_ascii_digit();
                for (i, ch) in rest.char_indices() {
                    if !is_ident_char(ch) {
                        break;
                    }
                    if !seen_letter {
                        if ch.is_ascii_digit() {
                            end = i + 1;
                            continue;
                        }
                        if ch.is_alphabetic() || ch == '_' || ch == '$' {
                            seen_letter = true;
                        } else {
                            return None;
                        }
                    }
                    end = i + ch.len_utf8();
                }
                if !seen_letter {
                    return None;
                }
                end
            }
            _ => return None,
        };
        let text = &rest[..len];
        if RESERVED.contains(&text) {
            return None;
        }
        self.pos += len;
        Some(text.to_string())
    }

    fn parse_operand(&mut self) -> Result<Operand, LineError> {
        if let Some(d) = self.parse_duration() {
            return Ok(d);
        }
        if let Some((value, _)) = self.parse_number() {
            // `%` is decoration: `< 5%` and `< 5 %` both mean `< 5`.
            if !self.eat("%") && self.rest().starts_with(" %") {
                self.pos += 2;
            }
            return Ok(Operand::Number(value));
        }
        let start = self.pos;
        if let Some(ident) = self.parse_ident() {
            if ident.starts_with('"') || ident.starts_with('`') || ident.starts_with('[') {
                self.pos = start;
                return self.expected("a number or a variable");
            }
            return Ok(Operand::Variable(ident));
        }
        self.expected("a number or a variable")
    }

    /// `(\d+[dhm])+` followed by a delimiter.
    fn parse_duration(&mut self) -> Option<Operand> {
        let rest = self.rest();
        let b = rest.as_bytes();
        let mut i = 0;
        let mut seconds: i64 = 0;
        let mut pieces = 0;
        loop {
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if i == start || i >= b.len() {
                i = start;
                break;
            }
            let n: i64 = rest[start..i].parse().ok()?;
            let unit = match b[i] {
                b'd' => 86_400,
                b'h' => 3_600,
                b'm' => 60,
                _ => {
                    i = start;
                    break;
                }
            };
            i += 1;
            seconds = seconds.checked_add(n.checked_mul(unit)?)?;
            pieces += 1;
        }
        if pieces == 0 {
            return None;
        }
        if rest[i..]
            .chars()
            .next()
            .is_some_and(|c| c != ' ' && c != ')' && c != ']')
        {
            return None;
        }
        let text = rest[..i].to_string();
        self.pos += i;
        Some(Operand::Duration { seconds, text })
    }

    fn parse_threshold(&mut self) -> Result<Threshold, LineError> {
        if self.eat_word("not") {
            self.expect_space()?;
            if !self.eat_word("between") {
                return self.expected("'between' after 'not'");
            }
            return self.parse_between(true);
        }
        if self.eat_word("between") {
            return self.parse_between(false);
        }
        let cmp = if self.eat("<=") {
            Comparator::Le
        } else if self.eat(">=") {
            Comparator::Ge
        } else if self.eat("!=") || self.eat("<>") {
            Comparator::Ne
        } else if self.eat("<") {
            Comparator::Lt
        } else if self.eat(">") {
            Comparator::Gt
        } else if self.eat("=") {
            Comparator::Eq
        } else {
            return self.expected("a threshold (<, <=, =, >=, >, !=, <>, between, not between)");
        };
        self.expect_space()?;
        if cmp == Comparator::Lt && self.eat_word("default") {
            return Ok(Threshold::Default);
        }
        let operand = self.parse_operand()?;
        Ok(Threshold::Compare(cmp, operand))
    }

    fn parse_between(&mut self, negated: bool) -> Result<Threshold, LineError> {
        self.expect_space()?;
        let low_inclusive = if self.eat("(") {
            false
        } else {
            self.eat("[");
            true
        };
        let low = self.parse_operand()?;
        self.expect_space()?;
        if !self.eat_word("and") {
            return self.expected("'and'");
        }
        self.expect_space()?;
        let high = self.parse_operand()?;
        let high_inclusive = if self.eat(")") {
            false
        } else {
            self.eat("]");
            true
        };
        Ok(Threshold::Between {
            negated,
            low,
            low_inclusive,
            high,
            high_inclusive,
        })
    }
}

fn is_ident_char(c: char) -> bool {
    !matches!(c, ' ' | '<' | '=' | '>' | '(' | ')' | '[' | ']' | ',')
}

impl Cursor<'_> {
    fn expect_ident(&mut self, what: &'static str) -> Result<String, LineError> {
        match self.parse_ident() {
            Some(i) => Ok(i),
            None => self.expected(what),
        }
    }

    /// `(a, b)` or a single bare name.
    fn parse_column_list(&mut self) -> Result<Vec<String>, LineError> {
        if !self.eat("(") {
            return Ok(vec![self.expect_ident("a column name")?]);
        }
        let mut cols = vec![self.expect_ident("a column name")?];
        while self.eat(",") {
            self.expect_space()?;
            cols.push(self.expect_ident("a column name")?);
        }
        if !self.eat(")") {
            return self.expected("',' or ')'");
        }
        Ok(cols)
    }
}

fn parse_reference(c: &mut Cursor) -> Result<CheckLine, LineError> {
    // Soda's grammar: both column lists in parentheses, or (one column each) neither.
    let parenthesized = c.s[c.pos..].starts_with('(');
    let source = c.parse_column_list()?;
    c.expect_space()?;
    if !c.eat_word("must") {
        return c.expected("'must exist in' or 'must not exist in'");
    }
    c.expect_space()?;
    let must_exist = if c.eat_word("not") {
        c.expect_space()?;
        false
    } else {
        true
    };
    if !c.eat("exist in") {
        return c.expected("'exist in'");
    }
    c.expect_space()?;
    let target_table = c.expect_ident("the referenced dataset")?;
    c.expect_space()?;
    if c.s[c.pos..].starts_with('(') != parenthesized {
        let form = if parenthesized {
            "'(' and the referenced columns, as for the source columns"
        } else {
            "one referenced column without parentheses, as for the source column (or parentheses around both)"
        };
        return c.expected(form);
    }
    let target = c.parse_column_list()?;
    c.expect_end()?;
    Ok(CheckLine::Reference {
        source,
        target_table,
        target,
        must_exist,
    })
}

fn parse_freshness_using(c: &mut Cursor) -> Result<CheckLine, LineError> {
    let column = c.expect_ident("a column name")?;
    let mut now_variable = None;
    let mut threshold = None;
    if c.eat(" with ") {
        now_variable = Some(c.expect_ident("a variable name")?);
    }
    if c.eat(" < ") {
        threshold = Some(c.parse_operand()?);
    }
    c.expect_end()?;
    Ok(CheckLine::FreshnessUsing {
        column,
        now_variable,
        threshold,
    })
}

fn parse_row_count_same_as(c: &mut Cursor) -> Result<CheckLine, LineError> {
    let table = c.expect_ident("a dataset name")?;
    let mut partition = None;
    let mut data_source = None;
    if !c.at_end() && !c.rest().starts_with(" in ") {
        c.expect_space()?;
        partition = Some(strip_brackets(c.expect_ident("a partition name")?));
    }
    if c.eat(" in ") {
        data_source = Some(c.expect_ident("a data source name")?);
    }
    c.expect_end()?;
    Ok(CheckLine::RowCountSameAs {
        table,
        partition,
        data_source,
    })
}

/// Parses a check line (the text of a list item or its single key).
pub fn parse_check_line(line: &str) -> Result<CheckLine, LineError> {
    for (prefix, detection) in [
        ("anomaly score for ", false),
        ("anomaly detection for ", true),
    ] {
        if let Some(rest) = line.strip_prefix(prefix) {
            let inner = parse_check_line(rest).map_err(|e| shifted(e, prefix.len()))?;
            return Ok(CheckLine::Anomaly {
                detection,
                inner: Box::new(inner),
            });
        }
    }
    let mut c = Cursor::new(line);
    if c.eat("change ") {
        return parse_change(&mut c);
    }
    if c.eat("values in ") {
        return parse_reference(&mut c);
    }
    if c.eat("freshness using ") {
        return parse_freshness_using(&mut c);
    }
    if c.eat("row_count same as ") {
        return parse_row_count_same_as(&mut c);
    }
    parse_metric(&mut c)
}

/// An error of a nested line, moved to where that line starts in the outer one.
fn shifted(e: LineError, by: usize) -> LineError {
    LineError {
        offset: e.offset + by,
        syntax: e.syntax,
    }
}

/// After `change `: the history window, `percent`, then `for` and a metric check line.
fn parse_change(c: &mut Cursor) -> Result<CheckLine, LineError> {
    let history = parse_history_window(c)?;
    let percent = c.eat("percent ");
    if !c.eat("for ") {
        return c.expected("'for <metric>' in a change-over-time check");
    }
    let at = c.pos;
    let inner = parse_check_line(c.rest()).map_err(|e| shifted(e, at))?;
    if !matches!(inner, CheckLine::Metric { .. }) {
        return c.error(Syntax::ChangeNeedsMetric);
    }
    Ok(CheckLine::Change {
        history,
        percent,
        inner: Box::new(inner),
    })
}

/// `same day last week`, `avg|min|max last N`, or nothing (the latest measurement).
fn parse_history_window(c: &mut Cursor) -> Result<HistoryWindow, LineError> {
    if c.eat("same day last week ") {
        return Ok(HistoryWindow::SameDayLastWeek);
    }
    if c.eat("same day last month ") {
        return Ok(HistoryWindow::Last);
    }
    for f in ["avg", "min", "max"] {
        if c.eat(&format!("{f} last ")) {
            let digits: String = c.rest().chars().take_while(char::is_ascii_digit).collect();
            let Ok(count) = digits.parse::<usize>() else {
                return c.error(Syntax::MeasurementCount { function: f });
            };
            c.pos += digits.len();
            c.expect_space()?;
            return Ok(HistoryWindow::Aggregate {
                function: f.to_string(),
                count,
            });
        }
    }
    Ok(HistoryWindow::Last)
}

/// `metric`, `metric(args)`, either followed by an optional threshold.
fn parse_metric(c: &mut Cursor) -> Result<CheckLine, LineError> {
    let Some(metric) = c.parse_ident() else {
        return c.expected("a metric name");
    };
    let args = if c.eat("(") {
        parse_args(c)?
    } else {
        Vec::new()
    };
    if c.at_end() {
        return Ok(CheckLine::Metric {
            metric,
            args,
            threshold: None,
        });
    }
    c.expect_space()?;
    let threshold = c.parse_threshold()?;
    c.expect_end()?;
    Ok(CheckLine::Metric {
        metric,
        args,
        threshold: Some(threshold),
    })
}

/// After `(`: numbers and names separated by `, `, up to and including `)`.
fn parse_args(c: &mut Cursor) -> Result<Vec<Arg>, LineError> {
    let mut args = Vec::new();
    loop {
        if let Some((value, text)) = c.parse_number() {
            args.push(Arg::Number { value, text });
        } else if let Some(ident) = c.parse_ident() {
            args.push(Arg::Ident(ident));
        } else {
            return c.expected("a column name or a number");
        }
        if c.eat(")") {
            return Ok(args);
        }
        if !c.eat(",") {
            return c.expected("',' or ')'");
        }
        c.expect_space()?;
    }
}

/// Parses the text after `when ` in a `warn:`/`fail:` value.
pub fn parse_when(text: &str) -> Result<Threshold, LineError> {
    let mut c = Cursor::new(text);
    let t = c.parse_threshold()?;
    c.expect_end()?;
    Ok(t)
}

fn strip_brackets(p: String) -> String {
    if p.starts_with('[') && p.ends_with(']') && p.len() >= 2 {
        p[1..p.len() - 1].to_string()
    } else {
        p
    }
}

/// Parses a section header such as `checks for orders [daily]`.
pub fn parse_header(text: &str) -> Result<Header, LineError> {
    let mut c = Cursor::new(text);
    let table_then = |c: &mut Cursor| -> Result<String, LineError> {
        c.expect_space()?;
        match c.parse_ident() {
            Some(t) => Ok(t),
            None => c.expected("a dataset name"),
        }
    };
    let partition = |c: &mut Cursor| -> Result<String, LineError> {
        c.expect_space()?;
        // Soda needs two characters inside brackets; one is accepted here.
        if c.rest().starts_with('[') && c.rest().len() >= 3 && c.rest().ends_with(']') {
            let p = c.rest()[1..c.rest().len() - 1].to_string();
            c.pos = c.s.len();
            return Ok(p);
        }
        match c.parse_ident() {
            Some(p) => Ok(strip_brackets(p)),
            None => c.expected("a partition name"),
        }
    };
    let header = if c.eat("checks for") {
        let table = table_then(&mut c)?;
        let partition = if c.at_end() {
            None
        } else {
            Some(partition(&mut c)?)
        };
        Header::ChecksFor { table, partition }
    } else if c.eat("configurations for") {
        Header::ConfigurationsFor {
            table: table_then(&mut c)?,
        }
    } else if c.eat_word("filter") {
        let table = table_then(&mut c)?;
        let partition = partition(&mut c)?;
        Header::Filter { table, partition }
    } else if c.eat("for each dataset") || c.eat("for each table") {
        Header::ForEachDataset {
            alias: table_then(&mut c)?,
        }
    } else if c.eat("for each column") {
        Header::ForEachColumn {
            alias: table_then(&mut c)?,
        }
    } else {
        return c.error(Syntax::NotAHeader);
    };
    c.expect_end()?;
    Ok(header)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metric(line: &str) -> (String, Vec<Arg>, Option<Threshold>) {
        match parse_check_line(line).unwrap() {
            CheckLine::Metric {
                metric,
                args,
                threshold,
            } => (metric, args, threshold),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn metric_with_args_and_threshold() {
        let (m, args, t) = metric("percentile(amount, 0.95) > 500");
        assert_eq!(m, "percentile");
        assert_eq!(args[0], Arg::Ident("amount".into()));
        assert_eq!(args[1].text(), "0.95");
        assert_eq!(
            t,
            Some(Threshold::Compare(Comparator::Gt, Operand::Number(500.0)))
        );
    }

    #[test]
    fn between_brackets_and_percent() {
        let (_, _, t) = metric("row_count between (9 and 15]");
        assert_eq!(
            t,
            Some(Threshold::Between {
                negated: false,
                low: Operand::Number(9.0),
                low_inclusive: false,
                high: Operand::Number(15.0),
                high_inclusive: true
            })
        );
        let (_, _, t) = metric("missing_percent(x) < 10 %");
        assert_eq!(
            t,
            Some(Threshold::Compare(Comparator::Lt, Operand::Number(10.0)))
        );
        let (_, _, t) = metric("avg(amount) between -10.5 and 1e3");
        assert!(
            matches!(t, Some(Threshold::Between { high: Operand::Number(h), .. }) if h == 1000.0)
        );
    }

    #[test]
    fn variables_and_durations() {
        let (_, _, t) = metric("row_count = ${ROWS}");
        assert_eq!(
            t,
            Some(Threshold::Compare(
                Comparator::Eq,
                Operand::Variable("${ROWS}".into())
            ))
        );
        let (_, _, t) = metric("freshness(ts) < 1d6h");
        assert_eq!(
            t,
            Some(Threshold::Compare(
                Comparator::Lt,
                Operand::Duration {
                    seconds: 108_000,
                    text: "1d6h".into()
                }
            ))
        );
    }

    #[test]
    fn syntax_errors_have_offsets() {
        assert_eq!(parse_check_line("row_count >").unwrap_err().offset, 11);
        assert!(parse_check_line("row_count = = 3").is_err());
        assert!(parse_check_line("missing_count(email) = 0 extra").is_err());
        assert!(parse_check_line("row_count  > 0").is_err());
        assert!(parse_check_line("row_count>0").is_err());
        assert!(parse_check_line("min(last) > 0").is_err());
    }

    #[test]
    fn other_check_lines() {
        assert_eq!(
            parse_check_line("values in (a, b) must not exist in other (x, y)").unwrap(),
            CheckLine::Reference {
                source: vec!["a".into(), "b".into()],
                target_table: "other".into(),
                target: vec!["x".into(), "y".into()],
                must_exist: false
            }
        );
        assert_eq!(
            parse_check_line("values in country must exist in countries code").unwrap(),
            CheckLine::Reference {
                source: vec!["country".into()],
                target_table: "countries".into(),
                target: vec!["code".into()],
                must_exist: true
            }
        );
        assert_eq!(
            parse_check_line("row_count same as orders_copy [recent] in other_ds").unwrap(),
            CheckLine::RowCountSameAs {
                table: "orders_copy".into(),
                partition: Some("recent".into()),
                data_source: Some("other_ds".into())
            }
        );
        assert!(matches!(
            parse_check_line("freshness using ordered_at with SNAPSHOT < 1h").unwrap(),
            CheckLine::FreshnessUsing {
                now_variable: Some(_),
                threshold: Some(_),
                ..
            }
        ));
        assert!(matches!(
            parse_check_line("change avg last 7 percent for row_count < 10%").unwrap(),
            CheckLine::Change {
                percent: true,
                history: HistoryWindow::Aggregate { count: 7, .. },
                ..
            }
        ));
        assert!(matches!(
            parse_check_line("anomaly score for row_count < default").unwrap(),
            CheckLine::Anomaly {
                detection: false,
                ..
            }
        ));
        assert!(parse_check_line("values in (a, b) must exist in other (x, d)").is_err());
    }

    #[test]
    fn quoted_names() {
        let (m, args, _) = metric("missing_count(\"Full Name\") = 0");
        assert_eq!(m, "missing_count");
        assert_eq!(args[0], Arg::Ident("\"Full Name\"".into()));
    }

    #[test]
    fn headers() {
        assert_eq!(
            parse_header("checks for orders [daily]").unwrap(),
            Header::ChecksFor {
                table: "orders".into(),
                partition: Some("daily".into())
            }
        );
        assert_eq!(
            parse_header("filter orders [p]").unwrap(),
            Header::Filter {
                table: "orders".into(),
                partition: "p".into()
            }
        );
        assert!(parse_header("check for customers").is_err());
        assert!(parse_header("checks for  orders").is_err());
    }

    #[test]
    fn when_thresholds() {
        assert_eq!(
            parse_when("not between 10 and 20").unwrap(),
            Threshold::Between {
                negated: true,
                low: Operand::Number(10.0),
                low_inclusive: true,
                high: Operand::Number(20.0),
                high_inclusive: true
            }
        );
    }
}

#[cfg(test)]
mod robustness {
    use super::*;

    /// Deterministic pseudo-random strings from the characters the grammar cares about
    /// (and some multi-byte ones): no input may panic the parsers.
    #[test]
    fn arbitrary_lines_never_panic() {
        let alphabet: Vec<char> = "ab_$ (),[]<>=!%-+.0123456789dhm\"`'é€🦀\\{}#;:"
            .chars()
            .collect();
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let words = [
            "row_count",
            "missing_count(",
            "between ",
            "not ",
            "and ",
            "values in ",
            "must exist in ",
            "change ",
            "for ",
            "anomaly score for ",
            "freshness using ",
            "row_count same as ",
            "checks for ",
            "filter ",
            "percent ",
            "avg last 7 ",
            "1e3",
            "${X}",
            "[p]",
        ];
        for _ in 0..20_000 {
            let len = (next() % 24) as usize;
            let mut s = String::new();
            for _ in 0..len {
                if next() % 4 == 0 {
                    s.push_str(words[(next() % words.len() as u64) as usize]);
                } else {
                    s.push(alphabet[(next() % alphabet.len() as u64) as usize]);
                }
            }
            let _ = parse_check_line(&s);
            let _ = parse_header(&s);
            let _ = parse_when(&s);
            let _ = crate::template::Vars::default().render(&s);
            let _ = crate::yaml::parse(&s);
        }
    }
}
