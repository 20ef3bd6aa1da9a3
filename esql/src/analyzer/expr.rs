//! Lowering of AST expressions to typed plan expressions, with ES's type rules, implicit casts and
//! verification messages.
//!
//! Name resolution and aggregate calls are delegated to a [`Resolver`], so the same lowering serves
//! row commands (columns of the input row) and STATS (group keys and aggregate results).

use super::arg::{Arg, expect, type_name};
use super::literal;
use super::operators::{lower_binary, lower_in, lower_like};
use super::scope::{Scope, unknown_message};
use super::signatures::{self, LiteralTarget};
use super::{Cx, fold};
use crate::ast::{self, ExprKind as A, FunctionArgs, FunctionName, Sign};
use crate::functions::{self, AggregateFunction, ScalarFunction};
use crate::plan::{Expr, ExprKind};
use crate::{DataType, Span, Value};

/// Resolves names and aggregate calls for expression lowering.
pub(crate) trait Resolver {
    /// The expression a column reference `name` (written at `span`) stands for; records a problem and
    /// returns `None` when it cannot be used.
    fn column(&mut self, cx: &mut Cx, name: &str, span: Span) -> Option<Expr>;

    /// The constant value of input column `index`, when EVAL/ROW computed it from constants.
    fn constant(&self, index: usize) -> Option<Value> {
        let _ = index;
        None
    }

    /// Lowers an aggregate call; outside STATS this is ES's "not allowed outside STATS" error.
    fn aggregate(
        &mut self,
        cx: &mut Cx,
        f: AggregateFunction,
        call: &ast::FunctionCall,
    ) -> Option<Expr> {
        let _ = f;
        let text = cx.text(call.span).to_owned();
        cx.error(
            call.span,
            format!("aggregate function [{text}] not allowed outside STATS command"),
        );
        None
    }
}

/// Resolves names against the columns of a row.
pub(crate) struct RowResolver<'a> {
    /// The row's columns.
    pub scope: &'a Scope,
}

impl Resolver for RowResolver<'_> {
    fn column(&mut self, cx: &mut Cx, name: &str, span: Span) -> Option<Expr> {
        column_ref(cx, self.scope, name, span)
    }

    fn constant(&self, index: usize) -> Option<Value> {
        self.scope.attrs.get(index)?.constant.clone()
    }
}

/// A reference to column `name` of `scope`, with ES's errors for unknown and unusable columns.
pub(crate) fn column_ref(cx: &mut Cx, scope: &Scope, name: &str, span: Span) -> Option<Expr> {
    let Some(i) = scope.index_of(name) else {
        cx.error(span, scope.unknown_column(name));
        return None;
    };
    let attr = &scope.attrs[i];
    if attr.failed {
        return None;
    }
    if let Some(msg) = &attr.unusable {
        cx.error(span, msg.clone());
        return None;
    }
    Some(Expr::column(i, attr.data_type, cx.text(span), cx.pos(span)))
}

/// An expression of `kind` and type `t` named by the text of `span`.
pub(crate) fn mk(cx: &Cx, kind: ExprKind, t: DataType, span: Span) -> Expr {
    Expr::new(kind, t, cx.text(span), cx.pos(span))
}

/// The argument view of a lowered expression for the type checks.
pub(crate) fn arg_of(e: &Expr) -> Arg {
    let name = match e.kind {
        ExprKind::Column(_) => unquote(&e.text),
        _ => e.text.clone(),
    };
    Arg {
        data_type: e.data_type,
        name,
        constant: fold::fold(e),
    }
}

/// `` `a``b` `` → ``a`b``; other text unchanged.
pub(crate) fn unquote(text: &str) -> String {
    if text.len() >= 2 && text.starts_with('`') && text.ends_with('`') {
        text[1..text.len() - 1].replace("``", "`")
    } else {
        text.to_owned()
    }
}

/// The string of a string literal (ES's "foldable keyword that is not a function").
pub(crate) fn string_literal(e: &Expr) -> Option<&str> {
    match (&e.kind, e.data_type) {
        (ExprKind::Literal(Value::Keyword(s)), DataType::Keyword) => Some(s),
        _ => None,
    }
}

