//! The ruamel-compatible YAML emitter behind check identities and check definitions.
//!
//! Soda Core hashes the text that `ruamel.yaml` 0.17.40 produces when it round-trip dumps a check
//! configuration (indent: mapping 2, sequence 4, offset 2; width 80; unicode allowed; quotes
//! preserved), and it reports the same kind of dump as a check's `definition`. Cloud history is
//! keyed on those hashes, so the text must match byte for byte, including ruamel's quirks: folding
//! only once column 80 is passed, `null` spelled out inside flow collections, a trailing space
//! after a dash whose item is null, `|4` hints on block scalars that start with a space, a `...`
//! document end after a keep-chomped block scalar, and so on.
//!
//! The module has two halves. The representer turns a spanned [`Node`] into events the way
//! ruamel's round-trip representer would (quoted scalars keep their quotes, flow collections stay
//! flow, numbers keep their source text, booleans become `true`/`false`, null becomes nothing).
//! The emitter is a port of the relevant part of ruamel's event-driven emitter, written as a
//! recursive walk because the whole tree is known up front; its column, indentation and
//! whitespace bookkeeping is kept exactly as ruamel has it, since that bookkeeping is what
//! decides where lines fold.
//!
//! Known gaps (checked against ruamel; everything else was compared with ruamel on thousands of
//! generated configs):
//! * Comments are not emitted, because the spanned tree does not keep them. Ruamel re-emits
//!   comments attached to nested collections, and it treats blank lines as comments too: a blank
//!   line right after a scalar inside a nested block collection (say the `- id` of a block list
//!   under `fail:`, followed by an empty line before the next check) adds a `\n` to ruamel's
//!   identity text, and in definitions blank lines and comments after any config entry are kept.
//!   Such configs hash differently here.
//! * Folded (`>`) block scalars are emitted without their original line breaks: ruamel keeps the
//!   fold positions of the source, the spanned tree keeps only the folded value.
//! * Integers keep their source text except for the normalisations ruamel applies to decimal
//!   integers (a leading `+` dropped, `-0` written `0`, `-007` written `-07`); hexadecimal, octal,
//!   binary and underscored numbers and all floats are written as in the source.
//! * A check header or line that ruamel's resolver (but not ours) reads as a non-string, such as
//!   `1_000` or a date, is written plain where ruamel would quote it.
//! * Anchors, aliases, merge keys and explicit tags are outside the supported subset (the parser
//!   rejects aliases).

use crate::yaml::{resolve_plain, Node, NodeKind, Scalar, Style};

const BEST_MAP_INDENT: usize = 2;
const BEST_SEQUENCE_INDENT: usize = 4;
const SEQUENCE_DASH_OFFSET: usize = 2;
const BEST_WIDTH: usize = 80;
const MAX_SIMPLE_KEY_LENGTH: usize = 128;

/// The check config rendered as the `!!omap` text that Soda Core feeds into check identities.
///
/// Keys listed in `drop_keys` are removed (compared by their unquoted text), the rest are sorted
/// by that text in code-point order, as Python sorts strings. Returns `None` when the config is not
/// a mapping or when nothing is left after dropping keys; Soda Core then feeds nothing.
pub fn identity_config_yaml(config: &Node, drop_keys: &[&str]) -> Option<String> {
    let NodeKind::Map { entries, .. } = &config.kind else {
        return None;
    };
    let mut kept: Vec<(String, &Node, &Node)> = entries
        .iter()
        .map(|(k, v)| (key_text(k), k, v))
        .filter(|(text, _, _)| !drop_keys.contains(&text.as_str()))
        .collect();
    if kept.is_empty() {
        return None;
    }
    kept.sort_by(|a, b| a.0.cmp(&b.0));
    // Soda wraps the sorted entries in an OrderedDict, which ruamel writes as an `!!omap`
    // sequence of one-entry block mappings.
    let items = kept
        .into_iter()
        .map(|(_, k, v)| Event::Map {
            entries: vec![(represent_key(k), represent(v))],
            flow: false,
        })
        .collect();
    let root = Event::Seq {
        items,
        flow: false,
        tag: Some("!!omap"),
    };
    Some(Emitter::default().dump(&root))
}

/// The check `definition`: `"<header>:\n  <line>"` without a mapping config, otherwise the YAML
/// dump of `{header: [{line: config}]}` with the config in its original key order.
pub fn definition_yaml(header: &str, line: &str, config: Option<&Node>) -> String {
    match config {
        Some(
            config @ Node {
                kind: NodeKind::Map { .. },
                ..
            },
        ) => {
            let check = Event::Map {
                entries: vec![(new_str(line), represent(config))],
                flow: false,
            };
            let root = Event::Map {
                entries: vec![(
                    new_str(header),
                    Event::Seq {
                        items: vec![check],
                        flow: false,
                        tag: None,
                    },
                )],
                flow: false,
            };
            Emitter::default().dump(&root)
        }
        _ => format!("{header}:\n  {line}"),
    }
}

/// The text a key is dropped and sorted by: the unquoted string, or Python's `str()` of other
/// scalars (Soda would fail to sort a mix of string and non-string keys; we just keep going).
fn key_text(key: &Node) -> String {
    match &key.kind {
        NodeKind::Scalar {
            value: Scalar::Str(s),
            ..
        } => s.clone(),
        _ => key.scalar_text().unwrap_or_default(),
    }
}

// ---------------------------------------------------------------------------------------------
// Representer: spanned nodes to emitter events.
// ---------------------------------------------------------------------------------------------

/// The scalar style the representer asks for; `Any` lets the emitter pick (plain when allowed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    Any,
    Single,
    Double,
    Literal,
    Folded,
}

