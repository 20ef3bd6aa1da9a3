//! A whole document: [`Event`] and its `Serialize` implementation (the `_source` Elastic Defend sends).
//!
//! Process events carry `event.action` `fork`, `exec`, `end` or `already_running`; since agent 8.16 the
//! agent may aggregate several actions of one process into one document, and then `event.action` is an
//! array (`["fork","exec"]`, `["fork","exec","end"]`) and `event.type` holds the distinct types in order
//! (`["start"]`, `["start","end"]`). A single action is written as a plain string. File events are
//! `creation`, `rename` (with `file.Ext.original.*`) or `deletion`; Linux has no modification event.

use std::sync::Arc;

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use super::host::{AgentBlock, ElasticBlock, HostBlock};
use super::{DataStream, EventId, FullProcess, HostInfo, Proc, SlimProcess};
use crate::time::Timestamp;

/// Ground truth for an attack event (written to `labels.ndjson`, or inline under `labels.*`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Label {
    /// Scenario id.
    pub scenario: Arc<str>,
    /// Instance number of the scenario in this dataset (0-based).
    pub instance: u32,
    /// MITRE ATT&CK technique id of the step.
    pub technique: Arc<str>,
    /// Step index in the scenario file (0-based).
    pub step: u32,
}

/// The actions aggregated in one process event (a small bit set).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ProcessActions(u8);

impl ProcessActions {
    /// `fork`
    pub const FORK: ProcessActions = ProcessActions(1);
    /// `exec`
    pub const EXEC: ProcessActions = ProcessActions(2);
    /// `end`
    pub const END: ProcessActions = ProcessActions(4);
    /// `already_running`
    pub const ALREADY_RUNNING: ProcessActions = ProcessActions(8);

    /// The union of two sets.
    pub const fn with(self, other: ProcessActions) -> ProcessActions {
        ProcessActions(self.0 | other.0)
    }

    /// Whether every action of `other` is in the set.
    pub const fn contains(self, other: ProcessActions) -> bool {
        self.0 & other.0 == other.0
    }

    /// The action names in agent order.
    pub fn names(self) -> impl Iterator<Item = &'static str> + Clone {
        [
            (Self::ALREADY_RUNNING, "already_running"),
            (Self::FORK, "fork"),
            (Self::EXEC, "exec"),
            (Self::END, "end"),
        ]
        .into_iter()
        .filter(move |(a, _)| self.contains(*a))
        .map(|(_, n)| n)
    }

    /// The distinct `event.type` values in order.
    pub fn types(self) -> impl Iterator<Item = &'static str> + Clone {
        let start = self.contains(Self::FORK) || self.contains(Self::EXEC);
        [
            (self.contains(Self::ALREADY_RUNNING), "info"),
            (start, "start"),
            (self.contains(Self::END), "end"),
        ]
        .into_iter()
        .filter(|(on, _)| *on)
        .map(|(_, n)| n)
    }
}

/// A process event.
#[derive(Debug, Clone)]
pub struct ProcessBody {
    /// Aggregated actions.
    pub actions: ProcessActions,
    /// The image the event describes.
    pub process: Arc<Proc>,
    /// End time and exit code, for events including `end`.
    pub end: Option<(Timestamp, i32)>,
}

/// File actions on Linux.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileAction {
    /// `creation`
    Creation,
    /// `rename`
    Rename,
    /// `deletion`
    Deletion,
}

impl FileAction {
    /// `event.action`.
    pub fn action(self) -> &'static str {
        match self {
            FileAction::Creation => "creation",
            FileAction::Rename => "rename",
            FileAction::Deletion => "deletion",
        }
    }

    /// `event.type`.
    pub fn event_type(self) -> &'static str {
        match self {
            FileAction::Creation => "creation",
            FileAction::Rename => "change",
            FileAction::Deletion => "deletion",
        }
    }
}

/// The `file.*` block.
#[derive(Debug, Clone, PartialEq)]
pub struct FileInfo {
    /// Absolute path.
    pub path: Arc<str>,
    /// Size in bytes (None when unknown).
    pub size: Option<u64>,
    /// Shannon entropy of the content (written on creations and renames of written files).
    pub entropy: Option<f64>,
    /// First bytes of the content, hex.
    pub header_bytes: Option<Arc<str>>,
    /// The previous path, for renames.
    pub original_path: Option<Arc<str>>,
}

/// A file event.
#[derive(Debug, Clone)]
pub struct FileBody {
    /// What happened.
    pub action: FileAction,
    /// The process that did it.
    pub process: Arc<Proc>,
    /// The file.
    pub file: Arc<FileInfo>,
}

/// Process or file specifics.
#[derive(Debug, Clone)]
pub enum Body {
    /// A process event.
    Process(ProcessBody),
    /// A file event.
    File(FileBody),
}

