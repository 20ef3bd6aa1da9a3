//! Tests of the command line and of rule-file loading.

mod check;
mod compare;
mod exit_codes;
mod parse;
mod product;
mod rules_corpus;
mod support;
mod tune;