/// The scalar style the emitter settled on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Written {
    Plain,
    Single,
    Double,
    Literal,
    Folded,
}

#[derive(Debug)]
struct ScalarEvent {
    value: String,
    want: Want,
    /// The short form of the scalar's tag, written only when the chosen style would not resolve
    /// back to it.
    tag: &'static str,
    /// Whether the value written plain resolves to `tag` (ruamel's `implicit[0]`).
    plain_implicit: bool,
    /// Whether the value written quoted resolves to `tag` (ruamel's `implicit[1]`).
    quoted_implicit: bool,
}

#[derive(Debug)]
enum Event {
    Scalar(ScalarEvent),
    Seq {
        items: Vec<Event>,
        flow: bool,
        tag: Option<&'static str>,
    },
    Map {
        entries: Vec<(Event, Event)>,
        flow: bool,
    },
}

/// A string created by Soda rather than loaded (check header and line): no preferred style.
///
/// Whether it may be written plain depends on whether the text would load back as a string. The
/// loader's own resolver answers that; a plain source string therefore always stays plain, which
/// is also what ruamel does with the strings it loaded itself.
fn new_str(s: &str) -> Event {
    Event::Scalar(ScalarEvent {
        value: s.to_string(),
        want: Want::Any,
        tag: "!!str",
        plain_implicit: matches!(resolve_plain(s), Scalar::Str(_)),
        quoted_implicit: true,
    })
}

fn represent_key(node: &Node) -> Event {
    match &node.kind {
        // Ruamel loads collection keys as key-sequences and key-mappings, which it always writes
        // in flow style.
        NodeKind::Seq { items, .. } => Event::Seq {
            items: items.iter().map(represent).collect(),
            flow: true,
            tag: None,
        },
        NodeKind::Map { entries, .. } => Event::Map {
            entries: entries
                .iter()
                .map(|(k, v)| (represent_key(k), represent(v)))
                .collect(),
            flow: true,
        },
        // Ruamel loads a plain `=` key as its YAML "value" type and quotes it on the way out
        // (as a value it stays plain).
        NodeKind::Scalar {
            value: Scalar::Str(s),
            style: Style::Plain,
            ..
        } if s == "=" => Event::Scalar(ScalarEvent {
            value: s.clone(),
            want: Want::Any,
            tag: "!!str",
            plain_implicit: false,
            quoted_implicit: true,
        }),
        NodeKind::Scalar { .. } => represent(node),
    }
}

fn represent(node: &Node) -> Event {
    match &node.kind {
        NodeKind::Seq { items, flow } => Event::Seq {
            items: items.iter().map(represent).collect(),
            flow: *flow,
            tag: None,
        },
        NodeKind::Map { entries, flow } => Event::Map {
            entries: entries
                .iter()
                .map(|(k, v)| (represent_key(k), represent(v)))
                .collect(),
            flow: *flow,
        },
        NodeKind::Scalar {
            value, style, raw, ..
        } => {
            let typed = |value: String, tag: &'static str| {
                Event::Scalar(ScalarEvent {
                    value,
                    want: Want::Any,
                    tag,
                    plain_implicit: true,
                    quoted_implicit: false,
                })
            };
            match value {
                Scalar::Null => typed(String::new(), "!!null"),
                Scalar::Bool(b) => typed(if *b { "true" } else { "false" }.to_string(), "!!bool"),
                Scalar::Int(_) => typed(int_text(raw), "!!int"),
                Scalar::Float(f) => typed(float_text(*f, raw), "!!float"),
                Scalar::Str(s) => {
                    let want = match style {
                        Style::Plain => return new_str(s),
                        Style::Single => Want::Single,
                        Style::Double => Want::Double,
                        Style::Literal => Want::Literal,
                        Style::Folded => Want::Folded,
                    };
                    Event::Scalar(ScalarEvent {
                        value: s.clone(),
                        want,
                        tag: "!!str",
                        plain_implicit: false,
                        quoted_implicit: true,
                    })
                }
            }
        }
    }
}

/// Decimal integers as ruamel re-creates them: Python's `int` drops a `+` and the sign of zero,
/// and a leading-zero integer is re-padded to its source width with the sign counted in it.
fn int_text(raw: &str) -> String {
    let (negative, digits) = match raw.as_bytes().first() {
        Some(b'-') => (true, &raw[1..]),
        Some(b'+') => (false, &raw[1..]),
        _ => (false, raw),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return raw.to_string();
    }
    let significant = digits.trim_start_matches('0');
    if significant.is_empty() {
        // `0`, `-0`, `+0` are plain 0; `00` keeps its width.
        return "0".repeat(digits.len().max(1));
    }
    if digits.len() > 1 && digits.starts_with('0') {
        let width = if negative {
            digits.len().saturating_sub(1)
        } else {
            digits.len()
        };
        let padded = format!("{significant:0>width$}");
        return if negative {
            format!("-{padded}")
        } else {
            padded
        };
    }
    if negative {
        format!("-{significant}")
    } else {
        significant.to_string()
    }
}

/// Floats keep their source text, except the YAML spellings of infinity and NaN, which ruamel
/// loads as plain Python floats and writes back in its own spelling.
fn float_text(value: f64, raw: &str) -> String {
    let spelled_special = raw.trim_start_matches(['+', '-']).starts_with('.')
        && (value.is_nan() || value.is_infinite());
    if !spelled_special {
        raw.to_string()
    } else if value.is_nan() {
        ".nan".to_string()
    } else if value > 0.0 {
        ".inf".to_string()
    } else {
        "-.inf".to_string()
    }
}

// ---------------------------------------------------------------------------------------------
// Scalar analysis (which styles a value allows), as ruamel decides it.
// ---------------------------------------------------------------------------------------------

