//! Source commands: FROM (index resolution, column union, metadata) and ROW.

use std::collections::BTreeMap;

use super::Cx;
use super::arg::type_name;
use super::expr::{RowResolver, lower};
use super::scope::{Attr, Scope};
use crate::ast::{self, FromSource, IndexName, SourceCommand};
use crate::plan::{Expr, FromSource as PlanFrom, MetadataField, RowSource, Source, SourceField};
use crate::{DataType, FieldMapping};

/// Analyzes the source command: the plan source (when it succeeded) and its columns.
pub(crate) fn analyze_source(cx: &mut Cx, source: &SourceCommand) -> (Option<Source>, Scope) {
    match source {
        SourceCommand::From(f) => from(cx, f),
        SourceCommand::Row(r) => row(cx, r),
        SourceCommand::Ts(f) => {
            cx.unsupported(f.span, "TS is not supported by detsim");
            (None, Scope::default())
        }
        SourceCommand::Show(s) => {
            cx.unsupported(s.span, "SHOW is not supported by detsim");
            (None, Scope::default())
        }
        SourceCommand::Promql(p) => {
            cx.unsupported(p.span, "PROMQL is not supported by detsim");
            (None, Scope::default())
        }
    }
}

/// One FROM column being built: its per-index mappings.
struct Candidate<'a> {
    /// (index name, field mapping) for every matched index that maps the field.
    mappings: Vec<(&'a str, &'a FieldMapping)>,
}

fn from(cx: &mut Cx, f: &ast::FromCommand) -> (Option<Source>, Scope) {
    let mut patterns = Vec::new();
    let mut ok = true;
    for s in &f.sources {
        match s {
            FromSource::Index(p) => {
                if p.cluster.is_some() {
                    cx.unsupported(p.span, "remote cluster indices are not supported by detsim");
                    ok = false;
                }
                if p.selector.is_some() {
                    cx.unsupported(p.span, "index selectors are not supported by detsim");
                    ok = false;
                }
                let text = match &p.index {
                    IndexName::Unquoted(t) => t.clone(),
                    IndexName::Quoted(s) => s.value.to_string(),
                };
                patterns.extend(
                    text.split(',')
                        .map(str::trim)
                        .filter(|t| !t.is_empty())
                        .map(str::to_owned),
                );
            }
            FromSource::Subquery(q) => {
                cx.unsupported(q.span, "FROM subqueries are not supported by detsim");
                ok = false;
            }
        }
    }
    let metadata = metadata_fields(cx, &f.metadata);
    if !ok {
        return (None, Scope::default());
    }
    let catalog = cx.catalog;
    let matched = catalog.resolve(&patterns);
    // A concrete index name (no wildcard, not an exclusion) must exist, as in ES.
    let missing: Vec<&String> = patterns
        .iter()
        .filter(|p| !p.contains('*') && !p.starts_with('-'))
        .filter(|p| !matched.iter().any(|(n, _)| n == p))
        .collect();
    if !missing.is_empty() && !matched.is_empty() {
        let span = f.sources.first().map(source_span).unwrap_or(f.span);
        let names: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
        let message = format!("Unknown index [{}]", names.join(","));
        cx.push(span, message, super::ProblemKind::UnknownIndex);
        return (None, Scope::default());
    }
    if matched.is_empty() {
        let span = f.sources.first().map(source_span).unwrap_or(f.span);
        let message = format!("Unknown index [{}]", patterns.join(","));
        cx.push(span, message, super::ProblemKind::UnknownIndex);
        return (None, Scope::default());
    }
    let mut union: BTreeMap<&str, Candidate> = BTreeMap::new();
    for (index, mapping) in &matched {
        for (name, fm) in &mapping.fields {
            union
                .entry(name.as_str())
                .or_insert_with(|| Candidate {
                    mappings: Vec::new(),
                })
                .mappings
                .push((index, fm));
        }
    }
    let mut scope = Scope::default();
    let mut fields = Vec::new();
    for (name, cand) in &union {
        let (attr, read) = column(name, cand, &matched);
        scope.attrs.push(attr);
        fields.push(SourceField::Field(read));
    }
    for m in metadata {
        scope.attrs.push(Attr::new(m.name(), m.data_type()));
        fields.push(SourceField::Metadata(m));
    }
    let source = PlanFrom {
        patterns,
        fields,
        output: scope.schema(),
    };
    (Some(Source::From(source)), scope)
}

fn source_span(s: &FromSource) -> crate::Span {
    match s {
        FromSource::Index(p) => p.span,
        FromSource::Subquery(q) => q.span,
    }
}

/// The ES|QL type of one mapping, following an alias to its target.
fn resolved_type<'a>(
    fm: &'a FieldMapping,
    index: &str,
    matched: &[(&'a str, &'a std::sync::Arc<crate::Mapping>)],
) -> (DataType, &'a str) {
    if fm.es_type == "alias"
        && let Some(target) = &fm.multi_field_of
        && let Some((_, m)) = matched.iter().find(|(n, _)| *n == index)
        && let Some(t) = m.get(target)
    {
        return (t.data_type, t.es_type.as_str());
    }
    (fm.data_type, fm.es_type.as_str())
}

