//! Parser tests, compiled into one binary.
//!
//! - `helpers`: `verified_query` and friends (parse, print, compare);
//! - `syntax`: one-line tests of every construct and its canonical printing;
//! - `spans`: node spans and the verbatim text ES names columns by;
//! - `errors`: each kind of syntax error, with ANTLR's message and position;
//! - `oracle_cases`: verdicts of Elastic's ANTLR parser (detection-rules-esql-py 0.1.0, grammar
//!   9.5, release mode) recorded for mutated hand-written queries;
//! - `corpus`: every detection rule and csv-spec query in `../shared` parses and round-trips;
//! - `properties`: no input panics; `parse(print(ast)) == ast` for generated trees.

mod corpus;
mod errors;
mod helpers;
mod oracle_cases;
mod properties;
mod spans;
mod syntax;
