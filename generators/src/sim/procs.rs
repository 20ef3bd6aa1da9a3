//! The live process table of one host: pid allocation, fork, exec, exit and re-parenting.
//!
//! Pids are allocated upward from a value that reflects the host's uptime, wrap at `pid_max` (4194304,
//! systemd's default on 64-bit) to 300 as Linux does, and skip live pids. A fork copies the parent's
//! image under a new pid and entity id; an exec replaces the image of a pid (new entity id from the exec
//! time, `previous` = the pre-exec image). When a process exits, its live children are re-parented to
//! pid 1, so a child's `process.parent` always describes a process that is running on the host.

use std::collections::HashMap;
use std::sync::Arc;

use foldhash::fast::FixedState;

use crate::event::{
    Account, Creds, EntityPrefix, EntryMeta, Hashes, Image, Label, Proc, ProcessActions,
    RenderCache,
};
use crate::rng::{hash_str, mix64};
use crate::time::Timestamp;

/// Linux `pid_max` on 64-bit systemd hosts.
pub const PID_MAX: u32 = 4_194_304;

/// Capabilities of a process running with euid 0.
pub const ROOT_CAPS: &[&str] = &[
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
];

/// How an exec sets the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TtyMode {
    /// Keep the forked image's terminal.
    Inherit,
    /// Detach (daemons, cron jobs).
    Detach,
    /// A new pseudo-terminal `/dev/pts/<minor>` (major 136).
    Pts(u16),
}

/// What an exec runs.
#[derive(Debug, Clone)]
pub struct ExecSpec {
    /// Absolute path (a script's own path when run through its shebang).
    pub executable: Arc<str>,
    /// argv.
    pub args: Arc<[Arc<str>]>,
    /// New effective user and group (None: keep).
    pub user: Option<(Arc<Account>, Arc<Account>)>,
    /// Whether the real ids change too (false for setuid programs such as sudo: real ids stay).
    pub set_real: bool,
    /// New working directory (None: keep).
    pub cwd: Option<Arc<str>>,
    /// Whether the process becomes a process-group leader (shell jobs).
    pub new_group: bool,
    /// Whether the process calls setsid (daemons, login sessions).
    pub new_session: bool,
    /// Entry metadata when this process starts an entry session.
    pub entry: Option<Arc<EntryMeta>>,
    /// Terminal handling.
    pub tty: TtyMode,
    /// The image an exec of this spec gets, built on first use with the distro it was built for
    /// (executable hashes depend on the distro); a clone starts empty.
    pub image: RenderCache<(&'static str, Arc<Image>)>,
}

impl ExecSpec {
    /// Runs `executable` with `args`, inheriting everything else.
    pub fn new(executable: &str, args: &[&str]) -> ExecSpec {
        ExecSpec {
            executable: executable.into(),
            args: args.iter().map(|a| Arc::<str>::from(*a)).collect(),
            user: None,
            set_real: true,
            cwd: None,
            new_group: false,
            new_session: false,
            entry: None,
            tty: TtyMode::Inherit,
            image: RenderCache::default(),
        }
    }

    /// Same, with owned arguments.
    pub fn with_args(executable: &str, args: Vec<String>) -> ExecSpec {
        let mut s = ExecSpec::new(executable, &[]);
        s.args = args.into_iter().map(Arc::<str>::from).collect();
        s
    }

    /// Sets the user.
    pub fn user(mut self, acct: (Arc<Account>, Arc<Account>)) -> ExecSpec {
        self.user = Some(acct);
        self
    }

    /// Sets the working directory.
    pub fn cwd(mut self, dir: &str) -> ExecSpec {
        self.cwd = Some(dir.into());
        self
    }

    /// Makes the process a group leader.
    pub fn job(mut self) -> ExecSpec {
        self.new_group = true;
        self
    }

    /// Makes the process a session leader without a terminal.
    pub fn daemon(mut self) -> ExecSpec {
        self.new_session = true;
        self.new_group = true;
        self.tty = TtyMode::Detach;
        self
    }
}

/// An event held back to be merged with a later action of the same process.
#[derive(Debug, Clone)]
pub struct Deferred {
    /// Actions collected so far.
    pub actions: ProcessActions,
    /// The label of the first action.
    pub label: Option<Arc<Label>>,
}

/// A live process.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Current image.
    pub proc: Arc<Proc>,
    /// Live children pids.
    pub children: Vec<u32>,
    /// Scenarios holding this process (a pinned worker is not recycled).
    pub pinned: u32,
    /// Held-back event, if any.
    pub deferred: Option<Deferred>,
}

