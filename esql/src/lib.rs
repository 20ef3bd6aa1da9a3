//! # esql — the ES|QL language
//!
//! Everything about ES|QL except evaluating it: the lexer and parser (text → [`ast`]), the printer
//! (AST → canonical text), values and types, index mappings and the catalog, the analyzer (AST →
//! typed [`Plan`]), and the contract ([`Evaluator`], [`DataSource`], [`ResultTable`]) that the
//! reference evaluator (`oracles`) and the optimized evaluator (`detsim`) both implement.
//!
//! Pipeline: `parse(text) -> Query`, `analyze(&Query, &Catalog) -> Plan`, `Evaluator::run(&Plan, data)
//! -> ResultTable`. Every AST node carries a byte [`Span`]; every plan expression carries its verbatim
//! source text and [`Position`], because Elasticsearch names unnamed columns and warnings by them.

pub mod analyzer;
pub mod ast;
pub mod catalog;
pub mod document;
pub mod execution;
pub mod format;
pub mod functions;
pub mod ingest;
pub mod lexer;
pub mod mapping;
pub mod plan;
pub mod span;
pub mod table;
pub mod types;
pub mod value;
pub mod version;
pub mod warnings;

pub use analyzer::{AnalysisError, analyze};
pub use catalog::Catalog;
pub use document::Document;
pub use execution::{DataSource, EvalError, EvalOptions, Evaluator, MemorySource, TimeRange};
pub use mapping::{FieldMapping, Mapping};
pub use plan::{Column, Plan, Schema};
pub use span::{LineIndex, Position, Span};
pub use table::ResultTable;
pub use types::DataType;
pub use value::Value;
pub use warnings::Warnings;
