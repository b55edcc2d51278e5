//! The SodaCL check-line grammar: check lines, `when` thresholds and section headers.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = soda::sodacl::line::parse_check_line(text);
    let _ = soda::sodacl::line::parse_when(text);
    let _ = soda::sodacl::line::parse_header(text);
});
