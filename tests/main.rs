//! detsim's integration tests, compiled into one binary (`cargo test --test main`).
//!
//! Each module runs the built `detsim` binary or the public library the way a user would. Tests
//! that need the reference material in `../shared` skip with a notice when it is missing, and fail
//! loudly when `CI=true`.

// `detsim parse`, `detsim check`, and rule-file loading over Elastic's corpus.
mod cli;
