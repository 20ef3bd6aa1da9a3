//! `GROK input "pattern"` (docs commands grok.md). GROK needs Elasticsearch's library of named grok
//! patterns (`%{IP:ip}`, `%{WORD:w}`, …), which the reference evaluator does not carry yet: every GROK
//! step is reported as unsupported, naming the pattern, rather than answered approximately.

use esql::EvalError;
use esql::plan::GrokStep;

use crate::reference::{Context, Row};

/// Runs `GROK` on one row (unsupported for now).
pub fn grok_row(step: &GrokStep, _row: Row, _ctx: &mut Context) -> Result<Row, EvalError> {
    Err(EvalError::Unsupported(format!(
        "GROK (pattern library not implemented) with pattern {:?}",
        step.patterns
    )))
}
