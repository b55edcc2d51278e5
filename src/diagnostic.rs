//! The scan log: every message a scan produces, with level and optional file location.
//!
//! Soda Core treats its log as data: error records decide the exit code, and the whole log
//! (console summary included) is part of the results document. [`Logs`] collects records in
//! order and echoes each one to a console sink as it is recorded, rendering `line:col` only at
//! that point. Detail text (a database message, the SQL) is shown on the console but kept out
//! of the results document, as Soda Core does.

use chrono::{DateTime, Local, Utc};
use std::io::Write;

/// Severity of a log record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
    Info,
    Debug,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Info => "info",
            Level::Debug => "debug",
        }
    }
}

/// A place in an input file (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub col: usize,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line={},col={} in {}", self.line, self.col, self.file)
    }
}

/// One log record.
#[derive(Debug, Clone)]
pub struct Record {
    pub level: Level,
    pub message: String,
    pub location: Option<Location>,
    /// Extra lines shown on the console under the message (`  | ...`), never stored.
    pub detail: Option<String>,
    pub timestamp: DateTime<Utc>,
    pub index: usize,
    /// How the console shows it (colour, kept by `-q`); never part of the stored record.
    pub mark: Mark,
}

/// The outcome a console line speaks of, which decides its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Pass,
    Warn,
    Fail,
    /// Not evaluated.
    Skip,
}

/// How one console line is shown: its colour, and whether `-q` keeps it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Mark {
    pub tone: Option<Tone>,
    /// Kept by `-q` (non-passing checks, their diagnostics, the verdict). Errors and warnings
    /// are always kept.
    pub essential: bool,
}

impl Mark {
    /// A line about an outcome: coloured by it, and kept by `-q` unless it passed.
    pub fn outcome(tone: Tone) -> Mark {
        Mark {
            tone: Some(tone),
            essential: tone != Tone::Pass,
        }
    }
}

/// How the console is drawn: colour on or off, everything or only what `-q` keeps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConsoleStyle {
    pub color: bool,
    pub quiet: bool,
}

/// The SGR colour of a tone, or of a record's level when it has none.
fn sgr(level: Level, tone: Option<Tone>) -> Option<&'static str> {
    match (tone, level) {
        (Some(Tone::Pass), _) => Some("32"),
        (Some(Tone::Warn), _) | (None, Level::Warning) => Some("33"),
        (Some(Tone::Fail), _) | (None, Level::Error) => Some("31"),
        (Some(Tone::Skip), _) => Some("35"),
        (None, Level::Info | Level::Debug) => None,
    }
}

/// Where console lines go.
pub type Sink = Box<dyn Write + Send>;

/// The ordered collection of a scan's log records.
pub struct Logs {
    records: Vec<Record>,
    verbose: bool,
    sink: Option<Sink>,
    style: ConsoleStyle,
    /// The text of the files read so far, by the name locations give: a located problem is
    /// shown on the console with its source line and a caret.
    sources: std::collections::HashMap<String, (std::sync::Arc<str>, Redact)>,
}

/// Whether a source's lines may hold secrets (a configuration file: passwords, API keys,
/// webhook URLs), whose values are then never shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Redact {
    Nothing,
    SecretValues,
}

impl Logs {
    /// A log that echoes to `sink` (stdout for the CLI); `None` keeps records silently.
    pub fn new(verbose: bool, sink: Option<Sink>) -> Logs {
        Logs {
            records: Vec::new(),
            verbose,
            sink,
            style: ConsoleStyle::default(),
            sources: std::collections::HashMap::new(),
        }
    }

    /// The same log, drawn with colour and/or `-q` on the console (the records are unchanged).
    pub fn with_style(mut self, style: ConsoleStyle) -> Logs {
        self.style = style;
        self
    }

    pub fn verbose(&self) -> bool {
        self.verbose
    }

    /// Keeps the text of a file that was read, so that problems located in it show its line.
    pub fn add_source(&mut self, file: &str, text: &str, redact: Redact) {
        self.sources.insert(file.to_string(), (text.into(), redact));
    }

    pub fn records(&self) -> &[Record] {
        &self.records
    }

    pub fn error_count(&self) -> usize {
        self.records
            .iter()
            .filter(|r| r.level == Level::Error)
            .count()
    }

    pub fn has_errors(&self) -> bool {
        self.error_count() > 0
    }

    pub fn error(&mut self, message: impl Into<String>) {
        self.log(Level::Error, message.into(), None, None);
    }

    pub fn error_at(&mut self, message: impl Into<String>, location: Option<Location>) {
        self.log(Level::Error, message.into(), location, None);
    }

