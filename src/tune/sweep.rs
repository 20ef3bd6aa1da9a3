//! Sweeps: the rule's variants (one per candidate value of a post-STATS literal, one per look-back
//! width), each run and scored exactly as `detsim score` runs and scores a rule ([`run_rule`]).
//!
//! Default candidates come from the value written in the rule ([`default_values`],
//! [`default_lookbacks`]); the written value is always among them and its row is marked, so the
//! table shows where the rule stands today.

use std::time::Duration;

use esql::Catalog;
use rayon::prelude::*;

use super::literals::{Knob, Number, SubstituteError, knobs, substitute};
use crate::run::dataset::Dataset;
use crate::run::job::{JobConfig, run_rule};
use crate::run::rule::{PrepareError, PreparedRule};
use crate::schedule::Schedule;
use crate::score::metrics::RuleScore;

/// What is swept.
#[derive(Debug, Clone, PartialEq)]
pub enum Axis {
    /// A numeric literal of a post-STATS WHERE.
    Literal(Knob),
    /// The look-back (`from = now-…`).
    Lookback,
}

impl Axis {
    /// A title for tables and legends: `Esql.event_count < N` or `look-back (from)`.
    pub fn title(&self) -> String {
        match self {
            Axis::Literal(k) => format!("{} (literal {})", k.context, k.original),
            Axis::Lookback => "look-back (from = now-…)".to_owned(),
        }
    }
}

/// One candidate of a sweep.
#[derive(Debug, Clone, PartialEq)]
pub enum Candidate {
    /// A literal value.
    Value(Number),
    /// A look-back width.
    Lookback(Duration),
}

impl Candidate {
    /// Position on the sweep's axis (the value, or the look-back in minutes).
    pub fn x(&self) -> f64 {
        match self {
            Candidate::Value(n) => n.as_f64(),
            Candidate::Lookback(d) => d.as_secs_f64() / 60.0,
        }
    }
}

impl std::fmt::Display for Candidate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Candidate::Value(n) => write!(f, "{n}"),
            Candidate::Lookback(d) => write!(f, "now-{}", duration_text(*d)),
        }
    }
}

/// A duration as Kibana writes it: the largest unit that divides it (`61m`, `2h`, `90s`).
pub fn duration_text(d: Duration) -> String {
    let s = d.as_secs();
    for (unit, per) in [("d", 86_400), ("h", 3_600), ("m", 60)] {
        if s > 0 && s.is_multiple_of(per) {
            return format!("{}{unit}", s / per);
        }
    }
    format!("{s}s")
}

/// One row of a sweep.
#[derive(Debug, Clone)]
pub struct SweepRow {
    /// The candidate.
    pub candidate: Candidate,
    /// Whether it is the rule's own value.
    pub own: bool,
    /// The variant's score, or why it could not be run.
    pub outcome: Result<RuleScore, String>,
}

/// A sweep along one axis, rows in increasing candidate order.
#[derive(Debug, Clone)]
pub struct Sweep {
    /// What varies.
    pub axis: Axis,
    /// The rows.
    pub rows: Vec<SweepRow>,
}

/// What to sweep.
#[derive(Debug, Clone, Default)]
pub struct SweepPlan {
    /// Candidate values for every literal (`None`: [`default_values`] of each literal).
    pub values: Option<Vec<Number>>,
    /// Only this literal (0-based rank among the rule's knobs); `None`: all of them.
    pub literal: Option<usize>,
    /// Look-back widths (`None`: [`default_lookbacks`]).
    pub lookbacks: Option<Vec<Duration>>,
    /// Skip the look-back sweep (it means nothing without a schedule).
    pub no_lookback: bool,
}

/// Why a sweep could not be set up.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TuneError {
    /// `--literal` names a literal the rule does not have.
    #[error("the rule has {available} tunable literal(s); literal #{asked} does not exist")]
    NoSuchKnob {
        /// The 1-based number asked for.
        asked: usize,
        /// How many there are.
        available: usize,
    },
    /// A variant's query could not be written.
    #[error(transparent)]
    Substitute(#[from] SubstituteError),
}

