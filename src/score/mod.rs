//! Scoring alerts against ground truth: which events stand behind each alert row ([`lineage`]), which
//! events are attacks and which attack instances target which rules ([`truth`]), and the resulting
//! precision, recall and false-positive rate ([`metrics`]).

pub mod lineage;
pub mod metrics;
pub mod truth;
