//! Ingest: the one place where a JSON document becomes an indexed [`Document`](crate::Document),
//! as Elasticsearch indexes it under a mapping and ES|QL reads it back from doc values.
//!
//! Every data source (NDJSON folders, generators, csv-spec datasets) and both evaluators see documents
//! only through here. [`index_document`] indexes one document; [`Indexer`] prepares a mapping for many;
//! [`read_ndjson`] reads a stream; [`Dataset::load`] loads a folder of `<data_stream>.ndjson` files.

mod coerce;
mod dataset;
pub mod date;
mod doc_values;
mod error;
mod indexer;
mod ndjson;

#[cfg(test)]
mod tests;

pub use coerce::{Converted, text_of, truncate_decimal};
pub use dataset::{Dataset, MAX_KEPT_ERRORS};
pub use doc_values::{ReadOrder, read_back, read_order};
pub use error::{IngestError, LocatedError};
pub use indexer::{Indexed, Indexer, index_document};
pub use ndjson::{IngestStats, NdjsonReader, event_id, read_ndjson};
