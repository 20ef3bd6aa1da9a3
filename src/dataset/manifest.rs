//! `manifest.json`: what a dataset folder holds and how it was made (no wall-clock time, so the same
//! seed and configuration give the same manifest).

use std::collections::BTreeMap;

use generators::scenario::InstanceRecord;
use generators::sim::HostStats;
use generators::{Config, Counts};
use serde::Serialize;

/// One written file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileEntry {
    /// File name inside the folder.
    pub path: String,
    /// Size in bytes.
    pub bytes: u64,
    /// Lower-case hex SHA-256 of the content.
    pub sha256: String,
    /// Documents (or labels) in the file.
    pub records: u64,
}

/// A host of the fleet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HostEntry {
    /// `host.name`.
    pub name: String,
    /// Role key.
    pub role: String,
    /// Distribution key.
    pub distro: String,
    /// `agent.id`.
    pub agent_id: String,
}

/// The manifest.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    /// detsim version.
    pub detsim_version: String,
    /// Master seed.
    pub seed: u64,
    /// Output format.
    pub format: String,
    /// Whether labels are also inline under `labels.*`.
    pub inline_labels: bool,
    /// The full configuration.
    pub config: Config,
    /// Counts per data stream and scenario.
    pub counts: Counts,
    /// Labels written.
    pub labels: u64,
    /// Files, in a fixed order.
    pub files: Vec<FileEntry>,
    /// The fleet (all shards).
    pub hosts: Vec<HostEntry>,
    /// Scenario instances (including skipped ones and why).
    pub instances: Vec<InstanceRecord>,
    /// Per-host counters of this shard.
    pub host_stats: BTreeMap<String, HostStats>,
}