/// The process table. Lookups go through hash maps with a fixed-seed hasher; nothing iterates them
/// in hash order (see [`ProcTable::pids`]).
#[derive(Debug)]
pub struct ProcTable {
    entries: HashMap<u32, Entry, FixedState>,
    next_pid: u32,
    entity: EntityPrefix,
    distro_key: &'static str,
    exe_info: HashMap<Arc<str>, (Arc<str>, Arc<Hashes>), FixedState>,
    root: Arc<Creds>,
}

fn hex_digest(seed: u64, len: usize) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(len);
    let mut state = seed;
    while out.len() < len {
        state = mix64(state);
        let mut v = state;
        for _ in 0..16 {
            if out.len() == len {
                break;
            }
            out.push(HEX[(v & 15) as usize] as char);
            v >>= 4;
        }
    }
    out
}

fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

impl ProcTable {
    /// An empty table; pids start at `first_pid`.
    pub fn new(agent_id: Arc<str>, distro_key: &'static str, first_pid: u32) -> ProcTable {
        let root = Account::new(0, "root");
        ProcTable {
            entries: HashMap::with_capacity_and_hasher(1024, FixedState::with_seed(0)),
            next_pid: first_pid.clamp(300, PID_MAX - 1),
            entity: EntityPrefix::new(&agent_id),
            distro_key,
            exe_info: HashMap::with_hasher(FixedState::with_seed(0)),
            root: Arc::new(Creds {
                user: root.clone(),
                group: root.clone(),
                real_user: root.clone(),
                real_group: root,
                capabilities: ROOT_CAPS,
            }),
        }
    }

    /// The live process `pid`.
    pub fn get(&self, pid: u32) -> Option<&Entry> {
        self.entries.get(&pid)
    }

    /// Mutable access to the live process `pid`.
    pub fn get_mut(&mut self, pid: u32) -> Option<&mut Entry> {
        self.entries.get_mut(&pid)
    }

    /// The current image of `pid`.
    pub fn image(&self, pid: u32) -> Option<Arc<Proc>> {
        self.entries.get(&pid).map(|e| e.proc.clone())
    }

    /// The live pids in increasing order.
    pub fn pids(&self) -> Vec<u32> {
        let mut pids: Vec<u32> = self.entries.keys().copied().collect();
        pids.sort_unstable();
        pids
    }

    /// Number of live processes.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no process is live.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The next free pid.
    pub fn alloc_pid(&mut self) -> u32 {
        loop {
            let pid = self.next_pid;
            self.next_pid = if self.next_pid + 1 >= PID_MAX {
                300
            } else {
                self.next_pid + 1
            };
            if !self.entries.contains_key(&pid) {
                return pid;
            }
        }
    }

    /// The base name and hashes of an executable (cached per host).
    fn exe_info(&mut self, exe: &Arc<str>) -> (Arc<str>, Arc<Hashes>) {
        if let Some(info) = self.exe_info.get(&**exe) {
            return info.clone();
        }
        let seed = hash_str(exe) ^ hash_str(self.distro_key);
        let h = Arc::new(Hashes {
            md5: hex_digest(seed ^ 1, 32).into(),
            sha1: hex_digest(seed ^ 2, 40).into(),
            sha256: hex_digest(seed ^ 3, 64).into(),
        });
        let info = (Arc::<str>::from(basename(exe)), h);
        self.exe_info.insert(exe.clone(), info.clone());
        info
    }

    fn insert(&mut self, proc: Arc<Proc>) {
        if let Some(parent) = &proc.parent
            && let Some(pe) = self.entries.get_mut(&parent.pid)
            && !pe.children.contains(&proc.pid)
        {
            pe.children.push(proc.pid);
        }
        let pid = proc.pid;
        match self.entries.get_mut(&pid) {
            Some(e) => e.proc = proc,
            None => {
                self.entries.insert(
                    pid,
                    Entry {
                        proc,
                        children: Vec::new(),
                        pinned: 0,
                        deferred: None,
                    },
                );
            }
        }
    }

    /// Creates an already-running exec image (initial tree) under `parent`.
    pub fn start_existing(
        &mut self,
        parent: Option<u32>,
        pid: Option<u32>,
        start: Timestamp,
        spec: &ExecSpec,
    ) -> Arc<Proc> {
        let pid = pid.unwrap_or_else(|| self.alloc_pid());
        let parent_img = parent.and_then(|p| self.image(p));
        let proc = self.build_exec(pid, start, spec, parent_img.as_ref(), None);
        self.insert(proc.clone());
        proc
    }

