//! The differential and metamorphic harness: random queries and datasets, the properties they must
//! satisfy, and saved regressions.
//!
//! - [`choices`]: the shrinkable choice stream generators read.
//! - [`fleet_pool`], [`adversarial`], [`data`], [`dataset`], [`vocabulary`]: data strategies.
//! - [`query`]: the query strategy (well-typed pipelines over the Elastic Defend catalog).
//! - [`frontend`]: print → reparse → analyze, as every generated query goes through.
//! - [`compare`]: comparing two results (columns, types, rows, warnings, sort order).
//! - [`properties`]: the properties, each over any [`esql::Evaluator`]; [`case`] ties a query,
//!   a property and documents together; [`regression`] saves and replays cases.
//! - [`minimize`]: cuts the documents of a shrunk failing case down to what the failure needs.
//! - [`runner`]: runs a property over many seeded cases, shrinks failures and saves them.
//! - [`campaign`]: the long differential campaign (many queries per dataset, every evaluator under
//!   test per case).
//! - [`entry_points`]: the no-panic entry points the fuzz targets and their CI proptests share.
//!
//! The library needs only the reference evaluator; the optimized engine is checked from the root
//! crate's tests, which pass it in as the evaluator under test.

pub mod adversarial;
pub mod campaign;
pub mod case;
pub mod choices;
pub mod compare;
pub mod data;
pub mod dataset;
pub mod entry_points;
pub mod fleet_pool;
pub mod frontend;
pub mod minimize;
pub mod properties;
pub mod query;
pub mod regression;
pub mod runner;
pub mod vocabulary;
