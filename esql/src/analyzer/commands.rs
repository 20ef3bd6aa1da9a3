//! Row commands: WHERE, EVAL, RENAME, SORT, LIMIT, MV_EXPAND (and the names of unsupported ones).

use std::collections::BTreeMap;

use super::Cx;
use super::arg::type_name_upper;
use super::expr::{RowResolver, column_ref, lower};
use super::fold;
use super::scope::{Attr, Scope};
use super::source::field_name;
use crate::ast::{self, NullsOrder, ProcessingCommand, SortOrder};
use crate::plan::{Expr, ExprKind, SortKey, StepKind};
use crate::{DataType, Value};

/// What a command produced: its step (when it succeeded) and the columns after it.
pub(crate) type Outcome = (Option<StepKind>, Scope);

/// The keyword of a processing command, for "not supported" messages.
pub(crate) fn command_name(c: &ProcessingCommand) -> &'static str {
    use ProcessingCommand as P;
    match c {
        P::Where(_) => "WHERE",
        P::Eval(_) => "EVAL",
        P::Stats(_) => "STATS",
        P::InlineStats(_) => "INLINE STATS",
        P::Keep(_) => "KEEP",
        P::Drop(_) => "DROP",
        P::Rename(_) => "RENAME",
        P::Sort(_) => "SORT",
        P::Limit(_) => "LIMIT",
        P::MvExpand(_) => "MV_EXPAND",
        P::Dissect(_) => "DISSECT",
        P::Grok(_) => "GROK",
        P::Enrich(_) => "ENRICH",
        P::Join(_) => "LOOKUP JOIN",
        P::ChangePoint(_) => "CHANGE_POINT",
        P::Completion(_) => "COMPLETION",
        P::Sample(_) => "SAMPLE",
        P::Fork(_) => "FORK",
        P::Rerank(_) => "RERANK",
        P::Fuse(_) => "FUSE",
        P::Extract(e) => match e.kind {
            ast::ExtractKind::UriParts => "URI_PARTS",
            ast::ExtractKind::RegisteredDomain => "REGISTERED_DOMAIN",
            ast::ExtractKind::UserAgent => "USER_AGENT",
            ast::ExtractKind::IpLocation => "IP_LOCATION",
        },
        P::MetricsInfo(_) => "METRICS_INFO",
        P::TsInfo(_) => "TS_INFO",
        P::TsCollapse(_) => "TS_COLLAPSE",
        P::Mmr(_) => "MMR",
    }
}

/// `WHERE condition`: the condition must be boolean (or null).
pub(crate) fn where_(cx: &mut Cx, c: &ast::WhereCommand, input: &Scope) -> Outcome {
    let mut r = RowResolver { scope: input };
    let Some(cond) = lower(cx, &mut r, &c.condition) else {
        return (None, input.clone());
    };
    if !check_condition(cx, &cond, c.condition.span) {
        return (None, input.clone());
    }
    (Some(StepKind::Where { condition: cond }), input.clone())
}

/// ES's `Condition expression needs to be boolean, found [T]` check; true when `cond` is usable.
pub(crate) fn check_condition(cx: &mut Cx, cond: &Expr, span: crate::Span) -> bool {
    if matches!(cond.data_type, DataType::Boolean | DataType::Null) {
        return true;
    }
    let msg = format!(
        "Condition expression needs to be boolean, found [{}]",
        type_name_upper(cond.data_type)
    );
    cx.error(span, msg);
    false
}

/// `EVAL a = x, b = a + 1, …`: left to right over the extended row; an assigned name replaces any
/// earlier column of that name, and a name assigned twice sits at its last assignment
/// (spec:eval/projectEval, spec:row/evalOverride).
pub(crate) fn eval(cx: &mut Cx, c: &ast::EvalCommand, input: &Scope) -> Outcome {
    let mut ext = input.clone();
    let mut exprs = Vec::new();
    let mut ok = true;
    for field in &c.fields {
        let name = field_name(cx, field);
        let mut r = RowResolver { scope: &ext };
        let e = lower(cx, &mut r, &field.expr).and_then(|e| {
            if matches!(e.data_type, DataType::TimeDuration | DataType::DatePeriod) {
                let text = cx.text(field.expr.span).to_owned();
                let msg = format!(
                    "EVAL does not support type [{}] as the return data type of expression [{text}]",
                    e.data_type.es_name()
                );
                cx.error(field.expr.span, msg);
                None
            } else {
                Some(e)
            }
        });
        match e {
            Some(e) => {
                let mut attr = Attr::new(name, e.data_type);
                attr.constant = fold::fold_with(&e, &|i| ext.attrs.get(i)?.constant.clone());
                if let ExprKind::Column(i) = e.kind {
                    attr.id = ext.attrs[i].id;
                }
                ext.attrs.push(attr);
                exprs.push(e);
            }
            None => {
                ok = false;
                ext.attrs.push(Attr::failed(name));
            }
        }
    }
    let n_in = input.attrs.len();
    let (projection, out) = project_new_columns(&ext, n_in);
    let step = ok.then_some(StepKind::Eval { exprs, projection });
    (step, out)
}

/// The projection of an extended row `input ++ new`: input columns not re-assigned by a new column,
/// then each new column that is not assigned again later.
pub(crate) fn project_new_columns(ext: &Scope, n_in: usize) -> (Vec<usize>, Scope) {
    let new_names: Vec<&str> = ext.attrs[n_in..].iter().map(|a| a.name.as_str()).collect();
    let mut projection = Vec::new();
    for (i, a) in ext.attrs[..n_in].iter().enumerate() {
        if !new_names.contains(&a.name.as_str()) {
            projection.push(i);
        }
    }
    for (j, name) in new_names.iter().enumerate() {
        if !new_names[j + 1..].contains(name) {
            projection.push(n_in + j);
        }
    }
    let out = Scope {
        attrs: projection.iter().map(|&i| ext.attrs[i].clone()).collect(),
    };
    (projection, out)
}