    pub fn warning(&mut self, message: impl Into<String>) {
        self.log(Level::Warning, message.into(), None, None);
    }

    /// Logs a YAML syntax error of `file` at `line:col`, with the parser's words as detail.
    pub fn yaml_error(&mut self, file: &str, (line, col): (usize, usize), detail: String) {
        let location = Location {
            file: file.to_string(),
            line,
            col,
        };
        self.log(
            Level::Error,
            "YAML syntax error".into(),
            Some(location),
            Some(detail),
        );
    }

    /// Logs warnings and errors that share one location (the problems of one rendering).
    pub fn problems_at(
        &mut self,
        (warnings, errors): (Vec<String>, Vec<String>),
        location: Option<Location>,
    ) {
        for w in warnings {
            self.warning_at(w, location.clone());
        }
        for e in errors {
            self.error_at(e, location.clone());
        }
    }

    pub fn warning_at(&mut self, message: impl Into<String>, location: Option<Location>) {
        self.log(Level::Warning, message.into(), location, None);
    }

    pub fn info(&mut self, message: impl Into<String>) {
        self.log(Level::Info, message.into(), None, None);
    }

    /// An info line with a console [`Mark`] (an outcome's colour, kept by `-q`).
    pub fn info_marked(&mut self, message: impl Into<String>, mark: Mark) {
        self.push(Level::Info, message.into(), None, None, mark);
    }

    /// Debug records exist only with `-V`, as in Soda Core.
    pub fn debug(&mut self, message: impl Into<String>) {
        if self.verbose {
            self.log(Level::Debug, message.into(), None, None);
        }
    }

    /// Records a message with all its parts.
    pub fn log(
        &mut self,
        level: Level,
        message: String,
        location: Option<Location>,
        detail: Option<String>,
    ) {
        self.push(level, message, location, detail, Mark::default());
    }

    fn push(
        &mut self,
        level: Level,
        message: String,
        location: Option<Location>,
        detail: Option<String>,
        mark: Mark,
    ) {
        let record = Record {
            level,
            message,
            location,
            detail,
            timestamp: Utc::now(),
            index: self.records.len() + 1,
            mark,
        };
        self.echo(&record);
        self.records.push(record);
    }

    /// Prints a line that is not a log record (no timestamp, not stored); `-q` hides it.
    pub fn print_raw(&mut self, line: &str) {
        if !self.style.quiet {
            self.print_always(line);
        }
    }

    /// Prints a line that is not a log record, even with `-q` (the error recap, CI commands).
    pub fn print_always(&mut self, line: &str) {
        if let Some(sink) = self.sink.as_mut() {
            // A closed stdout (e.g. `| head`) must not abort the scan.
            let _ = writeln!(sink, "{line}");
        }
    }

    /// Re-prints every error record (the `ERRORS:` recap after the verdict).
    pub fn print_error_recap(&mut self) {
        let errors: Vec<Record> = self
            .records
            .iter()
            .filter(|r| r.level == Level::Error)
            .cloned()
            .collect();
        self.print_always("ERRORS:");
        for mut record in errors {
            record.timestamp = Utc::now();
            self.echo(&record);
        }
    }

    fn echo(&mut self, record: &Record) {
        let hidden = self.style.quiet
            && matches!(record.level, Level::Info | Level::Debug)
            && !record.mark.essential;
        let color = self.style.color;
        let Some(sink) = self.sink.as_mut().filter(|_| !hidden) else {
            return;
        };
        let time = record.timestamp.with_timezone(&Local).format("%H:%M:%S");
        let mut text = String::new();
        let mut lines = record.message.lines();
        let first = lines.next().unwrap_or("");
        // Colour stays on the console: the stored record (results document) never has it.
        match sgr(record.level, record.mark.tone).filter(|_| color) {
            Some(code) => {
                // The indentation stays uncoloured, so coloured lines still line up.
                let words = first.trim_start_matches(' ');
                let indent = &first[..first.len() - words.len()];
                text.push_str(&format!("[{time}] {indent}\x1b[{code}m{words}\x1b[0m\n"));
            }
            None => text.push_str(&format!("[{time}] {first}\n")),
        }
        for line in lines {
            text.push_str(line);
            text.push('\n');
        }
        if let Some(detail) = &record.detail {
            for line in detail.lines() {
                text.push_str(&format!("  | {line}\n"));
            }
        }
        if matches!(record.level, Level::Error | Level::Warning) {
            if let Some(location) = &record.location {
                text.push_str(&format!("  +-> {location}\n"));
                let source = self.sources.get(&location.file);
                let caret = sgr(record.level, None).filter(|_| color);
                if let Some(snippet) = source.and_then(|(s, r)| snippet(s, *r, location, caret)) {
                    text.push_str(&snippet);
                }
            }
        }
        let _ = sink.write_all(text.as_bytes());
        let _ = sink.flush();
    }
}

