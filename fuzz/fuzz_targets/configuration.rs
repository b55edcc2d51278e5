//! The configuration loader: data sources, Soda Cloud and results store settings, with
//! `${VAR}` substitution. Every problem must be a logged diagnostic, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use soda::diagnostic::Logs;
use soda::template::Vars;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = soda::sources::decode_text(data.to_vec()) else {
        return;
    };
    let mut logs = Logs::new(false, None);
    let _ = soda::config::load_text("configuration.yml", &text, &Vars::default(), &mut logs);
});
