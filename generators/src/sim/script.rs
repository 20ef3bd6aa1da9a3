//! Scripts: timed lists of process and file operations that a host simulation plays back.
//!
//! Background activities and attack scenarios both compile to a [`Script`]: forks, execs, file
//! operations and exits on *slots* (processes created by the script, or existing processes bound to
//! it), each at an offset from the script's start. The [`ScriptBuilder`] keeps a cursor, so activities
//! read like the shell sessions they imitate, and on [`ScriptBuilder::finish`] it makes every parent
//! outlive its children and marks short-lived execs (candidates for `["fork","exec","end"]` merging).
//! Effects (pids, entity ids) happen when the host plays an operation, so pids follow time order.

use std::sync::Arc;

use crate::event::{FileAction, Label, Proc};
use crate::sim::procs::ExecSpec;
use crate::time::Span;

/// A process slot of a script.
pub type Slot = usize;

/// How a spawn's events may be aggregated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Merge {
    /// Follow the profile's shares.
    Profile,
    /// Separate fork and exec events.
    Never,
    /// One `["fork","exec"]` event.
    ForkExec,
    /// One `["fork","exec","end"]` event (the process must exit within a second).
    ForkExecEnd,
}

/// One operation.
#[derive(Debug, Clone)]
pub enum OpKind {
    /// Fork `parent` into `slot`.
    Fork {
        /// New slot.
        slot: Slot,
        /// Parent slot.
        parent: Slot,
        /// The index (in the script's operations) of the exec of the same slot that follows
        /// immediately (a spawn), if any.
        exec: Option<usize>,
    },
    /// Exec in `slot`.
    Exec {
        /// Slot.
        slot: Slot,
        /// What runs (shared: a host reuses the specs of its frequent commands).
        spec: Arc<ExecSpec>,
        /// Whether the process exits within a second and has no children (its end may be merged).
        short: bool,
        /// Aggregation policy.
        merge: Merge,
    },
    /// A file operation by `slot`.
    File {
        /// Slot.
        slot: Slot,
        /// Creation, rename or deletion.
        action: FileAction,
        /// Path (for renames, the new path).
        path: Arc<str>,
        /// For renames, the old path.
        from: Option<Arc<str>>,
        /// Size in bytes.
        size: Option<u64>,
        /// Content entropy.
        entropy: Option<f64>,
    },
    /// Binds a live process chosen by `selector` to `slot` (the script fails when none matches).
    Select {
        /// Slot.
        slot: Slot,
        /// What to look for.
        selector: Arc<Selector>,
    },
    /// `slot` exits.
    Exit {
        /// Slot.
        slot: Slot,
        /// Exit code.
        code: i32,
    },
}

/// Chooses a live process of the host: shell-style globs on name and executable, exact user name.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Selector {
    /// Glob on `process.name` (`php-fpm*`).
    pub name: Option<String>,
    /// Glob on `process.executable`.
    pub executable: Option<String>,
    /// Exact `user.name`, or `!name` for any other user.
    pub user: Option<String>,
}

impl Selector {
    /// Whether `p` matches every given criterion.
    pub fn matches(&self, p: &Proc) -> bool {
        self.name.as_deref().is_none_or(|g| glob_match(g, p.name()))
            && self
                .executable
                .as_deref()
                .is_none_or(|g| glob_match(g, p.executable()))
            && self
                .user
                .as_deref()
                .is_none_or(|u| match u.strip_prefix('!') {
                    Some(not) => not != &*p.user().name,
                    None => u == &*p.user().name,
                })
    }
}

/// Shell-style glob: `*` matches any run of characters, `?` one character.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            pi += 1;
            mark = ti;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// An operation at an offset.
#[derive(Debug, Clone)]
pub struct Op {
    /// Offset from the script start.
    pub at: Span,
    /// What happens.
    pub kind: OpKind,
    /// Ground truth for attack operations.
    pub label: Option<Arc<Label>>,
}

/// A finished script.
#[derive(Debug, Clone, Default)]
pub struct Script {
    /// Operations in time order.
    pub ops: Vec<Op>,
    /// Existing processes bound to slots.
    pub bound: Vec<(Slot, u32)>,
    /// Number of slots.
    pub slots: usize,
    /// Whether the script is an attack (exempt from noise suppression; pins bound processes).
    pub attack: bool,
}

/// Builds a [`Script`] with a time cursor.
#[derive(Debug, Default)]
pub struct ScriptBuilder {
    ops: Vec<Op>,
    cursor: Span,
    bound: Vec<(Slot, u32)>,
    parent_of: Vec<Option<Slot>>,
    label: Option<Arc<Label>>,
}