struct Analysis {
    empty: bool,
    multiline: bool,
    allow_flow_plain: bool,
    allow_block_plain: bool,
    allow_single_quoted: bool,
}

fn is_break(c: char) -> bool {
    matches!(c, '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blank_or_break(c: char) -> bool {
    matches!(c, '\0' | ' ' | '\t' | '\r') || is_break(c)
}

/// What ruamel's `analyze_scalar` notes while it walks a scalar, before deciding its styles.
#[derive(Default)]
struct Flags {
    block_indicators: bool,
    flow_indicators: bool,
    line_breaks: bool,
    special_characters: bool,
    leading_space: bool,
    leading_break: bool,
    trailing_space: bool,
    trailing_break: bool,
    break_space: bool,
    space_break: bool,
}

/// Whether the character before the current one was a space or a line break.
#[derive(Clone, Copy)]
struct Previous {
    space: bool,
    line_break: bool,
}

fn analyze(scalar: &str) -> Analysis {
    let chars: Vec<char> = scalar.chars().collect();
    if chars.is_empty() {
        return Analysis {
            empty: true,
            multiline: false,
            allow_flow_plain: false,
            allow_block_plain: true,
            allow_single_quoted: true,
        };
    }
    let n = chars.len();
    let mut f = Flags::default();
    if scalar.starts_with("---") || scalar.starts_with("...") {
        f.block_indicators = true;
        f.flow_indicators = true;
    }
    let mut preceded_by_whitespace = true;
    let mut followed_by_whitespace = n == 1 || is_blank_or_break(chars[1]);
    let mut previous = Previous {
        space: false,
        line_break: false,
    };
    for (index, &ch) in chars.iter().enumerate() {
        f.note_indicators(ch, index, n, preceded_by_whitespace, followed_by_whitespace);
        if is_break(ch) {
            f.line_breaks = true;
        }
        if is_special(ch) {
            f.special_characters = true;
        }
        previous = f.note_spacing(ch, index, n, previous);
        preceded_by_whitespace = is_blank_or_break(ch);
        followed_by_whitespace = index + 2 >= n || is_blank_or_break(chars[index + 2]);
    }
    f.analysis()
}

/// Unicode is allowed in output, so only non-printable characters are special.
fn is_special(ch: char) -> bool {
    if ch == '\n' || ('\x20'..='\x7e').contains(&ch) {
        return false;
    }
    let printable_unicode = (ch == '\u{85}'
        || ('\u{a0}'..='\u{d7ff}').contains(&ch)
        || ('\u{e000}'..='\u{fffd}').contains(&ch)
        || ('\u{10000}'..='\u{10ffff}').contains(&ch))
        && ch != '\u{feff}';
    !printable_unicode
}

impl Flags {
    /// Characters that would read as YAML syntax in flow or block context.
    fn note_indicators(
        &mut self,
        ch: char,
        index: usize,
        n: usize,
        preceded_by_whitespace: bool,
        followed_by_whitespace: bool,
    ) {
        if index == 0 {
            if "#,[]{}&*!|>'\"%@`".contains(ch) {
                self.flow_indicators = true;
                self.block_indicators = true;
            }
            if ch == '?' || ch == ':' {
                if n == 1 {
                    self.flow_indicators = true;
                }
                if followed_by_whitespace {
                    self.block_indicators = true;
                }
            }
            if ch == '-' && followed_by_whitespace {
                self.flow_indicators = true;
                self.block_indicators = true;
            }
        } else {
            if ",[]{}".contains(ch) {
                self.flow_indicators = true;
            }
            if ch == ':' && followed_by_whitespace {
                self.flow_indicators = true;
                self.block_indicators = true;
            }
            if ch == '#' && preceded_by_whitespace {
                self.flow_indicators = true;
                self.block_indicators = true;
            }
        }
    }

    /// Leading and trailing spaces and breaks, and spaces next to breaks.
    fn note_spacing(&mut self, ch: char, index: usize, n: usize, previous: Previous) -> Previous {
        if ch == ' ' {
            if index == 0 {
                self.leading_space = true;
            }
            if index == n - 1 {
                self.trailing_space = true;
            }
            if previous.line_break {
                self.break_space = true;
            }
            Previous {
                space: true,
                line_break: false,
            }
        } else if is_break(ch) {
            if index == 0 {
                self.leading_break = true;
            }
            if index == n - 1 {
                self.trailing_break = true;
            }
            if previous.space {
                self.space_break = true;
            }
            Previous {
                space: false,
                line_break: true,
            }
        } else {
            Previous {
                space: false,
                line_break: false,
            }
        }
    }

    fn analysis(&self) -> Analysis {
        let mut allow_flow_plain = true;
        let mut allow_block_plain = true;
        let mut allow_single_quoted = true;
        if self.leading_space || self.leading_break || self.trailing_space || self.trailing_break {
            allow_flow_plain = false;
            allow_block_plain = false;
        }
        if self.break_space || self.special_characters || self.space_break {
            allow_flow_plain = false;
            allow_block_plain = false;
            allow_single_quoted = false;
        }
        if self.line_breaks {
            allow_flow_plain = false;
            allow_block_plain = false;
        }
        if self.flow_indicators {
            allow_flow_plain = false;
        }
        if self.block_indicators {
            allow_block_plain = false;
        }
        Analysis {
            empty: false,
            multiline: self.line_breaks,
            allow_flow_plain,
            allow_block_plain,
            allow_single_quoted,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Emitter.
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    Seq,
    Map,
    /// A one-entry mapping inside a flow sequence, written without braces (`[a: 1]`).
    BareMap,
}

#[derive(Default)]
struct Emitter {
    out: String,
    column: usize,
    /// The last character written was whitespace (so an indicator needs no leading space).
    whitespace: bool,
    /// Only indentation and indicators have been written on this line so far.
    indention: bool,
    /// Ruamel's `no_newline`: the next indent must not start a new line (content follows a dash).
    no_newline: bool,
    /// A keep-chomped block scalar was written last, so the document needs an explicit end.
    open_ended: bool,
    indent: Option<usize>,
    /// The indentation stack: the previous indent and whether the entry opened a sequence.
    indents: Vec<(Option<usize>, bool)>,
    flow_context: Vec<Flow>,
    sequence_context: bool,
    mapping_context: bool,
    simple_key_context: bool,
}

impl Emitter {
    fn dump(mut self, root: &Event) -> String {
        self.whitespace = true;
        self.indention = true;
        self.expect_node(root, false, false, false);
        // Document end, then stream end.
        self.write_indent();
        if self.open_ended {
            self.write_indicator("...", true, false, false);
            self.write_indent();
        }
        self.out
    }

    fn flow_level(&self) -> usize {
        self.flow_context.len()
    }

    fn increase_indent(&mut self, flow: bool, sequence: bool, indentless: bool) {
        self.indents.push((self.indent, sequence));
        match self.indent {
            // Top level: a flow node gets ruamel's requested indent, which Soda leaves unset.
            None => self.indent = if flow { None } else { Some(0) },
            Some(indent) if !indentless => {
                // The step depends on whether the enclosing collection is a sequence.
                let parent_is_seq =
                    self.indents.len() >= 2 && self.indents[self.indents.len() - 2].1;
                let step = if parent_is_seq {
                    BEST_SEQUENCE_INDENT
                } else {
                    BEST_MAP_INDENT
                };
                self.indent = Some(indent + step);
            }
            Some(_) => {}
        }
    }

    fn pop_indent(&mut self) {
        if let Some((previous, _)) = self.indents.pop() {
            self.indent = previous;
        }
    }

    /// Extra spaces before `[` or `{` written right after a dash, so that the flow collection
    /// lines up with the sequence indent.
    fn seq_flow_align(&self) -> usize {
        match self.indents.last() {
            Some(&(base, true)) if self.indents.len() >= 2 => {
                let align =
                    base.unwrap_or(0) as i64 + BEST_SEQUENCE_INDENT as i64 - self.column as i64 - 1;
                usize::try_from(align).unwrap_or(0)
            }
            _ => 0,
        }
    }

    fn expect_node(&mut self, event: &Event, sequence: bool, mapping: bool, simple_key: bool) {
        self.sequence_context = sequence;
        self.mapping_context = mapping;
        self.simple_key_context = simple_key;
        match event {
            Event::Scalar(scalar) => self.expect_scalar(scalar),
            Event::Seq { items, flow, tag } => {
                if let Some(tag) = tag {
                    self.write_indicator(tag, true, false, false);
                }
                if self.flow_level() > 0 || *flow || items.is_empty() {
                    self.expect_flow_sequence(items);
                } else {
                    self.expect_block_sequence(items);
                }
            }
            Event::Map { entries, flow } => {
                if self.flow_level() > 0 || *flow || entries.is_empty() {
                    self.expect_flow_mapping(entries);
                } else {
                    self.expect_block_mapping(entries);
                }
            }
        }
    }

    fn expect_scalar(&mut self, scalar: &ScalarEvent) {
        let mut value = scalar.value.as_str();
        let mut style = self.choose_scalar_style(value, scalar.want, scalar.plain_implicit);
        // Ruamel spells a null out where it cannot be written as nothing (inside flow
        // collections, as a key) instead of writing `!!null ''`.
        if value.is_empty() && style == Written::Single && scalar.tag == "!!null" {
            value = "null";
            style = self.choose_scalar_style(value, scalar.want, scalar.plain_implicit);
        }
        let implicit = if style == Written::Plain {
            scalar.plain_implicit
        } else {
            scalar.quoted_implicit
        };
        if !implicit {
            self.write_indicator(scalar.tag, true, false, false);
            if self.sequence_context && self.flow_level() == 0 {
                self.no_newline = true;
            }
        }
        self.increase_indent(true, false, false);
        self.process_scalar(value, style);
        self.pop_indent();
    }

    fn choose_scalar_style(&self, value: &str, want: Want, plain_implicit: bool) -> Written {
        let analysis = analyze(value);
        if want == Want::Double {
            return Written::Double;
        }
        let in_flow = self.flow_level() > 0;
        if want == Want::Any
            && plain_implicit
            && !(self.simple_key_context && (analysis.empty || analysis.multiline))
            && ((in_flow && analysis.allow_flow_plain) || (!in_flow && analysis.allow_block_plain))
        {
            return Written::Plain;
        }
        if matches!(want, Want::Literal | Want::Folded) && !in_flow && !self.simple_key_context {
            return if want == Want::Literal {
                Written::Literal
            } else {
                Written::Folded
            };
        }
        // Double quotes are always allowed, so ruamel prefers them over escaping quotes or
        // breaks in single quotes.
        if want == Want::Any && (value.contains('\'') || value.contains('\n')) {
            return Written::Double;
        }
        if matches!(want, Want::Any | Want::Single)
            && analysis.allow_single_quoted
            && !(self.simple_key_context && analysis.multiline)
        {
            return Written::Single;
        }
        Written::Double
    }

    fn process_scalar(&mut self, value: &str, style: Written) {
        let split = !self.simple_key_context;
        if self.sequence_context && self.flow_level() == 0 {
            self.write_indent();
        }
        let chars: Vec<char> = value.chars().collect();
        match style {
            Written::Plain => self.write_plain(&chars, split),
            Written::Single => self.write_single_quoted(&chars, split),
            Written::Double => self.write_double_quoted(&chars, split),
            Written::Literal => self.write_literal(&chars),
            Written::Folded => self.write_folded(&chars),
        }
    }

    fn check_simple_key(&self, event: &Event) -> bool {
        match event {
            Event::Scalar(scalar) => {
                let length = scalar.tag.chars().count() + scalar.value.chars().count();
                length < MAX_SIMPLE_KEY_LENGTH && !analyze(&scalar.value).multiline
            }
            Event::Seq { items, flow, .. } => *flow || items.is_empty(),
            Event::Map { entries, flow } => *flow || entries.is_empty(),
        }
    }

    fn expect_flow_sequence(&mut self, items: &[Event]) {
        let align = self.seq_flow_align();
        self.write_indicator(&format!("{}[", " ".repeat(align)), true, true, false);
        self.increase_indent(true, true, false);
        self.flow_context.push(Flow::Seq);
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.write_indicator(",", false, false, false);
            }
            if self.column > BEST_WIDTH {
                self.write_indent();
            }
            self.expect_node(item, true, false, false);
        }
        self.pop_indent();
        self.flow_context.pop();
        self.write_indicator("]", false, false, false);
        if items.is_empty() {
            if self.flow_level() == 0 {
                self.write_line_break(None);
            }
        } else {
            self.no_newline = false;
        }
    }

    fn expect_flow_mapping(&mut self, entries: &[(Event, Event)]) {
        let align = self.seq_flow_align();
        let bare = entries.len() == 1 && self.flow_context.last() == Some(&Flow::Seq);
        let open = if bare { "" } else { "{" };
        self.write_indicator(&format!("{}{open}", " ".repeat(align)), true, true, false);
        self.flow_context
            .push(if bare { Flow::BareMap } else { Flow::Map });
        self.increase_indent(true, false, false);
        for (i, (key, value)) in entries.iter().enumerate() {
            if i > 0 {
                self.write_indicator(",", false, false, false);
            }
            if self.column > BEST_WIDTH {
                self.write_indent();
            }
            if self.check_simple_key(key) {
                self.expect_node(key, false, true, true);
                self.write_indicator(":", false, false, false);
            } else {
                self.write_indicator("?", true, false, false);
                self.expect_node(key, false, true, false);
                if self.column > BEST_WIDTH {
                    self.write_indent();
                }
                self.write_indicator(":", true, false, false);
            }
            self.expect_node(value, false, true, false);
        }
        self.pop_indent();
        let popped = self.flow_context.pop();
        if popped != Some(Flow::BareMap) {
            self.write_indicator("}", false, false, false);
        }
        if entries.is_empty() {
            if self.flow_level() == 0 {
                self.write_line_break(None);
            }
        } else {
            self.no_newline = false;
        }
    }

    fn expect_block_sequence(&mut self, items: &[Event]) {
        let indentless = self.mapping_context && !self.indention;
        self.increase_indent(false, true, indentless);
        for item in items {
            let no_newline_before = self.column == 0 && self.no_newline;
            self.write_indent();
            let dash = format!("{}-", " ".repeat(SEQUENCE_DASH_OFFSET));
            self.write_indicator(&dash, true, false, true);
            if no_newline_before || SEQUENCE_DASH_OFFSET + 2 > BEST_SEQUENCE_INDENT {
                self.no_newline = true;
            }
            self.expect_node(item, true, false, false);
        }
        self.pop_indent();
        self.no_newline = false;
    }

    fn expect_block_mapping(&mut self, entries: &[(Event, Event)]) {
        self.increase_indent(false, false, false);
        for (key, value) in entries {
            self.write_indent();
            if self.check_simple_key(key) {
                self.expect_node(key, false, true, true);
                self.write_indicator(":", false, false, false);
            } else {
                self.write_indicator("?", true, false, true);
                self.expect_node(key, false, true, false);
                self.write_indent();
                self.write_indicator(":", true, false, true);
            }
            self.expect_node(value, false, true, false);
        }
        self.pop_indent();
    }

    // --- low-level writers -------------------------------------------------------------------

    fn write_indicator(
        &mut self,
        indicator: &str,
        need_whitespace: bool,
        whitespace: bool,
        indention: bool,
    ) {
        if !self.whitespace && need_whitespace {
            self.out.push(' ');
            self.column += 1;
        }
        self.out.push_str(indicator);
        self.column += indicator.chars().count();
        self.whitespace = whitespace;
        self.indention = self.indention && indention;
        self.open_ended = false;
    }

    fn write_indent(&mut self) {
        let indent = self.indent.unwrap_or(0);
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            if self.no_newline {
                self.no_newline = false;
            } else {
                self.write_line_break(None);
            }
        }
        if self.column < indent {
            self.whitespace = true;
            self.out.push_str(&" ".repeat(indent - self.column));
            self.column = indent;
        }
    }

    /// Writes a line break: `\n`, or the given break character when the value held another kind.
    fn write_line_break(&mut self, data: Option<char>) {
        self.out.push(data.unwrap_or('\n'));
        self.whitespace = true;
        self.indention = true;
        self.column = 0;
    }

    fn write_chunk(&mut self, chars: &[char], start: usize, end: usize) {
        if start < end {
            if let Some(chunk) = chars.get(start..end) {
                self.out.extend(chunk);
                self.column += chunk.len();
            }
        }
    }

    fn write_breaks(&mut self, chars: &[char], start: usize, end: usize) {
        for &br in chars.get(start..end).unwrap_or(&[]) {
            self.write_line_break(if br == '\n' { None } else { Some(br) });
        }
    }

    fn write_plain(&mut self, text: &[char], split: bool) {
        if text.is_empty() {
            return;
        }
        if !self.whitespace {
            self.out.push(' ');
            self.column += 1;
        }
        self.whitespace = false;
        self.indention = false;
        let (mut spaces, mut breaks) = (false, false);
        let mut start = 0;
        for end in 0..=text.len() {
            let ch = text.get(end).copied();
            if spaces {
                if ch != Some(' ') {
                    // Fold at a single space once the line is already past the width.
                    if start + 1 == end && self.column > BEST_WIDTH && split {
                        self.write_indent();
                        self.whitespace = false;
                        self.indention = false;
                    } else {
                        self.write_chunk(text, start, end);
                    }
                    start = end;
                }
            } else if breaks {
                if !ch.is_some_and(is_break) {
                    if text.get(start) == Some(&'\n') {
                        self.write_line_break(None);
                    }
                    self.write_breaks(text, start, end);
                    self.write_indent();
                    self.whitespace = false;
                    self.indention = false;
                    start = end;
                }
            } else if ch.is_none_or(|c| c == ' ' || is_break(c)) {
                self.write_chunk(text, start, end);
                start = end;
            }
            if let Some(c) = ch {
                spaces = c == ' ';
                breaks = is_break(c);
            }
        }
    }

    fn write_single_quoted(&mut self, text: &[char], split: bool) {
        self.write_indicator("'", true, false, false);
        let (mut spaces, mut breaks) = (false, false);
        let mut start = 0;
        for end in 0..=text.len() {
            let ch = text.get(end).copied();
            if spaces {
                if ch != Some(' ') {
                    if start + 1 == end
                        && self.column > BEST_WIDTH
                        && split
                        && start != 0
                        && end != text.len()
                    {
                        self.write_indent();
                    } else {
                        self.write_chunk(text, start, end);
                    }
                    start = end;
                }
            } else if breaks {
                if !ch.is_some_and(is_break) {
                    if text.get(start) == Some(&'\n') {
                        self.write_line_break(None);
                    }
                    self.write_breaks(text, start, end);
                    self.write_indent();
                    start = end;
                }
            } else if ch.is_none_or(|c| c == ' ' || c == '\'' || is_break(c)) {
                self.write_chunk(text, start, end);
                start = end;
            }
            if ch == Some('\'') {
                self.out.push_str("''");
                self.column += 2;
                start = end + 1;
            }
            if let Some(c) = ch {
                spaces = c == ' ';
                breaks = is_break(c);
            }
        }
        self.write_indicator("'", false, false, false);
    }

    fn write_double_quoted(&mut self, text: &[char], split: bool) {
        self.write_indicator("\"", true, false, false);
        let n = text.len();
        let mut start = 0;
        for end in 0..=n {
            let ch = text.get(end).copied();
            if ch.is_none_or(needs_escape) {
                self.write_chunk(text, start, end);
                start = end;
                if let Some(c) = ch {
                    let escaped = escape(c);
                    self.column += escaped.chars().count();
                    self.out.push_str(&escaped);
                    start = end + 1;
                }
            }
            let pending = end as i64 - start as i64;
            if 0 < end
                && end + 1 < n
                && (ch == Some(' ') || start >= end)
                && self.column as i64 + pending > BEST_WIDTH as i64
                && split
            {
                let need_backslash = !break_without_backslash(text, end);
                self.write_chunk(text, start, end);
                if need_backslash {
                    self.out.push('\\');
                    self.column += 1;
                }
                if start < end {
                    start = end;
                }
                self.write_indent();
                self.whitespace = false;
                self.indention = false;
                if text.get(start) == Some(&' ') {
                    if need_backslash {
                        self.out.push('\\');
                        self.column += 1;
                    } else {
                        // The line break itself reads back as the space.
                        start += 1;
                    }
                }
            }
        }
        self.write_indicator("\"", false, false, false);
    }

    fn write_literal(&mut self, text: &[char]) {
        let (hints, chomp) = block_hints(text);
        self.write_indicator(&format!("|{hints}"), true, false, false);
        if chomp == Some('+') {
            self.open_ended = true;
        }
        self.write_line_break(None);
        let mut breaks = true;
        let mut start = 0;
        for end in 0..=text.len() {
            let ch = text.get(end).copied();
            if breaks {
                if !ch.is_some_and(is_break) {
                    self.write_breaks(text, start, end);
                    if ch.is_some() {
                        self.write_indent();
                    }
                    start = end;
                }
            } else if ch.is_none_or(is_break) {
                // Ruamel does not advance the column for literal content; harmless, since a
                // line break always follows.
                if let Some(chunk) = text.get(start..end) {
                    self.out.extend(chunk);
                }
                if ch.is_none() {
                    self.write_line_break(None);
                }
                start = end;
            }
            if let Some(c) = ch {
                breaks = is_break(c);
            }
        }
    }

    fn write_folded(&mut self, text: &[char]) {
        let (hints, chomp) = block_hints(text);
        self.write_indicator(&format!(">{hints}"), true, false, false);
        if chomp == Some('+') {
            self.open_ended = true;
        }
        self.write_line_break(None);
        let mut leading_space = true;
        let (mut spaces, mut breaks) = (false, true);
        let mut start = 0;
        for end in 0..=text.len() {
            let ch = text.get(end).copied();
            if breaks {
                if !ch.is_some_and(is_break) {
                    if !leading_space
                        && ch.is_some_and(|c| c != ' ')
                        && text.get(start) == Some(&'\n')
                    {
                        self.write_line_break(None);
                    }
                    leading_space = ch == Some(' ');
                    self.write_breaks(text, start, end);
                    if ch.is_some() {
                        self.write_indent();
                    }
                    start = end;
                }
            } else if spaces {
                if ch != Some(' ') {
                    if start + 1 == end && self.column > BEST_WIDTH {
                        self.write_indent();
                    } else {
                        self.write_chunk(text, start, end);
                    }
                    start = end;
                }
            } else if ch.is_none_or(|c| c == ' ' || is_break(c)) {
                self.write_chunk(text, start, end);
                if ch.is_none() {
                    self.write_line_break(None);
                }
                start = end;
            }
            if let Some(c) = ch {
                breaks = is_break(c);
                spaces = c == ' ';
            }
        }
    }
}

