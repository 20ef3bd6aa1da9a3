//! One process image as Elastic Defend describes it, and the JSON blocks built from it.
//!
//! A [`Proc`] is immutable and shared (`Arc`) between the events that mention it: its own events, its
//! children's `process.parent` block, and the leader blocks of its session. A fork creates a new image
//! (new pid, new entity id, same [`Image`] and [`Creds`] as the parent), an exec creates another one for
//! the same pid (new entity id from the exec time, a new [`Image`]; the pre-exec image becomes
//! `process.previous` and the head of `process.Ext.ancestry`), as in the real exec event of ECS RFC 0030.
//! What a fork copies is shared behind two `Arc`s, so a fork costs a handful of reference counts.
//!
//! The blocks differ by context, following the Elastic Defend Linux field tables (fields the tables do
//! not list for Linux process and file events are not written):
//! - [`FullProcess`] — `process.*` of process events (leaders, parent, ancestry, hashes, tty, …);
//! - [`ParentBlock`] — `process.parent.*`;
//! - [`LeaderBlock`] — `process.{group,session,entry}_leader.*`;
//! - [`SlimProcess`] — the small `process.*` block of file events.

use std::sync::{Arc, OnceLock};

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use super::ids::EntityId;
use crate::time::Timestamp;

/// A user or group: id (a keyword string, as Elastic writes it) and name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Account {
    /// Numeric id as text (`"33"`).
    pub id: Arc<str>,
    /// Name (`"www-data"`).
    pub name: Arc<str>,
}

impl Account {
    /// A new account.
    pub fn new(id: u32, name: &str) -> Arc<Account> {
        Arc::new(Account {
            id: id.to_string().into(),
            name: name.into(),
        })
    }
}

impl Serialize for Account {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("id", &*self.id)?;
        m.serialize_entry("name", &*self.name)?;
        m.end()
    }
}

/// The executable's hashes (hex).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hashes {
    /// MD5.
    pub md5: Arc<str>,
    /// SHA-1.
    pub sha1: Arc<str>,
    /// SHA-256.
    pub sha256: Arc<str>,
}

/// How a session was entered (`process.entry_leader.entry_meta`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryMeta {
    /// `init`, `sshd`, `terminal`, `console`, …
    pub kind: &'static str,
    /// The remote address for `sshd` entries.
    pub source_ip: Option<Arc<str>>,
}

/// The longest `process.Ext.ancestry` written.
pub const MAX_ANCESTRY: usize = 32;

/// What an exec sets and a fork inherits: the program and its command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    /// Absolute path of the executable (for scripts run through a shebang, the script's path).
    pub executable: Arc<str>,
    /// Base name of the executable.
    pub name: Arc<str>,
    /// Arguments, `argv[0]` first.
    pub args: Arc<[Arc<str>]>,
    /// The arguments joined by spaces.
    pub command_line: Arc<str>,
    /// Executable hashes.
    pub hash: Option<Arc<Hashes>>,
}

/// Credentials: effective and real user and group, and the thread capabilities they give.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Creds {
    /// Effective user.
    pub user: Arc<Account>,
    /// Effective group.
    pub group: Arc<Account>,
    /// Real user.
    pub real_user: Arc<Account>,
    /// Real group.
    pub real_group: Arc<Account>,
    /// Thread capabilities (effective = permitted here); empty for unprivileged processes.
    pub capabilities: &'static [&'static str],
}

/// One process image.
#[derive(Debug, Clone)]
pub struct Proc {
    /// Process id.
    pub pid: u32,
    /// `process.entity_id` (base64 of `<agent.id>-<pid>-<start since 1601>`).
    pub entity_id: EntityId,
    /// When this image started (fork or exec time).
    pub start: Timestamp,
    /// The program.
    pub image: Arc<Image>,
    /// The credentials.
    pub creds: Arc<Creds>,
    /// Current working directory.
    pub working_directory: Arc<str>,
    /// Controlling terminal (major, minor), if any.
    pub tty: Option<(u16, u16)>,
    /// Whether the process is attached to its controlling terminal.
    pub interactive: bool,
    /// Whether this image comes from an exec (its `lineage` is then the pre-exec image).
    pub exec: bool,
    /// The parent image (None for pid 1).
    pub parent: Option<Arc<Proc>>,
    /// Process-group leader (None: this process leads its group).
    pub group_leader: Option<Arc<Proc>>,
    /// Session leader (None: this process leads its session).
    pub session_leader: Option<Arc<Proc>>,
    /// Entry-session leader (None: this process is the entry leader).
    pub entry_leader: Option<Arc<Proc>>,
    /// Entry metadata, carried by entry leaders.
    pub entry_meta: Option<Arc<EntryMeta>>,
    /// The nearest ancestor image: the pre-exec image for exec images, the parent at creation
    /// otherwise (kept when the process is re-parented). `process.Ext.ancestry` walks this chain.
    pub lineage: Option<Arc<Proc>>,
    /// This image's JSON fragments, rendered on first use by the fast writer (a clone starts empty,
    /// so an image copied and changed is rendered anew).
    pub rendered: RenderCache<ProcFragments>,
}