/// `RENAME old AS new, new2 = old2`: in place; an existing column named like the new name is dropped.
pub(crate) fn rename(cx: &mut Cx, c: &ast::RenameCommand, input: &Scope) -> Outcome {
    // Current columns, each with the input index it reads.
    let mut cols: Vec<(Attr, usize)> = input.attrs.iter().cloned().zip(0..).collect();
    let mut renamed: BTreeMap<String, String> = BTreeMap::new();
    let mut ok = true;
    for clause in &c.clauses {
        if clause.old.has_wildcard() || clause.new.has_wildcard() {
            cx.unsupported(
                clause.span,
                "RENAME with wildcards is not supported by detsim",
            );
            ok = false;
            continue;
        }
        let (Some(old), Some(new)) = (clause.old.pattern_text(), clause.new.pattern_text()) else {
            cx.unsupported(clause.span, "query parameters are not supported by detsim");
            ok = false;
            continue;
        };
        let Some(pos) = cols.iter().rposition(|(a, _)| a.name == old && !a.failed) else {
            if let Some(to) = renamed.get(&old) {
                let text = cx.text(clause.span).to_owned();
                cx.error(
                    clause.span,
                    format!("Column [{old}] renamed to [{to}] and is no longer available [{text}]"),
                );
            } else {
                let scope = Scope {
                    attrs: cols.iter().map(|(a, _)| a.clone()).collect(),
                };
                cx.error(clause.old.span, scope.unknown_column(&old));
            }
            ok = false;
            // The new name still exists for later commands (their problems would be noise).
            cols.retain(|(a, _)| a.name != new);
            cols.push((Attr::failed(new), 0));
            continue;
        };
        if let Some(msg) = &cols[pos].0.unusable {
            cx.error(clause.old.span, msg.clone());
            ok = false;
        }
        cols[pos].0.name = new.clone();
        renamed.insert(old, new.clone());
        let mut i = 0;
        cols.retain(|(a, _)| {
            let keep = i == pos || a.name != new;
            i += 1;
            keep
        });
    }
    let out = Scope {
        attrs: cols.iter().map(|(a, _)| a.clone()).collect(),
    };
    let columns = cols.iter().map(|(_, i)| *i).collect();
    (ok.then_some(StepKind::Project { columns }), out)
}

/// `SORT k [ASC|DESC] [NULLS FIRST|LAST], …`: ASC puts nulls last, DESC first (spec:SEMANTICS 2.8).
pub(crate) fn sort(cx: &mut Cx, c: &ast::SortCommand, input: &Scope) -> Outcome {
    let mut keys = Vec::new();
    let mut ok = true;
    for k in &c.keys {
        let mut r = RowResolver { scope: input };
        let Some(e) = lower(cx, &mut r, &k.expr) else {
            ok = false;
            continue;
        };
        if matches!(e.data_type, DataType::GeoPoint | DataType::Unsupported) {
            cx.error(
                k.expr.span,
                format!("cannot sort on {}", e.data_type.es_name()),
            );
            ok = false;
            continue;
        }
        let descending = k.order == Some(SortOrder::Desc);
        let nulls_first = match k.nulls {
            Some(NullsOrder::First) => true,
            Some(NullsOrder::Last) => false,
            None => descending,
        };
        keys.push(SortKey {
            expr: e,
            descending,
            nulls_first,
        });
    }
    (ok.then_some(StepKind::Sort { keys }), input.clone())
}

/// `LIMIT n` with a non-negative integer constant.
pub(crate) fn limit(cx: &mut Cx, c: &ast::LimitCommand, input: &Scope) -> Outcome {
    if !c.by.is_empty() {
        cx.unsupported(c.span, "LIMIT BY is not supported by detsim");
        return (None, input.clone());
    }
    let empty = Scope::default();
    let mut r = RowResolver { scope: &empty };
    let Some(e) = lower(cx, &mut r, &c.count) else {
        return (None, input.clone());
    };
    let count = match fold::fold(&e) {
        Some(Value::Integer(n)) if n >= 0 => Some(n as usize),
        Some(Value::Long(n)) if n >= 0 => usize::try_from(n).ok(),
        _ => None,
    };
    match count {
        Some(count) => (Some(StepKind::Limit { count }), input.clone()),
        None => {
            let text = cx.text(c.count.span).to_owned();
            cx.error(
                c.count.span,
                format!("Invalid value for LIMIT [{text}], expecting a non negative integer"),
            );
            (None, input.clone())
        }
    }
}

/// `MV_EXPAND field`: the expanded column stays in place (spec:mv_expand/simple).
pub(crate) fn mv_expand(cx: &mut Cx, c: &ast::MvExpandCommand, input: &Scope) -> Outcome {
    let Some(name) = c.field.dotted() else {
        cx.unsupported(c.field.span, "query parameters are not supported by detsim");
        return (None, input.clone());
    };
    let Some(e) = column_ref(cx, input, &name, c.field.span) else {
        return (None, input.clone());
    };
    let ExprKind::Column(column) = e.kind else {
        return (None, input.clone());
    };
    // The expanded column holds new values; its copies keep the old ones.
    let mut out = input.clone();
    out.attrs[column].id = super::scope::fresh_id();
    (Some(StepKind::MvExpand { column }), out)
}
