//! Spanned YAML: the one place that reads YAML text.
//!
//! Checks files and configuration files are parsed into a [`Node`] tree that keeps, for every
//! node, its line and column and the way it was written (plain, quoted, literal block, flow or
//! block collection, the original text of numbers). Locations feed every diagnostic; the styles
//! feed the ruamel-compatible emitter ([`crate::python::ruamel`]) that check identities depend
//! on.
//!
//! The tokenizer is `saphyr-parser`, a maintained YAML 1.2 parser that reports a span for each
//! event. Scalars are resolved here with the YAML 1.2 core schema, as Soda Core's ruamel loader
//! does: `yes`/`no`/`on`/`off` stay strings, `true`/`True`/`TRUE` are booleans.

use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use std::collections::{HashMap, HashSet};

/// A 1-based line and column in a source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

/// How a scalar was written in the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    Single,
    Double,
    Literal,
    Folded,
}

/// A resolved scalar value (YAML 1.2 core schema).
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
}

/// One YAML node with its location and source form.
#[derive(Debug, Clone)]
pub struct Node {
    pub pos: Pos,
    pub kind: NodeKind,
}

#[derive(Debug, Clone)]
pub enum NodeKind {
    Scalar {
        value: Scalar,
        style: Style,
        /// The text as it appears in the source (without quotes for quoted scalars, the
        /// cooked value for block scalars). Plain numbers keep `1.50`, `007`, `1e3`.
        raw: String,
        /// Block scalar header as written after `|` or `>` (e.g. `-`, `+`, `2-`).
        block_header: String,
    },
    Seq {
        items: Vec<Node>,
        flow: bool,
    },
    Map {
        entries: Vec<(Node, Node)>,
        flow: bool,
    },
}

/// A YAML syntax problem at a location.
#[derive(Debug, Clone)]
pub struct YamlError {
    pub pos: Pos,
    pub message: String,
}

impl Node {
    /// The scalar value, if this is a scalar.
    pub fn scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            NodeKind::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }

    /// The string value of a string scalar.
    pub fn as_str(&self) -> Option<&str> {
        match self.scalar() {
            Some(Scalar::Str(s)) => Some(s),
            _ => None,
        }
    }

    /// The text of any scalar as Python's `str()` would show it (`None` for null).
    pub fn scalar_text(&self) -> Option<String> {
        match &self.kind {
            NodeKind::Scalar { value, raw, .. } => match value {
                Scalar::Null => None,
                Scalar::Bool(b) => Some(if *b { "True".into() } else { "False".into() }),
                Scalar::Int(_) | Scalar::Float(_) => Some(raw.clone()),
                Scalar::Str(s) => Some(s.clone()),
            },
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.scalar(), Some(Scalar::Null))
    }

    pub fn entries(&self) -> Option<&[(Node, Node)]> {
        match &self.kind {
            NodeKind::Map { entries, .. } => Some(entries),
            _ => None,
        }
    }

    pub fn items(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Seq { items, .. } => Some(items),
            _ => None,
        }
    }

    /// Looks a key up in a mapping by its string text.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries()?
            .iter()
            .find(|(k, _)| k.scalar_text().as_deref() == Some(key))
            .map(|(_, v)| v)
    }

    /// A short name of the node's type, as Python would name it in messages.
    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            NodeKind::Scalar { value, .. } => match value {
                Scalar::Null => "NoneType",
                Scalar::Bool(_) => "bool",
                Scalar::Int(_) => "int",
                Scalar::Float(_) => "float",
                Scalar::Str(_) => "str",
            },
            NodeKind::Seq { .. } => "list",
            NodeKind::Map { .. } => "dict",
        }
    }

    fn null_at(pos: Pos) -> Node {
        Node {
            pos,
            kind: NodeKind::Scalar {
                value: Scalar::Null,
                style: Style::Plain,
                raw: String::new(),
                block_header: String::new(),
            },
        }
    }
}