/// Marks a spawn's fork until [`ScriptBuilder::finish`] resolves the index of its exec.
const EXEC_FOLLOWS: usize = usize::MAX;

/// Delay between a fork and the exec that follows it.
pub const FORK_EXEC_GAP: Span = Span(350_000);

impl ScriptBuilder {
    /// An empty script.
    pub fn new() -> ScriptBuilder {
        ScriptBuilder::default()
    }

    /// An empty script writing its operations into `ops` (cleared), a recycled buffer: hosts reuse
    /// the buffers of finished scripts instead of growing new ones.
    pub fn with_ops(mut ops: Vec<Op>) -> ScriptBuilder {
        ops.clear();
        ScriptBuilder {
            ops,
            ..ScriptBuilder::default()
        }
    }

    fn new_slot(&mut self, parent: Option<Slot>) -> Slot {
        self.parent_of.push(parent);
        self.parent_of.len() - 1
    }

    /// Binds the live process `pid` to a new slot.
    pub fn bind(&mut self, pid: u32) -> Slot {
        let s = self.new_slot(None);
        self.bound.push((s, pid));
        s
    }

    /// Binds a live process chosen at run time by `selector` to a new slot.
    pub fn select(&mut self, selector: Arc<Selector>) -> Slot {
        let slot = self.new_slot(None);
        self.push(OpKind::Select { slot, selector });
        slot
    }

    /// Sets the label of the following operations.
    pub fn label(&mut self, label: Option<Arc<Label>>) {
        self.label = label;
    }

    /// The cursor.
    pub fn now(&self) -> Span {
        self.cursor
    }

    /// Moves the cursor forward.
    pub fn wait(&mut self, span: Span) {
        self.cursor = Span(self.cursor.0 + span.0.max(0));
    }

    /// Moves the cursor to an absolute offset (never backwards).
    pub fn wait_until(&mut self, at: Span) {
        self.cursor = self.cursor.max(at);
    }

    fn push(&mut self, kind: OpKind) {
        self.ops.push(Op {
            at: self.cursor,
            kind,
            label: self.label.clone(),
        });
    }

    /// Forks `parent` (no exec).
    pub fn fork(&mut self, parent: Slot) -> Slot {
        let slot = self.new_slot(Some(parent));
        self.push(OpKind::Fork {
            slot,
            parent,
            exec: None,
        });
        self.wait(Span(120_000));
        slot
    }

    /// Execs in an existing slot.
    pub fn exec(&mut self, slot: Slot, spec: ExecSpec) {
        self.push(OpKind::Exec {
            slot,
            spec: Arc::new(spec),
            short: false,
            merge: Merge::Profile,
        });
        self.wait(Span(200_000));
    }

    /// Fork + exec of `spec` under `parent`.
    pub fn spawn(&mut self, parent: Slot, spec: ExecSpec) -> Slot {
        self.spawn_with(parent, spec, Merge::Profile)
    }

    /// Fork + exec with an explicit aggregation policy.
    pub fn spawn_with(&mut self, parent: Slot, spec: ExecSpec, merge: Merge) -> Slot {
        self.spawn_shared(parent, Arc::new(spec), merge)
    }

    /// Fork + exec of a shared spec (its image is built once per host and reused).
    pub fn spawn_shared(&mut self, parent: Slot, spec: Arc<ExecSpec>, merge: Merge) -> Slot {
        let slot = self.new_slot(Some(parent));
        self.push(OpKind::Fork {
            slot,
            parent,
            exec: Some(EXEC_FOLLOWS),
        });
        self.wait(FORK_EXEC_GAP);
        self.push(OpKind::Exec {
            slot,
            spec,
            short: false,
            merge,
        });
        self.wait(Span(150_000));
        slot
    }

    /// A file creation by `slot`.
    pub fn create(
        &mut self,
        slot: Slot,
        path: impl Into<Arc<str>>,
        size: u64,
        entropy: Option<f64>,
    ) {
        self.push(OpKind::File {
            slot,
            action: FileAction::Creation,
            path: path.into(),
            from: None,
            size: Some(size),
            entropy,
        });
        self.wait(Span(50_000));
    }

    /// A rename by `slot`.
    pub fn rename(
        &mut self,
        slot: Slot,
        from: impl Into<Arc<str>>,
        to: impl Into<Arc<str>>,
        size: u64,
    ) {
        self.push(OpKind::File {
            slot,
            action: FileAction::Rename,
            path: to.into(),
            from: Some(from.into()),
            size: Some(size),
            entropy: None,
        });
        self.wait(Span(50_000));
    }

