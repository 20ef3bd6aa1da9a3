//! NDJSON dataset files → an [`esql::MemorySource`], through `esql::ingest` (the one place documents are
//! indexed), with an explicit policy for bad lines.
//!
//! Oracle twin: `esql::ingest::Dataset::load` (same indexing, same index-per-file naming). Invariant:
//! every document is indexed by `esql::ingest`, so both evaluators see identical documents; a malformed
//! or rejected line either stops the load with its file and line ([`OnError::Fail`]) or is counted and
//! reported ([`OnError::Skip`]) — never dropped silently.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use esql::ingest::{LocatedError, read_ndjson};
use esql::{Catalog, MemorySource};

/// What to do with a line that is not valid JSON or that Elasticsearch would reject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnError {
    /// Stop at the first bad line.
    Fail,
    /// Count bad lines and go on.
    Skip,
}

/// Why loading stopped.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A file or folder could not be read.
    #[error("{path}: {message}")]
    Io {
        /// The path.
        path: String,
        /// The OS error.
        message: String,
    },
    /// A bad line under [`OnError::Fail`].
    #[error("{}:{}: {}", .0.file.as_deref().unwrap_or("<input>"), .0.line, .0.error)]
    Line(Box<LocatedError>),
}

/// What was loaded and what was left out.
#[derive(Debug, Default)]
pub struct Loaded {
    /// The documents.
    pub source: MemorySource,
    /// Documents indexed.
    pub documents: u64,
    /// Bad lines skipped (under [`OnError::Skip`]), with the first few kept.
    pub skipped: u64,
    /// The first skipped lines' errors (at most 20).
    pub first_errors: Vec<LocatedError>,
    /// `.ndjson` files whose name has no mapping in the catalog (not loaded).
    pub unmapped_files: Vec<PathBuf>,
}

/// The `.ndjson` files of `paths`: folders contribute their `*.ndjson` files in name order.
pub fn ndjson_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, LoadError> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| LoadError::Io {
                    path: p.display().to_string(),
                    message: e.to_string(),
                })?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|e| e == "ndjson"))
                .collect();
            files.sort();
            out.extend(files);
        } else if p.exists() {
            out.push(p.clone());
        } else {
            return Err(LoadError::Io {
                path: p.display().to_string(),
                message: "no such file or folder".into(),
            });
        }
    }
    Ok(out)
}

/// Loads NDJSON files; each file's stem names its index, whose mapping comes from `catalog`.
pub fn load(paths: &[PathBuf], catalog: &Catalog, on_error: OnError) -> Result<Loaded, LoadError> {
    let mut loaded = Loaded::default();
    let mut added = std::collections::BTreeSet::new();
    for path in ndjson_files(paths)? {
        let Some(index) = path.file_stem().and_then(|s| s.to_str()).map(str::to_owned) else {
            loaded.unmapped_files.push(path);
            continue;
        };
        let Some(mapping) = catalog.mapping_for(&index) else {
            loaded.unmapped_files.push(path);
            continue;
        };
        if added.insert(index.clone()) {
            loaded.source.add_index(index.clone(), mapping.clone());
        }
        load_file(&path, &index, &mapping, on_error, &mut loaded)?;
    }
    Ok(loaded)
}

fn load_file(
    path: &Path,
    index: &str,
    mapping: &esql::Mapping,
    on_error: OnError,
    loaded: &mut Loaded,
) -> Result<(), LoadError> {
    let file = File::open(path).map_err(|e| LoadError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    let reader =
        read_ndjson(BufReader::new(file), index, mapping).with_file(path.display().to_string());
    for item in reader {
        match item {
            Ok(doc) => {
                loaded.documents += 1;
                loaded.source.push(doc).map_err(|e| LoadError::Io {
                    path: path.display().to_string(),
                    message: e.to_string(),
                })?;
            }
            Err(e) if on_error == OnError::Fail => return Err(LoadError::Line(Box::new(e))),
            Err(e) => {
                loaded.skipped += 1;
                if loaded.first_errors.len() < 20 {
                    loaded.first_errors.push(e);
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_lines_fail_with_file_and_line_or_are_counted() {
        let dir = std::env::temp_dir().join(format!("detsim-ndjson-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("logs-endpoint.events.process-default.ndjson");
        std::fs::write(
            &file,
            "{\"event\":{\"id\":\"a\"},\"process\":{\"name\":\"sh\"}}\n{not json\n{\"event\":{\"id\":\"b\"}}\n",
        )
        .unwrap();
        std::fs::write(dir.join("labels.ndjson"), "{}\n").unwrap();
        let catalog = Catalog::elastic_defend();
        let err = load(std::slice::from_ref(&dir), &catalog, OnError::Fail).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("logs-endpoint.events.process-default.ndjson:2:"),
            "{msg}"
        );
        let ok = load(std::slice::from_ref(&dir), &catalog, OnError::Skip).unwrap();
        assert_eq!(ok.documents, 2);
        assert_eq!(ok.skipped, 1);
        assert_eq!(ok.first_errors[0].line, 2);
        assert_eq!(ok.unmapped_files.len(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