/// Resolves a plain scalar with the YAML 1.2 core schema.
pub fn resolve_plain(text: &str) -> Scalar {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Scalar::Null,
        "true" | "True" | "TRUE" => return Scalar::Bool(true),
        "false" | "False" | "FALSE" => return Scalar::Bool(false),
        _ => {}
    }
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !body.is_empty() && body.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(i) = text.parse::<i64>() {
            return Scalar::Int(i);
        }
    }
    if let Some(hex) = text.strip_prefix("0x") {
        if let Ok(i) = i64::from_str_radix(hex, 16) {
            return Scalar::Int(i);
        }
    }
    if let Some(oct) = text.strip_prefix("0o") {
        if let Ok(i) = i64::from_str_radix(oct, 8) {
            return Scalar::Int(i);
        }
    }
    if is_core_float(body) {
        if let Ok(f) = text.parse::<f64>() {
            return Scalar::Float(f);
        }
    }
    match text {
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Scalar::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Scalar::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => Scalar::Float(f64::NAN),
        _ => Scalar::Str(text.to_string()),
    }
}

/// `[0-9]*(\.[0-9]*)?([eE][-+]?[0-9]+)?` with at least one digit (YAML 1.2 core float).
fn is_core_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let mut digits = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
        digits += 1;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
            digits += 1;
        }
    }
    if digits == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
            i += 1;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    i == b.len()
}

/// How deeply collections may nest; deeper input is refused before it costs memory.
pub const MAX_DEPTH: usize = 200;
/// How many nodes aliases may add in total: a few anchors expanded exponentially (the
/// "billion laughs") are refused at the alias that crosses it.
pub const MAX_ALIAS_NODES: usize = 100_000;

/// How many nodes one file may hold (a node costs about 200 bytes in memory; a check line
/// is one to three nodes): larger trees are refused at the node that crosses it.
pub const MAX_NODES: usize = 500_000;

/// Parses one YAML document. An empty document gives `Ok(None)`.
///
/// Duplicate keys in one mapping are an error, as with Soda Core's loader; so is a second
/// document (`---`) in the same file, which would otherwise be ignored.
pub fn parse(text: &str) -> Result<Option<Node>, YamlError> {
    // A byte-order mark is no content (editors on Windows write one).
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut loader = Loader::new(text);
    let mut events = Parser::new_from_str(text);
    let syntax = |e: saphyr_parser::ScanError| {
        syntax_error(
            text,
            Pos {
                line: e.marker().line(),
                col: e.marker().col() + 1,
            },
            e.info(),
        )
    };
    for next in events.by_ref() {
        let (event, span) = next.map_err(syntax)?;
        if loader.event(event, span)? {
            break;
        }
    }
    for next in events {
        let (event, span) = next.map_err(syntax)?;
        match event {
            Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
            _ => return Err(YamlError {
                pos: Pos {
                    line: span.start.line(),
                    col: span.start.col() + 1,
                },
                message:
                    "a second YAML document (---) in the same file; put each in a file of its own"
                        .into(),
            }),
        }
    }
    Ok(loader.root)
}

/// A syntax error in words a user acts on, at the character at fault: the parser's words for
/// the common mistakes are replaced, and a tab is pointed at rather than the text after it.
fn syntax_error(text: &str, mut pos: Pos, info: &str) -> YamlError {
    let line = text.lines().nth(pos.line.saturating_sub(1)).unwrap_or("");
    let message = if info.contains("tab") {
        if let Some(i) = line.chars().take(pos.col).position(|c| c == '\t') {
            pos.col = i + 1;
        }
        "a tab indents this line; YAML indents with spaces only".to_string()
    } else if info.contains("quoted scalar") && info.contains("end of stream") {
        "this quoted text is never closed: its closing quote is missing".to_string()
    } else {
        info.to_string()
    };
    YamlError { pos, message }
}

/// The number of nodes of a tree.
fn node_count(node: &Node) -> usize {
    1 + match &node.kind {
        NodeKind::Seq { items, .. } => items.iter().map(node_count).sum(),
        NodeKind::Map { entries, .. } => entries
            .iter()
            .map(|(k, v)| node_count(k) + node_count(v))
            .sum(),
        _ => 0,
    }
}