/// A value computed on first use and shared by readers on any thread. Cloning gives an empty cache
/// and every cache compares equal, so a cache never changes what its owner is.
#[derive(Debug)]
pub struct RenderCache<T>(OnceLock<T>);

impl<T> Default for RenderCache<T> {
    fn default() -> Self {
        RenderCache(OnceLock::new())
    }
}

impl<T> Clone for RenderCache<T> {
    fn clone(&self) -> Self {
        RenderCache::default()
    }
}

impl<T> PartialEq for RenderCache<T> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<T> Eq for RenderCache<T> {}

impl<T> RenderCache<T> {
    /// The value, computed by `init` on first use.
    pub fn get_or_init(&self, init: impl FnOnce() -> T) -> &T {
        self.0.get_or_init(init)
    }

    /// The value, if computed.
    pub fn get(&self) -> Option<&T> {
        self.0.get()
    }

    /// Stores `value` unless a value is already there (then `value` is dropped).
    pub fn set(&self, value: T) {
        let _ = self.0.set(value);
    }
}

/// The JSON fragments of one image that the detailed blocks (`process.parent`, the leaders) repeat:
/// `"args":[…],"args_count":n`, the quoted command line, `"entity_id":…` to `"real_user":{…}`, and
/// `"start":…` to `"working_directory":…`, stored back to back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcFragments {
    bytes: Box<[u8]>,
    ends: [u32; 3],
}

impl ProcFragments {
    fn render(p: &Proc) -> ProcFragments {
        use super::json::{put_account, put_bool, put_int, put_str, put_ts, put_tty};
        let mut b = Vec::with_capacity(512);
        b.extend_from_slice(b"\"args\":[");
        for (i, a) in p.args().iter().enumerate() {
            if i > 0 {
                b.push(b',');
            }
            put_str(&mut b, a);
        }
        b.extend_from_slice(b"],\"args_count\":");
        put_int(&mut b, p.args().len());
        let e0 = b.len() as u32;
        put_str(&mut b, p.command_line());
        let e1 = b.len() as u32;
        b.extend_from_slice(b"\"entity_id\":");
        put_str(&mut b, p.entity_id.as_str());
        b.extend_from_slice(b",\"executable\":");
        put_str(&mut b, p.executable());
        b.extend_from_slice(b",\"group\":");
        put_account(&mut b, p.group());
        b.extend_from_slice(b",\"interactive\":");
        put_bool(&mut b, p.interactive);
        b.extend_from_slice(b",\"name\":");
        put_str(&mut b, p.name());
        b.extend_from_slice(b",\"pid\":");
        put_int(&mut b, p.pid);
        b.extend_from_slice(b",\"real_group\":");
        put_account(&mut b, p.real_group());
        b.extend_from_slice(b",\"real_user\":");
        put_account(&mut b, p.real_user());
        let e2 = b.len() as u32;
        b.extend_from_slice(b"\"start\":");
        put_ts(&mut b, p.start);
        if let Some(tty) = p.tty {
            b.extend_from_slice(b",\"tty\":");
            put_tty(&mut b, tty);
        }
        b.extend_from_slice(b",\"user\":");
        put_account(&mut b, p.user());
        b.extend_from_slice(b",\"working_directory\":");
        put_str(&mut b, &p.working_directory);
        ProcFragments {
            bytes: b.into_boxed_slice(),
            ends: [e0, e1, e2],
        }
    }

    /// `"args":[…],"args_count":n`.
    pub fn args(&self) -> &[u8] {
        &self.bytes[..self.ends[0] as usize]
    }

    /// The command line as a JSON string.
    pub fn command_line(&self) -> &[u8] {
        &self.bytes[self.ends[0] as usize..self.ends[1] as usize]
    }

