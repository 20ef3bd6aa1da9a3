//! Expressions over frames: dictionary tables, three-valued predicates and computed columns.

pub mod context;
pub mod expand_filter;
pub mod keyword_table;
pub mod predicate;
pub mod selection;
pub mod split;
pub mod str_test;
pub mod vector;

pub use context::Ctx;
pub use predicate::Pred;
