//! # generators — the world
//!
//! Simulated Linux fleets running Elastic Defend: hosts with roles, coherent process trees, natural
//! noise, and labelled attack scenarios, emitted as ECS documents. Depends on no query crate.

pub mod event;
pub mod fleet;
pub mod rng;
pub mod sim;
pub mod time;
