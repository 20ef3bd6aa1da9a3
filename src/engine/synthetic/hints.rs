//! What a plan's filters compare its source columns with: the hints synthetic documents are drawn from.
//!
//! Oracle twin: none (test data). The WHERE conditions before the first STATS (or other step that makes
//! new rows) are walked with every column traced back to the FROM column it reads: through KEEP/DROP/
//! RENAME, EVAL assignments of a plain column, casts and case/trim functions (`to_lower(x)` compares
//! like `x`). Each comparison, IN list, LIKE pattern and `cidr_match` on a traced column becomes a
//! [`Hint`], marked `negated` when it sits under an odd number of NOTs (or is a `!=`), so that a drawer
//! can make positive literals likely and excluded ones rare. Columns read by any other function
//! (`length(x)`, `locate(x, …)`) are marked, so a drawer can give them long or padded values.

use std::collections::BTreeMap;

use esql::Plan;
use esql::Value;
use esql::functions::ScalarFunction;
use esql::plan::{ComparisonOp, Expr, ExprKind, StepKind};

/// What a column is compared with.
#[derive(Debug, Clone, PartialEq)]
pub enum HintKind {
    /// A keyword literal (`==`, `!=`, `IN`, ordering comparisons).
    Exact(String),
    /// A LIKE pattern (`*`, `?`, `\` escapes).
    Pattern(String),
    /// A numeric literal with the operator as seen from the column (`col op value`).
    Number(ComparisonOp, f64),
    /// A `cidr_match` block (`10.0.0.0/8`) or address.
    Cidr(String),
}

/// One comparison of a source column.
#[derive(Debug, Clone, PartialEq)]
pub struct Hint {
    /// What the column is compared with.
    pub kind: HintKind,
    /// True when a row passes the filter only if this comparison is false (under an odd number of NOTs).
    pub negated: bool,
}

/// Everything the filters say about one source column.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ColumnHints {
    /// Comparisons, in the order they appear in the query.
    pub hints: Vec<Hint>,
    /// The column is an argument of a function other than a cast or case/trim change.
    pub read_by_function: bool,
}

/// The hints of every source column (FROM output index) that the plan's filters compare.
pub fn column_hints(plan: &Plan) -> BTreeMap<usize, ColumnHints> {
    let mut out: BTreeMap<usize, ColumnHints> = BTreeMap::new();
    let width = plan.source.output().len();
    let mut origin: Vec<Option<usize>> = (0..width).map(Some).collect();
    for step in &plan.steps {
        match &step.kind {
            StepKind::Where { condition } => collect(condition, &origin, false, &mut out),
            StepKind::Eval { exprs, projection } => {
                let mut extended = origin.clone();
                for e in exprs {
                    mark_function_reads(e, &extended, &mut out);
                    let o = origin_of(e, &extended);
                    extended.push(o);
                }
                origin = projection
                    .iter()
                    .map(|&p| extended.get(p).copied().flatten())
                    .collect();
            }
            StepKind::Project { columns } => {
                origin = columns
                    .iter()
                    .map(|&c| origin.get(c).copied().flatten())
                    .collect();
            }
            StepKind::MvExpand { .. } | StepKind::Limit { .. } | StepKind::Sort { .. } => {}
            // Rows change meaning after these: literals further on do not describe source rows.
            _ => break,
        }
    }
    out
}

/// The keyword strings each source column is compared with (LIKE patterns with their wildcards filled
/// by [`fill_wildcards`](super::fill_wildcards)), in query order, consecutive repeats removed.
pub fn compared_literals(plan: &Plan) -> BTreeMap<usize, Vec<String>> {
    column_hints(plan)
        .into_iter()
        .filter_map(|(c, h)| {
            let mut v = keyword_strings(&h);
            v.dedup();
            (!v.is_empty()).then_some((c, v))
        })
        .collect()
}

/// The keyword strings of `h` (exact literals and filled patterns), both polarities, in order.
pub fn keyword_strings(h: &ColumnHints) -> Vec<String> {
    h.hints
        .iter()
        .filter_map(|h| match &h.kind {
            HintKind::Exact(s) => Some(s.clone()),
            HintKind::Pattern(p) => Some(super::fill_wildcards(p)),
            _ => None,
        })
        .collect()
}

/// Functions that compare like their argument (a column read through them keeps its hints).
fn transparent(f: ScalarFunction) -> bool {
    matches!(
        f,
        ScalarFunction::ToLower
            | ScalarFunction::ToUpper
            | ScalarFunction::Trim
            | ScalarFunction::Ltrim
            | ScalarFunction::Rtrim
    )
}

/// The source column `e` reads unchanged (up to casts and case/trim), if any.
fn origin_of(e: &Expr, cols: &[Option<usize>]) -> Option<usize> {
    match &e.kind {
        ExprKind::Column(c) => cols.get(*c).copied().flatten(),
        ExprKind::Cast { value, .. } => origin_of(value, cols),
        ExprKind::Call { function, args } if transparent(*function) && args.len() == 1 => {
            origin_of(&args[0], cols)
        }
        _ => None,
    }
}

/// The literal value of `e` (through casts).
fn literal_of(e: &Expr) -> Option<&Value> {
    match &e.kind {
        ExprKind::Literal(v) => Some(v),
        ExprKind::Cast { value, .. } => literal_of(value),
        _ => None,
    }
}

fn number_of(v: &Value) -> Option<f64> {
    match v {
        Value::Integer(n) => Some(*n as f64),
        Value::Long(n) => Some(*n as f64),
        Value::UnsignedLong(n) => Some(*n as f64),
        Value::Double(d) => Some(*d),
        _ => None,
    }
}

