//! Test datasets: the harness catalog, documents as NDJSON lines per index, and their indexed form.
//!
//! Every dataset holds the same four indices (some possibly empty), so queries can be generated
//! against one fixed catalog: the three Elastic Defend data streams of the `default` namespace and a
//! second process stream, `logs-endpoint.events.process-edge`, which holds only adversarial documents.
//! A document is its `_source` JSON plus its index; it is indexed exactly as `esql::ingest::read_ndjson`
//! indexes a line (same `_id` rule: `event.id`, else `<index>-<line>` with the 1-based line among that
//! index's documents), so a dataset saved as NDJSON and read back is the same dataset.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use esql::ingest::{Indexer, event_id, read_ndjson};
use esql::{Catalog, Document, Mapping, MemorySource};
use serde_json::Value as Json;

/// The indices of every harness dataset.
pub const INDICES: [&str; 4] = [
    "logs-endpoint.events.file-default",
    "logs-endpoint.events.network-default",
    "logs-endpoint.events.process-default",
    "logs-endpoint.events.process-edge",
];

/// The catalog of every harness dataset: [`INDICES`] under the shipped Elastic Defend mappings.
/// Built once per process (the mappings are shared; a clone copies four pointers).
pub fn harness_catalog() -> Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG
        .get_or_init(|| {
            let mut defend = Catalog::elastic_defend();
            let mut c = Catalog::new();
            for name in INDICES {
                if let Some(m) = defend.ensure_index(name) {
                    c.insert(name, m);
                }
            }
            c
        })
        .clone()
}

/// One source document.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceDoc {
    /// Index it is written to (one of [`INDICES`]).
    pub index: String,
    /// Its `_source` (shared: documents of generated fleets are not copied per test case).
    pub json: Arc<Json>,
    /// Its indexed form when already known (documents of generated fleets are indexed once).
    pub indexed: Option<Document>,
}

impl SourceDoc {
    /// A document to be indexed.
    pub fn new(index: impl Into<String>, json: Json) -> SourceDoc {
        SourceDoc {
            index: index.into(),
            json: Arc::new(json),
            indexed: None,
        }
    }
}

/// A dataset ready for evaluation, with what ingest rejected.
#[derive(Debug, Clone)]
pub struct Built {
    /// The documents per index.
    pub source: MemorySource,
    /// Documents indexed, per index (in source order).
    pub documents: BTreeMap<String, Vec<Document>>,
    /// Rejected documents: index, 1-based line and reason.
    pub rejected: Vec<(String, usize, String)>,
}

impl Built {
    /// Number of indexed documents.
    pub fn len(&self) -> usize {
        self.documents.values().map(Vec::len).sum()
    }

    /// True when no document was indexed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The mappings of the harness catalog, each prepared for indexing.
pub struct Indexers {
    mappings: Vec<(String, Arc<Mapping>)>,
}

impl Indexers {
    /// Mappings of [`harness_catalog`].
    pub fn new() -> Indexers {
        let c = harness_catalog();
        Indexers {
            mappings: c.indices.into_iter().collect(),
        }
    }

