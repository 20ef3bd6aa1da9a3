//! # generators — the world
//!
//! Simulated Linux fleets running Elastic Defend: hosts with roles, coherent process trees, natural
//! noise, and labelled attack scenarios, emitted as the ECS documents Elastic Defend sends.
//! Depends on no query crate.
//!
//! ## Design
//! - **Builder → Config → World** (turmoil): [`Builder`] has documented defaults, [`Config`] is the
//!   complete, serializable description of a dataset, [`World`] holds all simulation state.
//! - **One seeded RNG per stream, passed explicitly** ([`rng::SimRng`]): the fleet, each host and each
//!   scenario instance draw from streams derived from the master seed, so output is byte-identical for a
//!   seed whatever the shard or thread layout. Only `BTreeMap`s are iterated.
//! - **Streaming**: each host is a discrete-event simulation that yields its events in time order; the
//!   world merges hosts by `(@timestamp, host, event.sequence)`. Memory does not grow with duration.
//! - **Fast events**: an [`event::Event`] holds `Arc`s to shared process images; `Serialize` writes the
//!   nested ECS document directly (no `serde_json::Value`), so any serde `Serializer` (JSON, or a
//!   columnar one) can consume it.
//! - **Scenarios** are TOML files ([`scenario`]) compiled to the same scripts as background activity,
//!   and blend into the host's real process tree (a reverse shell's parent is a live worker).
//!
//! ## Example
//! ```
//! use generators::{Builder, time::Span};
//! let world = Builder::new().seed(7).hosts(3).duration(Span::mins(30)).build().unwrap();
//! let mut n = 0;
//! for event in world {
//!     let line = serde_json::to_string(&event).unwrap();
//!     assert!(line.contains("\"event\":{"));
//!     n += 1;
//! }
//! assert!(n > 100);
//! ```

pub mod config;
pub mod event;
pub mod fleet;
pub mod rng;
pub mod scenario;
pub mod sim;
pub mod time;
mod world;

pub use config::{BuildError, Builder, Config, Profile, ScenarioSelection, Shard};
pub use event::{DataStream, Event, Label, LabelledEvent};
pub use world::{Counts, World};
