//! Helpers for the CLI's unit tests: scratch folders with rule files, and a fake syntax check so
//! the output formats can be tested independently of the parser.

use std::path::{Path, PathBuf};

use esql::LineIndex;

use super::cmd::parse::SyntaxError;

/// A fresh, empty folder for one test, removed when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    /// Creates `<tmp>/detsim-cli-<pid>-<name>`, emptied first.
    pub fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("detsim-cli-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    /// Writes `contents` to `rel` under the folder, creating parents.
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

/// A stand-in for the parser: a query is wrong where it contains `wher `.
pub fn fake_syntax(text: &str) -> Result<(), SyntaxError> {
    match text.find("wher ") {
        None => Ok(()),
        Some(at) => Err(SyntaxError {
            position: LineIndex::new(text).position(at),
            message: "mismatched input 'wher'".to_owned(),
        }),
    }
}