/// Applies ES's implicit cast of a string literal to `to`; other expressions are returned unchanged.
pub(crate) fn cast_literal(cx: &mut Cx, e: Expr, to: LiteralTarget) -> Option<Expr> {
    let Some(s) = string_literal(&e) else {
        return Some(e);
    };
    match to {
        LiteralTarget::Keep => Some(e),
        LiteralTarget::Type(t) => match literal::convert_string(s, t) {
            Ok(v) => Some(Expr::literal(v, t, e.text.clone(), e.position)),
            Err(msg) => {
                cx.error_at(e.position, msg);
                None
            }
        },
        LiteralTarget::TemporalAmount => match literal::parse_temporal_string(s) {
            None => Some(e),
            Some(Ok(amount)) => {
                let (v, t) = amount.value();
                Some(Expr::literal(v, t, e.text.clone(), e.position))
            }
            Some(Err(err)) => {
                let msg = format!(
                    "Cannot convert string [{s}] to [DATE_PERIOD or TIME_DURATION], error [{err}]"
                );
                cx.error_at(e.position, msg);
                None
            }
        },
    }
}

/// Lowers `e` with names resolved by `r`; `None` when it failed (problems recorded).
pub(crate) fn lower(cx: &mut Cx, r: &mut dyn Resolver, e: &ast::Expr) -> Option<Expr> {
    let span = e.span;
    match &e.kind {
        A::Literal(lit) => lower_literal(cx, lit, span),
        A::Param(_) => {
            cx.unsupported(span, "query parameters are not supported by detsim");
            None
        }
        A::List(items) => lower_list(cx, items, span),
        A::Field(q) => match q.dotted() {
            Some(name) => r.column(cx, &name, span),
            None => {
                cx.unsupported(span, "query parameters are not supported by detsim");
                None
            }
        },
        A::Function(call) => lower_call(cx, r, call),
        A::Paren(inner) => lower(cx, r, inner),
        A::Cast { expr, data_type } => {
            let value = lower(cx, r, expr)?;
            lower_cast(cx, value, &data_type.name, span)
        }
        A::Unary { op, expr } => {
            let value = lower(cx, r, expr)?;
            match op {
                ast::UnaryOp::Plus => Some(value),
                ast::UnaryOp::Neg => {
                    let t = value.data_type;
                    let ok = t == DataType::Null
                        || (t.is_numeric() && t != DataType::UnsignedLong)
                        || matches!(t, DataType::TimeDuration | DataType::DatePeriod);
                    if !ok {
                        let accepted = "numeric, date_period or time_duration";
                        let msg =
                            super::arg::type_error("", cx.text(span), accepted, &arg_of(&value));
                        cx.error(span, msg);
                        return None;
                    }
                    Some(mk(cx, ExprKind::Negate(Box::new(value)), t, span))
                }
            }
        }
        A::Binary { op, left, right } => {
            let l = lower(cx, r, left);
            let rr = lower(cx, r, right);
            let (l, rr) = (l?, rr?);
            lower_binary(cx, *op, l, rr, span)
        }
        A::Not(inner) => {
            let value = lower(cx, r, inner)?;
            let text = cx.text(span).to_owned();
            if let Err(msg) = expect(&arg_of(&value), "", &text, "boolean", |t| {
                t == DataType::Boolean
            }) {
                cx.error(span, msg);
                return None;
            }
            Some(mk(
                cx,
                ExprKind::Not(Box::new(value)),
                DataType::Boolean,
                span,
            ))
        }
        A::In {
            expr,
            list,
            negated,
        } => {
            let value = lower(cx, r, expr);
            let items: Vec<Option<Expr>> = list.iter().map(|i| lower(cx, r, i)).collect();
            let value = value?;
            let items: Option<Vec<Expr>> = items.into_iter().collect();
            lower_in(cx, value, items?, *negated, span)
        }
        A::InSubquery { .. } => {
            cx.unsupported(span, "subqueries are not supported by detsim");
            None
        }
        A::Like {
            expr,
            kind,
            patterns,
            negated,
            ..
        } => {
            let value = lower(cx, r, expr);
            let pats: Vec<Option<Expr>> = patterns.iter().map(|p| lower(cx, r, p)).collect();
            let value = value?;
            let pats: Option<Vec<Expr>> = pats.into_iter().collect();
            let constant = |i: usize| r.constant(i);
            lower_like(cx, value, *kind, pats?, *negated, span, &constant)
        }
        A::IsNull { expr, negated } => {
            let value = lower(cx, r, expr)?;
            let kind = ExprKind::IsNull {
                value: Box::new(value),
                negated: *negated,
            };
            Some(mk(cx, kind, DataType::Boolean, span))
        }
        A::Match { .. } => {
            cx.unsupported(span, "the match operator [:] is not supported by detsim");
            None
        }
    }
}