/// The hint a literal gives, with the operator seen from the column.
fn hint_of(v: &Value, op: ComparisonOp) -> Option<HintKind> {
    match v {
        Value::Keyword(s) => Some(HintKind::Exact(s.clone())),
        other => number_of(other).map(|n| HintKind::Number(op, n)),
    }
}

/// `op` with its operands swapped (`lit < col` is `col > lit`).
fn mirrored(op: ComparisonOp) -> ComparisonOp {
    match op {
        ComparisonOp::Lt => ComparisonOp::Gt,
        ComparisonOp::Lte => ComparisonOp::Gte,
        ComparisonOp::Gt => ComparisonOp::Lt,
        ComparisonOp::Gte => ComparisonOp::Lte,
        same => same,
    }
}

fn push(out: &mut BTreeMap<usize, ColumnHints>, col: usize, kind: HintKind, negated: bool) {
    out.entry(col)
        .or_default()
        .hints
        .push(Hint { kind, negated });
}

fn collect(e: &Expr, cols: &[Option<usize>], neg: bool, out: &mut BTreeMap<usize, ColumnHints>) {
    match &e.kind {
        ExprKind::And(a, b) | ExprKind::Or(a, b) => {
            collect(a, cols, neg, out);
            collect(b, cols, neg, out);
        }
        ExprKind::Not(a) => collect(a, cols, !neg, out),
        ExprKind::Comparison { op, left, right } => {
            let pair = match (origin_of(left, cols), origin_of(right, cols)) {
                (Some(c), None) => literal_of(right).and_then(|v| hint_of(v, *op).map(|h| (c, h))),
                (None, Some(c)) => {
                    literal_of(left).and_then(|v| hint_of(v, mirrored(*op)).map(|h| (c, h)))
                }
                _ => None,
            };
            match pair {
                Some((c, kind)) => {
                    let flip = *op == ComparisonOp::Neq && matches!(kind, HintKind::Exact(_));
                    push(out, c, kind, neg ^ flip);
                }
                None => mark_function_reads(e, cols, out),
            }
        }
        ExprKind::In { value, list } => match origin_of(value, cols) {
            Some(c) => {
                for v in list.iter().filter_map(literal_of) {
                    if let Some(kind) = hint_of(v, ComparisonOp::Eq) {
                        push(out, c, kind, neg);
                    }
                }
            }
            None => mark_function_reads(e, cols, out),
        },
        ExprKind::Like { value, patterns } => match origin_of(value, cols) {
            Some(c) => {
                for p in patterns {
                    push(out, c, HintKind::Pattern(p.clone()), neg);
                }
            }
            None => mark_function_reads(e, cols, out),
        },
        ExprKind::Call {
            function: ScalarFunction::CidrMatch,
            args,
        } if !args.is_empty() => match origin_of(&args[0], cols) {
            Some(c) => {
                for v in args[1..].iter().filter_map(literal_of) {
                    if let Value::Keyword(s) = v {
                        push(out, c, HintKind::Cidr(s.clone()), neg);
                    }
                }
            }
            None => mark_function_reads(e, cols, out),
        },
        _ => mark_function_reads(e, cols, out),
    }
}

/// Marks the source columns read as arguments of non-transparent functions anywhere in `e`.
fn mark_function_reads(e: &Expr, cols: &[Option<usize>], out: &mut BTreeMap<usize, ColumnHints>) {
    e.visit(&mut |x| {
        if let ExprKind::Call { function, args } = &x.kind
            && !transparent(*function)
        {
            for a in args {
                if let Some(c) = origin_of(a, cols) {
                    out.entry(c).or_default().read_by_function = true;
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use esql::Catalog;

    fn plan(q: &str) -> Plan {
        esql::analyze(&esql::parse(q).unwrap(), &Catalog::elastic_defend()).unwrap()
    }

    fn source_index(p: &Plan, name: &str) -> usize {
        p.source
            .output()
            .columns
            .iter()
            .position(|c| c.name == name)
            .unwrap()
    }

    #[test]
    fn hints_traced_through_eval_keep_and_not() {
        let p = plan(
            "from logs-endpoint.events.network-* | keep destination.port, process.name, destination.ip \
             | eval pname = to_lower(process.name) \
             | where pname like \"py*\" and not (destination.port < 1024) and 80 > destination.port \
               and not cidr_match(destination.ip, \"10.0.0.0/8\") and length(pname) > 3",
        );
        let h = column_hints(&p);
        let name = &h[&source_index(&p, "process.name")];
        assert_eq!(
            name.hints,
            [Hint {
                kind: HintKind::Pattern("py*".into()),
                negated: false
            }]
        );
        assert!(name.read_by_function);
        let port = &h[&source_index(&p, "destination.port")];
        assert_eq!(
            port.hints,
            [
                Hint {
                    kind: HintKind::Number(ComparisonOp::Lt, 1024.0),
                    negated: true
                },
                Hint {
                    kind: HintKind::Number(ComparisonOp::Lt, 80.0),
                    negated: false
                }
            ]
        );
        let ip = &h[&source_index(&p, "destination.ip")];
        assert_eq!(
            ip.hints,
            [Hint {
                kind: HintKind::Cidr("10.0.0.0/8".into()),
                negated: true
            }]
        );
    }

    #[test]
    fn neq_is_negated_and_stats_stops() {
        let p = plan(
            "from logs-endpoint.events.process-* | where event.action != \"fork\" \
             | stats c = count() by host.name | where host.name == \"x\"",
        );
        let h = column_hints(&p);
        assert_eq!(h.len(), 1);
        let action = &h[&source_index(&p, "event.action")];
        assert!(action.hints[0].negated);
        assert_eq!(
            compared_literals(&p)[&source_index(&p, "event.action")],
            ["fork"]
        );
    }
}