/// Builds the node tree from parser events: collections under construction on a stack,
/// anchored nodes kept for their aliases.
struct Loader<'t> {
    text: &'t str,
    /// Byte offset of each character (the parser's spans count characters); `None` for ASCII
    /// text, where they are the same. 4 bytes a character: the file size limit keeps offsets
    /// far below `u32::MAX`.
    chars: Option<Vec<u32>>,
    stack: Vec<Builder>,
    root: Option<Node>,
    /// Anchored nodes with their node counts, by anchor id (a map: many aliases of many
    /// anchors stay linear).
    anchors: HashMap<usize, (Node, usize)>,
    /// Nodes added by aliases so far.
    alias_nodes: usize,
    /// Nodes so far, aliases' copies included.
    nodes: usize,
}

impl<'t> Loader<'t> {
    fn new(text: &'t str) -> Loader<'t> {
        Loader {
            text,
            chars: (!text.is_ascii()).then(|| {
                text.char_indices()
                    .map(|(b, _)| u32::try_from(b).unwrap_or(u32::MAX))
                    .collect()
            }),
            stack: Vec::new(),
            root: None,
            anchors: HashMap::new(),
            alias_nodes: 0,
            nodes: 0,
        }
    }

    fn byte_at(&self, char_index: usize) -> usize {
        match &self.chars {
            None => char_index.min(self.text.len()),
            Some(chars) => chars
                .get(char_index)
                .map_or(self.text.len(), |b| *b as usize),
        }
    }

    /// Takes one event. Returns `true` once the first document is complete.
    fn event(&mut self, event: Event, span: Span) -> Result<bool, YamlError> {
        let pos = Pos {
            line: span.start.line(),
            col: span.start.col() + 1,
        };
        self.nodes += match &event {
            Event::Scalar(..) | Event::SequenceStart(..) | Event::MappingStart(..) => 1,
            Event::Alias(id) => self.anchors.get(id).map_or(0, |(_, size)| *size),
            _ => 0,
        };
        if self.nodes > MAX_NODES {
            return Err(YamlError {
                pos,
                message: format!("more than {MAX_NODES} YAML nodes in one file; refused"),
            });
        }
        let (node, anchor) = match event {
            Event::StreamStart | Event::DocumentStart(_) | Event::Nothing => return Ok(false),
            Event::StreamEnd | Event::DocumentEnd => return Ok(self.root.is_some()),
            // An alias stands for a copy of the node its anchor named (YAML 1.2, as ruamel).
            Event::Alias(id) => match self.anchors.get(&id) {
                Some((node, size)) => {
                    self.alias_nodes += size;
                    if self.alias_nodes > MAX_ALIAS_NODES {
                        return Err(YamlError {
                            pos,
                            message: format!("aliases expand to more than {MAX_ALIAS_NODES} nodes (an alias bomb?); refused"),
                        });
                    }
                    (node.clone(), 0)
                }
                None => {
                    return Err(YamlError {
                        pos,
                        message: "found undefined alias".into(),
                    })
                }
            },
            Event::Scalar(value, style, anchor, _) => {
                (self.scalar(&value, style, span, pos), anchor)
            }
            Event::SequenceStart(..) | Event::MappingStart(..) if self.stack.len() >= MAX_DEPTH => {
                return Err(YamlError {
                    pos,
                    message: format!("nesting deeper than {MAX_DEPTH} levels; refused"),
                })
            }
            Event::SequenceStart(anchor, _) => {
                let flow = self.text[self.byte_at(span.start.index())..].starts_with('[');
                self.stack.push(Builder::Seq {
                    pos,
                    flow,
                    items: Vec::new(),
                    anchor,
                });
                return Ok(false);
            }
            Event::MappingStart(anchor, _) => {
                let flow = self.text[self.byte_at(span.start.index())..].starts_with('{');
                self.stack.push(Builder::Map {
                    pos,
                    flow,
                    entries: Vec::new(),
                    keys: HashSet::new(),
                    pending_key: None,
                    anchor,
                });
                return Ok(false);
            }
            Event::SequenceEnd => self.end_seq(pos)?,
            Event::MappingEnd => self.end_map(pos)?,
        };
        if anchor > 0 {
            let size = node_count(&node);
            self.anchors.insert(anchor, (node.clone(), size));
        }
        self.attach(node)?;
        Ok(false)
    }

    /// A scalar node, resolved (plain scalars) and with its source text and block header.
    fn scalar(&self, value: &str, style: ScalarStyle, span: Span, pos: Pos) -> Node {
        let (style, resolved) = match style {
            ScalarStyle::Plain => (Style::Plain, resolve_plain(value)),
            ScalarStyle::SingleQuoted => (Style::Single, Scalar::Str(value.to_string())),
            ScalarStyle::DoubleQuoted => (Style::Double, Scalar::Str(value.to_string())),
            ScalarStyle::Literal => (Style::Literal, Scalar::Str(value.to_string())),
            ScalarStyle::Folded => (Style::Folded, Scalar::Str(value.to_string())),
        };
        let start = self.byte_at(span.start.index());
        let raw = if style == Style::Plain {
            self.text[start..self.byte_at(span.end.index())]
                .trim_end()
                .to_string()
        } else {
            value.to_string()
        };
        let block_header = if matches!(style, Style::Literal | Style::Folded) {
            block_header_before(self.text, start)
        } else {
            String::new()
        };
        // A null written as nothing has an empty span; keep the raw empty.
        let raw = if matches!(resolved, Scalar::Null)
            && raw != "~"
            && !raw.eq_ignore_ascii_case("null")
        {
            String::new()
        } else {
            raw
        };
        Node {
            pos,
            kind: NodeKind::Scalar {
                value: resolved,
                style,
                raw,
                block_header,
            },
        }
    }

    /// Closes the innermost sequence: its node and its anchor.
    fn end_seq(&mut self, pos: Pos) -> Result<(Node, usize), YamlError> {
        let Some(Builder::Seq {
            pos,
            flow,
            items,
            anchor,
        }) = self.stack.pop()
        else {
            return Err(unbalanced_structure(pos));
        };
        let node = Node {
            pos,
            kind: NodeKind::Seq { items, flow },
        };
        Ok((node, anchor))
    }

    /// Closes the innermost mapping: its node and its anchor. A key left without a value gets
    /// a null one at the key's position.
    fn end_map(&mut self, pos: Pos) -> Result<(Node, usize), YamlError> {
        let Some(Builder::Map {
            pos,
            flow,
            mut entries,
            pending_key,
            anchor,
            ..
        }) = self.stack.pop()
        else {
            return Err(unbalanced_structure(pos));
        };
        if let Some(key) = pending_key {
            let p = key.pos;
            entries.push((key, Node::null_at(p)));
        }
        let node = Node {
            pos,
            kind: NodeKind::Map {
                entries: merge_keys(entries),
                flow,
            },
        };
        Ok((node, anchor))
    }

    /// Puts a finished node where it belongs: the root, the next item of a sequence, or the
    /// next key or value of a mapping.
    fn attach(&mut self, node: Node) -> Result<(), YamlError> {
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Builder::Seq { items, .. }) => items.push(node),
            Some(Builder::Map {
                entries,
                keys,
                pending_key,
                ..
            }) => match pending_key.take() {
                None => {
                    if let Some(text) = node.scalar_text() {
                        if keys.contains(&text) {
                            return Err(YamlError {
                                pos: node.pos,
                                message: format!("found duplicate key \"{text}\""),
                            });
                        }
                        keys.insert(text);
                    }
                    *pending_key = Some(node);
                }
                Some(key) => entries.push((key, node)),
            },
        }
        Ok(())
    }
}

