//! TEMPORARY STUB (replaced by the real identity module).
pub struct HashBuilder { parts: Vec<String> }
impl HashBuilder {
    pub fn new() -> Self { HashBuilder { parts: vec![] } }
    pub fn add_str(&mut self, s: &str) { self.parts.push(s.into()) }
    pub fn add_f64(&mut self, f: f64) { self.parts.push(python_float_repr(f)) }
    pub fn add_i64(&mut self, i: i64) { self.parts.push(i.to_string()) }
    pub fn add_bool(&mut self, b: bool) { self.parts.push(if b {"True".into()} else {"False".into()}) }
    pub fn finish(self) -> Option<String> { if self.parts.is_empty() { None } else { Some("00000000".into()) } }
}
pub fn python_float_repr(f: f64) -> String { if f.fract() == 0.0 && f.abs() < 1e16 { format!("{f:.1}") } else { format!("{f}") } }
pub struct Identities { pub v1: String, pub v2: String, pub v3: String }
pub fn check_identities(_h: &str, _l: &str, _c: Option<&str>, _d: &str, _f: &str) -> Identities { Identities { v1: "x".into(), v2: "x".into(), v3: "x".into() } }
pub const IDENTITY_DROP_KEYS: &[&str] = &["name", "samples limit", "identity", "attributes", "template", "warn_only"];
