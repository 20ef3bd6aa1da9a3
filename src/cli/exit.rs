//! The exit status of a command, and how fatal errors are told apart from a closed pipe.
//!
//! Commands do not exit on the first problem: a non-fatal problem (a query that fails to parse, a
//! file that cannot be read) is reported where it happens and recorded in the returned
//! [`ExitStatus`]; only errors that stop the whole command travel up as `anyhow::Error`.

use std::process::ExitCode;

/// What a command reports to the shell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExitStatus {
    /// Everything passed (exit code 0).
    Success,
    /// Something failed or was found (a query that does not parse, an unreadable file, …; exit code 1).
    Failure,
    /// The command line was wrong (exit code 2). clap reports its own usage errors with this code.
    Usage,
}

impl ExitStatus {
    /// The numeric exit code.
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Failure => 1,
            ExitStatus::Usage => 2,
        }
    }

    /// `Failure` when `failed` is true, else `Success`.
    pub fn failure_if(failed: bool) -> ExitStatus {
        if failed {
            ExitStatus::Failure
        } else {
            ExitStatus::Success
        }
    }
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> ExitCode {
        ExitCode::from(status.code())
    }
}

/// Whether `err` was caused by writing to a closed pipe (e.g. `detsim parse rules/ | head -1`);
/// such a run ends quietly with status 0, as ripgrep and other Unix tools do.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn exit_codes_are_the_documented_ones() {
        assert_eq!(ExitStatus::Success.code(), 0);
        assert_eq!(ExitStatus::Failure.code(), 1);
        assert_eq!(ExitStatus::Usage.code(), 2);
        assert_eq!(ExitStatus::failure_if(true), ExitStatus::Failure);
        assert_eq!(ExitStatus::failure_if(false), ExitStatus::Success);
    }

    #[test]
    fn broken_pipe_is_found_through_context() {
        let io = std::io::Error::new(std::io::ErrorKind::BrokenPipe, "closed");
        let err = Err::<(), _>(io).context("writing the report").unwrap_err();
        assert!(is_broken_pipe(&err));
        let other = std::io::Error::new(std::io::ErrorKind::NotFound, "gone");
        let err = Err::<(), _>(other).context("reading").unwrap_err();
        assert!(!is_broken_pipe(&err));
    }
}
