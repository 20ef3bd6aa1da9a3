//! [`PreparedRule`]: a rule ready to run — its query parsed, analyzed and rewritten for lineage, its
//! schedule, and what Kibana needs to know about it (aggregating or not, MV_EXPAND fields).
//!
//! Rules come from detection-rules TOML files (schedule from `interval`, `from`, `timestamp_override`,
//! `max_signals`, `alert_suppression`), hunting TOML files and `.esql` files (Kibana's default
//! schedule). A query that does not parse, analyze or trace is a [`PrepareError`] naming the file and,
//! for syntax and analysis errors, the line and column in that file.

use std::path::{Path, PathBuf};

use esql::ast::{ProcessingCommand, Query};
use esql::{Catalog, Column, Plan};

use crate::rules::{QuerySource, RuleFileKind, discover, load_file};
use crate::schedule::Schedule;
use crate::score::lineage::{LineageError, LineagePlan, lineage_plan};

/// Why a rule cannot be run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PrepareError {
    /// The file could not be read or loaded.
    #[error("{0}")]
    File(String),
    /// The query has a syntax error (`file:line:col: message`).
    #[error("{label}:{line}:{column}: {message}")]
    Parse {
        /// The rule's label.
        label: String,
        /// Line in the file.
        line: u32,
        /// Column in the file.
        column: u32,
        /// The parser's message.
        message: String,
    },
    /// The query does not analyze against the catalog.
    #[error("{label}: {message}")]
    Analysis {
        /// The rule's label.
        label: String,
        /// The analyzer's message.
        message: String,
    },
    /// Alerts of this query cannot be traced to events.
    #[error("{label}: {error}")]
    Lineage {
        /// The rule's label.
        label: String,
        /// Why.
        error: LineageError,
    },
}

/// A rule ready to run.
#[derive(Debug, Clone)]
pub struct PreparedRule {
    /// `path` or `path#index` (hunting files).
    pub label: String,
    /// The rule's name (`rule.name`, the hunt's name, or the file stem).
    pub name: String,
    /// `rule.rule_id`, for detection rules (scenarios target rules by it).
    pub rule_id: Option<String>,
    /// The file it came from.
    pub path: PathBuf,
    /// How it is scheduled.
    pub schedule: Schedule,
    /// The query text.
    pub text: String,
    /// The parsed query.
    pub query: Query,
    /// The analysed query.
    pub plan: Plan,
    /// The query rewritten to carry lineage.
    pub lineage: LineagePlan,
    /// Whether Kibana treats the query as aggregating (it has a STATS command).
    pub aggregating: bool,
    /// The fields of the query's MV_EXPAND commands.
    pub expanded_fields: Vec<String>,
}

/// Identity and schedule of a rule, before its query is prepared.
#[derive(Debug, Clone)]
pub struct RuleMeta {
    /// See [`PreparedRule::label`].
    pub label: String,
    /// See [`PreparedRule::name`].
    pub name: String,
    /// See [`PreparedRule::rule_id`].
    pub rule_id: Option<String>,
    /// See [`PreparedRule::path`].
    pub path: PathBuf,
    /// See [`PreparedRule::schedule`].
    pub schedule: Schedule,
}

impl PreparedRule {
    /// Prepares `text` (a query whose positions map to its file through `source`, when given).
    pub fn prepare(
        meta: RuleMeta,
        text: &str,
        source: Option<&QuerySource>,
        catalog: &Catalog,
    ) -> Result<PreparedRule, PrepareError> {
        let query = esql::parse(text).map_err(|e| {
            let pos = esql::Position {
                line: e.line,
                column: e.column,
            };
            let pos = source.map(|s| s.file_position(pos)).unwrap_or(pos);
            PrepareError::Parse {
                label: meta.label.clone(),
                line: pos.line,
                column: pos.column,
                message: e.message.clone(),
            }
        })?;
        let plan = esql::analyze(&query, catalog).map_err(|e| PrepareError::Analysis {
            label: meta.label.clone(),
            message: e.to_string(),
        })?;
        let lineage =
            lineage_plan(&query, &plan, catalog).map_err(|error| PrepareError::Lineage {
                label: meta.label.clone(),
                error,
            })?;
        let aggregating = query
            .commands
            .iter()
            .any(|c| matches!(c, ProcessingCommand::Stats(_)));
        let expanded_fields = query
            .commands
            .iter()
            .filter_map(|c| match c {
                ProcessingCommand::MvExpand(m) => m.field.dotted(),
                _ => None,
            })
            .collect();
        Ok(PreparedRule {
            label: meta.label,
            name: meta.name,
            rule_id: meta.rule_id,
            path: meta.path,
            schedule: meta.schedule,
            text: text.to_owned(),
            query,
            plan,
            lineage,
            aggregating,
            expanded_fields,
        })
    }