/// The source line of a location with a caret under its column, as compilers show it:
///
/// ```text
///    4 | →  warn: when > 0
///      |    ^
/// ```
///
/// A tab shows as `→` (one column, so the caret stays under it); a long line is cut to the
/// part around the column. `None` when the line is not in the text.
fn snippet(
    source: &str,
    redact: Redact,
    at: &Location,
    caret_colour: Option<&str>,
) -> Option<String> {
    const WIDTH: usize = 100;
    let line = source.lines().nth(at.line.checked_sub(1)?)?;
    let line = match redact {
        Redact::Nothing => line.to_string(),
        Redact::SecretValues => redacted(line),
    };
    let chars: Vec<char> = line
        .chars()
        .map(|c| if c == '\t' { '→' } else { c })
        .filter(|c| !c.is_control())
        .collect();
    let col = at.col.max(1) - 1;
    let start = col.saturating_sub(WIDTH / 2).min(chars.len());
    let end = (start + WIDTH).min(chars.len());
    let mut shown: String = chars[start..end].iter().collect();
    let mut offset = col - start;
    if start > 0 {
        shown.insert(0, '…');
        offset += 1;
    }
    if end < chars.len() {
        shown.push('…');
    }
    let number = at.line.to_string();
    let gutter = " ".repeat(number.len());
    let caret = match caret_colour {
        Some(code) => format!("\x1b[{code}m^\x1b[0m"),
        None => "^".to_string(),
    };
    Some(format!(
        "  {number} | {}\n  {gutter} | {}{caret}\n",
        shown.trim_end(),
        " ".repeat(offset)
    ))
}

/// A configuration line as it may be shown: the value of a key that can hold a secret (or of
/// any key whose value looks like a URL) replaced by `***`.
fn redacted(line: &str) -> String {
    const SECRET_WORDS: [&str; 14] = [
        "password",
        "passwd",
        "secret",
        "token",
        "key",
        "url",
        "webhook",
        "login",
        "user",
        "account",
        "private",
        "credential",
        "auth",
        "dsn",
    ];
    let Some((key, value)) = line.split_once(':') else {
        return line.to_string();
    };
    let name = key
        .trim()
        .trim_start_matches('-')
        .trim()
        .to_ascii_lowercase();
    let secret = SECRET_WORDS.iter().any(|w| name.contains(w)) || value.contains("://");
    if secret && !value.trim().is_empty() {
        format!("{key}: ***")
    } else {
        line.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize, col: usize) -> Location {
        Location {
            file: "checks.yml".into(),
            line,
            col,
        }
    }

    #[test]
    fn the_source_line_is_shown_with_a_caret_under_the_column() {
        let text = "checks for t:\n\t- row_count > 0\n";
        assert_eq!(
            snippet(text, Redact::Nothing, &at(2, 1), None).as_deref(),
            Some("  2 | →- row_count > 0\n    | ^\n")
        );
        assert_eq!(snippet(text, Redact::Nothing, &at(9, 1), None), None);
    }

    #[test]
    fn a_long_line_is_cut_around_the_column() {
        let text = format!("{}X{}", "a".repeat(300), "b".repeat(300));
        let shown = snippet(&text, Redact::Nothing, &at(1, 301), None).expect("a snippet");
        let lines: Vec<&str> = shown.lines().collect();
        let caret = lines[1].chars().position(|c| c == '^').expect("a caret");
        assert_eq!(lines[0].chars().nth(caret), Some('X'), "{shown}");
        assert!(lines[0].contains('…'));
    }

    #[test]
    fn secret_values_of_a_configuration_are_never_shown() {
        for line in [
            "  password: hunter2",
            "  api_key_secret: abc",
            "    - url: https://hooks.slack.com/services/T000/B000/XXXX",
            "  webhook: https://example.com/x",
            "  host: https://user:pw@db.example.com",
        ] {
            let shown = snippet(line, Redact::SecretValues, &at(1, 3), None).expect("a snippet");
            assert!(shown.contains("***"), "{shown}");
            for secret in ["hunter2", "abc", "XXXX", "example.com", "pw@"] {
                assert!(!shown.contains(secret), "{secret} in {shown}");
            }
        }
        let plain = snippet("  port: 5432", Redact::SecretValues, &at(1, 3), None);
        assert!(plain.expect("a snippet").contains("5432"));
    }
}