fn lower_literal(cx: &mut Cx, lit: &ast::Literal, span: Span) -> Option<Expr> {
    let (v, t) = match lit {
        ast::Literal::Null => (Value::Null, DataType::Null),
        ast::Literal::Boolean(b) => (Value::Boolean(*b), DataType::Boolean),
        ast::Literal::Integer(i) => literal::integer(i),
        ast::Literal::Decimal(d) => {
            let negative = d.sign == Some(Sign::Minus);
            match literal::decimal(negative, &d.text) {
                Some(x) => (Value::Double(x), DataType::Double),
                None => {
                    cx.error(span, format!("Cannot parse number [{}]", cx.text(span)));
                    return None;
                }
            }
        }
        ast::Literal::String(s) => (Value::Keyword(s.value.to_string()), DataType::Keyword),
        ast::Literal::Qualified { value, unit } => {
            let (n, _) = literal::integer(value);
            let n = match n {
                Value::Integer(i) => i as i64,
                Value::Long(l) => l,
                _ => {
                    cx.error(span, format!("Number [{}] is too large", value.digits));
                    return None;
                }
            };
            match literal::temporal(n, &unit.name) {
                Ok(amount) => amount.value(),
                Err(msg) => {
                    cx.error(span, msg);
                    return None;
                }
            }
        }
    };
    Some(mk(cx, ExprKind::Literal(v), t, span))
}

/// A list constant `[1, 2.5]`: all numbers become the widest type (double if any decimal).
fn lower_list(cx: &mut Cx, items: &[ast::Expr], span: Span) -> Option<Expr> {
    let mut values = Vec::new();
    let mut types = Vec::new();
    for item in items {
        let mut r = NoColumns;
        let e = lower(cx, &mut r, item)?;
        let ExprKind::Literal(v) = e.kind else {
            cx.error(item.span, "list elements must be constants");
            return None;
        };
        values.push(v);
        types.push(e.data_type);
    }
    let t = if types.iter().all(|t| t.is_numeric()) {
        if types.contains(&DataType::Double) {
            DataType::Double
        } else if types.contains(&DataType::UnsignedLong) {
            DataType::UnsignedLong
        } else if types.contains(&DataType::Long) {
            DataType::Long
        } else {
            DataType::Integer
        }
    } else {
        let first = types.first().copied().unwrap_or(DataType::Null);
        if let Some(bad) = types.iter().position(|t| *t != first) {
            let msg = format!(
                "list elements must all have the same type, found [{}] and [{}]",
                type_name(first),
                type_name(types[bad])
            );
            cx.error(span, msg);
            return None;
        }
        first
    };
    let values = values
        .into_iter()
        .map(|v| widen_number(v, t))
        .collect::<Vec<_>>();
    Some(mk(
        cx,
        ExprKind::Literal(Value::from_values(values)),
        t,
        span,
    ))
}

fn widen_number(v: Value, t: DataType) -> Value {
    match (v, t) {
        (Value::Integer(i), DataType::Long) => Value::Long(i as i64),
        (Value::Integer(i), DataType::Double) => Value::Double(i as f64),
        (Value::Long(i), DataType::Double) => Value::Double(i as f64),
        (Value::UnsignedLong(u), DataType::Double) => Value::Double(u as f64),
        (Value::Integer(i), DataType::UnsignedLong) if i >= 0 => Value::UnsignedLong(i as u64),
        (Value::Long(i), DataType::UnsignedLong) if i >= 0 => Value::UnsignedLong(i as u64),
        (v, _) => v,
    }
}

/// A resolver for constant-only contexts (list elements).
struct NoColumns;

impl Resolver for NoColumns {
    fn column(&mut self, cx: &mut Cx, name: &str, span: Span) -> Option<Expr> {
        cx.error(span, format!("Unknown column [{name}]"));
        None
    }
}