    /// `"entity_id":…,"executable":…,"group":{…},"interactive":…,"name":…,"pid":…,"real_group":{…},"real_user":{…}`.
    pub fn identity(&self) -> &[u8] {
        &self.bytes[self.ends[1] as usize..self.ends[2] as usize]
    }

    /// `"start":…[,"tty":{…}],"user":{…},"working_directory":…`.
    pub fn tail(&self) -> &[u8] {
        &self.bytes[self.ends[2] as usize..]
    }
}

impl Proc {
    /// The image's JSON fragments (rendered on first use).
    pub fn fragments(&self) -> &ProcFragments {
        self.rendered.get_or_init(|| ProcFragments::render(self))
    }

    fn leader<'a>(&'a self, slot: &'a Option<Arc<Proc>>) -> &'a Proc {
        slot.as_deref().unwrap_or(self)
    }

    /// This image's group leader (itself when it leads).
    pub fn group_leader(&self) -> &Proc {
        self.leader(&self.group_leader)
    }

    /// This image's session leader (itself when it leads).
    pub fn session_leader(&self) -> &Proc {
        self.leader(&self.session_leader)
    }

    /// This image's entry leader (itself when it is one).
    pub fn entry_leader(&self) -> &Proc {
        self.leader(&self.entry_leader)
    }

    /// `process.executable`.
    pub fn executable(&self) -> &str {
        &self.image.executable
    }

    /// `process.name`.
    pub fn name(&self) -> &str {
        &self.image.name
    }

    /// `process.args`.
    pub fn args(&self) -> &[Arc<str>] {
        &self.image.args
    }

    /// `process.command_line`.
    pub fn command_line(&self) -> &str {
        &self.image.command_line
    }

    /// Effective user.
    pub fn user(&self) -> &Account {
        &self.creds.user
    }

    /// Effective group.
    pub fn group(&self) -> &Account {
        &self.creds.group
    }

    /// Real user.
    pub fn real_user(&self) -> &Account {
        &self.creds.real_user
    }

    /// Real group.
    pub fn real_group(&self) -> &Account {
        &self.creds.real_group
    }

    /// The pre-exec image (`process.previous`), for exec images.
    pub fn previous(&self) -> Option<&Proc> {
        if self.exec {
            self.lineage.as_deref()
        } else {
            None
        }
    }

    /// `process.Ext.ancestry`: ancestor entity ids, nearest first, at most [`MAX_ANCESTRY`].
    pub fn ancestry(&self) -> impl Iterator<Item = &str> + Clone {
        let mut cur = self.lineage.as_deref();
        std::iter::from_fn(move || {
            let node = cur?;
            cur = node.lineage.as_deref();
            Some(node.entity_id.as_str())
        })
        .take(MAX_ANCESTRY)
    }
}

/// Serializes `{"char_device":{"major":…,"minor":…}}`.
struct Tty(u16, u16);

impl Serialize for Tty {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Dev(u16, u16);
        impl Serialize for Dev {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(2))?;
                m.serialize_entry("major", &self.0)?;
                m.serialize_entry("minor", &self.1)?;
                m.end()
            }
        }
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry("char_device", &Dev(self.0, self.1))?;
        m.end()
    }
}

/// A list of shared strings serialized as a JSON array.
struct StrList<'a>(&'a [Arc<str>]);

impl Serialize for StrList<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|a| &**a))
    }
}

/// `{"entity_id": …}` (and optionally pid/start) — the anemic process references.
struct EntityRef<'a> {
    p: &'a Proc,
    with_pid_start: bool,
    parent_ref: bool,
}

impl Serialize for EntityRef<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("entity_id", self.p.entity_id.as_str())?;
        if self.with_pid_start {
            m.serialize_entry("pid", &self.p.pid)?;
            m.serialize_entry("start", &self.p.start)?;
        }
        if self.parent_ref
            && let Some(parent) = &self.p.parent
        {
            m.serialize_entry(
                "parent",
                &EntityRef {
                    p: parent,
                    with_pid_start: self.with_pid_start,
                    parent_ref: false,
                },
            )?;
        }
        m.end()
    }
}

/// Writes the fields of a detailed block that sort before `command_line`.
fn fields_before_command_line<M: SerializeMap>(m: &mut M, p: &Proc) -> Result<(), M::Error> {
    m.serialize_entry("args", &StrList(p.args()))?;
    m.serialize_entry("args_count", &p.args().len())?;
    Ok(())
}

