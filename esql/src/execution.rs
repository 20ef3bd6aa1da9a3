//! The contract both evaluators implement: a data source, options and the [`Evaluator`] trait.
//!
//! `esql` evaluates nothing itself; the reference evaluator (`oracles`) and the optimized one (`detsim`)
//! implement [`Evaluator`] over the same [`Plan`] and must return identical [`ResultTable`]s.

use std::sync::Arc;

use crate::{Catalog, Document, Mapping, Plan, ResultTable};

/// Documents grouped by index, with the mappings they were indexed under.
pub trait DataSource: Sync {
    /// Every index this source holds and its mapping (the catalog queries are analysed against).
    fn catalog(&self) -> Catalog;

    /// Calls `visit` on every document of `index`, in a stable order.
    fn scan(
        &self,
        index: &str,
        visit: &mut dyn FnMut(&Document) -> Result<(), EvalError>,
    ) -> Result<(), EvalError>;
}

/// Options of one evaluation.
#[derive(Debug, Clone)]
pub struct EvalOptions {
    /// What `NOW()` returns, epoch milliseconds (injectable for reproducible results).
    pub now_millis: i64,
    /// The implicit `LIMIT` ES appends (1000); `None` disables it.
    pub implicit_limit: Option<usize>,
    /// Keep only documents whose `time_field` lies in `[start, end)` (epoch ms), as Kibana's rule
    /// executor filters by time range before the query runs.
    pub time_range: Option<TimeRange>,
}

impl Default for EvalOptions {
    fn default() -> EvalOptions {
        EvalOptions {
            now_millis: 0,
            implicit_limit: Some(1000),
            time_range: None,
        }
    }
}

/// A time-range filter applied to the source documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeRange {
    /// Dotted name of the date field (`@timestamp` or a rule's `timestamp_override`).
    pub field: String,
    /// Inclusive start, epoch ms.
    pub start: i64,
    /// Inclusive end, epoch ms (Kibana uses `gte`/`lte`).
    pub end: i64,
}

/// Runs a plan.
pub trait Evaluator {
    /// Evaluates `plan` over `data`.
    fn run(
        &self,
        plan: &Plan,
        data: &dyn DataSource,
        opts: &EvalOptions,
    ) -> Result<ResultTable, EvalError>;
}

/// An evaluation that could not complete.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum EvalError {
    /// A user-caused failure ES would also report (e.g. an invalid regex at runtime).
    #[error("{0}")]
    Execution(String),
    /// Reading the data failed (file, line and reason in the message).
    #[error("data: {0}")]
    Data(String),
    /// A bug: the plan broke an invariant the analyzer guarantees.
    #[error("internal error (this is a bug): {0}")]
    Internal(String),
    /// The plan uses something this evaluator does not implement.
    #[error("unsupported: {0}")]
    Unsupported(String),
}

/// An in-memory data source: documents per index.
#[derive(Debug, Clone, Default)]
pub struct MemorySource {
    indices: std::collections::BTreeMap<String, (Arc<Mapping>, Vec<Document>)>,
}

impl MemorySource {
    /// An empty source.
    pub fn new() -> MemorySource {
        MemorySource::default()
    }

    /// Adds an index with its mapping (replacing any of that name).
    pub fn add_index(&mut self, name: impl Into<String>, mapping: Arc<Mapping>) {
        self.indices.insert(name.into(), (mapping, Vec::new()));
    }

    /// Appends an already indexed document to its index (which must have been added).
    pub fn push(&mut self, doc: Document) -> Result<(), EvalError> {
        match self.indices.get_mut(&doc.index) {
            Some((_, docs)) => {
                docs.push(doc);
                Ok(())
            }
            None => Err(EvalError::Data(format!("unknown index [{}]", doc.index))),
        }
    }

    /// Indexes a JSON document into `index` as Elasticsearch would (`ingest::index_document` with
    /// the index's mapping from `catalog`, the index added on first use) and appends it. Its `_id` is
    /// `event.id`, or `<index>-<n>` (n counts the index's documents) when the document has none.
    pub fn index_json(
        &mut self,
        catalog: &Catalog,
        index: &str,
        json: &serde_json::Value,
    ) -> Result<(), EvalError> {
        if !self.indices.contains_key(index) {
            let mapping = catalog
                .mapping_for(index)
                .ok_or_else(|| EvalError::Data(format!("no mapping for index [{index}]")))?;
            self.add_index(index, mapping);
        }
        let id = crate::ingest::event_id(json)
            .unwrap_or_else(|| format!("{index}-{}", self.documents(index).len()));
        let mapping = self.indices[index].0.clone();
        let doc = crate::ingest::index_document(json, &id, index, &mapping)
            .map_err(|e| EvalError::Data(format!("index [{index}]: {e}")))?;
        self.push(doc)
    }

    /// The documents of an index.
    pub fn documents(&self, index: &str) -> &[Document] {
        self.indices
            .get(index)
            .map(|(_, d)| d.as_slice())
            .unwrap_or(&[])
    }
}

impl DataSource for MemorySource {
    fn catalog(&self) -> Catalog {
        let mut c = Catalog::new();
        for (name, (mapping, _)) in &self.indices {
            c.insert(name.clone(), mapping.clone());
        }
        c
    }

    fn scan(
        &self,
        index: &str,
        visit: &mut dyn FnMut(&Document) -> Result<(), EvalError>,
    ) -> Result<(), EvalError> {
        for d in self.documents(index) {
            visit(d)?;
        }
        Ok(())
    }
}