/// One generated document plus its ground-truth label.
#[derive(Debug, Clone)]
pub struct Event {
    /// `@timestamp` (and `event.created`).
    pub timestamp: Timestamp,
    /// `event.ingested`.
    pub ingested: Timestamp,
    /// `event.sequence`: per-agent counter in emission order.
    pub sequence: u64,
    /// `event.id`, unique in the dataset; also the document's `_id`.
    pub id: EventId,
    /// The host.
    pub host: Arc<HostInfo>,
    /// Process or file specifics.
    pub body: Body,
    /// Ground truth, for attack events.
    pub label: Option<Arc<Label>>,
}

impl Event {
    /// The data stream the event belongs to.
    pub fn data_stream(&self) -> DataStream {
        match self.body {
            Body::Process(_) => DataStream::Process,
            Body::File(_) => DataStream::File,
        }
    }

    /// The process the event is about (for file events, the writer).
    pub fn process(&self) -> &Arc<Proc> {
        match &self.body {
            Body::Process(b) => &b.process,
            Body::File(b) => &b.process,
        }
    }

    fn write<M: SerializeMap>(&self, m: &mut M, label: Option<&Label>) -> Result<(), M::Error> {
        let ds = self.data_stream();
        let p = self.process();
        m.serialize_entry("@timestamp", &self.timestamp)?;
        m.serialize_entry("agent", &AgentBlock(&self.host))?;
        m.serialize_entry("data_stream", &DataStreamBlock(ds))?;
        m.serialize_entry("ecs", &EcsBlock)?;
        m.serialize_entry("elastic", &ElasticBlock(&self.host))?;
        m.serialize_entry("event", &EventBlock(self))?;
        if let Body::File(f) = &self.body {
            m.serialize_entry("file", &FileBlock(&f.file))?;
        }
        m.serialize_entry(
            "group",
            &IdentityBlock {
                effective: p.group(),
                real: p.real_group(),
            },
        )?;
        m.serialize_entry("host", &HostBlock(&self.host))?;
        if let Some(label) = label {
            m.serialize_entry("labels", label)?;
        }
        m.serialize_entry(
            "message",
            match ds {
                DataStream::Process => "Endpoint process event",
                DataStream::File => "Endpoint file event",
            },
        )?;
        match &self.body {
            Body::Process(b) => m.serialize_entry(
                "process",
                &FullProcess {
                    proc: &b.process,
                    end: b.end,
                    with_previous: b.actions.contains(ProcessActions::EXEC),
                },
            )?,
            Body::File(f) => m.serialize_entry("process", &SlimProcess(&f.process))?,
        }
        m.serialize_entry(
            "user",
            &IdentityBlock {
                effective: p.user(),
                real: p.real_user(),
            },
        )?;
        Ok(())
    }
}

impl Serialize for Event {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        self.write(&mut m, None)?;
        m.end()
    }
}

/// An event serialized with its label inline under `labels.*` (the `--inline-labels` form).
pub struct LabelledEvent<'a>(pub &'a Event);

impl Serialize for LabelledEvent<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        self.0.write(&mut m, self.0.label.as_deref())?;
        m.end()
    }
}

struct DataStreamBlock(DataStream);

impl Serialize for DataStreamBlock {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("dataset", self.0.dataset())?;
        m.serialize_entry("namespace", self.0.namespace())?;
        m.serialize_entry("type", "logs")?;
        m.end()
    }
}

struct EcsBlock;

impl Serialize for EcsBlock {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry("version", "8.10.0")?;
        m.end()
    }
}

/// One value written as a string, several as an array.
struct OneOrMany<I>(I);

impl<I: Iterator<Item = &'static str> + Clone> Serialize for OneOrMany<I> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut it = self.0.clone();
        match (it.next(), it.next()) {
            (Some(one), None) => s.serialize_str(one),
            _ => s.collect_seq(self.0.clone()),
        }
    }
}

/// Always an array (`event.category`, `event.type`).
struct Many<I>(I);

impl<I: Iterator<Item = &'static str> + Clone> Serialize for Many<I> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.clone())
    }
}

struct EventBlock<'a>(&'a Event);