/// Writes the identity fields of a detailed block from `entity_id` on (`entity_id` … `working_directory`),
/// with `extra` (the entry leader's `parent` and the leaders' `same_as_process`) after `real_user`.
fn fields_from_entity_id<M: SerializeMap>(
    m: &mut M,
    p: &Proc,
    extra: impl FnOnce(&mut M) -> Result<(), M::Error>,
) -> Result<(), M::Error> {
    m.serialize_entry("entity_id", p.entity_id.as_str())?;
    m.serialize_entry("executable", p.executable())?;
    m.serialize_entry("group", p.group())?;
    m.serialize_entry("interactive", &p.interactive)?;
    m.serialize_entry("name", p.name())?;
    m.serialize_entry("pid", &p.pid)?;
    m.serialize_entry("real_group", p.real_group())?;
    m.serialize_entry("real_user", p.real_user())?;
    extra(m)?;
    m.serialize_entry("start", &p.start)?;
    if let Some((major, minor)) = p.tty {
        m.serialize_entry("tty", &Tty(major, minor))?;
    }
    m.serialize_entry("user", p.user())?;
    m.serialize_entry("working_directory", &*p.working_directory)?;
    Ok(())
}

/// `process.parent.*`.
pub struct ParentBlock<'a>(pub &'a Proc);

impl Serialize for ParentBlock<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let p = self.0;
        let mut m = s.serialize_map(None)?;
        fields_before_command_line(&mut m, p)?;
        m.serialize_entry("command_line", p.command_line())?;
        fields_from_entity_id(&mut m, p, |_| Ok(()))?;
        m.end()
    }
}

/// Which leader a [`LeaderBlock`] describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeaderKind {
    /// `process.group_leader`.
    Group,
    /// `process.session_leader`.
    Session,
    /// `process.entry_leader`.
    Entry,
}

/// `process.{group,session,entry}_leader.*`.
pub struct LeaderBlock<'a> {
    /// The leader image.
    pub leader: &'a Proc,
    /// Which leader.
    pub kind: LeaderKind,
    /// Whether the leader is the event's process itself.
    pub same_as_process: bool,
}

impl Serialize for LeaderBlock<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let p = self.leader;
        let mut m = s.serialize_map(None)?;
        fields_before_command_line(&mut m, p)?;
        if self.kind == LeaderKind::Entry
            && let Some(meta) = &p.entry_meta
        {
            m.serialize_entry("entry_meta", &EntryMetaBlock(meta))?;
        }
        let entry_parent = match self.kind {
            LeaderKind::Entry => p.parent.as_deref(),
            _ => None,
        };
        let same = self.same_as_process;
        fields_from_entity_id(&mut m, p, |m| {
            if let Some(parent) = entry_parent {
                m.serialize_entry(
                    "parent",
                    &EntityRef {
                        p: parent,
                        with_pid_start: true,
                        parent_ref: false,
                    },
                )?;
            }
            m.serialize_entry("same_as_process", &same)
        })?;
        m.end()
    }
}

struct EntryMetaBlock<'a>(&'a EntryMeta);

impl Serialize for EntryMetaBlock<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Source<'a>(&'a str);
        impl Serialize for Source<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("ip", self.0)?;
                m.end()
            }
        }
        let mut m = s.serialize_map(None)?;
        if let Some(ip) = &self.0.source_ip {
            m.serialize_entry("source", &Source(ip))?;
        }
        m.serialize_entry("type", self.0.kind)?;
        m.end()
    }
}

/// `process.previous` entries: `[{args, args_count, executable}]`.
struct Previous<'a>(&'a Proc);

impl Serialize for Previous<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct One<'a>(&'a Proc);
        impl Serialize for One<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(3))?;
                m.serialize_entry("args", &StrList(self.0.args()))?;
                m.serialize_entry("args_count", &self.0.args().len())?;
                m.serialize_entry("executable", self.0.executable())?;
                m.end()
            }
        }
        s.collect_seq(std::iter::once(One(self.0)))
    }
}

/// `{"ancestry": [...]}` under `process.Ext`.
struct Ext<'a>(&'a Proc);

impl Serialize for Ext<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct List<'a>(&'a Proc);
        impl Serialize for List<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_seq(self.0.ancestry())
            }
        }
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry("ancestry", &List(self.0))?;
        m.end()
    }
}

struct Capabilities(&'static [&'static str]);

