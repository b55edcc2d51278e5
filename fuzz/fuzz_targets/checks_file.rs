//! The checks-file parser: a whole checks file through the YAML loader, the SodaCL parser,
//! identities (Soda Core's hashes of the emitted configuration) and the query plan. Every
//! problem must be a logged diagnostic, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use soda::diagnostic::Logs;
use soda::template::Vars;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = soda::sources::decode_text(data.to_vec()) else {
        return;
    };
    let mut vars = Vars::default();
    let mut logs = Logs::new(false, None);
    let model = {
        let mut parser = soda::sodacl::Parser::new(&mut vars, &mut logs, "fuzz");
        parser.add_text("checks.yml", &text);
        let mut model = parser.model;
        soda::sodacl::identity::assign(&mut model, "fuzz");
        model
    };
    let _ = model.ordered_checks();
    let _ = soda::plan::Planner::new("fuzz scan", "fuzz", &vars).plan(&model, &mut logs);
});