/// The header after `|` or `>`: an indentation hint when the text starts with a space or a break
/// (always the sequence indent, 4, whatever the real indentation: a ruamel quirk), then the
/// chomping indicator derived from the trailing breaks.
fn block_hints(text: &[char]) -> (String, Option<char>) {
    let mut hints = String::new();
    let mut chomp = None;
    if let (Some(&first), Some(&last)) = (text.first(), text.last()) {
        if first == ' ' || is_break(first) {
            hints.push_str(&BEST_SEQUENCE_INDENT.to_string());
        }
        if !is_break(last) {
            chomp = Some('-');
        } else if text.len() == 1 || text.get(text.len() - 2).is_some_and(|&c| is_break(c)) {
            chomp = Some('+');
        }
    }
    hints.extend(chomp);
    (hints, chomp)
}

/// Ruamel 0.17.23+ drops the continuation backslash of a folded double-quoted scalar when the
/// break replaces a single space before a quote-free word.
fn break_without_backslash(text: &[char], end: usize) -> bool {
    let Some(space_pos) = text
        .get(end..)
        .and_then(|rest| rest.iter().position(|&c| c == ' '))
        .map(|p| p + end)
    else {
        return false;
    };
    let word = text.get(end..space_pos).unwrap_or(&[]);
    let Some(&after_space) = text.get(space_pos + 1) else {
        return false;
    };
    let double_space = end >= 1 && text.get(end - 1) == Some(&' ') && text.get(end) == Some(&' ');
    !word.contains(&'"') && !word.contains(&'\'') && after_space != ' ' && !double_space
}

