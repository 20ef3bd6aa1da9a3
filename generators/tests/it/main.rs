//! Integration tests of the generators crate (one binary).
//!
//! - `determinism`: same seed → same bytes; shards are disjoint and add up to the whole.
//! - `tree`: process trees are coherent (parents live and reported earlier), streams are ordered,
//!   ids are unique, documents have the Elastic Defend shape.
//! - `scenarios`: shipped scenario files round-trip; detect scenarios match the seed rules' logic and
//!   miss scenarios do not.
//! - `properties`: proptest over fleet profiles (bounded cases; `PROPTEST_CASES` raises them).

mod common;
mod determinism;
mod json_writer;
mod properties;
mod scenarios;
mod tree;
