//! A dataset ready for scoring: the [`Store`] the rules read and the [`GroundTruth`] they are scored
//! against, generated in memory from a fleet simulation or read from a dataset folder on disk.
//!
//! Generation streams: one thread simulates the fleet and writes each event's JSON line, the calling
//! thread extracts the rules' columns from the lines ([`super::direct`], one task per data stream) —
//! the same documents, in the same order, as `detsim generate` writes and `detsim eval` reads back.
//! When the fast path cannot serve a column (`METADATA _ignored`), events are serialized with only
//! the needed fields ([`super::pruned_json`]) and indexed through `esql::ingest` instead. Either way
//! rows keep the event order, so the store does not depend on the thread count.

use std::path::Path;

use esql::{Catalog, EvalError};
use generators::scenario::Scenario;

use rayon::prelude::*;

use super::direct::{Batch, DirectBuilder};
use super::store::{ColumnSpec, Store, StoreBuilder, index_event};
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

/// The fast path ([`super::direct`]): the generator thread writes JSON lines, the calling thread
/// extracts columns, one task per data stream.
fn generate_direct(
    world: generators::World,
    direct: &DirectBuilder,
    truth: &mut GroundTruth,
) -> Store {
    std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<(Batch, Vec<u32>)>(4);
        s.spawn(move || {
            let mut batch = Vec::with_capacity(BATCH);
            for e in world {
                batch.push(e);
                if batch.len() == BATCH {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                    if tx.send(direct.batch(full)).is_err() {
                        return;
                    }
                }
            }
            let _ = tx.send(direct.batch(batch));
        });
        let mut unmapped: Vec<String> = Vec::new();
        let mut unmapped_count = 0u64;
        let batches = rx.into_iter().map(|(b, u)| {
            unmapped_count += u.len() as u64;
            for i in u {
                let e = &b.events[i as usize];
                if unmapped.len() < 10 {
                    unmapped.push(format!(
                        "event {}: no mapping for [{}]",
                        e.id,
                        e.data_stream()
                    ));
                }
            }
            b
        });
        let mut store = direct.build(batches, |b| {
            for e in &b.events {
                truth.label(e);
            }
        });
        store.rejected += unmapped_count;
        store.first_rejections.extend(unmapped);
        store.first_rejections.truncate(10);
        store
    })
}

/// The exact path: each event serialized with only the needed fields and indexed through
/// `esql::ingest` (on every core, results in event order), then appended to the store.
fn generate_indexed(
    world: generators::World,
    catalog: &Catalog,
    spec: ColumnSpec,
    truth: &mut GroundTruth,
) -> Store {
    let filter = spec.filter(catalog);
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
            let docs: Vec<Result<esql::Document, String>> = batch
                .par_iter()
                .with_min_len(64)
                .map(
                    |e| match indexers.iter().find(|(d, _)| *d == e.data_stream()) {
                        Some((_, indexer)) => index_event(e, &filter, indexer),
                        None => Err(format!(
                            "event {}: no mapping for [{}]",
                            e.id,
                            e.data_stream()
                        )),
                    },
                )
                .collect();
            for (e, doc) in batch.iter().zip(docs) {
                truth.label(e);
                match doc {
                    Ok(doc) => store.push(&doc),
                    Err(message) => store.reject(message),
                }
            }
        }
    });
    store.finish()
}

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
        let store = match DirectBuilder::new(&catalog, spec.clone()) {
            Ok(direct) => generate_direct(world, &direct, &mut truth),
            Err(_) => generate_indexed(world, &catalog, spec, &mut truth),
        };
        Ok(Dataset {
            store,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::job::spec_for;
    use crate::run::rule::load_rules;

    fn world() -> generators::World {
        generators::Builder::new()
            .seed(3)
            .hosts(6)
            .duration(generators::time::Span::hours(2))
            .scenarios(generators::ScenarioSelection::All)
            .build()
            .unwrap()
    }

    #[test]
    fn the_direct_path_builds_the_indexed_paths_store() {
        let catalog = Catalog::elastic_defend();
        let rules = load_rules(&[crate::regress::shipped_rules_dir()], &catalog);
        assert!(rules.errors.is_empty(), "{:?}", rules.errors);
        let spec = spec_for(&rules.rules);
        let w = world();
        let mut t1 = GroundTruth::from_world(&w);
        let direct = DirectBuilder::new(&catalog, spec.clone()).unwrap();
        let fast = generate_direct(w, &direct, &mut t1);
        let w = world();
        let mut t2 = GroundTruth::from_world(&w);
        let exact = generate_indexed(w, &catalog, spec, &mut t2);
        assert_eq!(fast.rejected, 0, "{:?}", fast.first_rejections);
        assert_eq!(exact.rejected, 0, "{:?}", exact.first_rejections);
        assert_eq!(t1.labels, t2.labels);
        assert_eq!(fast.indices.len(), exact.indices.len());
        assert!(fast.documents() > 1000);
        for (a, b) in fast.indices.iter().zip(&exact.indices) {
            assert_eq!((&a.name, a.rows), (&b.name, b.rows));
            for key in &exact.spec.columns {
                let (ca, cb) = (a.column(key).unwrap(), b.column(key).unwrap());
                for r in 0..a.rows {
                    assert_eq!(ca.value(r), cb.value(r), "{} row {r} {key:?}", a.name);
                }
            }
        }
        for tf in &exact.spec.time_fields {
            let (lo, hi) = (exact.min_time(tf).unwrap(), exact.max_time(tf).unwrap());
            assert_eq!((fast.min_time(tf), fast.max_time(tf)), (Some(lo), Some(hi)));
            let mid = lo + (hi - lo) / 3;
            assert_eq!(
                fast.window(tf, mid, mid + 600_000).rows,
                exact.window(tf, mid, mid + 600_000).rows
            );
        }
    }
}