    fn leader_of(p: &Arc<Proc>, slot: &Option<Arc<Proc>>) -> Arc<Proc> {
        slot.clone().unwrap_or_else(|| p.clone())
    }

    /// Credentials for `user`/`group`, real ids as given.
    fn creds(
        user: Arc<Account>,
        group: Arc<Account>,
        real_user: Arc<Account>,
        real_group: Arc<Account>,
    ) -> Arc<Creds> {
        let capabilities = if user.id.as_ref() == "0" {
            ROOT_CAPS
        } else {
            &[]
        };
        Arc::new(Creds {
            user,
            group,
            real_user,
            real_group,
            capabilities,
        })
    }

    fn build_exec(
        &mut self,
        pid: u32,
        t: Timestamp,
        spec: &ExecSpec,
        parent: Option<&Arc<Proc>>,
        previous: Option<&Arc<Proc>>,
    ) -> Arc<Proc> {
        // Elastic Defend's clock has 100 ns resolution: `process.start` and the entity id agree.
        let t = t.tick();
        let entity_id = self.entity.entity_id(pid, t);
        let base = previous.or(parent);
        let creds = match (&spec.user, base) {
            (None, Some(b)) => b.creds.clone(),
            (None, None) => self.root.clone(),
            (Some((user, group)), _) => match (spec.set_real, base) {
                (false, Some(b)) => Self::creds(
                    user.clone(),
                    group.clone(),
                    b.creds.real_user.clone(),
                    b.creds.real_group.clone(),
                ),
                _ => Self::creds(user.clone(), group.clone(), user.clone(), group.clone()),
            },
        };
        let tty = match spec.tty {
            TtyMode::Inherit => base.and_then(|b| b.tty),
            TtyMode::Detach => None,
            TtyMode::Pts(minor) => Some((136, minor)),
        };
        let cwd = spec
            .cwd
            .clone()
            .or_else(|| base.map(|b| b.working_directory.clone()))
            .unwrap_or_else(|| "/".into());
        let (mut group_leader, mut session_leader, mut entry_leader, mut entry_meta) = match base {
            Some(b) if previous.is_some() => (
                b.group_leader.clone(),
                b.session_leader.clone(),
                b.entry_leader.clone(),
                b.entry_meta.clone(),
            ),
            Some(b) => (
                Some(Self::leader_of(b, &b.group_leader)),
                Some(Self::leader_of(b, &b.session_leader)),
                Some(Self::leader_of(b, &b.entry_leader)),
                None,
            ),
            None => (
                None,
                None,
                None,
                Some(Arc::new(EntryMeta {
                    kind: "init",
                    source_ip: None,
                })),
            ),
        };
        if spec.new_group {
            group_leader = None;
        }
        if spec.new_session {
            session_leader = None;
            group_leader = None;
        }
        if let Some(meta) = &spec.entry {
            entry_leader = None;
            entry_meta = Some(meta.clone());
        }
        let distro = self.distro_key;
        let image = match spec.image.get() {
            Some((d, img)) if *d == distro => img.clone(),
            _ => {
                let img = self.make_image(spec);
                spec.image.set((distro, img.clone()));
                img
            }
        };
        let interactive = tty.is_some() && !matches!(spec.tty, TtyMode::Detach);
        Arc::new(Proc {
            pid,
            entity_id,
            start: t,
            image,
            creds,
            working_directory: cwd,
            tty,
            interactive,
            exec: previous.is_some(),
            parent: parent.cloned(),
            group_leader,
            session_leader,
            entry_leader,
            entry_meta,
            lineage: previous.or(parent).cloned(),
            rendered: Default::default(),
        })
    }

    /// The image an exec of `spec` gets on this host.
    fn make_image(&mut self, spec: &ExecSpec) -> Arc<Image> {
        let (name, hash) = self.exe_info(&spec.executable);
        let mut cl = String::with_capacity(spec.args.iter().map(|a| a.len() + 1).sum());
        for (i, a) in spec.args.iter().enumerate() {
            if i > 0 {
                cl.push(' ');
            }
            cl.push_str(a);
        }
        Arc::new(Image {
            executable: spec.executable.clone(),
            name,
            args: spec.args.clone(),
            command_line: cl.into(),
            hash: Some(hash),
        })
    }

