//! Data inputs for the engine and the CLI: NDJSON dataset files read into a data source.

pub mod ndjson_files;
