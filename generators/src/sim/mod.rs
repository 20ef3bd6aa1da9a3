//! The simulation of hosts: process tables, scripts, background activity, and the event stream.

pub(crate) mod activity;
pub(crate) mod boot;
mod host_sim;
pub mod procs;
pub mod reservations;
pub mod script;

pub use host_sim::{HostSim, HostStats, SimParams};
