//! STATS and INLINE STATS: grouping keys, aggregate calls with per-aggregate WHERE filters, expressions
//! over aggregates and keys, output order and duplicate names.
//!
//! Output: aggregates in written order, then the BY keys (spec:stats/docsStats). A name written more
//! than once keeps only its rightmost occurrence (BY keys come last, so they win) and ES's warning
//! `Field 'h' shadowed by field at line L:C` is recorded (spec:stats/IfDuplicateNamesLastOneWins,
//! IfDuplicateNamesGroupingHasPriority, nestedAggsOverGroupingTwiceWithAlias).

use super::Cx;
use super::agg_signatures;
use super::commands::{Outcome, check_condition, project_new_columns};
use super::expr::{Resolver, arg_of, column_ref, lower};
use super::scope::{Attr, Scope, unknown_message};
use super::source::field_name;
use crate::ast::{self, AggField, ExprKind as A, FunctionArgs};
use crate::functions::AggregateFunction;
use crate::plan::{AggregateCall, Aggregation, Expr, ExprKind, StepKind};
use crate::{Position, Span};

/// `STATS aggs BY groups`.
pub(crate) fn stats(cx: &mut Cx, c: &ast::StatsCommand, input: &Scope) -> Outcome {
    let (agg, out) = aggregation(cx, &c.aggregates, &c.groups, input);
    (agg.map(StepKind::Stats), out)
}

/// `INLINE STATS aggs BY groups`: every input row kept, the stats outputs appended (replacing input
/// columns of the same names), as `mergeOutputAttributes` does (ES inlinestats.csv-spec docsMax).
pub(crate) fn inline_stats(cx: &mut Cx, c: &ast::InlineStatsCommand, input: &Scope) -> Outcome {
    let (agg, stats_out) = aggregation(cx, &c.aggregates, &c.groups, input);
    let mut ext = input.clone();
    ext.attrs.extend(stats_out.attrs);
    let (projection, out) = project_new_columns(&ext, input.attrs.len());
    let step = agg.map(|aggregation| StepKind::InlineStats {
        aggregation,
        projection,
    });
    (step, out)
}

/// One BY key after analysis.
struct Group {
    name: String,
    expr: Option<Expr>,
    /// Verbatim text of the whole key (`l = languages % 3`).
    text: String,
    /// Verbatim text of the key's expression (`languages % 3`).
    expr_text: String,
    /// Input columns the key reads.
    reads: Vec<String>,
    /// Index of the key's value in the aggregation's group list (shared by keys that are copies of
    /// one column).
    slot: usize,
}

/// A named output entry before shadowing is applied.
struct Entry {
    name: String,
    span: Span,
}

