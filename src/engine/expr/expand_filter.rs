//! MV_EXPAND that builds only the children a following WHERE keeps, when every conjunct of that
//! WHERE left to apply reads the expanded column alone.
//!
//! Oracle twin: the reference's MV_EXPAND (one row per value of the column, a null row staying one
//! row with null, in order) followed by its WHERE (a row is kept when its condition is `true`).
//! Invariant: a child holds one value of its row's column (or null), so a conjunct that reads only
//! that column and is compiled to a string test has, on the child, the truth its table gives that one
//! id (or null) — [`crate::engine::expr::Pred::child_truths`]. The children kept are then exactly
//! those whose every conjunct is `true`, in the reference's order, and each carries its parent row and
//! child number as `commands::mv_expand::expand` records them, so lineage and failure keys are the
//! same as expanding everything and filtering after. The caller has logged every child's failures
//! (`Pred::log_failures_expanding`) and filtered the rows by the conjuncts that do not read the
//! column; this step logs nothing.

use esql::EvalError;

use super::Ctx;
use super::predicate::Pred;
use crate::engine::column::{Column, ColumnValues};
use crate::engine::frame::Frame;

/// Expands column `c` of the (ordinary) `frame` (plan step `step`) keeping only the children on
/// which every one of `conjuncts` is `true`, and leaves the frame virtual over them. `false` (frame
/// untouched) when some conjunct is not a string-tested leaf on `c`, the column is not a keyword
/// dictionary column, or no selected row holds two or more values (then an expansion would change
/// nothing and records no lineage: the caller's ordinary path handles it).
pub fn expand_filtered(
    conjuncts: &[&Pred],
    frame: &mut Frame,
    c: usize,
    step: u32,
    ctx: &mut Ctx<'_>,
) -> Result<bool, EvalError> {
    if conjuncts.is_empty() || frame.expand.is_some() {
        return Ok(false);
    }
    let col = frame.column(c)?.clone();
    let Some((dict, ids)) = col.keyword_ids() else {
        return Ok(false);
    };
    if col.max_count <= 1 || !frame.selection.iter().any(|&r| col.count(r as usize) > 1) {
        return Ok(false);
    }
    // The tables are filled once per chunk; a dictionary much larger than the rows is left to the
    // lazy path.
    let most = 2 * frame.selection.len().max(64);
    let mut pass: Option<(Vec<bool>, bool)> = None;
    for p in conjuncts {
        let Some((t, null)) = p.child_truths(frame, c, most, ctx)? else {
            return Ok(false);
        };
        pass = Some(match pass {
            None => (t, null),
            Some((mut a, an)) => {
                for (x, y) in a.iter_mut().zip(&t) {
                    *x &= *y;
                }
                (a, an && null)
            }
        });
    }
    let Some((pass, pass_null)) = pass else {
        return Ok(false);
    };
    let n = frame.selection.len();
    let mut parent: Vec<u32> = Vec::with_capacity(n);
    let mut child: Vec<u32> = Vec::with_capacity(n);
    let mut offsets: Vec<u32> = Vec::with_capacity(n + 1);
    let mut out: Vec<u32> = Vec::with_capacity(n);
    offsets.push(0);
    for &r in &frame.selection {
        let (s, e) = col.range(r as usize);
        if s == e {
            if pass_null {
                parent.push(r);
                child.push(0);
                offsets.push(out.len() as u32);
            }
            continue;
        }
        for (k, &id) in ids[s..e].iter().enumerate() {
            if pass[id as usize] {
                parent.push(r);
                child.push(k as u32);
                out.push(id);
                offsets.push(out.len() as u32);
            }
        }
    }
    let expanded = Column::from_parts(
        col.data_type,
        offsets,
        ColumnValues::Keyword {
            dict: dict.clone(),
            ids: out,
        },
    );
    frame.install_expansion(c, step, expanded, parent, child);
    Ok(true)
}
