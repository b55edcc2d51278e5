//! The YAML loader: bytes as a checks file would be read, parsed into spanned nodes, then
//! every mapping emitted the way check identities are (ruamel-style). Must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = soda::sources::decode_text(data.to_vec()) else {
        return;
    };
    if let Ok(Some(node)) = soda::yaml::parse(&text) {
        let _ = soda::python::ruamel::identity_config_yaml(&node, &["name"]);
        let _ = soda::python::ruamel::definition_yaml("checks for t", "row_count > 0", Some(&node));
    }
});