fn aggregation(
    cx: &mut Cx,
    aggs: &[AggField],
    groups: &[ast::Field],
    input: &Scope,
) -> (Option<Aggregation>, Scope) {
    // Names and shadowing, decided before analysis (ES drops shadowed entries when parsing).
    let mut entries: Vec<Entry> = aggs
        .iter()
        .map(|a| Entry {
            name: field_name(cx, &a.field),
            span: a.field.span,
        })
        .collect();
    entries.extend(groups.iter().map(|g| Entry {
        name: field_name(cx, g),
        span: g.span,
    }));
    let survives: Vec<bool> = (0..entries.len())
        .map(|i| !entries[i + 1..].iter().any(|e| e.name == entries[i].name))
        .collect();
    for (i, e) in entries.iter().enumerate() {
        if !survives[i]
            && let Some(last) = entries.iter().rev().find(|x| x.name == e.name)
        {
            let line = format!(
                "Line {}: Field '{}' shadowed by field at line {}",
                cx.pos(e.span),
                e.name,
                cx.pos(last.span)
            );
            cx.warn(line);
        }
    }
    let n_aggs = aggs.len();
    if !check_group_repeats(cx, aggs, groups, &entries) {
        let out = Scope {
            attrs: entries
                .iter()
                .zip(&survives)
                .filter(|(_, s)| **s)
                .map(|(e, _)| Attr::failed(e.name.clone()))
                .collect(),
        };
        return (None, out);
    }

    // BY keys, over the input row.
    let mut ok = true;
    let mut keys: Vec<Group> = Vec::new();
    let mut n_slots = 0;
    for (gi, g) in groups.iter().enumerate() {
        if !survives[n_aggs + gi] {
            continue;
        }
        let mut r = GroupResolver { scope: input };
        let expr = lower(cx, &mut r, &g.expr);
        ok &= expr.is_some();
        let mut reads = Vec::new();
        field_refs(&g.expr, &mut reads);
        // A key that is a copy of an earlier key's column groups with it (no cross product).
        let same = match expr.as_ref().map(|e| &e.kind) {
            Some(ExprKind::Column(c)) => {
                keys.iter()
                    .find_map(|k: &Group| match k.expr.as_ref()?.kind {
                        ExprKind::Column(o) if input.attrs[o].id == input.attrs[*c].id => {
                            Some(k.slot)
                        }
                        _ => None,
                    })
            }
            _ => None,
        };
        let slot = same.unwrap_or_else(|| {
            n_slots += 1;
            n_slots - 1
        });
        keys.push(Group {
            name: entries[n_aggs + gi].name.clone(),
            expr,
            text: cx.text(g.span).to_owned(),
            expr_text: cx.text(g.expr.span).to_owned(),
            reads,
            slot,
        });
    }

    // Aggregates and output expressions over [keys…, aggregate results…].
    let mut calls: Vec<AggregateCall> = Vec::new();
    let mut outputs: Vec<Expr> = Vec::new();
    let mut out = Scope::default();
    for (ai, a) in aggs.iter().enumerate() {
        if !survives[ai] {
            continue;
        }
        let name = entries[ai].name.clone();
        match aggregate_field(cx, a, input, &keys, n_slots, &mut calls) {
            Some(e) => {
                out.attrs.push(Attr::new(name, e.data_type));
                outputs.push(e);
            }
            None => {
                ok = false;
                out.attrs.push(Attr::failed(name));
            }
        }
    }
    for k in &keys {
        match &k.expr {
            Some(e) => {
                out.attrs.push(Attr::new(k.name.clone(), e.data_type));
                outputs.push(Expr::column(
                    k.slot,
                    e.data_type,
                    k.name.clone(),
                    e.position,
                ));
            }
            None => out.attrs.push(Attr::failed(k.name.clone())),
        }
    }
    if !ok {
        return (None, out);
    }
    let aggregation = Aggregation {
        groups: first_of_each_slot(keys),
        aggregates: calls,
        outputs,
    };
    (Some(aggregation), out)
}

/// ES's parser-level check that an aggregate is not a BY key written again (`STATS emp_no BY emp_no`):
/// an aggregate that is not a function call and whose text names a key, or a column a key reads, is
/// an error (before duplicate names are resolved).
fn check_group_repeats(
    cx: &mut Cx,
    aggs: &[AggField],
    groups: &[ast::Field],
    entries: &[Entry],
) -> bool {
    if groups.is_empty() {
        return true;
    }
    let n_aggs = aggs.len();
    let key_names: Vec<&str> = entries[n_aggs..].iter().map(|e| e.name.as_str()).collect();
    let mut key_reads = Vec::new();
    for g in groups {
        field_refs(&g.expr, &mut key_reads);
    }
    let mut ok = true;
    for a in aggs {
        let mut e = &a.field.expr;
        while let A::Paren(inner) = &e.kind {
            e = inner;
        }
        if matches!(e.kind, A::Function(_) | A::Literal(_)) {
            continue;
        }
        let text = cx.text(e.span).to_owned();
        let name = match &e.kind {
            A::Field(q) => q.dotted().unwrap_or_else(|| text.clone()),
            _ => text.clone(),
        };
        if key_names.contains(&name.as_str()) {
            cx.error(
                e.span,
                format!("grouping key [{name}] already specified in the STATS BY clause"),
            );
            ok = false;
        } else if key_reads.contains(&name) && matches!(e.kind, A::Field(_)) {
            cx.error(
                e.span,
                format!("Cannot specify grouping expression [{name}] as an aggregate"),
            );
            ok = false;
        }
    }
    ok
}

