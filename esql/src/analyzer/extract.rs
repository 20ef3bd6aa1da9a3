//! DISSECT and GROK commands: string input, pattern keys as new columns (replacing same-named columns,
//! appended after the input as ES's `mergeOutputAttributes` does).

use super::Cx;
use super::arg::type_name_upper;
use super::commands::{Outcome, project_new_columns};
use super::expr::{RowResolver, lower};
use super::scope::{Attr, Scope};
use super::{dissect, fold, grok};
use crate::ast;
use crate::plan::{DissectStep, Expr, GrokStep, StepKind};
use crate::{DataType, Value};

fn string_input(cx: &mut Cx, command: &str, input_expr: &ast::Expr, input: &Scope) -> Option<Expr> {
    let mut r = RowResolver { scope: input };
    let e = lower(cx, &mut r, input_expr)?;
    if !e.data_type.is_string() && e.data_type != DataType::Null {
        let msg = format!(
            "{command} only supports KEYWORD or TEXT values, found expression [{}] type [{}]",
            e.text,
            type_name_upper(e.data_type)
        );
        cx.error(input_expr.span, msg);
        return None;
    }
    Some(e)
}

fn with_new_columns(input: &Scope, keys: &[(String, DataType)]) -> (Vec<usize>, Scope) {
    let mut ext = input.clone();
    ext.attrs
        .extend(keys.iter().map(|(k, t)| Attr::new(k.clone(), *t)));
    project_new_columns(&ext, input.attrs.len())
}

/// `DISSECT input "pattern" [APPEND_SEPARATOR = "sep"]`: keyword columns in pattern order.
pub(crate) fn dissect(cx: &mut Cx, c: &ast::DissectCommand, input: &Scope) -> Outcome {
    let e = string_input(cx, "Dissect", &c.input, input);
    let parsed = match dissect::parse(&c.pattern.value) {
        Ok(p) => Some(p),
        Err(msg) => {
            cx.error(c.pattern.span, msg);
            None
        }
    };
    let mut append_separator = None;
    let mut ok = true;
    for opt in &c.options {
        if !opt.name.name.eq_ignore_ascii_case("append_separator") {
            cx.error(
                opt.span,
                format!("Invalid option for dissect: [{}]", opt.name.name),
            );
            ok = false;
            continue;
        }
        let empty = Scope::default();
        let mut r = RowResolver { scope: &empty };
        match lower(cx, &mut r, &opt.value).and_then(|v| fold::fold(&v)) {
            Some(Value::Keyword(s)) => append_separator = Some(s),
            _ => {
                let text = cx.text(opt.value.span).to_owned();
                cx.error(
                    opt.value.span,
                    format!("Invalid value for dissect append separator: [{text}]"),
                );
                ok = false;
            }
        }
    }
    let keys: Vec<(String, DataType)> = parsed
        .as_ref()
        .map(|p| {
            p.output_keys()
                .into_iter()
                .map(|k| (k, DataType::Keyword))
                .collect()
        })
        .unwrap_or_default();
    let (projection, out) = with_new_columns(input, &keys);
    let (Some(e), Some(_), true) = (e, parsed, ok) else {
        return (None, out);
    };
    let step = DissectStep {
        input: e,
        pattern: c.pattern.value.clone(),
        append_separator,
        keys: keys.into_iter().map(|(k, _)| k).collect(),
        projection,
    };
    (Some(StepKind::Dissect(step)), out)
}

/// `GROK input "pattern"[, …]`: captures sorted by name with their grok types.
pub(crate) fn grok(cx: &mut Cx, c: &ast::GrokCommand, input: &Scope) -> Outcome {
    let e = string_input(cx, "Grok", &c.input, input);
    let mut keys: Vec<(String, DataType)> = Vec::new();
    let mut ok = true;
    for p in &c.patterns {
        match grok::compile(&p.value) {
            Ok(g) => {
                for (k, t) in g.keys() {
                    match keys.iter().find(|(n, _)| *n == k) {
                        Some((_, prev)) if *prev != t => {
                            cx.error(
                                p.span,
                                format!(
                                    "Invalid GROK patterns: the attribute [{k}] has different types"
                                ),
                            );
                            ok = false;
                        }
                        Some(_) => {}
                        None => keys.push((k, t)),
                    }
                }
            }
            Err(msg) => {
                cx.error(
                    p.span,
                    format!("Invalid pattern [{}] for grok: {msg}", p.value),
                );
                ok = false;
            }
        }
    }
    keys.sort_by(|a, b| a.0.cmp(&b.0));
    let (projection, out) = with_new_columns(input, &keys);
    let (Some(e), true) = (e, ok) else {
        return (None, out);
    };
    let step = GrokStep {
        input: e,
        patterns: c.patterns.iter().map(|p| p.value.clone()).collect(),
        keys,
        projection,
    };
    (Some(StepKind::Grok(step)), out)
}