fn unbalanced_structure(pos: Pos) -> YamlError {
    YamlError {
        pos,
        message: "unbalanced YAML structure".into(),
    }
}

/// Finds the header of a block scalar (`|-`, `>+`, `|2`) that precedes its content.
fn block_header_before(text: &str, content_start: usize) -> String {
    let before = &text[..content_start.min(text.len())];
    if let Some(idx) = before.rfind(['|', '>']) {
        let rest: String = before[idx + 1..]
            .chars()
            .take_while(|c| matches!(c, '-' | '+' | '0'..='9'))
            .collect();
        return rest;
    }
    String::new()
}

/// Applies YAML merge keys (`<<: *base`, `<<: [*a, *b]`): the merged mappings' entries are
/// added where the mapping does not set the key itself.
fn merge_keys(entries: Vec<(Node, Node)>) -> Vec<(Node, Node)> {
    if !entries.iter().any(|(k, _)| is_merge_key(k)) {
        return entries;
    }
    let mut own = Vec::new();
    let mut merged: Vec<(Node, Node)> = Vec::new();
    for (k, v) in entries {
        if !is_merge_key(&k) {
            own.push((k, v));
            continue;
        }
        let sources: Vec<Node> = match v.kind {
            NodeKind::Seq { items, .. } => items,
            _ => vec![v],
        };
        for source in sources {
            if let NodeKind::Map { entries, .. } = source.kind {
                for (mk, mv) in entries {
                    if !merged
                        .iter()
                        .any(|(k2, _)| k2.scalar_text() == mk.scalar_text())
                    {
                        merged.push((mk, mv));
                    }
                }
            }
        }
    }
    for (mk, mv) in merged {
        if !own.iter().any(|(k, _)| k.scalar_text() == mk.scalar_text()) {
            own.push((mk, mv));
        }
    }
    own
}

