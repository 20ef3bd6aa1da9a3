//! Saved regressions: shrunk failing cases as readable TOML files under `oracles/regressions/`, replayed
//! by `cargo test` forever.
//!
//! A file holds the property and its parameters, the query text, the mapping id (`elastic-defend`: the
//! harness catalog), the documents as NDJSON per index, its status (`fixed`, or `open` with the issue
//! written next to it), and optionally the expected outcome (columns, rows as `_query` JSON, warnings)
//! that SEMANTICS.md and the csv-spec tests decide. Replaying checks the property (a case the front end
//! now rejects fails the replay) and, when given, the expected outcome.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::case::{Case, MergeableAgg, Property};
use super::dataset::{build, from_ndjson, harness_catalog, to_ndjson};
use super::frontend::prepare;
use super::properties::{Subjects, check_built, differential_options};

/// The only mapping id: the harness catalog over the shipped Elastic Defend mappings.
pub const MAPPING_ID: &str = "elastic-defend";

/// The expected outcome of the query (as the evaluator that is right returns it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Expected {
    /// `name:type` per column.
    pub columns: Vec<String>,
    /// The rows as the `_query` API's `values` JSON.
    pub rows: String,
    /// The warnings, in order.
    #[serde(default)]
    pub warnings: Vec<String>,
}

/// The documents of one index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexDocs {
    /// Index name.
    pub name: String,
    /// One `_source` JSON per line.
    pub ndjson: String,
}

/// A regression file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Regression {
    /// What went wrong, for the reader.
    pub title: String,
    /// `fixed` (must hold) or `open` (a known failure; `issue` says where it is tracked).
    pub status: String,
    /// The issue or explanation of an open case, and where a fixed one was fixed.
    #[serde(default)]
    pub issue: String,
    /// The property (see [`Property::name`]).
    pub property: String,
    /// The mapping id ([`MAPPING_ID`]).
    pub mapping: String,
    /// The (base) query.
    pub query: String,
    /// Differential: also require the reference's exact row order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exact_order: Option<bool>,
    /// Partition predicate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predicate: Option<String>,
    /// AND-split operands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub a: Option<String>,
    /// AND-split operands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub b: Option<String>,
    /// KEEP columns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub columns: Option<Vec<String>>,
    /// SORT keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keys: Option<String>,
    /// LIMIT.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<usize>,
    /// Sharded STATS aggregates: `[name, kind, argument]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aggregates: Option<Vec<[String; 3]>>,
    /// Sharded STATS BY columns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<Vec<String>>,
    /// Number of shards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shards: Option<usize>,
    /// MV_EXPAND column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// The expected outcome of `query`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<Expected>,
    /// Documents per index.
    #[serde(default)]
    pub index: Vec<IndexDocs>,
}

/// A regression file that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum RegressionError {
    /// I/O.
    #[error("{path}: {message}")]
    Io {
        /// The file.
        path: String,
        /// The reason.
        message: String,
    },
    /// Not valid TOML or missing fields (the TOML error carries line and column).
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// The reason.
        message: String,
    },
}

impl Regression {
    /// The file form of a case.
    pub fn from_case(case: &Case, title: &str, status: &str, issue: &str) -> Regression {
        let mut r = Regression {
            title: title.to_owned(),
            status: status.to_owned(),
            issue: issue.to_owned(),
            property: case.property.name().to_owned(),
            mapping: MAPPING_ID.to_owned(),
            query: case.query.clone(),
            exact_order: None,
            predicate: None,
            a: None,
            b: None,
            columns: None,
            keys: None,
            limit: None,
            aggregates: None,
            by: None,
            shards: None,
            column: None,
            expected: None,
            index: to_ndjson(&case.docs)
                .into_iter()
                .map(|(name, ndjson)| IndexDocs { name, ndjson })
                .collect(),
        };
        match &case.property {
            Property::Differential { exact_order } => r.exact_order = Some(*exact_order),
            Property::Partition { predicate } => r.predicate = Some(predicate.clone()),
            Property::AndSplit { a, b } => {
                r.a = Some(a.clone());
                r.b = Some(b.clone());
            }
            Property::KeepPermutation { columns } => r.columns = Some(columns.clone()),
            Property::SortLimit { keys, limit } => {
                r.keys = Some(keys.clone());
                r.limit = Some(*limit);
            }
            Property::ShardedStats {
                aggregates,
                by,
                shards,
            } => {
                r.aggregates = Some(
                    aggregates
                        .iter()
                        .map(|(n, k, a)| [n.clone(), k.key().to_owned(), a.clone()])
                        .collect(),
                );
                r.by = Some(by.clone());
                r.shards = Some(*shards);
            }
            Property::MvExpandCount { column } => r.column = Some(column.clone()),
        }
        r
    }

