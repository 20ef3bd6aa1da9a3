//! Data inputs for the engine and the CLI: dataset files (NDJSON, Parquet) read straight into the
//! engine's column chunks, extracting only the columns a plan needs, and the in-memory ingest path.
//!
//! - [`read::eval_files`]: evaluate a plan over NDJSON/Parquet files, streaming, on all cores.
//! - [`ndjson_fast`], [`json_scan`], [`json_index`]: NDJSON blocks → chunks through an extracting JSON
//!   walker (strings found by a SIMD quote index, unneeded values skipped by a validating loop).
//! - [`parquet_fast`]: Parquet row groups → chunks, projected to the needed columns.
//! - [`layout`], [`convert`]: what is extracted and how raw values become stored values.
//! - [`ndjson_files`]: NDJSON files → an `esql::MemorySource` through `esql::ingest` (every field).

pub mod convert;
pub mod json_index;
pub mod json_proof;
pub mod json_scan;
pub mod json_simd;
pub mod layout;
pub mod ndjson_fast;
pub mod ndjson_files;
pub mod parquet_columns;
pub mod parquet_fast;
mod parquet_leaves;
pub mod parquet_prefilter;
mod parquet_warnings;
pub mod read;

#[cfg(test)]
mod tests;