/// Analyzes one `[name =] expr [WHERE filter]` of STATS, registering its aggregate calls.
fn aggregate_field(
    cx: &mut Cx,
    a: &AggField,
    input: &Scope,
    keys: &[Group],
    n_slots: usize,
    calls: &mut Vec<AggregateCall>,
) -> Option<Expr> {
    let field_text = cx.text(a.span).to_owned();
    let filter = match &a.filter {
        None => None,
        Some(f) => {
            let mut r = FilterResolver {
                scope: input,
                keys,
                field_text: &field_text,
            };
            let e = lower(cx, &mut r, f)?;
            if !check_condition(cx, &e, f.span) {
                return None;
            }
            Some(e)
        }
    };
    let before = calls.len();
    let mut r = StatsResolver {
        input,
        keys,
        n_slots,
        calls,
        filter: filter.clone(),
        group_refs: 0,
    };
    let e = lower(cx, &mut r, &a.field.expr)?;
    let group_refs = r.group_refs;
    if calls.len() > before {
        return Some(e);
    }
    // No aggregate function in the expression.
    let expr_text = cx.text(a.field.expr.span).to_owned();
    if let Some(f) = &a.filter {
        cx.error(
            f.span,
            format!(
                "WHERE clause allowed only for aggregate functions, none found in [{field_text}]"
            ),
        );
        return None;
    }
    let is_key = keys
        .iter()
        .any(|k| k.expr_text == expr_text || k.name == expr_text);
    if is_key {
        cx.error(
            a.field.expr.span,
            format!("grouping key [{expr_text}] already specified in the STATS BY clause"),
        );
        return None;
    }
    if group_refs == 0 {
        cx.error(
            a.field.expr.span,
            format!("expected an aggregate function but found [{expr_text}]"),
        );
        return None;
    }
    Some(e)
}

/// The expressions of the distinct group slots, in slot order.
fn first_of_each_slot(keys: Vec<Group>) -> Vec<Expr> {
    let mut out = Vec::new();
    for k in keys {
        if k.slot == out.len()
            && let Some(e) = k.expr
        {
            out.push(e);
        }
    }
    out
}

/// Every field name an AST expression reads.
fn field_refs(e: &ast::Expr, out: &mut Vec<String>) {
    match &e.kind {
        A::Field(q) => out.extend(q.dotted()),
        A::Literal(_) | A::Param(_) | A::List(_) | A::Match { .. } | A::InSubquery { .. } => {}
        A::Function(call) => {
            if let FunctionArgs::List { args, .. } = &call.args {
                args.iter().for_each(|a| field_refs(a, out));
            }
        }
        A::Paren(x) | A::Not(x) => field_refs(x, out),
        A::Cast { expr, .. } | A::Unary { expr, .. } | A::IsNull { expr, .. } => {
            field_refs(expr, out)
        }
        A::Binary { left, right, .. } => {
            field_refs(left, out);
            field_refs(right, out);
        }
        A::In { expr, list, .. } => {
            field_refs(expr, out);
            list.iter().for_each(|a| field_refs(a, out));
        }
        A::Like { expr, .. } => field_refs(expr, out),
    }
}

/// BY keys: input columns; aggregates are not allowed.
struct GroupResolver<'a> {
    scope: &'a Scope,
}

impl Resolver for GroupResolver<'_> {
    fn column(&mut self, cx: &mut Cx, name: &str, span: Span) -> Option<Expr> {
        column_ref(cx, self.scope, name, span)
    }

    fn aggregate(
        &mut self,
        cx: &mut Cx,
        _f: AggregateFunction,
        call: &ast::FunctionCall,
    ) -> Option<Expr> {
        let text = cx.text(call.span).to_owned();
        cx.error(
            call.span,
            format!("cannot use an aggregate [{text}] for grouping"),
        );
        None
    }
}

/// Per-aggregate WHERE filters: input columns and BY key names (spec:stats/statsWithFilteringAndGrouping
/// `count(languages) where l > 1 … by l = languages`); aggregates are not allowed.
struct FilterResolver<'a> {
    scope: &'a Scope,
    keys: &'a [Group],
    field_text: &'a str,
}

impl Resolver for FilterResolver<'_> {
    fn column(&mut self, cx: &mut Cx, name: &str, span: Span) -> Option<Expr> {
        key_or_column(cx, self.scope, self.keys, name, span)
    }

    fn aggregate(
        &mut self,
        cx: &mut Cx,
        _f: AggregateFunction,
        call: &ast::FunctionCall,
    ) -> Option<Expr> {
        let text = cx.text(call.span).to_owned();
        let msg = format!(
            "cannot use aggregate function [{text}] in aggregate WHERE clause [{}]",
            self.field_text
        );
        cx.error(call.span, msg);
        None
    }
}

/// Arguments of an aggregate call: input columns, plus BY key names standing for their expressions
/// (spec:stats/nestedAggsOverGroupingWithAliasInsideExpression); nested aggregates are not allowed.
struct AggArgResolver<'a> {
    scope: &'a Scope,
    keys: &'a [Group],
    outer_text: String,
}

