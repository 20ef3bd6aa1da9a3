//! Column pruning: which columns each step of a plan actually needs.
//!
//! Oracle twin: none (the reference reads every column of every document). Invariant: a column is marked
//! needed if any later step reads it, if it reaches the output, or if an expression that may emit a
//! warning reads it — so leaving every other column unmaterialised (null) changes no row, column or
//! warning of the result.

use esql::Plan;
use esql::plan::{Expr, Step, StepKind};

/// `needed[k][i]`: column `i` of the input of step `k` is read (index `steps.len()` is the final output).
#[derive(Debug, Clone)]
pub struct Needed {
    /// One mask per step input, plus the final output.
    pub inputs: Vec<Vec<bool>>,
}

impl Needed {
    /// The mask of the source's output (the first step's input).
    pub fn source(&self) -> &[bool] {
        &self.inputs[0]
    }
}

fn mark(mask: &mut [bool], e: &Expr) {
    for c in e.columns() {
        if let Some(m) = mask.get_mut(c) {
            *m = true;
        }
    }
}

/// Computes the needed columns of every step input of `plan`.
pub fn needed_columns(plan: &Plan) -> Needed {
    let n = plan.steps.len();
    let mut inputs = vec![Vec::new(); n + 1];
    inputs[n] = vec![true; plan.output().len()];
    for k in (0..n).rev() {
        let step = &plan.steps[k];
        let width = if k == 0 {
            plan.source.output().len()
        } else {
            plan.steps[k - 1].output.len()
        };
        let out = inputs[k + 1].clone();
        inputs[k] = needed_input(step, width, &out);
    }
    Needed { inputs }
}

/// The needed input columns of `step` (input `width` columns) given its needed output columns.
pub fn needed_input(step: &Step, width: usize, out: &[bool]) -> Vec<bool> {
    let mut m = vec![false; width];
    let through = |m: &mut Vec<bool>, projection: &[usize]| {
        // Output i is extended column projection[i]; extended columns below `width` are input columns.
        for (i, &p) in projection.iter().enumerate() {
            if out.get(i).copied().unwrap_or(true) && p < width {
                m[p] = true;
            }
        }
    };
    match &step.kind {
        StepKind::Where { condition } => {
            m.copy_from_slice(&out[..width.min(out.len())]);
            mark(&mut m, condition);
        }
        StepKind::Eval { exprs, projection } => {
            through(&mut m, projection);
            // Every assignment is evaluated (its warnings count), so its inputs are needed; inputs that
            // refer to earlier assignments (index ≥ width) are ignored by `mark`.
            for e in exprs {
                mark(&mut m, e);
            }
        }
        StepKind::Stats(agg) => {
            for g in &agg.groups {
                mark(&mut m, g);
            }
            for a in &agg.aggregates {
                for e in a.args.iter().chain(&a.filter) {
                    mark(&mut m, e);
                }
            }
        }
        StepKind::InlineStats {
            aggregation,
            projection,
        } => {
            through(&mut m, projection);
            for g in &aggregation.groups {
                mark(&mut m, g);
            }
            for a in &aggregation.aggregates {
                for e in a.args.iter().chain(&a.filter) {
                    mark(&mut m, e);
                }
            }
        }
        StepKind::Project { columns } => {
            for (i, &c) in columns.iter().enumerate() {
                if out.get(i).copied().unwrap_or(true) && c < width {
                    m[c] = true;
                }
            }
        }
        StepKind::Sort { keys } => {
            m.copy_from_slice(&out[..width.min(out.len())]);
            for k in keys {
                mark(&mut m, &k.expr);
            }
        }
        StepKind::Limit { .. } => m.copy_from_slice(&out[..width.min(out.len())]),
        StepKind::MvExpand { column } => {
            m.copy_from_slice(&out[..width.min(out.len())]);
            if *column < width {
                m[*column] = true;
            }
        }
        StepKind::Dissect(d) => {
            through(&mut m, &d.projection);
            mark(&mut m, &d.input);
        }
        StepKind::Grok(g) => {
            through(&mut m, &g.projection);
            mark(&mut m, &g.input);
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use esql::plan::{FromSource, Source, SourceField};
    use esql::{Column, DataType, Position, Schema, Span};

    fn col(i: usize) -> Expr {
        Expr::column(i, DataType::Keyword, format!("c{i}"), Position::default())
    }

    fn step(kind: StepKind, output: Vec<&str>) -> Step {
        Step {
            kind,
            output: Schema::new(
                output
                    .into_iter()
                    .map(|n| Column::new(n, DataType::Keyword))
                    .collect(),
            ),
            span: Span::default(),
            position: Position::default(),
        }
    }

    #[test]
    fn where_then_keep_reads_only_what_it_uses() {
        let names = ["a", "b", "c", "d"];
        let plan = Plan {
            query_text: String::new(),
            source: Source::From(FromSource {
                patterns: vec!["x".into()],
                fields: names
                    .iter()
                    .map(|n| SourceField::Field(n.to_string()))
                    .collect(),
                output: Schema::new(
                    names
                        .iter()
                        .map(|n| Column::new(*n, DataType::Keyword))
                        .collect(),
                ),
            }),
            steps: vec![
                step(StepKind::Where { condition: col(1) }, names.to_vec()),
                step(StepKind::Project { columns: vec![3] }, vec!["d"]),
            ],
        };
        let n = needed_columns(&plan);
        assert_eq!(n.source(), [false, true, false, true]);
        assert_eq!(n.inputs[1], [false, false, false, true]);
        assert_eq!(n.inputs[2], [true]);
    }
}
