//! Loading a folder of NDJSON files, one per data stream, into a [`MemorySource`].
//!
//! Layout (DESIGN.md "Generated datasets on disk"): `DIR/<data_stream>.ndjson`, the file name being the
//! index name. Each file is indexed under the mapping the [`Catalog`] gives that name (its own index or
//! a matching template). Files whose name has no mapping (such as `labels.ndjson`) are not loaded and
//! are listed in [`Dataset::skipped_files`]; rejected documents are counted and kept (up to
//! [`MAX_KEPT_ERRORS`] per file) with their file and line.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use super::error::{IngestError, LocatedError};
use super::ndjson::{IngestStats, read_ndjson};
use crate::{Catalog, MemorySource};

/// How many reject errors are kept per file (all are counted).
pub const MAX_KEPT_ERRORS: usize = 100;

/// A loaded dataset: the documents by index, and what was left out.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    /// The documents, ready for an evaluator.
    pub source: MemorySource,
    /// Per index: counts of indexed and rejected documents and of unmapped fields.
    pub stats: BTreeMap<String, IngestStats>,
    /// The first rejects of each file, with file and line.
    pub errors: Vec<LocatedError>,
    /// `.ndjson` files not loaded because the catalog has no mapping for their name.
    pub skipped_files: Vec<PathBuf>,
}

impl Dataset {
    /// Loads every `*.ndjson` file of `dir`, in file-name order.
    pub fn load(dir: &Path, catalog: &Catalog) -> Result<Dataset, IngestError> {
        let io = |p: &Path, e: std::io::Error| IngestError::Io {
            path: p.display().to_string(),
            message: e.to_string(),
        };
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| io(dir, e))?
            .map(|entry| entry.map(|e| e.path()).map_err(|e| io(dir, e)))
            .collect::<Result<_, _>>()?;
        files.retain(|p| p.extension().is_some_and(|e| e == "ndjson"));
        files.sort();

        let mut out = Dataset::default();
        for path in files {
            let Some(index) = path.file_stem().and_then(|s| s.to_str()).map(str::to_owned) else {
                out.skipped_files.push(path);
                continue;
            };
            let Some(mapping) = catalog.mapping_for(&index) else {
                out.skipped_files.push(path);
                continue;
            };
            out.source.add_index(index.clone(), mapping.clone());
            let file = File::open(&path).map_err(|e| io(&path, e))?;
            let mut reader = read_ndjson(BufReader::new(file), &index, &mapping)
                .with_file(path.display().to_string());
            let mut kept = 0;
            for item in reader.by_ref() {
                match item {
                    Ok(doc) => out.source.push(doc).map_err(|e| IngestError::Io {
                        path: path.display().to_string(),
                        message: e.to_string(),
                    })?,
                    Err(e) if kept < MAX_KEPT_ERRORS => {
                        kept += 1;
                        out.errors.push(e);
                    }
                    Err(_) => {}
                }
            }
            out.stats.entry(index).or_default().merge(reader.stats());
        }
        Ok(out)
    }

    /// Total documents rejected across files.
    pub fn rejected(&self) -> u64 {
        self.stats.values().map(|s| s.rejected).sum()
    }
}
