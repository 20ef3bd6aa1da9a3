//! The `agent.*`, `elastic.agent.*` and `host.*` blocks, identical on every event of a host.

use std::sync::Arc;

use serde::Serialize;

use super::json::HostFragments;
use super::process::RenderCache;
use serde::ser::{SerializeMap, Serializer};

/// `host.os.*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OsInfo {
    /// `host.os.Ext.variant` (`Ubuntu`, `Debian`, `RHEL`, `Rocky Linux`, `Amazon Linux`).
    pub variant: Arc<str>,
    /// `host.os.family` (`ubuntu`, `debian`, `rhel`, …).
    pub family: Arc<str>,
    /// `host.os.full` (`Ubuntu 22.04.4`).
    pub full: Arc<str>,
    /// `host.os.kernel` (`5.15.0-105-generic #115-Ubuntu SMP …`).
    pub kernel: Arc<str>,
    /// `host.os.platform`.
    pub platform: Arc<str>,
    /// `host.os.version`.
    pub version: Arc<str>,
}

/// Everything about a host that every event repeats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostInfo {
    /// Index of the host in the fleet (not serialized).
    pub index: u32,
    /// `agent.id` (and `elastic.agent.id`), a UUID.
    pub agent_id: Arc<str>,
    /// `agent.version`.
    pub agent_version: Arc<str>,
    /// `host.name` / `host.hostname`.
    pub name: Arc<str>,
    /// `host.id` (the machine id, 32 hex digits).
    pub id: Arc<str>,
    /// `host.ip` (loopback first, as the agent lists them).
    pub ip: Arc<[Arc<str>]>,
    /// `host.mac`.
    pub mac: Arc<[Arc<str>]>,
    /// `host.os.*`.
    pub os: OsInfo,
    /// The `agent`, `elastic` and `host` blocks as JSON, rendered on first use by the fast writer.
    pub rendered: RenderCache<HostFragments>,
}

impl HostInfo {
    /// The host's JSON fragments (rendered on first use).
    pub fn fragments(&self) -> &HostFragments {
        self.rendered.get_or_init(|| HostFragments::new(self))
    }
}

/// `agent` block.
pub(crate) struct AgentBlock<'a>(pub &'a HostInfo);

impl Serialize for AgentBlock<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("id", &*self.0.agent_id)?;
        m.serialize_entry("type", "endpoint")?;
        m.serialize_entry("version", &*self.0.agent_version)?;
        m.end()
    }
}

/// `elastic` block: `{"agent":{"id":…}}`.
pub(crate) struct ElasticBlock<'a>(pub &'a HostInfo);

impl Serialize for ElasticBlock<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Id<'a>(&'a str);
        impl Serialize for Id<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("id", self.0)?;
                m.end()
            }
        }
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry("agent", &Id(&self.0.agent_id))?;
        m.end()
    }
}

struct StrList<'a>(&'a [Arc<str>]);

impl Serialize for StrList<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|a| &**a))
    }
}

struct OsBlock<'a>(&'a OsInfo);

impl Serialize for OsBlock<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Variant<'a>(&'a str);
        impl Serialize for Variant<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("variant", self.0)?;
                m.end()
            }
        }
        let os = self.0;
        let mut m = s.serialize_map(Some(8))?;
        m.serialize_entry("Ext", &Variant(&os.variant))?;
        m.serialize_entry("family", &*os.family)?;
        m.serialize_entry("full", &*os.full)?;
        m.serialize_entry("kernel", &*os.kernel)?;
        m.serialize_entry("name", "Linux")?;
        m.serialize_entry("platform", &*os.platform)?;
        m.serialize_entry("type", "linux")?;
        m.serialize_entry("version", &*os.version)?;
        m.end()
    }
}

/// `host` block.
pub(crate) struct HostBlock<'a>(pub &'a HostInfo);

impl Serialize for HostBlock<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let h = self.0;
        let mut m = s.serialize_map(Some(7))?;
        m.serialize_entry("architecture", "x86_64")?;
        m.serialize_entry("hostname", &*h.name)?;
        m.serialize_entry("id", &*h.id)?;
        m.serialize_entry("ip", &StrList(&h.ip))?;
        m.serialize_entry("mac", &StrList(&h.mac))?;
        m.serialize_entry("name", &*h.name)?;
        m.serialize_entry("os", &OsBlock(&h.os))?;
        m.end()
    }
}
