//! Finding rule files: each path as given, folders walked recursively in a fixed order.
//!
//! Order is deterministic: the paths in the order given; inside a folder, entries sorted by name
//! and visited depth first. Folders keep `*.toml` and `*.esql` files and skip hidden entries
//! (names starting with `.`, like `.git`); a file named explicitly is always kept (loading then
//! rejects an unsupported extension). Problems (a missing path, an unreadable folder, a symlink
//! loop) come back in place as errors, so the caller reports and counts them.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use super::error::{RuleError, RuleErrorKind};
use super::file::is_rule_file;

/// The files to load under `paths`, in a deterministic order, with errors in place.
pub fn discover<P: AsRef<Path>>(paths: &[P]) -> Vec<Result<PathBuf, RuleError>> {
    let mut found = Vec::new();
    for root in paths {
        let root = root.as_ref();
        match std::fs::metadata(root) {
            Err(e) => found.push(Err(RuleError::new(root, RuleErrorKind::Io(e)))),
            Ok(meta) if !meta.is_dir() => found.push(Ok(root.to_owned())),
            Ok(_) => walk(root, &mut found),
        }
    }
    found
}

fn walk(root: &Path, found: &mut Vec<Result<PathBuf, RuleError>>) {
    let entries = WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in entries {
        match entry {
            Ok(e) if e.file_type().is_file() && is_rule_file(e.path()) => {
                found.push(Ok(e.into_path()))
            }
            Ok(_) => {}
            Err(e) => {
                let path = e.path().unwrap_or(root).to_owned();
                let io = e
                    .into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("symbolic link loop"));
                found.push(Err(RuleError::new(path, RuleErrorKind::Io(io))));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh empty folder under the target directory's tmp area, unique per test.
    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("detsim-discover-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn touch(path: &Path) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "").unwrap();
    }

    #[test]
    fn folders_are_walked_sorted_and_filtered() {
        let dir = scratch("walk");
        for f in [
            "b.toml",
            "a/z.esql",
            "a/y.TOML",
            "c.txt",
            ".hidden/x.toml",
            "a/.x.esql",
            "d/e/f.esql",
        ] {
            touch(&dir.join(f));
        }
        let got: Vec<PathBuf> = discover(&[&dir])
            .into_iter()
            .map(|r| r.unwrap().strip_prefix(&dir).unwrap().to_owned())
            .collect();
        let want: Vec<PathBuf> = ["a/y.TOML", "a/z.esql", "b.toml", "d/e/f.esql"]
            .iter()
            .map(PathBuf::from)
            .collect();
        assert_eq!(got, want);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn files_are_kept_as_given_and_missing_paths_are_errors() {
        let dir = scratch("given");
        touch(&dir.join("notes.txt"));
        let missing = dir.join("nope");
        let got = discover(&[dir.join("notes.txt"), missing.clone()]);
        assert_eq!(got[0].as_ref().unwrap(), &dir.join("notes.txt"));
        let err = got[1].as_ref().unwrap_err();
        assert_eq!(err.path, missing);
        assert!(
            matches!(&err.kind, RuleErrorKind::Io(e) if e.kind() == std::io::ErrorKind::NotFound)
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
