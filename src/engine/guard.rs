//! The single-statement guard: every query soda-rs sends must be exactly one statement, checked
//! before it is sent. SQLite would otherwise run every statement of the text; PostgreSQL and
//! MySQL refuse a second statement in prepared statements anyway, so this is the first of
//! several guards (read-only sessions and transactions are the others).

use crate::measure::EngineError;

/// How an engine's SQL text quotes things (for [`single_statement`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Quoting {
    /// A backslash escapes the next character inside string literals (MySQL).
    pub backslash_escapes: bool,
    /// `[name]` is a quoted identifier (SQLite).
    pub bracket_identifiers: bool,
    /// `$tag$ ... $tag$` strings (PostgreSQL).
    pub dollar_quotes: bool,
    /// `#` starts a comment (MySQL).
    pub hash_comments: bool,
}

// One character loop reads best whole: each quoting rule is an arm of the same scanner.
/// Returns the SQL without a trailing `;`, or an error if the text holds more than one
/// statement.
pub fn single_statement(sql: &str, q: Quoting) -> Result<String, EngineError> {
    let chars: Vec<char> = sql.chars().collect();
    let n = chars.len();
    let mut i = 0;
    let mut end_of_first: Option<usize> = None;
    let second = || Err(EngineError::SecondStatement);
    while i < n {
        let c = chars[i];
        match c {
            '\'' | '"' | '`' => {
                let quote = c;
                i += 1;
                while i < n {
                    if q.backslash_escapes && chars[i] == '\\' && quote == '\'' {
                        i += 2;
                        continue;
                    }
                    if chars[i] == quote {
                        if chars.get(i + 1) == Some(&quote) {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
            }
            '[' if q.bracket_identifiers => {
                while i < n && chars[i] != ']' {
                    i += 1;
                }
            }
            '$' if q.dollar_quotes => {
                // `$tag$` opens a string that only the same `$tag$` closes.
                let mut j = i + 1;
                while j < n && (chars[j].is_alphanumeric() || chars[j] == '_') {
                    j += 1;
                }
                if j < n && chars[j] == '$' && !chars.get(i + 1).is_some_and(char::is_ascii_digit) {
                    let tag: String = chars[i..=j].iter().collect();
                    let rest: String = chars[j + 1..].iter().collect();
                    match rest.find(&tag) {
                        Some(at) => {
                            i = j + 1 + rest[..at].chars().count() + tag.chars().count() - 1
                        }
                        None => i = n,
                    }
                }
            }
            '-' if chars.get(i + 1) == Some(&'-') => {
                while i < n && chars[i] != '\n' {
                    i += 1;
                }
            }
            '#' if q.hash_comments => {
                while i < n && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if chars.get(i + 1) == Some(&'*') => {
                // Comments nest in PostgreSQL; counting depth is harmless elsewhere.
                let mut depth = 1;
                i += 2;
                while i < n && depth > 0 {
                    if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                        depth += 1;
                        i += 1;
                    } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                        depth -= 1;
                        i += 1;
                    }
                    i += 1;
                }
                continue;
            }
            ';' if end_of_first.is_none() => end_of_first = Some(i),
            c if !c.is_whitespace() && end_of_first.is_some() => return second(),
            _ => {}
        }
        i += 1;
    }
    Ok(match end_of_first {
        Some(end) => chars[..end].iter().collect(),
        None => sql.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::{single_statement, Quoting};

    #[test]
    fn one_statement_only() {
        let plain = Quoting::default();
        assert_eq!(single_statement("SELECT 1;  ", plain).unwrap(), "SELECT 1");
        assert!(single_statement("SELECT 1; DELETE FROM t", plain).is_err());
        assert!(single_statement("SELECT ';' AS x", plain).is_ok());
        assert!(single_statement("SELECT 1 -- ; DROP\n", plain).is_ok());
        assert!(single_statement("SELECT 'it''s; fine'", plain).is_ok());
        assert!(single_statement("SELECT 1 /* ; */ ; SELECT 2", plain).is_err());
        assert!(single_statement("SELECT 1 /* /* ; */ ; */", plain).is_ok());
        // A backslash ends nothing in standard SQL strings, but escapes a quote in MySQL's.
        assert!(single_statement("SELECT '\\'; x'", plain).is_err());
        let mysql = Quoting {
            backslash_escapes: true,
            hash_comments: true,
            ..plain
        };
        assert!(single_statement("SELECT '\\'; x'", mysql).is_ok());
        assert!(single_statement("SELECT 1 # ; x\n", mysql).is_ok());
        // SQLite's [identifiers] may hold quotes.
        let sqlite = Quoting {
            bracket_identifiers: true,
            ..plain
        };
        assert!(single_statement("SELECT 5 AS [a'b] WHERE 0; SELECT 42 --'", sqlite).is_err());
        // PostgreSQL dollar quotes may hold semicolons.
        let pg = Quoting {
            dollar_quotes: true,
            ..plain
        };
        assert!(single_statement("SELECT length($$a;b$$)", pg).is_ok());
        assert!(single_statement("SELECT $x$a;b$x$; DELETE FROM t", pg).is_err());
        assert!(single_statement("SELECT $1", pg).is_ok());
    }
}
