//! Generated datasets on disk: writers for NDJSON, Elasticsearch `_bulk` and Parquet, the labels
//! sidecar, and `manifest.json`.
//!
//! Layout of an output folder (`DIR`):
//! ```text
//! DIR/manifest.json                               version, seed, full config, counts, sha256 per file
//! DIR/logs-endpoint.events.process-default.ndjson one document (_source) per line   (--format ndjson)
//! DIR/logs-endpoint.events.process-default.bulk   `create` action + document lines  (--format bulk)
//! DIR/logs-endpoint.events.process-default.parquet dotted columns, lists for arrays (--format parquet)
//! DIR/labels.ndjson                               {"_id","scenario","instance","technique","step"}
//! ```
//! Files are written as the world streams (memory stays flat), hashed while written, and the manifest
//! lists them in a fixed order, so the same seed and configuration give byte-identical folders.

mod flat_row;
mod flatten;
mod manifest;
mod ndjson;
mod parquet;
mod sink;
mod writer;

pub use flatten::{Flat, flatten_event, flatten_value};
pub use manifest::{FileEntry, Manifest};
pub use writer::{DatasetError, DatasetWriter, Format, WriteOptions, write_world};