    /// The same rule with another query text (for tuning and for testing rule changes).
    pub fn with_query(&self, text: &str, catalog: &Catalog) -> Result<PreparedRule, PrepareError> {
        PreparedRule::prepare(self.meta(), text, None, catalog)
    }

    /// The same rule with another schedule.
    pub fn with_schedule(&self, schedule: Schedule) -> PreparedRule {
        PreparedRule {
            schedule,
            ..self.clone()
        }
    }

    /// Identity and schedule.
    pub fn meta(&self) -> RuleMeta {
        RuleMeta {
            label: self.label.clone(),
            name: self.name.clone(),
            rule_id: self.rule_id.clone(),
            path: self.path.clone(),
            schedule: self.schedule.clone(),
        }
    }

    /// The columns of the rule's alerts (the original query's output).
    pub fn columns(&self) -> Vec<Column> {
        self.plan.output().columns.clone()
    }
}

/// The rules of one file (several for a hunting file), each prepared or failed.
pub fn load_rule_file(path: &Path, catalog: &Catalog) -> Vec<Result<PreparedRule, PrepareError>> {
    let file = match load_file(path) {
        Ok(f) => f,
        Err(e) => return vec![Err(PrepareError::File(e.message()))],
    };
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    file.queries
        .iter()
        .map(|q| {
            let (name, rule_id, schedule) = match &file.kind {
                RuleFileKind::Detection(r) => (
                    r.name.clone(),
                    Some(r.rule_id.clone()),
                    Schedule::of_rule(r),
                ),
                RuleFileKind::Hunt(h) => (h.name.clone(), None, Schedule::default()),
                _ => (stem.clone(), None, Schedule::default()),
            };
            let meta = RuleMeta {
                label: q.label(),
                name,
                rule_id,
                path: path.to_owned(),
                schedule,
            };
            PreparedRule::prepare(meta, &q.text, Some(q), catalog)
        })
        .collect()
}

/// Every rule under `paths` (files or folders, walked in sorted order), and what failed or was
/// skipped (non-ES|QL entries, with the reason).
#[derive(Debug, Default)]
pub struct LoadedRules {
    /// Prepared rules, in file order.
    pub rules: Vec<PreparedRule>,
    /// Rules that failed to load or prepare.
    pub errors: Vec<PrepareError>,
    /// Skipped entries: `(label, reason)`.
    pub skipped: Vec<(String, String)>,
}

/// Loads and prepares every rule under `paths`.
pub fn load_rules<P: AsRef<Path>>(paths: &[P], catalog: &Catalog) -> LoadedRules {
    let mut out = LoadedRules::default();
    for found in discover(paths) {
        let path = match found {
            Ok(p) => p,
            Err(e) => {
                out.errors.push(PrepareError::File(e.message()));
                continue;
            }
        };
        if let Ok(file) = load_file(&path) {
            for s in &file.skipped {
                let label = match s.index {
                    Some(i) => format!("{}#{i}", path.display()),
                    None => path.display().to_string(),
                };
                out.skipped.push((label, s.reason.clone()));
            }
        }
        for r in load_rule_file(&path, catalog) {
            match r {
                Ok(r) => out.rules.push(r),
                Err(e) => out.errors.push(e),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed(name: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("rules")
            .join(name)
    }

    #[test]
    fn seed_rules_prepare_with_their_schedules() {
        let catalog = Catalog::elastic_defend();
        let rules = load_rules(&[seed("")], &catalog);
        assert!(rules.errors.is_empty(), "{:?}", rules.errors);
        assert_eq!(rules.rules.len(), 2);
        for r in &rules.rules {
            assert!(r.aggregating);
            assert_eq!(r.expanded_fields, ["event.action"]);
            assert_eq!(r.schedule.interval.as_secs(), 3600);
            assert_eq!(r.schedule.lookback.as_secs(), 61 * 60);
            assert_eq!(r.schedule.time_field, "event.ingested");
            assert_eq!(r.schedule.max_signals, 100);
            assert!(r.rule_id.is_some());
        }
    }

    #[test]
    fn syntax_errors_point_into_the_file() {
        let catalog = Catalog::elastic_defend();
        let dir = std::env::temp_dir().join(format!("detsim-rule-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("bad.esql");
        std::fs::write(&f, "from logs-endpoint.events.process-*\n| wher x").unwrap();
        let got = load_rule_file(&f, &catalog);
        match &got[0] {
            Err(PrepareError::Parse { line, column, .. }) => assert_eq!((*line, *column), (2, 3)),
            other => panic!("{other:?}"),
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
