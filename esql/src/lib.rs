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

pub mod algo;
pub mod analyzer;
pub mod ast;
pub mod catalog;
pub mod document;
pub mod error;
pub mod execution;
pub mod format;
pub mod functions;
pub mod grok;
pub mod ingest;
pub mod lexer;
pub mod mapping;
pub mod parser;
pub mod plan;
pub mod print;
pub mod span;
pub mod table;
pub mod types;
pub mod value;
pub mod version;
pub mod warnings;

pub use analyzer::{AnalysisError, analyze};
pub use catalog::Catalog;
pub use document::Document;
pub use error::{ParseError, ParseErrorKind};
pub use execution::{DataSource, EvalError, EvalOptions, Evaluator, MemorySource, TimeRange};
pub use mapping::{FieldMapping, Mapping};
pub use plan::{Column, Plan, Schema};
pub use print::print;
pub use span::{LineIndex, Position, Span};
pub use table::ResultTable;
pub use types::DataType;
pub use value::Value;
pub use warnings::Warnings;

/// Parses an ES|QL query (syntax only) into its [`ast::Query`], accepting exactly what
/// Elastic's grammar accepts; a syntax error carries ANTLR's message and position.
///
/// ```
/// let q = esql::parse("FROM logs-* | WHERE process.name == \"bash\" | LIMIT 10").unwrap();
/// assert_eq!(esql::print(&q), "FROM logs-* | WHERE process.name == \"bash\" | LIMIT 10");
/// let err = esql::parse("FROM logs | WHERE").unwrap_err();
/// assert_eq!(err.to_string(), "line 1:18: mismatched input '<EOF>' expecting {QUOTED_STRING, \
///     INTEGER_LITERAL, DECIMAL_LITERAL, 'false', 'first', 'last', 'not', 'null', '?', 'true', '+', \
///     '-', '??', NAMED_OR_POSITIONAL_PARAM, NAMED_OR_POSITIONAL_DOUBLE_PARAMS, OPENING_BRACKET, LP, \
///     UNQUOTED_IDENTIFIER, QUOTED_IDENTIFIER}");
/// ```
pub fn parse(src: &str) -> Result<ast::Query, ParseError> {
    parser::parse_query(src)
}
