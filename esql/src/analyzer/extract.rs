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
        pattern: c.pattern.value.to_string(),
        append_separator,
        keys: keys.into_iter().map(|(k, _)| k).collect(),
        projection,
    };
    (Some(StepKind::Dissect(step)), out)
}

/// `GROK input "pattern"[, …]`: captures sorted by name with their grok types. Several patterns are
/// one alternation (`(?:p1)|(?:p2)`); a column captured with two types is ES's parsing error
/// `Invalid GROK pattern[s] [...]: the attribute [x] is defined multiple times with different types`.
pub(crate) fn grok(cx: &mut Cx, c: &ast::GrokCommand, input: &Scope) -> Outcome {
    let e = string_input(cx, "Grok", &c.input, input);
    let mut keys: Vec<(String, DataType)> = Vec::new();
    let mut ok = true;
    // Each pattern on its own first, so an error names the pattern that has it.
    for p in &c.patterns {
        match crate::grok::compile(&p.value) {
            Ok(_) | Err(grok::GrokError::ConflictingTypes(_)) => {}
            Err(err) => {
                cx.error(
                    p.span,
                    format!("Invalid pattern [{}] for grok: {err}", p.value),
                );
                ok = false;
            }
        }
    }
    if ok {
        match grok::compile_all(
            &c.patterns
                .iter()
                .map(|p| p.value.as_str())
                .collect::<Vec<_>>(),
        ) {
            Ok(g) => keys = g.keys(),
            Err(err) => {
                let list: Vec<&str> = c.patterns.iter().map(|p| p.value.as_str()).collect();
                let what = if list.len() == 1 {
                    "pattern"
                } else {
                    "patterns"
                };
                cx.error(
                    c.span,
                    format!("Invalid GROK {what} [{}]: {err}", list.join(", ")),
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
        patterns: c.patterns.iter().map(|p| p.value.to_string()).collect(),
        keys,
        projection,
    };
    (Some(StepKind::Grok(step)), out)
}