    /// The case this file describes.
    pub fn case(&self) -> Result<Case, String> {
        let need = |o: &Option<String>, f: &str| o.clone().ok_or(format!("missing `{f}`"));
        let property = match self.property.as_str() {
            "differential" => Property::Differential {
                exact_order: self.exact_order.unwrap_or(false),
            },
            "partition" => Property::Partition {
                predicate: need(&self.predicate, "predicate")?,
            },
            "and-split" => Property::AndSplit {
                a: need(&self.a, "a")?,
                b: need(&self.b, "b")?,
            },
            "keep-permutation" => Property::KeepPermutation {
                columns: self.columns.clone().ok_or("missing `columns`")?,
            },
            "sort-limit" => Property::SortLimit {
                keys: need(&self.keys, "keys")?,
                limit: self.limit.ok_or("missing `limit`")?,
            },
            "sharded-stats" => Property::ShardedStats {
                aggregates: self
                    .aggregates
                    .clone()
                    .ok_or("missing `aggregates`")?
                    .into_iter()
                    .map(|[n, k, a]| {
                        MergeableAgg::from_key(&k)
                            .map(|k| (n, k, a))
                            .ok_or(format!("unknown aggregate kind `{k}`"))
                    })
                    .collect::<Result<_, _>>()?,
                by: self.by.clone().unwrap_or_default(),
                shards: self.shards.ok_or("missing `shards`")?,
            },
            "mv-expand-count" => Property::MvExpandCount {
                column: need(&self.column, "column")?,
            },
            other => return Err(format!("unknown property `{other}`")),
        };
        if self.mapping != MAPPING_ID {
            return Err(format!(
                "unknown mapping `{}` (only `{MAPPING_ID}`)",
                self.mapping
            ));
        }
        let per_index: BTreeMap<String, String> = self
            .index
            .iter()
            .map(|i| (i.name.clone(), i.ndjson.clone()))
            .collect();
        Ok(Case {
            query: self.query.clone(),
            property,
            docs: from_ndjson(&per_index),
        })
    }

    /// Whether the case is expected to hold.
    pub fn is_open(&self) -> bool {
        self.status == "open"
    }

    /// Reads a regression file.
    pub fn load(path: &Path) -> Result<Regression, RegressionError> {
        let text = fs::read_to_string(path).map_err(|e| RegressionError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        toml::from_str(&text).map_err(|e| RegressionError::Invalid {
            path: path.display().to_string(),
            message: e.to_string(),
        })
    }

    /// The file text.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_else(|e| format!("# could not serialize: {e}\n"))
    }

    /// Writes the file as `<dir>/<property>-<hash>.toml` and returns its path.
    pub fn save(&self, dir: &Path) -> Result<PathBuf, RegressionError> {
        let text = self.to_toml();
        let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
        let path = dir.join(format!("{}-{:08x}.toml", self.property, hash as u32));
        fs::create_dir_all(dir)
            .and_then(|_| fs::write(&path, text))
            .map_err(|e| RegressionError::Io {
                path: path.display().to_string(),
                message: e.to_string(),
            })?;
        Ok(path)
    }
}

/// The `*.toml` files of `dir`, sorted by name.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// What replaying a folder of regressions found.
#[derive(Debug, Default)]
pub struct ReplaySummary {
    /// Unreadable files and `fixed` regressions that no longer hold (each names its file).
    pub failures: Vec<String>,
    /// One line per `open` regression: still failing (with the first line of why) or now holding.
    pub open: Vec<String>,
}

/// Replays every file of `paths`: a `fixed` regression that fails, or a file that cannot be read, is a
/// failure; `open` ones are only reported.
pub fn replay_files(paths: &[PathBuf], subjects: &Subjects<'_>) -> ReplaySummary {
    let mut summary = ReplaySummary::default();
    for path in paths {
        let r = match Regression::load(path) {
            Ok(r) => r,
            Err(e) => {
                summary.failures.push(e.to_string());
                continue;
            }
        };
        match (replay(&r, subjects), r.is_open()) {
            (Ok(()), true) => summary
                .open
                .push(format!("{}: open case now holds", path.display())),
            (Err(e), true) => summary.open.push(format!(
                "{}: open ({}): {}",
                path.display(),
                r.issue,
                e.lines().next().unwrap_or("")
            )),
            (Ok(()), false) => {}
            (Err(e), false) => summary.failures.push(format!("{}: {e}", path.display())),
        }
    }
    summary
}

/// Replays one regression: the property must hold on the evaluator under test (the front end must
/// accept every derived query), and its outcome must equal `expected` when given.
pub fn replay(r: &Regression, subjects: &Subjects<'_>) -> Result<(), String> {
    let case = r.case()?;
    let built = build(&case.docs);
    let report = check_built(&case, &built, subjects).map_err(|f| f.to_string())?;
    if let Some(s) = report.skipped {
        return Err(format!("the front end rejects the case: {s}"));
    }
    if let Some(want) = &r.expected {
        let p = prepare(&case.query, &harness_catalog()).map_err(|e| e.to_string())?;
        let got = subjects
            .subject
            .run(&p.plan, &built.source, &differential_options())
            .map_err(|e| format!("evaluation failed: {e}"))?;
        let columns: Vec<String> = got
            .columns
            .iter()
            .map(|c| format!("{}:{}", c.name, c.data_type))
            .collect();
        let rows = got.to_query_json()["values"].clone();
        let want_rows: serde_json::Value = serde_json::from_str(&want.rows)
            .map_err(|e| format!("expected.rows is not JSON: {e}"))?;
        if columns != want.columns || rows != want_rows || got.warnings != want.warnings {
            return Err(format!(
                "outcome differs from expected\nexpected: {:?}\n{}\n{:?}\ngot: {columns:?}\n{rows}\n{:?}",
                want.columns, want.rows, want.warnings, got.warnings
            ));
        }
    }
    Ok(())
}