    /// The mapping of `index`.
    pub fn mapping(&self, index: &str) -> Option<&Mapping> {
        self.mappings
            .iter()
            .find(|(n, _)| n == index)
            .map(|(_, m)| &**m)
    }
}

impl Default for Indexers {
    fn default() -> Indexers {
        Indexers::new()
    }
}

/// Indexes `docs` into a fresh [`MemorySource`] holding every index of [`INDICES`].
pub fn build(docs: &[SourceDoc]) -> Built {
    let indexers = Indexers::new();
    let mut source = MemorySource::new();
    for (name, m) in &indexers.mappings {
        source.add_index(name.clone(), m.clone());
    }
    let mut documents: BTreeMap<String, Vec<Document>> = BTreeMap::new();
    let mut lines: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rejected = Vec::new();
    let mut prepared: BTreeMap<&str, Indexer<'_>> = BTreeMap::new();
    for d in docs {
        let line = lines.entry(d.index.as_str()).or_insert(0);
        *line += 1;
        let doc = match &d.indexed {
            Some(doc) => Ok(doc.clone()),
            None => {
                let Some(mapping) = indexers.mapping(&d.index) else {
                    rejected.push((d.index.clone(), *line, "unknown index".to_owned()));
                    continue;
                };
                let indexer = prepared
                    .entry(d.index.as_str())
                    .or_insert_with(|| Indexer::new(mapping));
                let id = event_id(&d.json).unwrap_or_else(|| format!("{}-{}", d.index, line));
                indexer
                    .index(&d.json, &id, &d.index)
                    .map(|i| i.document)
                    .map_err(|e| e.to_string())
            }
        };
        match doc {
            Ok(doc) => {
                documents
                    .entry(d.index.clone())
                    .or_default()
                    .push(doc.clone());
                if let Err(e) = source.push(doc) {
                    rejected.push((d.index.clone(), *line, e.to_string()));
                }
            }
            Err(e) => rejected.push((d.index.clone(), *line, e)),
        }
    }
    Built {
        source,
        documents,
        rejected,
    }
}

/// The documents as NDJSON text per index (the form regression files store).
pub fn to_ndjson(docs: &[SourceDoc]) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for d in docs {
        let text = out.entry(d.index.clone()).or_default();
        text.push_str(&d.json.to_string());
        text.push('\n');
    }
    out
}

/// Reads NDJSON text per index back into documents (lines that are not JSON are kept as JSON strings
/// so that ingest rejects them at the same line, as it would reject them from a file).
pub fn from_ndjson(per_index: &BTreeMap<String, String>) -> Vec<SourceDoc> {
    let mut out = Vec::new();
    for (index, text) in per_index {
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let json = serde_json::from_str(line).unwrap_or_else(|_| Json::String(line.to_owned()));
            out.push(SourceDoc::new(index.clone(), json));
        }
    }
    out
}

/// Indexes NDJSON text of one index with `esql::ingest::read_ndjson`, the reader datasets use: the
/// indexed documents and the number of rejected lines.
pub fn read_with_ingest(index: &str, ndjson: &str) -> (Vec<Document>, u64) {
    let indexers = Indexers::new();
    let Some(mapping) = indexers.mapping(index) else {
        return (Vec::new(), ndjson.lines().count() as u64);
    };
    let mut reader = read_ndjson(ndjson.as_bytes(), index, mapping);
    let docs: Vec<Document> = reader.by_ref().filter_map(Result::ok).collect();
    (docs, reader.stats().rejected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn harness_catalog_has_every_index() {
        let c = harness_catalog();
        for i in INDICES {
            assert!(c.indices.contains_key(i), "{i}");
        }
    }

    #[test]
    fn build_matches_the_ndjson_reader_and_counts_rejects() {
        let docs = vec![
            SourceDoc::new(INDICES[2], json!({"process": {"name": "bash", "pid": 7}})),
            SourceDoc::new(INDICES[2], json!({"process": {"pid": "not a number"}})),
            SourceDoc::new(
                INDICES[2],
                json!({"event": {"id": "e-1"}, "process.name": ["b", "a", "a"]}),
            ),
        ];
        let built = build(&docs);
        assert_eq!(built.len(), 2);
        assert_eq!(built.rejected.len(), 1);
        assert_eq!(built.rejected[0].1, 2, "line of the rejected document");
        let ndjson = to_ndjson(&docs);
        let (read, rejected) = read_with_ingest(INDICES[2], &ndjson[INDICES[2]]);
        assert_eq!(rejected, 1);
        assert_eq!(read, built.documents[INDICES[2]]);
        assert_eq!(read[0].id, format!("{}-1", INDICES[2]));
        assert_eq!(read[1].id, "e-1");
        assert_eq!(from_ndjson(&ndjson), docs);
    }
}
