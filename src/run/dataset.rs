//! A dataset ready for scoring: the [`Store`] the rules read and the [`GroundTruth`] they are scored
//! against, generated in memory from a fleet simulation or read from a dataset folder on disk.
//!
//! Generation streams: one thread simulates the fleet and hands batches of events to the calling
//! thread, which serializes each event with only the fields the rules read ([`super::pruned_json`]),
//! indexes it through `esql::ingest` and appends it to the store — the same documents, in the same
//! order, as `detsim generate` writes and `detsim eval` reads back.

use std::path::Path;

use esql::{Catalog, EvalError};
use generators::scenario::Scenario;

use super::store::{ColumnSpec, Store, StoreBuilder};
use crate::engine::inputs::ndjson_files::{OnError, load};
use crate::score::truth::{GroundTruth, TruthError};

/// A dataset held in memory.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// The documents, as columns.
    pub store: Store,
    /// Labels and attack instances.
    pub truth: GroundTruth,
    /// What the dataset is (`seed 1, 40 hosts, 24h` or a folder).
    pub description: String,
}

/// Why a dataset could not be made.
#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    /// The generator configuration is invalid.
    #[error(transparent)]
    Build(#[from] generators::BuildError),
    /// Reading documents failed.
    #[error("{0}")]
    Read(String),
    /// Reading labels or the manifest failed.
    #[error(transparent)]
    Truth(#[from] TruthError),
    /// Building the store failed.
    #[error(transparent)]
    Eval(#[from] EvalError),
}

const BATCH: usize = 4096;

impl Dataset {
    /// Simulates the fleet `builder` describes and keeps `spec`'s columns of every event.
    pub fn generate(
        builder: generators::Builder,
        spec: ColumnSpec,
    ) -> Result<Dataset, DatasetError> {
        let world = builder.build()?;
        let cfg = world.config().clone();
        let mut truth = GroundTruth::from_world(&world);
        let catalog = Catalog::elastic_defend();
        let filter = spec.filter(&catalog);
        let mappings: Vec<(generators::DataStream, std::sync::Arc<esql::Mapping>)> =
            generators::DataStream::ALL
                .iter()
                .filter_map(|d| catalog.mapping_for(d.name()).map(|m| (*d, m)))
                .collect();
        let indexers: Vec<(generators::DataStream, esql::ingest::Indexer<'_>)> = mappings
            .iter()
            .map(|(d, m)| (*d, esql::ingest::Indexer::new(m)))
            .collect();
        let mut store = StoreBuilder::new(catalog.clone(), spec);
        std::thread::scope(|s| {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<generators::Event>>(8);
            s.spawn(move || {
                let mut batch = Vec::with_capacity(BATCH);
                for e in world {
                    batch.push(e);
                    if batch.len() == BATCH {
                        let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                        if tx.send(full).is_err() {
                            return;
                        }
                    }
                }
                let _ = tx.send(batch);
            });
            for batch in rx {
                for e in &batch {
                    truth.label(e);
                    match indexers.iter().find(|(d, _)| *d == e.data_stream()) {
                        Some((_, indexer)) => store.push_event(e, &filter, indexer),
                        None => store.reject(format!(
                            "event {}: no mapping for [{}]",
                            e.id,
                            e.data_stream()
                        )),
                    }
                }
            }
        });
        Ok(Dataset {
            store: store.finish(),
            truth,
            description: format!(
                "seed {}, {} hosts, {} from {}",
                cfg.seed, cfg.hosts, cfg.duration, cfg.start
            ),
        })
    }

    /// Reads a dataset folder written by `detsim generate` (NDJSON files, `labels.ndjson`,
    /// `manifest.json`); `scenarios` give the target rules of each scenario.
    pub fn load(
        dir: &Path,
        spec: ColumnSpec,
        scenarios: &[Scenario],
    ) -> Result<Dataset, DatasetError> {
        let catalog = Catalog::elastic_defend();
        let loaded = load(&[dir.to_owned()], &catalog, OnError::Fail)
            .map_err(|e| DatasetError::Read(e.to_string()))?;
        let store = Store::from_source(&loaded.source, spec)?;
        let truth = GroundTruth::load(dir, scenarios)?;
        Ok(Dataset {
            store,
            truth,
            description: dir.display().to_string(),
        })
    }
}
