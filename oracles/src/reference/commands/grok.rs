//! `GROK input "pattern"` (docs commands grok.md). GROK needs Elasticsearch's library of named grok
//! patterns (`%{IP:ip}`, `%{WORD:w}`, …), which the reference evaluator does not carry yet: every GROK
//! step is reported as unsupported, naming the pattern, rather than answered approximately.

use esql::EvalError;
use esql::plan::GrokStep;

use crate::reference::{Context, Row};

/// Runs `GROK` (unsupported for now).
pub fn grok_step(
    step: &GrokStep,
    _rows: Vec<Row>,
    _ctx: &mut Context,
) -> Result<Vec<Row>, EvalError> {
    Err(EvalError::Unsupported(format!(
        "GROK (pattern library not implemented) with pattern {:?}",
        step.patterns
    )))
}
