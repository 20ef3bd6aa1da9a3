//! The event model: Elastic Defend Linux process and file documents, serialized with `serde`.
//!
//! An [`Event`] holds shared references (`Arc`) to the host and process images it describes, so that
//! building one costs a few reference-count increments; `Serialize` walks them and writes the nested ECS
//! document Elastic Defend sends (`_source`), field for field, without building a `serde_json::Value`.

mod document;
mod host;
mod ids;
mod json;
mod process;
pub mod sample;

pub use document::{
    Body, Event, FileAction, FileBody, FileInfo, Label, LabelledEvent, ProcessActions, ProcessBody,
};
pub use host::{HostInfo, OsInfo};
pub use ids::{EntityId, EntityPrefix, EventId, entity_id};
pub use json::HostFragments;
pub use process::{
    Account, Creds, EntryMeta, FullProcess, Hashes, Image, LeaderBlock, LeaderKind, MAX_ANCESTRY,
    ParentBlock, Proc, ProcFragments, RenderCache, SlimProcess,
};

/// The data streams generated events go to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DataStream {
    /// `logs-endpoint.events.process-default`
    Process,
    /// `logs-endpoint.events.file-default`
    File,
}

impl DataStream {
    /// Every data stream, in output order.
    pub const ALL: [DataStream; 2] = [DataStream::Process, DataStream::File];

    /// The data stream name (also the file stem of its NDJSON file).
    pub fn name(self) -> &'static str {
        match self {
            DataStream::Process => "logs-endpoint.events.process-default",
            DataStream::File => "logs-endpoint.events.file-default",
        }
    }

    /// `data_stream.dataset` / `event.dataset`.
    pub fn dataset(self) -> &'static str {
        match self {
            DataStream::Process => "endpoint.events.process",
            DataStream::File => "endpoint.events.file",
        }
    }

    /// `data_stream.namespace`.
    pub fn namespace(self) -> &'static str {
        "default"
    }
}

impl std::fmt::Display for DataStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