/// Default candidates around a written value `v`: every whole number from 1 (0 when `v` is 0) to
/// `2v + 3` for `v` up to 6; otherwise about a dozen values spread geometrically from `v/4` to `4v`
/// (mirrored for negative values). Decimals are scaled by 0.25 … 3. The written value is always
/// included.
pub fn default_values(v: Number) -> Vec<Number> {
    let mut out: Vec<Number> = match v {
        Number::Integer(i) if (0..=6).contains(&i) => (i64::from(i != 0)..=2 * i + 3)
            .map(Number::Integer)
            .collect(),
        Number::Integer(i) if (-6..0).contains(&i) => {
            (2 * i - 3..=2).map(Number::Integer).collect()
        }
        Number::Integer(i) if i < 0 => default_values(Number::Integer(i.saturating_neg()))
            .into_iter()
            .map(|n| Number::Integer(-(n.as_f64() as i64)))
            .collect(),
        Number::Integer(i) => {
            let lo = (i / 4).max(1) as f64;
            let hi = i.saturating_mul(4) as f64;
            let mut vals: Vec<i64> = (0..12)
                .map(|k| (lo * (hi / lo).powf(f64::from(k) / 11.0)).round() as i64)
                .collect();
            vals.push(i);
            vals.sort_unstable();
            vals.dedup();
            vals.into_iter().map(Number::Integer).collect()
        }
        Number::Decimal(0.0) => [-1.0, -0.5, 0.0, 0.5, 1.0]
            .into_iter()
            .map(Number::Decimal)
            .collect(),
        Number::Decimal(d) => [0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0]
            .into_iter()
            .map(|f| Number::Decimal(d * f))
            .collect(),
    };
    if !out.contains(&v) {
        out.push(v);
    }
    out.sort_by(|a, b| a.as_f64().total_cmp(&b.as_f64()));
    out.dedup();
    out
}

/// Default look-back widths: the rule's own, and the interval × ½, 1, 1½, 2, 3, 4 (whole seconds).
pub fn default_lookbacks(s: &Schedule) -> Vec<Duration> {
    let i = s.interval.as_secs().max(1);
    let mut out: Vec<Duration> = [i / 2, i, i * 3 / 2, i * 2, i * 3, i * 4]
        .into_iter()
        .filter(|&x| x > 0)
        .map(Duration::from_secs)
        .collect();
    out.push(s.lookback);
    out.sort();
    out.dedup();
    out
}

/// A variant waiting to run.
struct Pending {
    sweep: usize,
    candidate: Candidate,
    own: bool,
    rule: Result<PreparedRule, PrepareError>,
}

/// Builds the variants of `rule` the plan asks for.
fn variants(
    rule: &PreparedRule,
    plan: &SweepPlan,
    catalog: &Catalog,
) -> Result<(Vec<Axis>, Vec<Pending>), TuneError> {
    let all = knobs(&rule.query);
    let chosen: Vec<Knob> = match plan.literal {
        Some(n) if n < all.len() => vec![all[n].clone()],
        Some(n) => {
            return Err(TuneError::NoSuchKnob {
                asked: n + 1,
                available: all.len(),
            });
        }
        None => all,
    };
    let mut axes = Vec::new();
    let mut pending = Vec::new();
    for knob in chosen {
        let values = match &plan.values {
            Some(v) => v.clone(),
            None => default_values(knob.original),
        };
        let sweep = axes.len();
        for value in values {
            let text = substitute(&rule.query, &knob, value)?;
            pending.push(Pending {
                sweep,
                candidate: Candidate::Value(value),
                own: value.as_f64() == knob.original.as_f64(),
                rule: rule.with_query(&text, catalog),
            });
        }
        axes.push(Axis::Literal(knob));
    }
    if !plan.no_lookback {
        let sweep = axes.len();
        let widths = plan
            .lookbacks
            .clone()
            .unwrap_or_else(|| default_lookbacks(&rule.schedule));
        for w in widths {
            let schedule = Schedule {
                lookback: w,
                ..rule.schedule.clone()
            };
            pending.push(Pending {
                sweep,
                candidate: Candidate::Lookback(w),
                own: w == rule.schedule.lookback,
                rule: Ok(rule.with_schedule(schedule)),
            });
        }
        axes.push(Axis::Lookback);
    }
    Ok((axes, pending))
}

