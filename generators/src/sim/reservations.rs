//! Noise kept away from detect scenarios.
//!
//! The seed rules alert on a pair (`process.executable` with `process.parent.executable`, or with
//! `file.path`) seen on one agent fewer than five times in a window. A detect scenario whose pair also
//! occurs on another host in the same window would be masked by ordinary activity, so the planner
//! reserves each scenario's pairs for a few hours around it, and background activity skips the execs
//! that would collide (they are counted as `suppressed_noise`). Attack scripts are never suppressed.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::time::Timestamp;

/// One reserved (child executable, parent executable) pair over a time range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reservation {
    /// The parent's executable.
    pub parent_executable: Arc<str>,
    /// Start of the reserved range.
    pub from: Timestamp,
    /// End of the reserved range.
    pub to: Timestamp,
}

/// Reserved pairs by child executable.
#[derive(Debug, Clone, Default)]
pub struct Reservations {
    by_executable: BTreeMap<Arc<str>, Vec<Reservation>>,
}

impl Reservations {
    /// No reservations.
    pub fn new() -> Reservations {
        Reservations::default()
    }

    /// Reserves `(executable, parent_executable)` over `from..to`.
    pub fn reserve(
        &mut self,
        executable: &str,
        parent_executable: &str,
        from: Timestamp,
        to: Timestamp,
    ) {
        self.by_executable
            .entry(executable.into())
            .or_default()
            .push(Reservation {
                parent_executable: parent_executable.into(),
                from,
                to,
            });
    }

    /// Whether background activity must not exec `executable` under `parent_executable` at `t`.
    pub fn masks(&self, executable: &str, parent_executable: &str, t: Timestamp) -> bool {
        self.by_executable.get(executable).is_some_and(|list| {
            list.iter()
                .any(|r| &*r.parent_executable == parent_executable && r.from <= t && t <= r.to)
        })
    }

    /// Number of reservations.
    pub fn len(&self) -> usize {
        self.by_executable.values().map(Vec::len).sum()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_only_the_reserved_pair_in_range() {
        let mut r = Reservations::new();
        r.reserve(
            "/usr/bin/scp",
            "/usr/bin/bash",
            Timestamp(100),
            Timestamp(200),
        );
        assert!(r.masks("/usr/bin/scp", "/usr/bin/bash", Timestamp(150)));
        assert!(!r.masks("/usr/bin/scp", "/usr/bin/bash", Timestamp(250)));
        assert!(!r.masks("/usr/bin/scp", "/usr/bin/zsh", Timestamp(150)));
        assert!(!r.masks("/usr/bin/rsync", "/usr/bin/bash", Timestamp(150)));
        assert_eq!(r.len(), 1);
    }
}