    /// Forks `parent` at `t`: a new pid with a copy of the parent's image.
    pub fn fork(&mut self, parent: u32, t: Timestamp) -> Option<Arc<Proc>> {
        let par = self.image(parent)?;
        let pid = self.alloc_pid();
        let t = t.tick();
        let child = Arc::new(Proc {
            pid,
            entity_id: self.entity.entity_id(pid, t),
            start: t,
            image: par.image.clone(),
            creds: par.creds.clone(),
            working_directory: par.working_directory.clone(),
            tty: par.tty,
            interactive: par.interactive,
            exec: false,
            group_leader: Some(Self::leader_of(&par, &par.group_leader)),
            session_leader: Some(Self::leader_of(&par, &par.session_leader)),
            entry_leader: Some(Self::leader_of(&par, &par.entry_leader)),
            entry_meta: None,
            lineage: Some(par.clone()),
            rendered: Default::default(),
            parent: Some(par),
        });
        self.insert(child.clone());
        Some(child)
    }

    /// Execs `spec` in process `pid` at `t`.
    pub fn exec(&mut self, pid: u32, t: Timestamp, spec: &ExecSpec) -> Option<Arc<Proc>> {
        let prev = self.image(pid)?;
        let parent = prev.parent.clone();
        let img = self.build_exec(pid, t, spec, parent.as_ref(), Some(&prev));
        self.insert(img.clone());
        Some(img)
    }

    /// Changes the effective and real user of `pid` in place (setuid after fork, as daemons' workers do).
    pub fn set_user(&mut self, pid: u32, acct: &(Arc<Account>, Arc<Account>)) {
        if let Some(e) = self.entries.get_mut(&pid) {
            let mut img = (*e.proc).clone();
            img.creds = Self::creds(
                acct.0.clone(),
                acct.1.clone(),
                acct.0.clone(),
                acct.1.clone(),
            );
            e.proc = Arc::new(img);
        }
    }

    /// Removes `pid`; its live children are re-parented to pid 1 (when pid 1 is live).
    pub fn exit(&mut self, pid: u32) -> Option<Entry> {
        let entry = self.entries.remove(&pid)?;
        if let Some(parent) = &entry.proc.parent
            && let Some(pe) = self.entries.get_mut(&parent.pid)
        {
            pe.children.retain(|c| *c != pid);
        }
        if !entry.children.is_empty()
            && let Some(init) = self.image(1)
        {
            for child in &entry.children {
                if let Some(ce) = self.entries.get_mut(child) {
                    let mut img = (*ce.proc).clone();
                    img.parent = Some(init.clone());
                    ce.proc = Arc::new(img);
                }
                if let Some(ie) = self.entries.get_mut(&1) {
                    ie.children.push(*child);
                }
            }
        }
        Some(entry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> ProcTable {
        ProcTable::new("agent".into(), "ubuntu-22.04", 1000)
    }

    #[test]
    fn fork_exec_exit_keep_the_tree_consistent() {
        let mut t = table();
        let init = t.start_existing(
            None,
            Some(1),
            Timestamp(0),
            &ExecSpec::new("/usr/lib/systemd/systemd", &["/sbin/init"]),
        );
        assert_eq!(init.pid, 1);
        // Times are whole 100 ns ticks, the resolution of Elastic Defend's clock.
        let sh = t.fork(1, Timestamp(1_000)).unwrap();
        assert_eq!(sh.parent.as_ref().unwrap().pid, 1);
        assert_eq!(sh.ancestry().next(), Some(init.entity_id.as_str()));
        let img = t
            .exec(
                sh.pid,
                Timestamp(2_000),
                &ExecSpec::new("/usr/bin/bash", &["bash"]).job(),
            )
            .unwrap();
        assert_eq!(img.pid, sh.pid);
        assert_ne!(img.entity_id, sh.entity_id);
        assert_eq!(img.previous().unwrap().entity_id, sh.entity_id);
        let anc: Vec<&str> = img.ancestry().collect();
        assert_eq!(anc, [sh.entity_id.as_str(), init.entity_id.as_str()]);
        assert!(img.group_leader.is_none());
        let child = t.fork(img.pid, Timestamp(3_000)).unwrap();
        assert_eq!(child.group_leader.as_ref().unwrap().pid, img.pid);
        t.exit(img.pid).unwrap();
        let reparented = t.image(child.pid).unwrap();
        assert_eq!(reparented.parent.as_ref().unwrap().pid, 1);
        // The ancestry keeps the process the child was forked from.
        assert_eq!(reparented.ancestry().next(), Some(img.entity_id.as_str()));
        assert!(t.get(1).unwrap().children.contains(&child.pid));
    }

    #[test]
    fn pids_skip_live_ones_and_wrap() {
        let mut t = ProcTable::new("a".into(), "x", PID_MAX - 2);
        let a = t.alloc_pid();
        let b = t.alloc_pid();
        let c = t.alloc_pid();
        assert_eq!((a, b, c), (PID_MAX - 2, PID_MAX - 1, 300));
    }
}
