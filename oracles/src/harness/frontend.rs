//! The front end every generated query goes through: parse, print with the printer, reparse the
//! printed text and require the same tree, then analyze the printed (canonical) text.
//!
//! The canonical text is what the evaluators see, so column names of unnamed expressions and warning
//! positions refer to it.

use esql::analyzer::analyze_full;
use esql::{Catalog, Plan, parse, print};

/// A query that went through the front end.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The canonical (printed) text.
    pub text: String,
    /// Its plan.
    pub plan: Plan,
    /// Analysis-time warnings.
    pub analysis_warnings: Vec<String>,
}

/// Why a query did not make it through the front end.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FrontEndError {
    /// The generated text does not parse.
    #[error("the query does not parse: {error}\nquery: {text}")]
    Parse {
        /// The text.
        text: String,
        /// The parser's message.
        error: String,
    },
    /// The printed text does not parse, or parses to another tree.
    #[error("printing does not round-trip: {detail}\nquery:   {text}\nprinted: {printed}")]
    RoundTrip {
        /// The text.
        text: String,
        /// What the printer wrote.
        printed: String,
        /// What went wrong.
        detail: String,
    },
    /// The analyzer rejects the query.
    #[error("the query does not analyze: {error}\nquery: {text}")]
    Analysis {
        /// The printed text.
        text: String,
        /// The analyzer's message.
        error: String,
    },
}

/// Runs `text` through the front end against `catalog`.
pub fn prepare(text: &str, catalog: &Catalog) -> Result<Prepared, FrontEndError> {
    let first = parse(text).map_err(|e| FrontEndError::Parse {
        text: text.to_owned(),
        error: e.to_string(),
    })?;
    let printed = print(&first);
    let second = parse(&printed).map_err(|e| FrontEndError::RoundTrip {
        text: text.to_owned(),
        printed: printed.clone(),
        detail: format!("the printed text does not parse: {e}"),
    })?;
    if second != first {
        return Err(FrontEndError::RoundTrip {
            text: text.to_owned(),
            printed,
            detail: format!("the reparsed tree differs:\n{first:?}\nvs\n{second:?}"),
        });
    }
    let reprinted = print(&second);
    if reprinted != printed {
        return Err(FrontEndError::RoundTrip {
            text: text.to_owned(),
            printed: printed.clone(),
            detail: format!("printing is not idempotent: {reprinted}"),
        });
    }
    let analysis = analyze_full(&second, catalog).map_err(|e| FrontEndError::Analysis {
        text: printed.clone(),
        error: e.to_string(),
    })?;
    Ok(Prepared {
        text: printed,
        plan: analysis.plan,
        analysis_warnings: analysis.warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::harness::dataset::harness_catalog;

    #[test]
    fn canonical_text_is_analyzed() {
        let p = prepare(
            "from logs-endpoint.events.process-*|where process.name==\"bash\"|keep process.name",
            &harness_catalog(),
        )
        .unwrap();
        assert_eq!(
            p.text,
            "FROM logs-endpoint.events.process-* | WHERE process.name == \"bash\" | KEEP process.name"
        );
        assert_eq!(p.plan.output().columns.len(), 1);
        assert!(matches!(
            prepare("FROM logs-* | WHERE nope > 1", &harness_catalog()),
            Err(FrontEndError::Analysis { .. })
        ));
    }
}