/// A BY key name (of a `name = expr` key) stands for its expression over the input row; any other
/// name is an input column.
fn key_or_column(
    cx: &mut Cx,
    scope: &Scope,
    keys: &[Group],
    name: &str,
    span: Span,
) -> Option<Expr> {
    if let Some(k) = keys.iter().find(|k| k.name == name && k.text != k.name) {
        let e = k.expr.clone()?;
        return Some(Expr {
            text: cx.text(span).to_owned(),
            position: cx.pos(span),
            ..e
        });
    }
    column_ref(cx, scope, name, span)
}

impl Resolver for AggArgResolver<'_> {
    fn column(&mut self, cx: &mut Cx, name: &str, span: Span) -> Option<Expr> {
        key_or_column(cx, self.scope, self.keys, name, span)
    }

    fn aggregate(
        &mut self,
        cx: &mut Cx,
        _f: AggregateFunction,
        call: &ast::FunctionCall,
    ) -> Option<Expr> {
        let text = cx.text(call.span).to_owned();
        let msg = format!(
            "nested aggregations [{text}] not allowed inside other aggregations [{}]",
            self.outer_text
        );
        cx.error(call.span, msg);
        None
    }
}

/// The parts of an aggregate expression outside aggregate calls: BY keys and aggregate results.
struct StatsResolver<'a> {
    input: &'a Scope,
    keys: &'a [Group],
    n_slots: usize,
    calls: &'a mut Vec<AggregateCall>,
    filter: Option<Expr>,
    group_refs: usize,
}

impl Resolver for StatsResolver<'_> {
    fn column(&mut self, cx: &mut Cx, name: &str, span: Span) -> Option<Expr> {
        if let Some(gi) = self.keys.iter().position(|k| k.name == name) {
            let e = self.keys[gi].expr.as_ref()?;
            self.group_refs += 1;
            let slot = self.keys[gi].slot;
            return Some(Expr::column(slot, e.data_type, cx.text(span), cx.pos(span)));
        }
        if self.input.index_of(name).is_some() {
            let msg = match self.keys.iter().find(|k| k.reads.iter().any(|r| r == name)) {
                Some(k) => format!(
                    "column [{name}] cannot be used as an aggregate once declared in the STATS BY grouping key [{}]",
                    k.text
                ),
                None => format!(
                    "column [{name}] must appear in the STATS BY clause or be used in an aggregate function"
                ),
            };
            cx.error(span, msg);
            return None;
        }
        let mut names: Vec<&str> = self
            .input
            .attrs
            .iter()
            .filter(|a| a.unusable.is_none())
            .map(|a| a.name.as_str())
            .collect();
        names.extend(self.keys.iter().map(|k| k.name.as_str()));
        cx.error(span, unknown_message("Unknown column", name, &names));
        None
    }

    fn aggregate(
        &mut self,
        cx: &mut Cx,
        f: AggregateFunction,
        call: &ast::FunctionCall,
    ) -> Option<Expr> {
        let span = call.span;
        let text = cx.text(span).to_owned();
        let args: &[ast::Expr] = match &call.args {
            FunctionArgs::Star if f == AggregateFunction::Count => &[],
            FunctionArgs::Star => {
                cx.error(
                    span,
                    format!("[*] is only allowed in [count], found in [{text}]"),
                );
                return None;
            }
            FunctionArgs::List { args, options } => {
                if let Some(m) = options {
                    cx.unsupported(
                        m.span,
                        format!("options of [{}] are not supported by detsim", f.name()),
                    );
                    return None;
                }
                args
            }
        };
        if let Some(msg) = agg_signatures::arity_error(f, args.len()) {
            cx.error(span, msg);
            return None;
        }
        let mut r = AggArgResolver {
            scope: self.input,
            keys: self.keys,
            outer_text: text.clone(),
        };
        let lowered: Vec<Option<Expr>> = args.iter().map(|a| lower(cx, &mut r, a)).collect();
        let lowered: Vec<Expr> = lowered.into_iter().collect::<Option<Vec<_>>>()?;
        let views: Vec<_> = lowered.iter().map(arg_of).collect();
        let data_type = match agg_signatures::resolve(f, &text, &views) {
            Ok(t) => t,
            Err(msg) => {
                cx.error(span, msg);
                return None;
            }
        };
        let position: Position = cx.pos(span);
        let k = self.calls.len();
        self.calls.push(AggregateCall {
            function: f,
            args: lowered,
            filter: self.filter.clone(),
            data_type,
            text: text.clone(),
            position,
        });
        Some(Expr::new(
            ExprKind::Column(self.n_slots + k),
            data_type,
            text,
            position,
        ))
    }
}
