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
}

impl Logs {
    /// A log that echoes to `sink` (stdout for the CLI); `None` keeps records silently.
    pub fn new(verbose: bool, sink: Option<Sink>) -> Logs {
        Logs {
            records: Vec::new(),
            verbose,
            sink,
            style: ConsoleStyle::default(),
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
            }
        }
        let _ = sink.write_all(text.as_bytes());
        let _ = sink.flush();
    }
}