impl Serialize for EventBlock<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let e = self.0;
        let ds = e.data_stream();
        let mut m = s.serialize_map(None)?;
        match &e.body {
            Body::Process(b) => {
                m.serialize_entry("action", &OneOrMany(b.actions.names()))?;
                m.serialize_entry("category", &Many(std::iter::once("process")))?;
            }
            Body::File(f) => {
                m.serialize_entry("action", f.action.action())?;
                m.serialize_entry("category", &Many(std::iter::once("file")))?;
            }
        }
        m.serialize_entry("created", &e.timestamp)?;
        m.serialize_entry("dataset", ds.dataset())?;
        m.serialize_entry("id", &e.id)?;
        let mut buf = [0u8; 32];
        m.serialize_entry("ingested", e.ingested.format_secs(&mut buf))?;
        m.serialize_entry("kind", "event")?;
        m.serialize_entry("module", "endpoint")?;
        m.serialize_entry("outcome", "success")?;
        m.serialize_entry("sequence", &e.sequence)?;
        match &e.body {
            Body::Process(b) => m.serialize_entry("type", &Many(b.actions.types()))?,
            Body::File(f) => {
                m.serialize_entry("type", &Many(std::iter::once(f.action.event_type())))?
            }
        }
        m.end()
    }
}

/// `user` / `group`: `{"Ext":{"real":{…}},"id":…,"name":…}`.
struct IdentityBlock<'a> {
    effective: &'a super::Account,
    real: &'a super::Account,
}

impl Serialize for IdentityBlock<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Real<'a>(&'a super::Account);
        impl Serialize for Real<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("real", self.0)?;
                m.end()
            }
        }
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("Ext", &Real(self.real))?;
        m.serialize_entry("id", &*self.effective.id)?;
        m.serialize_entry("name", &*self.effective.name)?;
        m.end()
    }
}

struct FileBlock<'a>(&'a FileInfo);

impl Serialize for FileBlock<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let f = self.0;
        // Elastic Defend's Linux file events carry no `file.directory`.
        let (_, name) = split_path(&f.path);
        let mut m = s.serialize_map(None)?;
        if f.entropy.is_some() || f.header_bytes.is_some() || f.original_path.is_some() {
            m.serialize_entry("Ext", &FileExt(f))?;
        }
        if let Some(ext) = extension(name) {
            m.serialize_entry("extension", ext)?;
        }
        m.serialize_entry("name", name)?;
        m.serialize_entry("path", &*f.path)?;
        if let Some(size) = f.size {
            m.serialize_entry("size", &size)?;
        }
        m.end()
    }
}

struct FileExt<'a>(&'a FileInfo);

impl Serialize for FileExt<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Original<'a>(&'a str);
        impl Serialize for Original<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let (_, name) = split_path(self.0);
                let mut m = s.serialize_map(None)?;
                if let Some(ext) = extension(name) {
                    m.serialize_entry("extension", ext)?;
                }
                m.serialize_entry("name", name)?;
                m.serialize_entry("path", self.0)?;
                m.end()
            }
        }
        let f = self.0;
        let mut m = s.serialize_map(None)?;
        if let Some(e) = f.entropy {
            m.serialize_entry("entropy", &e)?;
        }
        if let Some(h) = &f.header_bytes {
            m.serialize_entry("header_bytes", &**h)?;
        }
        if let Some(o) = &f.original_path {
            m.serialize_entry("original", &Original(o))?;
        }
        m.end()
    }
}

/// Splits `/a/b/c.txt` into (`/a/b`, `c.txt`); the root directory is `/`.
pub fn split_path(path: &str) -> (&str, &str) {
    match path.rfind('/') {
        Some(0) => ("/", &path[1..]),
        Some(i) => (&path[..i], &path[i + 1..]),
        None => ("", path),
    }
}

/// The extension Elastic reports: the text after the last dot of the name, if the dot is not the first
/// character (`.bashrc` has none, `a.tar.gz` has `gz`).
pub fn extension(name: &str) -> Option<&str> {
    match name.rfind('.') {
        Some(i) if i > 0 && i + 1 < name.len() => Some(&name[i + 1..]),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_and_types_merge() {
        let fe = ProcessActions::FORK.with(ProcessActions::EXEC);
        assert_eq!(fe.names().collect::<Vec<_>>(), ["fork", "exec"]);
        assert_eq!(fe.types().collect::<Vec<_>>(), ["start"]);
        let fee = fe.with(ProcessActions::END);
        assert_eq!(fee.types().collect::<Vec<_>>(), ["start", "end"]);
        assert_eq!(ProcessActions::END.types().collect::<Vec<_>>(), ["end"]);
        let one = serde_json::to_string(&OneOrMany(ProcessActions::EXEC.names())).unwrap();
        assert_eq!(one, "\"exec\"");
        let two = serde_json::to_string(&OneOrMany(fe.names())).unwrap();
        assert_eq!(two, "[\"fork\",\"exec\"]");
    }

    #[test]
    fn paths_split_like_elastic() {
        assert_eq!(
            split_path("/var/www/html/a.php"),
            ("/var/www/html", "a.php")
        );
        assert_eq!(split_path("/a"), ("/", "a"));
        assert_eq!(extension("a.tar.gz"), Some("gz"));
        assert_eq!(extension(".bashrc"), None);
        assert_eq!(extension("sess_abc"), None);
    }
}