impl Serialize for Capabilities {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Caps(&'static [&'static str]);
        impl Serialize for Caps {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(2))?;
                m.serialize_entry("effective", self.0)?;
                m.serialize_entry("permitted", self.0)?;
                m.end()
            }
        }
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry("capabilities", &Caps(self.0))?;
        m.end()
    }
}

/// `process.*` of a process event.
pub struct FullProcess<'a> {
    /// The image the event is about.
    pub proc: &'a Proc,
    /// `process.end` / `process.exit_code` for end events.
    pub end: Option<(Timestamp, i32)>,
    /// Whether to include `process.previous` (exec events).
    pub with_previous: bool,
}

impl Serialize for FullProcess<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let p = self.proc;
        let mut m = s.serialize_map(None)?;
        if p.lineage.is_some() {
            m.serialize_entry("Ext", &Ext(p))?;
        }
        fields_before_command_line(&mut m, p)?;
        m.serialize_entry("command_line", p.command_line())?;
        if let Some((end, _)) = self.end {
            m.serialize_entry("end", &end)?;
        }
        let el = p.entry_leader();
        m.serialize_entry(
            "entry_leader",
            &LeaderBlock {
                leader: el,
                kind: LeaderKind::Entry,
                same_as_process: std::ptr::eq(el, p),
            },
        )?;
        m.serialize_entry("entity_id", p.entity_id.as_str())?;
        m.serialize_entry("executable", p.executable())?;
        if let Some((_, code)) = self.end {
            m.serialize_entry("exit_code", &code)?;
        }
        m.serialize_entry("group", p.group())?;
        let gl = p.group_leader();
        m.serialize_entry(
            "group_leader",
            &LeaderBlock {
                leader: gl,
                kind: LeaderKind::Group,
                same_as_process: std::ptr::eq(gl, p),
            },
        )?;
        if let Some(h) = &p.image.hash {
            m.serialize_entry("hash", &**h)?;
        }
        m.serialize_entry("interactive", &p.interactive)?;
        m.serialize_entry("name", p.name())?;
        if let Some(parent) = &p.parent {
            m.serialize_entry("parent", &ParentBlock(parent))?;
        }
        m.serialize_entry("pid", &p.pid)?;
        if self.with_previous
            && let Some(prev) = p.previous()
        {
            m.serialize_entry("previous", &Previous(prev))?;
        }
        m.serialize_entry("real_group", p.real_group())?;
        m.serialize_entry("real_user", p.real_user())?;
        let sl = p.session_leader();
        m.serialize_entry(
            "session_leader",
            &LeaderBlock {
                leader: sl,
                kind: LeaderKind::Session,
                same_as_process: std::ptr::eq(sl, p),
            },
        )?;
        m.serialize_entry("start", &p.start)?;
        if !p.creds.capabilities.is_empty() {
            m.serialize_entry("thread", &Capabilities(p.creds.capabilities))?;
        }
        if let Some((major, minor)) = p.tty {
            m.serialize_entry("tty", &Tty(major, minor))?;
        }
        m.serialize_entry("user", p.user())?;
        m.serialize_entry("working_directory", &*p.working_directory)?;
        m.end()
    }
}

/// The small `process.*` block of file events.
pub struct SlimProcess<'a>(pub &'a Proc);

impl Serialize for SlimProcess<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let p = self.0;
        let mut m = s.serialize_map(None)?;
        if p.lineage.is_some() {
            m.serialize_entry("Ext", &Ext(p))?;
        }
        m.serialize_entry("command_line", p.command_line())?;
        m.serialize_entry("entity_id", p.entity_id.as_str())?;
        m.serialize_entry(
            "entry_leader",
            &EntityRef {
                p: p.entry_leader(),
                with_pid_start: false,
                parent_ref: true,
            },
        )?;
        m.serialize_entry("executable", p.executable())?;
        m.serialize_entry(
            "group_leader",
            &EntityRef {
                p: p.group_leader(),
                with_pid_start: false,
                parent_ref: false,
            },
        )?;
        m.serialize_entry("name", p.name())?;
        if let Some(parent) = &p.parent {
            m.serialize_entry(
                "parent",
                &EntityRef {
                    p: parent,
                    with_pid_start: false,
                    parent_ref: false,
                },
            )?;
        }
        m.serialize_entry("pid", &p.pid)?;
        m.serialize_entry(
            "session_leader",
            &EntityRef {
                p: p.session_leader(),
                with_pid_start: false,
                parent_ref: false,
            },
        )?;
        m.end()
    }
}
