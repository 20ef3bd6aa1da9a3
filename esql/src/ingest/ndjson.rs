//! Reading NDJSON (one JSON `_source` per line) into indexed documents.
//!
//! Each non-blank line is parsed and indexed under the index's mapping. A line that is not JSON, or a
//! document Elasticsearch would reject, yields an error carrying its 1-based line number; reading goes
//! on with the next line, so callers can count rejects as `_bulk` reports them per item. The `_id` of a
//! document is its `event.id` (Elastic Defend documents carry a unique one); a document without one
//! gets `<index>-<line>`, which is deterministic. `_version` is 1.

use std::collections::BTreeMap;
use std::io::BufRead;

use serde_json::Value as Json;

use super::error::{IngestError, LocatedError};
use super::indexer::Indexer;
use crate::{Document, Mapping};

/// Counts of what reading left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IngestStats {
    /// Documents indexed.
    pub indexed: u64,
    /// Lines rejected (invalid JSON or a document ES would reject).
    pub rejected: u64,
    /// Unmapped field → number of documents that had it (the values were ignored).
    pub unmapped: BTreeMap<String, u64>,
    /// Mapped fields of unsupported types → number of documents that had them (read back as null).
    pub unsupported: BTreeMap<String, u64>,
}

impl IngestStats {
    /// Adds another reader's counts.
    pub fn merge(&mut self, other: &IngestStats) {
        self.indexed += other.indexed;
        self.rejected += other.rejected;
        for (k, n) in &other.unmapped {
            *self.unmapped.entry(k.clone()).or_default() += n;
        }
        for (k, n) in &other.unsupported {
            *self.unsupported.entry(k.clone()).or_default() += n;
        }
    }
}

/// An iterator over the documents of an NDJSON stream; see the module doc.
pub struct NdjsonReader<'m, R> {
    lines: std::io::Lines<R>,
    line: usize,
    index: String,
    file: Option<String>,
    indexer: Indexer<'m>,
    stats: IngestStats,
}

/// Reads NDJSON from `reader` as documents of `index` under `mapping`.
pub fn read_ndjson<'m, R: BufRead>(
    reader: R,
    index: &str,
    mapping: &'m Mapping,
) -> NdjsonReader<'m, R> {
    NdjsonReader {
        lines: reader.lines(),
        line: 0,
        index: index.to_owned(),
        file: None,
        indexer: Indexer::new(mapping),
        stats: IngestStats::default(),
    }
}

impl<R> NdjsonReader<'_, R> {
    /// Names the file in error locations.
    pub fn with_file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }

    /// What has been read so far.
    pub fn stats(&self) -> &IngestStats {
        &self.stats
    }

    fn located(&self, error: IngestError) -> LocatedError {
        LocatedError {
            file: self.file.clone(),
            line: self.line,
            error,
        }
    }
}

/// The `_id` of a document: its `event.id` (as an object path or a dotted key).
pub fn event_id(doc: &Json) -> Option<String> {
    let v = doc
        .get("event")
        .and_then(|e| e.get("id"))
        .or_else(|| doc.get("event.id"))?;
    match v {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl<R: BufRead> Iterator for NdjsonReader<'_, R> {
    type Item = Result<Document, LocatedError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let line = self.lines.next()?;
            self.line += 1;
            let line = match line {
                Ok(l) => l,
                Err(e) => {
                    self.stats.rejected += 1;
                    let path = self.file.clone().unwrap_or_default();
                    return Some(Err(self.located(IngestError::Io {
                        path,
                        message: e.to_string(),
                    })));
                }
            };
            if line.trim().is_empty() {
                continue;
            }
            let json: Json = match serde_json::from_str(&line) {
                Ok(j) => j,
                Err(e) => {
                    self.stats.rejected += 1;
                    let err = IngestError::Json {
                        column: e.column(),
                        message: e.to_string(),
                    };
                    return Some(Err(self.located(err)));
                }
            };
            let id = event_id(&json).unwrap_or_else(|| format!("{}-{}", self.index, self.line));
            return Some(match self.indexer.index(&json, &id, &self.index) {
                Ok(indexed) => {
                    self.stats.indexed += 1;
                    for f in indexed.unmapped {
                        *self.stats.unmapped.entry(f).or_default() += 1;
                    }
                    for f in indexed.unsupported {
                        *self.stats.unsupported.entry(f).or_default() += 1;
                    }
                    Ok(indexed.document)
                }
                Err(e) => {
                    self.stats.rejected += 1;
                    Err(self.located(e))
                }
            });
        }
    }
}