    /// A deletion by `slot`.
    pub fn delete(&mut self, slot: Slot, path: impl Into<Arc<str>>) {
        self.push(OpKind::File {
            slot,
            action: FileAction::Deletion,
            path: path.into(),
            from: None,
            size: None,
            entropy: None,
        });
        self.wait(Span(30_000));
    }

    /// `slot` exits with `code`.
    pub fn exit(&mut self, slot: Slot, code: i32) {
        self.push(OpKind::Exit { slot, code });
        self.wait(Span(80_000));
    }

    /// Runs `slot` for `span`, then exits it with status 0.
    pub fn run_for(&mut self, slot: Slot, span: Span) {
        self.wait(span);
        self.exit(slot, 0);
    }

    /// Orders the operations, makes parents outlive children, marks short execs.
    pub fn finish(mut self) -> Script {
        let n = self.parent_of.len();
        let mut exit_idx: Vec<Option<usize>> = vec![None; n];
        for (i, op) in self.ops.iter().enumerate() {
            if let OpKind::Exit { slot, .. } = op.kind {
                exit_idx[slot] = Some(i);
            }
        }
        // Children were created after their parents: walk backwards and push parents' exits later.
        for s in (0..n).rev() {
            let (Some(p), Some(ci)) = (self.parent_of[s], exit_idx[s]) else {
                continue;
            };
            if let Some(pi) = exit_idx[p] {
                let child_end = self.ops[ci].at;
                if self.ops[pi].at.0 <= child_end.0 {
                    self.ops[pi].at = Span(child_end.0 + 700_000);
                }
            }
        }
        let mut exec_at: Vec<Option<usize>> = vec![None; n];
        for (i, op) in self.ops.iter().enumerate() {
            if let OpKind::Exec { slot, .. } = op.kind {
                exec_at[slot] = Some(i);
            }
        }
        // A process whose end may be merged into its start event must not have children: their events
        // would name a parent whose (held back) event has not been written yet.
        let mut has_children = vec![false; n];
        for p in self.parent_of.iter().flatten() {
            has_children[*p] = true;
        }
        for s in 0..n {
            if let (Some(ei), Some(xi)) = (exec_at[s], exit_idx[s]) {
                let lifetime = self.ops[xi].at.0 - self.ops[ei].at.0;
                if let OpKind::Exec { short, .. } = &mut self.ops[ei].kind {
                    *short = lifetime < 1_000_000_000 && !has_children[s];
                }
            }
        }
        // Stable (equal offsets keep their order); most scripts are already in order, and checking
        // first spares the sort's scratch allocation.
        if !self.ops.is_sorted_by_key(|op| op.at) {
            self.ops.sort_by_key(|op| op.at);
        }
        // Point each spawn's fork at its exec (the next exec of the same slot).
        let mut next_exec: Vec<Option<usize>> = vec![None; n];
        for i in (0..self.ops.len()).rev() {
            match &mut self.ops[i].kind {
                OpKind::Exec { slot, .. } => next_exec[*slot] = Some(i),
                OpKind::Fork { slot, exec, .. } if exec.is_some() => *exec = next_exec[*slot],
                _ => {}
            }
        }
        Script {
            ops: self.ops,
            bound: self.bound,
            slots: n,
            attack: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parents_outlive_children_and_short_execs_are_marked() {
        let mut b = ScriptBuilder::new();
        let root = b.bind(42);
        let sh = b.spawn(root, ExecSpec::new("/usr/bin/dash", &["sh", "-c", "ls"]));
        let ls = b.spawn(sh, ExecSpec::new("/usr/bin/ls", &["ls"]));
        b.exit(sh, 0); // too early: before its child
        b.wait(Span::ms(300));
        b.exit(ls, 0);
        let script = b.finish();
        let exit_at = |slot: Slot| {
            script.ops.iter().find_map(|o| match o.kind {
                OpKind::Exit { slot: s, .. } if s == slot => Some(o.at),
                _ => None,
            })
        };
        assert!(exit_at(sh).unwrap() > exit_at(ls).unwrap());
        assert!(script.ops.windows(2).all(|w| w[0].at <= w[1].at));
        let short_ls = script
            .ops
            .iter()
            .any(|o| matches!(o.kind, OpKind::Exec { slot, short: true, .. } if slot == ls));
        assert!(short_ls);
        assert_eq!(script.bound, vec![(root, 42)]);
    }

    #[test]
    fn globs_match_like_a_shell() {
        assert!(glob_match("php-fpm*", "php-fpm8.1"));
        assert!(glob_match("*", ""));
        assert!(glob_match("a?c", "abc"));
        assert!(!glob_match("php-fpm*", "php"));
        assert!(glob_match("/tmp/*/x", "/tmp/a/b/x"));
    }
}