/// The column for one field name across the matched indices, and the field it reads.
fn column(
    name: &str,
    cand: &Candidate,
    matched: &[(&str, &std::sync::Arc<crate::Mapping>)],
) -> (Attr, String) {
    let read = cand
        .mappings
        .iter()
        .find_map(|(_, fm)| {
            (fm.es_type == "alias")
                .then(|| fm.multi_field_of.clone())
                .flatten()
        })
        .unwrap_or_else(|| name.to_owned());
    let mut by_type: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    let mut unsupported_es_type = None;
    let mut types = Vec::new();
    for (index, fm) in &cand.mappings {
        let (t, es_type) = resolved_type(fm, index, matched);
        if t == DataType::Unsupported {
            unsupported_es_type.get_or_insert_with(|| es_type.to_owned());
        }
        let key = if t == DataType::Unsupported {
            es_type.to_owned()
        } else {
            type_name(t).to_owned()
        };
        by_type.entry(key).or_default().push(index);
        if !types.contains(&t) {
            types.push(t);
        }
    }
    if types.len() > 1 {
        let mut parts = Vec::new();
        for (t, indices) in &by_type {
            let mut idx: Vec<&str> = indices.clone();
            idx.sort_unstable();
            let shown = if idx.len() > 3 {
                format!(
                    "[{}] and [{}] other indices",
                    idx[..3].join(", "),
                    idx.len() - 3
                )
            } else {
                format!("[{}]", idx.join(", "))
            };
            parts.push(format!("[{t}] in {shown}"));
        }
        let msg = format!(
            "Cannot use field [{name}] due to ambiguities being mapped as [{}] incompatible types: {}",
            by_type.len(),
            parts.join(", ")
        );
        let attr = Attr {
            name: name.to_owned(),
            data_type: DataType::Unsupported,
            unusable: Some(msg),
            failed: false,
            constant: None,
            id: super::scope::fresh_id(),
        };
        return (attr, read);
    }
    let t = types.first().copied().unwrap_or(DataType::Unsupported);
    let unusable = match (t, unsupported_es_type) {
        (DataType::Unsupported, Some(es)) => Some(format!(
            "Cannot use field [{name}] with unsupported type [{es}]"
        )),
        _ => None,
    };
    let attr = Attr {
        name: name.to_owned(),
        data_type: t,
        unusable,
        failed: false,
        constant: None,
        id: super::scope::fresh_id(),
    };
    (attr, read)
}

fn metadata_fields(cx: &mut Cx, fields: &[ast::MetadataField]) -> Vec<MetadataField> {
    let mut out = Vec::new();
    for f in fields {
        match MetadataField::from_name(&f.name) {
            Some(m) => {
                if !out.contains(&m) {
                    out.push(m);
                }
            }
            None if matches!(
                f.name.as_str(),
                "_source" | "_score" | "_index_mode" | "_tsid" | "_size" | "_timeseries"
            ) =>
            {
                cx.unsupported(
                    f.span,
                    format!("metadata field [{}] is not supported by detsim", f.name),
                );
            }
            None => cx.error(f.span, format!("unsupported metadata field [{}]", f.name)),
        }
    }
    out
}

fn row(cx: &mut Cx, r: &ast::RowCommand) -> (Option<Source>, Scope) {
    let empty = Scope::default();
    let mut entries: Vec<(String, Option<Expr>)> = Vec::new();
    for field in &r.fields {
        let name = field_name(cx, field);
        let mut resolver = RowResolver { scope: &empty };
        let e = lower(cx, &mut resolver, &field.expr);
        let e = e.and_then(|e| {
            if matches!(e.data_type, DataType::TimeDuration | DataType::DatePeriod) {
                let text = cx.text(field.expr.span).to_owned();
                cx.error(
                    field.expr.span,
                    format!("cannot use [{text}] directly in a row assignment"),
                );
                None
            } else {
                Some(e)
            }
        });
        // ROW keeps repeated names (spec:row/evalRowWithNull2 `row a = 1, null, b = 2, c = null, null`).
        entries.push((name, e));
    }
    let mut scope = Scope::default();
    let mut exprs = Vec::new();
    let mut failed = false;
    for (name, e) in entries {
        match e {
            Some(e) => {
                let mut attr = Attr::new(name, e.data_type);
                attr.constant = super::fold::fold(&e);
                scope.attrs.push(attr);
                exprs.push(e);
            }
            None => {
                failed = true;
                scope.attrs.push(Attr::failed(name));
            }
        }
    }
    if failed {
        return (None, scope);
    }
    let source = RowSource {
        exprs,
        output: scope.schema(),
    };
    (Some(Source::Row(source)), scope)
}

/// The column name of a `name = expr` or bare `expr` field: the name, the referenced column's name
/// for a bare field reference, or else the verbatim source text.
pub(crate) fn field_name(cx: &Cx, field: &ast::Field) -> String {
    if let Some(n) = &field.name {
        return n.dotted().unwrap_or_else(|| cx.text(n.span).to_owned());
    }
    let mut e = &field.expr;
    while let ast::ExprKind::Paren(inner) = &e.kind {
        e = inner;
    }
    match &e.kind {
        ast::ExprKind::Field(q) if std::ptr::eq(e, &field.expr) => {
            q.dotted().unwrap_or_else(|| cx.text(q.span).to_owned())
        }
        _ => cx.text(field.expr.span).to_owned(),
    }
}
