//! TEMPORARY STUB (replaced by the real emitter).
use super::Node;
pub fn identity_config_yaml(_config: &Node, _drop_keys: &[&str]) -> Option<String> { None }
pub fn definition_yaml(header: &str, line: &str, _config: Option<&Node>) -> String { format!("{header}:\n  {line}") }
