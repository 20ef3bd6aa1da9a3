//! GROK patterns in the analyzer: a thin front over [`crate::grok`], which holds the pattern
//! dictionary, the expansion to one regular expression and the captures' columns and types (shared
//! with both evaluators).

pub use crate::grok::{Capture, CaptureType, GrokError, GrokPattern, compile_all};

/// Compiles one pattern; the error is ES's message (e.g. `Unable to find pattern [X] in Grok's pattern
/// dictionary`).
pub fn compile(pattern: &str) -> Result<GrokPattern, String> {
    crate::grok::compile(pattern).map_err(|e| e.to_string())
}
