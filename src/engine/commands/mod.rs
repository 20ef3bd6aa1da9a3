//! Columnar implementations of the streaming plan steps and the STATS sink.

pub mod eval;
pub mod mv_expand;
pub mod project;
pub mod stats;
pub mod stats_output;
pub mod stats_tail;
pub mod where_;

/// The plan of `query` over one index `t` whose fields are `fields` (name, ES type): for unit tests.
#[cfg(test)]
pub(crate) fn test_plan(fields: &[(&str, &str)], query: &str) -> esql::Plan {
    let mapping = fields
        .iter()
        .fold(esql::Mapping::new(), |m, (name, ty)| m.with(name, ty));
    let mut catalog = esql::Catalog::default();
    catalog
        .indices
        .insert("t".into(), std::sync::Arc::new(mapping));
    esql::analyze(&esql::parse(query).unwrap(), &catalog).unwrap()
}