fn needs_escape(c: char) -> bool {
    matches!(
        c,
        '"' | '\\' | '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}'
    ) || !(('\x20'..='\x7e').contains(&c)
        || ('\u{a0}'..='\u{d7ff}').contains(&c)
        || ('\u{e000}'..='\u{fffd}').contains(&c))
}

fn escape(c: char) -> String {
    let short = match c {
        '\0' => "0",
        '\x07' => "a",
        '\x08' => "b",
        '\t' => "t",
        '\n' => "n",
        '\x0b' => "v",
        '\x0c' => "f",
        '\r' => "r",
        '\x1b' => "e",
        '"' => "\"",
        '\\' => "\\",
        '\u{85}' => "N",
        '\u{a0}' => "_",
        '\u{2028}' => "L",
        '\u{2029}' => "P",
        _ => "",
    };
    if !short.is_empty() {
        return format!("\\{short}");
    }
    let code = u32::from(c);
    if code <= 0xff {
        format!("\\x{code:02X}")
    } else if code <= 0xffff {
        format!("\\u{code:04X}")
    } else {
        format!("\\U{code:08X}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse;

    /// Parses `checks for t:\n  - <line>:\n      <config>` and returns the config node.
    fn config_of(doc: &Node) -> &Node {
        let checks = &doc.entries().expect("root mapping")[0].1;
        let check = &checks.items().expect("check list")[0];
        &check.entries().expect("check mapping")[0].1
    }

    fn ident(src: &str) -> Option<String> {
        let doc = parse(src).expect("valid yaml").expect("a document");
        identity_config_yaml(config_of(&doc), &["name"])
    }

    fn defn(src: &str) -> String {
        let doc = parse(src).expect("valid yaml").expect("a document");
        let (header, checks) = &doc.entries().expect("root mapping")[0];
        let (line, config) = &checks.items().expect("check list")[0]
            .entries()
            .expect("check")[0];
        definition_yaml(
            header.as_str().expect("header"),
            line.as_str().expect("line"),
            Some(config),
        )
    }

    fn wrap(config: &str) -> String {
        let body: String = config.lines().map(|l| format!("      {l}\n")).collect();
        format!("checks for t:\n  - row_count:\n{body}")
    }

    #[test]
    fn not_a_mapping_or_empty_gives_none() {
        assert_eq!(
            ident("checks for t:\n  - row_count:\n      name: x\n"),
            None
        );
        assert_eq!(ident("checks for t:\n  - row_count: [a]\n"), None);
        assert_eq!(ident("checks for t:\n  - row_count: x\n"), None);
    }

    #[test]
    fn definition_without_config() {
        assert_eq!(
            definition_yaml("checks for customers", "row_count > 0", None),
            "checks for customers:\n  row_count > 0"
        );
        let scalar = parse("x").expect("yaml").expect("doc");
        assert_eq!(
            definition_yaml("checks for customers", "row_count > 0", Some(&scalar)),
            "checks for customers:\n  row_count > 0"
        );
    }

    #[test]
    fn definition_with_config() {
        assert_eq!(
            defn("checks for customers:\n  - row_count:\n      warn: when < 10\n"),
            "checks for customers:\n  - row_count:\n      warn: when < 10\n"
        );
        assert_eq!(
            defn(
                "checks for orders:\n  - missing_count(customer_id_ok) < 5:\n      name: few missing customers\n      missing values: [N/A, '-']\n      filter: customer_country = 'BE'\n"
            ),
            "checks for orders:\n  - missing_count(customer_id_ok) < 5:\n      name: few missing customers\n      missing values: [N/A, '-']\n      filter: customer_country = 'BE'\n"
        );
    }

    #[test]
    fn definition_keeps_nested_layout_and_flow_configs() {
        // Verified with ruamel: nested block lists under the check sit at column 10.
        assert_eq!(
            defn(&wrap("fail:\n  when required column missing:\n    - id\n    - ts\nattributes: {a: 1}")),
            "checks for t:\n  - row_count:\n      fail:\n        when required column missing:\n          - id\n          - ts\n      attributes: {a: 1}\n"
        );
        assert_eq!(
            defn("checks for t:\n  - row_count: {warn: when < 10}\n"),
            "checks for t:\n  - row_count: {warn: when < 10}\n"
        );
    }

    #[test]
    fn definition_quotes_header_and_line_when_needed() {
        let config = parse("warn: x").expect("yaml").expect("doc");
        assert_eq!(
            definition_yaml("checks for t", "a: b", Some(&config)),
            "checks for t:\n  - 'a: b':\n      warn: x\n"
        );
        assert_eq!(
            definition_yaml("checks for t", "it's: x", Some(&config)),
            "checks for t:\n  - \"it's: x\":\n      warn: x\n"
        );
        assert_eq!(
            definition_yaml("checks for t", "- x", Some(&config)),
            "checks for t:\n  - '- x':\n      warn: x\n"
        );
        assert_eq!(
            definition_yaml("checks for t", "123", Some(&config)),
            "checks for t:\n  - '123':\n      warn: x\n"
        );
    }

    #[test]
    fn nulls_and_empty_collections() {
        // Verified with ruamel 0.17: null is spelled out in flow context, written as nothing
        // (after a trailing space) in block sequences; empty collections are flow.
        assert_eq!(
            ident(&wrap("a: [x, ~, null, '']\nb:\n  - ~\n  -\n  - []\n  - {}\nc: []\nd: {}\ne: {x: ~}")).as_deref(),
            Some("!!omap\n  - a: [x, null, null, '']\n  - b:\n      - \n      - \n      - []\n      - {}\n  - c: []\n  - d: {}\n  - e: {x: null}\n")
        );
    }

    #[test]
    fn nested_collections() {
        assert_eq!(
            ident(&wrap("b:\n  - - p\n    - q\n  - k: v\n    k2: [1, 2]\n  - {k: v, k2: w}\nf: [{a: 1}, {b: 2, c: 3}, [x, y]]\ng:\n  h:\n    - i: 1\n      j:\n        - k")).as_deref(),
            Some("!!omap\n  - b:\n      -   - p\n          - q\n      - k: v\n        k2: [1, 2]\n      - {k: v, k2: w}\n  - f: [a: 1, {b: 2, c: 3}, [x, y]]\n  - g:\n      h:\n        - i: 1\n          j:\n            - k\n")
        );
    }

    #[test]
    fn block_scalar_headers() {
        assert_eq!(
            ident(&wrap("b: |-\n  keep\nc: |+\n  plus\n\nd: |2\n    indented first\n  second")).as_deref(),
            Some("!!omap\n  - b: |-\n      keep\n  - c: |+\n      plus\n\n  - d: |4\n        indented first\n      second\n")
        );
        // A keep-chomped block scalar at the very end leaves the document open-ended.
        assert_eq!(
            ident("checks for t:\n  - row_count:\n      c: |+\n        plus\n\n").as_deref(),
            Some("!!omap\n  - c: |+\n      plus\n\n...\n")
        );
    }

    #[test]
    fn multiline_quoted_and_special_characters() {
        assert_eq!(
            ident(&wrap("e: \"multi\n  line double\"\nf: 'it''s\n  multi'\ng: plain\n  multi line\n\n  with blank\nh: \"a\\tb\"\ni: 'x\ty'")).as_deref(),
            Some("!!omap\n  - e: \"multi line double\"\n  - f: 'it''s multi'\n  - g: \"plain multi line\\nwith blank\"\n  - h: \"a\\tb\"\n  - i: \"x\\ty\"\n")
        );
    }

    #[test]
    fn integers_are_normalised_like_python_ints() {
        assert_eq!(
            ident(&wrap(
                "c: [a, -007, +0, 00, -0, 0x1f, .Inf, -.inf, .NaN, +5, 1e3, 0o17]"
            ))
            .as_deref(),
            Some("!!omap\n  - c: [a, -07, 0, 00, 0, 0x1f, .inf, -.inf, .nan, 5, 1e3, 0o17]\n")
        );
    }

    #[test]
    fn long_keys_become_explicit() {
        let key = "k".repeat(123);
        let src = wrap(&format!("{key}: v"));
        assert_eq!(ident(&src), Some(format!("!!omap\n  - ? {key}\n    : v\n")));
        let key = "k".repeat(122);
        let src = wrap(&format!("{key}: v"));
        assert_eq!(ident(&src), Some(format!("!!omap\n  - {key}: v\n")));
    }

    #[test]
    fn long_single_quoted_folds_and_supplementary_escapes() {
        let long = "word ".repeat(20);
        let src = wrap(&format!("a: '{}'\nb: \"emoji \u{1F600}\"", long.trim_end()));
        assert_eq!(
            ident(&src).as_deref(),
            Some("!!omap\n  - a: 'word word word word word word word word word word word word word word word\n      word word word word word'\n  - b: \"emoji \\U0001F600\"\n")
        );
    }

    #[test]
    fn python_int_text() {
        assert_eq!(int_text("007"), "007");
        assert_eq!(int_text("-007"), "-07");
        assert_eq!(int_text("+5"), "5");
        assert_eq!(int_text("-0"), "0");
        assert_eq!(int_text("000"), "000");
        assert_eq!(int_text("0x1F"), "0x1F");
        assert_eq!(int_text("-12"), "-12");
    }
}