fn lower_call(cx: &mut Cx, r: &mut dyn Resolver, call: &ast::FunctionCall) -> Option<Expr> {
    let span = call.span;
    let FunctionName::Ident(id) = &call.name else {
        cx.unsupported(
            span,
            "function names given as parameters are not supported by detsim",
        );
        return None;
    };
    let lower_name = id.name.to_ascii_lowercase();
    let canonical = functions::canonical_alias(&lower_name).to_owned();
    if let Some(f) = AggregateFunction::from_name(&canonical) {
        return r.aggregate(cx, f, call);
    }
    let Some(f) = ScalarFunction::from_name(&canonical) else {
        if functions::is_unsupported(&canonical) {
            cx.unsupported(
                span,
                format!("function [{lower_name}] is not supported by detsim"),
            );
        } else {
            let known: Vec<&str> = ScalarFunction::ALL
                .iter()
                .map(|f| f.name())
                .chain(AggregateFunction::ALL.iter().map(|f| f.name()))
                .chain(functions::UNSUPPORTED_FUNCTIONS.iter().copied())
                .collect();
            cx.error(
                span,
                unknown_message("Unknown function", &lower_name, &known),
            );
        }
        return None;
    };
    let args = match &call.args {
        FunctionArgs::Star => {
            cx.error(
                span,
                format!(
                    "[*] is only allowed in [count], found in [{}]",
                    cx.text(span)
                ),
            );
            return None;
        }
        FunctionArgs::List { args, options } => {
            if let Some(m) = options {
                cx.unsupported(
                    m.span,
                    format!("options of [{lower_name}] are not supported by detsim"),
                );
                return None;
            }
            args
        }
    };
    if let Some(msg) = signatures::arity_error(f, args.len()) {
        cx.error(span, msg);
        return None;
    }
    let lowered: Vec<Option<Expr>> = args.iter().map(|a| lower(cx, r, a)).collect();
    let lowered: Option<Vec<Expr>> = lowered.into_iter().collect();
    let n = args.len();
    let mut lowered: Vec<Expr> = lowered?
        .into_iter()
        .enumerate()
        .map(|(i, e)| cast_literal(cx, e, signatures::literal_target(f, i, n)))
        .collect::<Option<Vec<_>>>()?;
    let arg_views: Vec<Arg> = lowered.iter().map(arg_of).collect();
    for (e, to) in lowered
        .iter_mut()
        .zip(signatures::mixed_numeric_casts(f, &arg_views))
    {
        if let Some(to) = to {
            let inner = std::mem::replace(
                e,
                Expr::literal(Value::Null, DataType::Null, "", e.position),
            );
            let (text, pos) = (inner.text.clone(), inner.position);
            *e = Expr::new(
                ExprKind::Cast {
                    value: Box::new(inner),
                    to,
                },
                to,
                text,
                pos,
            );
        }
    }
    let arg_views: Vec<Arg> = lowered.iter().map(arg_of).collect();
    let text = cx.text(span).to_owned();
    match signatures::resolve(f, &text, &arg_views) {
        Ok(t) => Some(mk(
            cx,
            ExprKind::Call {
                function: f,
                args: lowered,
            },
            t,
            span,
        )),
        Err(msg) => {
            cx.error(span, msg);
            None
        }
    }
}

/// The type a `::name` cast converts to.
pub(crate) fn cast_type(name: &str) -> Option<DataType> {
    Some(match name.to_ascii_lowercase().as_str() {
        "boolean" | "bool" => DataType::Boolean,
        "integer" | "int" => DataType::Integer,
        "long" => DataType::Long,
        "double" => DataType::Double,
        "unsigned_long" => DataType::UnsignedLong,
        "keyword" | "string" => DataType::Keyword,
        "text" => DataType::Text,
        "ip" => DataType::Ip,
        "version" => DataType::Version,
        "datetime" | "date" => DataType::Date,
        "date_nanos" => DataType::DateNanos,
        "date_period" => DataType::DatePeriod,
        "time_duration" => DataType::TimeDuration,
        "geo_point" => DataType::GeoPoint,
        _ => return None,
    })
}

fn lower_cast(cx: &mut Cx, value: Expr, type_name: &str, span: Span) -> Option<Expr> {
    let Some(to) = cast_type(type_name) else {
        cx.error(span, format!("Unknown data type named [{type_name}]"));
        return None;
    };
    if signatures::conversion_function(to).is_none() {
        cx.unsupported(
            span,
            format!(
                "casting to [{}] is not supported by detsim",
                type_name.to_ascii_lowercase()
            ),
        );
        return None;
    }
    let text = cx.text(span).to_owned();
    if let Err(msg) = signatures::check_conversion(to, &text, &arg_of(&value)) {
        cx.error(span, msg);
        return None;
    }
    let result = if to == DataType::Text {
        DataType::Keyword
    } else {
        to
    };
    let kind = ExprKind::Cast {
        value: Box::new(value),
        to: result,
    };
    Some(mk(cx, kind, result, span))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cast_names_and_unquoting() {
        assert_eq!(cast_type("DATETIME"), Some(DataType::Date));
        assert_eq!(cast_type("string"), Some(DataType::Keyword));
        assert_eq!(cast_type("nope"), None);
        assert_eq!(unquote("`a``b`"), "a`b");
    }
}
