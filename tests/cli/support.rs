//! Helpers: locating `../shared`, running the `detsim` binary, scratch folders.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace root (the root package lives there).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared` relative to the workspace root, if present. Panics when it is missing and
/// `CI=true`; otherwise prints a skip notice naming `what`.
pub fn shared_dir(what: &str) -> Option<PathBuf> {
    let dir = workspace_root().join("../shared");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "../shared is missing ({}) and CI=true: {what} cannot run",
            dir.display()
        );
    }
    eprintln!("SKIP {what}: ../shared not found at {}", dir.display());
    None
}

/// What a run of `detsim` produced.
pub struct Run {
    /// Exit code (`None` if killed by a signal).
    pub code: Option<i32>,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// Runs `detsim args…` from the workspace root.
pub fn detsim<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = Command::new(env!("CARGO_BIN_EXE_detsim"))
        .args(args)
        .current_dir(workspace_root())
        .output()
        .expect("run detsim");
    Run {
        code: status.code(),
        stdout: String::from_utf8(stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(stderr).expect("stderr is UTF-8"),
    }
}

/// A fresh, empty folder for one test, removed when dropped.
pub struct Scratch(PathBuf);

impl Scratch {
    /// Creates `<tmp>/detsim-it-<pid>-<name>`, emptied first.
    pub fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("detsim-it-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    /// Writes `contents` to `rel` under the folder, creating parents; returns the path.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, contents).unwrap();
        path
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
