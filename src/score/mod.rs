//! Scoring alerts against ground truth: which events stand behind each alert row ([`lineage`]).

pub mod lineage;
