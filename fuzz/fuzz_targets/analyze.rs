//! Fuzz target: the parser and analyzer never panic, on arbitrary text and on byte-edited queries the
//! query strategy generates (structure-aware: the input is the strategy's choice stream plus edits).
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use oracles::harness::entry_points::{analyze_mutated, analyze_text};

#[derive(Debug, Arbitrary)]
enum Input {
    /// Any text.
    Text(String),
    /// A generated query (from its choice stream) with byte edits `(position, byte)`.
    Mutated { choices: Vec<u32>, edits: Vec<(u16, u8)> },
}

fuzz_target!(|input: Input| {
    let r = match &input {
        Input::Text(t) => analyze_text(t),
        Input::Mutated { choices, edits } => analyze_mutated(choices, edits),
    };
    if let Err(e) = r {
        panic!("{e}");
    }
});
