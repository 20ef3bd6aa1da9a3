//! Structural checks of a [`Plan`]: every column index within its step's (extended) input row, every
//! projection within the extended row, and each step's output schema consistent with what it computes.
//! The analyzer guarantees these invariants; evaluators may rely on them without checking.

use crate::plan::{Aggregation, Expr, Plan, Schema, Source, StepKind};

/// Checks the invariants of `plan`, returning the first violation.
pub fn check_plan(plan: &Plan) -> Result<(), String> {
    let mut width = match &plan.source {
        Source::From(f) => {
            if f.fields.len() != f.output.len() {
                return Err("FROM fields and output differ in length".into());
            }
            f.output.len()
        }
        Source::Row(r) => {
            if r.exprs.len() != r.output.len() {
                return Err("ROW exprs and output differ in length".into());
            }
            for (e, c) in r.exprs.iter().zip(&r.output.columns) {
                reads_within(e, 0, "ROW")?;
                same_type(e, c.data_type, "ROW")?;
            }
            r.output.len()
        }
    };
    for (i, step) in plan.steps.iter().enumerate() {
        let what = format!("step {i}");
        let out = &step.output;
        match &step.kind {
            StepKind::Where { condition } => {
                reads_within(condition, width, &what)?;
                same_len(out, width, &what)?;
            }
            StepKind::Eval { exprs, projection } => {
                for (j, e) in exprs.iter().enumerate() {
                    reads_within(e, width + j, &what)?;
                }
                projected(projection, width + exprs.len(), out, &what)?;
            }
            StepKind::Stats(agg) => {
                aggregation(agg, width, &what)?;
                same_len(out, agg.outputs.len(), &what)?;
                for (e, c) in agg.outputs.iter().zip(&out.columns) {
                    same_type(e, c.data_type, &what)?;
                }
            }
            StepKind::InlineStats {
                aggregation: agg,
                projection,
            } => {
                aggregation(agg, width, &what)?;
                projected(projection, width + agg.outputs.len(), out, &what)?;
            }
            StepKind::Project { columns } => {
                if let Some(c) = columns.iter().find(|&&c| c >= width) {
                    return Err(format!("{what}: projects column {c} of {width}"));
                }
                same_len(out, columns.len(), &what)?;
            }
            StepKind::Sort { keys } => {
                for k in keys {
                    reads_within(&k.expr, width, &what)?;
                }
                same_len(out, width, &what)?;
            }
            StepKind::Limit { .. } => same_len(out, width, &what)?,
            StepKind::MvExpand { column } => {
                if *column >= width {
                    return Err(format!("{what}: expands column {column} of {width}"));
                }
                same_len(out, width, &what)?;
            }
            StepKind::Dissect(d) => {
                reads_within(&d.input, width, &what)?;
                projected(&d.projection, width + d.keys.len(), out, &what)?;
            }
            StepKind::Grok(g) => {
                reads_within(&g.input, width, &what)?;
                projected(&g.projection, width + g.keys.len(), out, &what)?;
            }
        }
        width = out.len();
    }
    Ok(())
}

fn aggregation(agg: &Aggregation, width: usize, what: &str) -> Result<(), String> {
    for g in &agg.groups {
        reads_within(g, width, what)?;
    }
    for a in &agg.aggregates {
        for e in a.args.iter().chain(&a.filter) {
            reads_within(e, width, what)?;
        }
    }
    let row = agg.groups.len() + agg.aggregates.len();
    for e in &agg.outputs {
        reads_within(e, row, what)?;
    }
    Ok(())
}

fn reads_within(e: &Expr, width: usize, what: &str) -> Result<(), String> {
    match e.columns().into_iter().find(|&c| c >= width) {
        Some(c) => Err(format!(
            "{what}: [{}] reads column {c} of a {width}-column row",
            e.text
        )),
        None => Ok(()),
    }
}

fn same_len(out: &Schema, n: usize, what: &str) -> Result<(), String> {
    if out.len() == n {
        Ok(())
    } else {
        Err(format!(
            "{what}: output has {} columns, expected {n}",
            out.len()
        ))
    }
}

fn same_type(e: &Expr, t: crate::DataType, what: &str) -> Result<(), String> {
    if e.data_type == t {
        Ok(())
    } else {
        Err(format!(
            "{what}: [{}] is {} but its column is {t}",
            e.text, e.data_type
        ))
    }
}

fn projected(projection: &[usize], ext: usize, out: &Schema, what: &str) -> Result<(), String> {
    if let Some(p) = projection.iter().find(|&&p| p >= ext) {
        return Err(format!(
            "{what}: projects {p} of a {ext}-column extended row"
        ));
    }
    same_len(out, projection.len(), what)
}