/// Runs every variant of `rule` the plan asks for over `data` (variants in parallel) and scores
/// them; one [`Sweep`] per literal, then the look-back sweep.
pub fn sweep(
    rule: &PreparedRule,
    data: &Dataset,
    cfg: JobConfig,
    plan: &SweepPlan,
    catalog: &Catalog,
) -> Result<Vec<Sweep>, TuneError> {
    let (axes, pending) = variants(rule, plan, catalog)?;
    let outcomes: Vec<Result<RuleScore, String>> = pending
        .par_iter()
        .map(|p| match &p.rule {
            Ok(r) => run_rule(r, data, cfg)
                .map(|report| report.score)
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        })
        .collect();
    let mut sweeps: Vec<Sweep> = axes
        .into_iter()
        .map(|axis| Sweep {
            axis,
            rows: Vec::new(),
        })
        .collect();
    for (p, outcome) in pending.into_iter().zip(outcomes) {
        sweeps[p.sweep].rows.push(SweepRow {
            candidate: p.candidate,
            own: p.own,
            outcome,
        });
    }
    for s in &mut sweeps {
        s.rows
            .sort_by(|a, b| a.candidate.x().total_cmp(&b.candidate.x()));
    }
    Ok(sweeps)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ints(v: &[Number]) -> Vec<i64> {
        v.iter()
            .map(|n| match n {
                Number::Integer(i) => *i,
                Number::Decimal(_) => panic!("decimal"),
            })
            .collect()
    }

    #[test]
    fn default_values_surround_the_written_value() {
        assert_eq!(
            ints(&default_values(Number::Integer(5))),
            (1..=13).collect::<Vec<_>>()
        );
        assert_eq!(ints(&default_values(Number::Integer(1))), [1, 2, 3, 4, 5]);
        assert_eq!(ints(&default_values(Number::Integer(0))), [0, 1, 2, 3]);
        let big = ints(&default_values(Number::Integer(100)));
        assert!(
            big.contains(&100) && big.len() <= 13 && big[0] == 25,
            "{big:?}"
        );
        assert!(big.windows(2).all(|w| w[0] < w[1]));
        let neg = ints(&default_values(Number::Integer(-2)));
        assert!(neg.contains(&-2) && neg.windows(2).all(|w| w[0] < w[1]));
        let dec = default_values(Number::Decimal(0.5));
        assert!(dec.contains(&Number::Decimal(0.5)) && dec.len() == 8);
        assert!(default_values(Number::Integer(i64::MAX)).len() > 1);
        assert!(default_values(Number::Integer(i64::MIN)).len() > 1);
        let far = ints(&default_values(Number::Integer(-100)));
        assert!(far.contains(&-100) && far.len() <= 13, "{far:?}");
    }

    #[test]
    fn default_lookbacks_include_the_rules_own() {
        let s = Schedule {
            interval: Duration::from_secs(3600),
            lookback: Duration::from_secs(61 * 60),
            ..Schedule::default()
        };
        let got: Vec<String> = default_lookbacks(&s)
            .into_iter()
            .map(duration_text)
            .collect();
        assert_eq!(got, ["30m", "1h", "61m", "90m", "2h", "3h", "4h"]);
        assert_eq!(duration_text(Duration::from_secs(90)), "90s");
    }
}
