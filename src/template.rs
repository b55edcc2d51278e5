//! `${...}` variable rendering for configuration and checks files.
//!
//! Soda Core renders these with Jinja. We implement the part people use: `${NAME}` (spaces
//! allowed), `${ env_var('NAME') }` / `${ env_var('NAME', 'default') }`, and the filters
//! `default('x')`, `int`, `upper`, `lower`, `trim`. An undefined name renders as the empty
//! string, as in Soda Core, and is reported back so the caller can warn with a location.
//!
//! Lookup order (first match wins): variables of the current `for each` copy, `-v` on the
//! command line, the process environment, then `NOW` and `variables:` sections. Soda Core
//! lets the environment beat `-v`; we do not, because an explicit flag should win over
//! ambient state (documented in the README).

use std::collections::BTreeMap;

/// The variables a scan can resolve.
#[derive(Debug, Clone, Default)]
pub struct Vars {
    /// `-v KEY=VALUE` from the command line.
    pub cli: BTreeMap<String, String>,
    /// `NOW` and the values of `variables:` sections.
    pub scan: BTreeMap<String, String>,
}

/// The result of rendering one text.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub text: String,
    /// Names that were not defined anywhere (rendered as empty).
    pub undefined: Vec<String>,
    /// Expressions we could not understand (rendered as empty).
    pub unsupported: Vec<String>,
}

impl Rendered {
    /// What could not be rendered, as messages: warnings for undefined names (they render as
    /// empty, as in Soda Core) and errors for expressions we do not understand. `place` tells
    /// where the text was (`" in configuration.yml"`, or empty when the location says it).
    pub fn problems(&self, place: &str) -> (Vec<String>, Vec<String>) {
        let warnings = self
            .undefined
            .iter()
            .map(|name| format!("Variable ${{{name}}}{place} is not defined; it renders as empty"))
            .collect();
        let errors = self
            .unsupported
            .iter()
            .map(|expr| format!("Unsupported template expression ${{{expr}}}{place}"))
            .collect();
        (warnings, errors)
    }
}

impl Vars {
    /// Looks a name up with the precedence described in the module docs.
    pub fn lookup(&self, name: &str) -> Option<String> {
        if let Some(v) = self.cli.get(name) {
            return Some(v.clone());
        }
        if let Ok(v) = std::env::var(name) {
            return Some(v);
        }
        self.scan.get(name).cloned()
    }

    /// Renders every `${...}` in `text`. Texts without `${` are returned unchanged.
    pub fn render(&self, text: &str) -> Rendered {
        self.render_with(text, &[])
    }

    /// Renders with extra highest-precedence variables (a `for each` alias).
    pub fn render_with(&self, text: &str, extra: &[(&str, &str)]) -> Rendered {
        let mut out = Rendered {
            text: String::with_capacity(text.len()),
            undefined: Vec::new(),
            unsupported: Vec::new(),
        };
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.text.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = find_closing(after) else {
                out.text.push_str(&rest[start..]);
                rest = "";
                break;
            };
            let expr = after[..end].trim();
            match self.eval(expr, extra) {
                Ok(Some(v)) => out.text.push_str(&v),
                Ok(None) => out.undefined.push(expr.to_string()),
                Err(()) => out.unsupported.push(expr.to_string()),
            }
            rest = &after[end + 1..];
        }
        out.text.push_str(rest);
        out
    }

    /// Evaluates one expression: `Ok(None)` for an undefined name, `Err` if not understood.
    fn eval(&self, expr: &str, extra: &[(&str, &str)]) -> Result<Option<String>, ()> {
        let mut parts = split_filters(expr);
        let head = parts.remove(0);
        let mut value = if let Some(args) = call_args(head, "env_var") {
            let name = args.first().ok_or(())?;
            Some(
                std::env::var(name)
                    .ok()
                    .or_else(|| args.get(1).cloned())
                    .unwrap_or_default(),
            )
        } else if let Some(lit) = string_literal(head) {
            Some(lit)
        } else if is_identifier(head) {
            extra
                .iter()
                .find(|(k, _)| *k == head)
                .map(|(_, v)| (*v).to_string())
                .or_else(|| self.lookup(head))
        } else {
            return Err(());
        };
        for filter in parts {
            value = apply_filter(value, filter)?;
        }
        Ok(value)
    }
}

fn find_closing(s: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '}') => return Some(i),
            _ => {}
        }
    }
    None
}

fn split_filters(expr: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut quote: Option<char> = None;
    let mut start = 0;
    for (i, c) in expr.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '|') => {
                parts.push(expr[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(expr[start..].trim());
    parts
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
}

fn string_literal(s: &str) -> Option<String> {
    let s = s.trim();
    let q = s.chars().next()?;
    if (q == '\'' || q == '"') && s.len() >= 2 && s.ends_with(q) {
        Some(s[1..s.len() - 1].to_string())
    } else {
        None
    }
}

/// Parses `name(arg, ...)` with string-literal arguments.
fn call_args(s: &str, name: &str) -> Option<Vec<String>> {
    let inner = s.strip_prefix(name)?.trim_start().strip_prefix('(')?;
    let inner = inner.strip_suffix(')')?;
    if inner.trim().is_empty() {
        return Some(Vec::new());
    }
    inner
        .split(',')
        .map(|a| string_literal(a.trim()))
        .collect::<Option<Vec<_>>>()
}

fn apply_filter(value: Option<String>, filter: &str) -> Result<Option<String>, ()> {
    if let Some(args) = call_args(filter, "default").or_else(|| call_args(filter, "d")) {
        return Ok(Some(
            value.unwrap_or_else(|| args.first().cloned().unwrap_or_default()),
        ));
    }
    let Some(v) = value else { return Ok(None) };
    match filter {
        "int" => Ok(Some(
            v.trim()
                .parse::<f64>()
                .map(|f| format!("{}", f.trunc() as i64))
                .unwrap_or_else(|_| "0".into()),
        )),
        "upper" => Ok(Some(v.to_uppercase())),
        "lower" => Ok(Some(v.to_lowercase())),
        "trim" => Ok(Some(v.trim().to_string())),
        "string" => Ok(Some(v)),
        _ => Err(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> Vars {
        let mut v = Vars::default();
        v.cli.insert("T".into(), "customers".into());
        v.scan.insert("N".into(), "5".into());
        v
    }

    #[test]
    fn renders_names_and_spaces() {
        let r = vars().render("checks for ${T} where n > ${ N }");
        assert_eq!(r.text, "checks for customers where n > 5");
        assert!(r.undefined.is_empty());
    }

    #[test]
    fn undefined_renders_empty_and_is_reported() {
        let r = vars().render("x = '${NOPE_SODA_TEST}'");
        assert_eq!(r.text, "x = ''");
        assert_eq!(r.undefined, vec!["NOPE_SODA_TEST".to_string()]);
    }

    #[test]
    fn filters_and_env_var() {
        let v = vars();
        assert_eq!(v.render("${ NOPE_SODA_X | default('d') }").text, "d");
        assert_eq!(v.render("${ env_var('NOPE_SODA_Y', 'fb') }").text, "fb");
        assert_eq!(v.render("${ T | upper }").text, "CUSTOMERS");
    }

    #[test]
    fn extra_variables_win() {
        let r = vars().render_with("${T}", &[("T", "orders")]);
        assert_eq!(r.text, "orders");
    }
}