fn is_merge_key(k: &Node) -> bool {
    matches!(&k.kind, NodeKind::Scalar { style: Style::Plain, raw, .. } if raw == "<<")
}

enum Builder {
    Seq {
        pos: Pos,
        flow: bool,
        items: Vec<Node>,
        anchor: usize,
    },
    Map {
        pos: Pos,
        flow: bool,
        entries: Vec<(Node, Node)>,
        /// The text of every scalar key so far: duplicates found by set, not by scanning.
        keys: HashSet<String>,
        pending_key: Option<Node>,
        anchor: usize,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_positions_and_styles() {
        let doc = parse(
            "checks for t:\n  - row_count > 0\n  - x:\n      v: [\"a\", 'b', c]\n      n: 1.50\n",
        )
        .unwrap()
        .unwrap();
        let (k, v) = &doc.entries().unwrap()[0];
        assert_eq!(k.pos, Pos { line: 1, col: 1 });
        let items = v.items().unwrap();
        assert_eq!(items[0].pos, Pos { line: 2, col: 5 });
        assert_eq!(items[0].as_str(), Some("row_count > 0"));
        let cfg = items[1].get("x").unwrap();
        let NodeKind::Seq { flow, items } = &cfg.get("v").unwrap().kind else {
            panic!()
        };
        assert!(flow);
        assert_eq!(items.len(), 3);
        let NodeKind::Scalar { raw, value, .. } = &cfg.get("n").unwrap().kind else {
            panic!()
        };
        assert_eq!(raw, "1.50");
        assert_eq!(*value, Scalar::Float(1.5));
    }

    #[test]
    fn core_schema() {
        assert_eq!(resolve_plain("yes"), Scalar::Str("yes".into()));
        assert_eq!(resolve_plain("True"), Scalar::Bool(true));
        assert_eq!(resolve_plain("1e3"), Scalar::Float(1000.0));
        assert_eq!(resolve_plain("-3"), Scalar::Int(-3));
        assert_eq!(resolve_plain("~"), Scalar::Null);
    }

    #[test]
    fn anchors_aliases_and_merge_keys() {
        let doc = parse("base: &b\n  type: postgres\n  host: h\nds:\n  <<: *b\n  host: other\nlist: &l [a, b]\ncopy: *l\n")
            .unwrap()
            .unwrap();
        let ds = doc.get("ds").unwrap();
        assert_eq!(ds.get("type").and_then(Node::as_str), Some("postgres"));
        assert_eq!(ds.get("host").and_then(Node::as_str), Some("other"));
        assert_eq!(doc.get("copy").unwrap().items().unwrap().len(), 2);
        assert!(parse("a: *nope\n").is_err());
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let err = parse("a: 1\na: 2\n").unwrap_err();
        assert_eq!(err.pos.line, 2);
    }

    #[test]
    fn syntax_error_has_location() {
        let err = parse("a: [\n").unwrap_err();
        assert!(err.pos.line >= 1);
    }
}
