//! # detsim — test Elastic ES|QL detection rules offline
//!
//! The optimized evaluator, rule files and schedules, scoring, readers and writers, and the CLI.
