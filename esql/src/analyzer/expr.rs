//! Lowering of AST expressions to typed plan expressions, with ES's type rules, implicit casts and
//! verification messages.
//!
//! Name resolution and aggregate calls are delegated to a [`Resolver`], so the same lowering serves
//! row commands (columns of the input row) and STATS (group keys and aggregate results).

use super::arg::{Arg, accepted_list, common_numeric, expect, ordinal, type_name, type_name_upper};
use super::literal;
use super::scope::{Scope, unknown_message};
use super::signatures::{self, LiteralTarget};
use super::{Cx, fold};
use crate::ast::{self, BinaryOp, ExprKind as A, FunctionArgs, FunctionName, LikeKind, Sign};
use crate::functions::{self, AggregateFunction, ScalarFunction};
use crate::plan::{ArithmeticOp, ComparisonOp, Expr, ExprKind};
use crate::{DataType, Span, Value};

/// Resolves names and aggregate calls for expression lowering.
pub(crate) trait Resolver {
    /// The expression a column reference `name` (written at `span`) stands for; records a problem and
    /// returns `None` when it cannot be used.
    fn column(&mut self, cx: &mut Cx, name: &str, span: Span) -> Option<Expr>;

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
fn string_literal(e: &Expr) -> Option<&str> {
    match (&e.kind, e.data_type) {
        (ExprKind::Literal(Value::Keyword(s)), DataType::Keyword) => Some(s),
        _ => None,
    }
}

/// Applies ES's implicit cast of a string literal to `to`; other expressions are returned unchanged.
fn cast_literal(cx: &mut Cx, e: Expr, to: LiteralTarget) -> Option<Expr> {
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
            lower_like(cx, value, *kind, pats?, *negated, span)
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
        ast::Literal::String(s) => (Value::Keyword(s.value.clone()), DataType::Keyword),
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

/// ES's implicit cast of a string literal operand to the other operand's date, IP, version or
/// boolean type (and to a date next to a time span in `+`/`-`).
fn cast_binary_operands(cx: &mut Cx, op: BinaryOp, l: Expr, r: Expr) -> Option<(Expr, Expr)> {
    let castable = |t: DataType| {
        matches!(
            t,
            DataType::Date
                | DataType::DateNanos
                | DataType::Ip
                | DataType::Version
                | DataType::Boolean
        )
    };
    let temporal = |t: DataType| matches!(t, DataType::TimeDuration | DataType::DatePeriod);
    let date_arith = matches!(op, BinaryOp::Add | BinaryOp::Sub);
    let target = |other: DataType| {
        if castable(other) {
            Some(other)
        } else if temporal(other) && date_arith {
            Some(DataType::Date)
        } else {
            None
        }
    };
    if string_literal(&r).is_some()
        && let Some(t) = target(l.data_type)
    {
        let r = cast_literal(cx, r, LiteralTarget::Type(t))?;
        return Some((l, r));
    }
    if string_literal(&l).is_some()
        && let Some(t) = target(r.data_type)
    {
        let l = cast_literal(cx, l, LiteralTarget::Type(t))?;
        return Some((l, r));
    }
    Some((l, r))
}

fn lower_binary(cx: &mut Cx, op: BinaryOp, l: Expr, r: Expr, span: Span) -> Option<Expr> {
    let text = cx.text(span).to_owned();
    match op {
        BinaryOp::And | BinaryOp::Or => {
            for (i, e) in [&l, &r].into_iter().enumerate() {
                if let Err(msg) = expect(&arg_of(e), ordinal(i), &text, "boolean", |t| {
                    t == DataType::Boolean
                }) {
                    cx.error(span, msg);
                    return None;
                }
            }
            let kind = if op == BinaryOp::And {
                ExprKind::And(Box::new(l), Box::new(r))
            } else {
                ExprKind::Or(Box::new(l), Box::new(r))
            };
            Some(mk(cx, kind, DataType::Boolean, span))
        }
        _ if op.is_comparison() => {
            let (l, r) = cast_binary_operands(cx, op, l, r)?;
            match comparison_check(op, &text, &l, &r) {
                Ok(()) => {
                    let kind = ExprKind::Comparison {
                        op: comparison_op(op),
                        left: Box::new(l),
                        right: Box::new(r),
                    };
                    Some(mk(cx, kind, DataType::Boolean, span))
                }
                Err(msg) => {
                    cx.error(span, msg);
                    None
                }
            }
        }
        _ => {
            let (l, r) = cast_binary_operands(cx, op, l, r)?;
            match arithmetic_type(op, &text, &l, &r) {
                Ok(t) => {
                    let kind = ExprKind::Arithmetic {
                        op: arithmetic_op(op),
                        left: Box::new(l),
                        right: Box::new(r),
                    };
                    Some(mk(cx, kind, t, span))
                }
                Err(msg) => {
                    cx.error(span, msg);
                    None
                }
            }
        }
    }
}

fn comparison_op(op: BinaryOp) -> ComparisonOp {
    match op {
        BinaryOp::Eq => ComparisonOp::Eq,
        BinaryOp::Neq => ComparisonOp::Neq,
        BinaryOp::Lt => ComparisonOp::Lt,
        BinaryOp::Lte => ComparisonOp::Lte,
        BinaryOp::Gt => ComparisonOp::Gt,
        _ => ComparisonOp::Gte,
    }
}

fn arithmetic_op(op: BinaryOp) -> ArithmeticOp {
    match op {
        BinaryOp::Add => ArithmeticOp::Add,
        BinaryOp::Sub => ArithmeticOp::Sub,
        BinaryOp::Mul => ArithmeticOp::Mul,
        BinaryOp::Div => ArithmeticOp::Div,
        _ => ArithmeticOp::Mod,
    }
}

/// ES's `EsqlBinaryComparison` checks: each operand of a supported type, then compatible types.
fn comparison_check(op: BinaryOp, text: &str, l: &Expr, r: &Expr) -> Result<(), String> {
    use DataType as T;
    let equality = matches!(op, BinaryOp::Eq | BinaryOp::Neq);
    let names: &[&str] = if equality {
        &[
            "boolean",
            "cartesian_point",
            "cartesian_shape",
            "date_nanos",
            "datetime",
            "double",
            "geo_point",
            "geo_shape",
            "integer",
            "ip",
            "keyword",
            "long",
            "text",
            "unsigned_long",
            "version",
        ]
    } else {
        &[
            "date_nanos",
            "datetime",
            "double",
            "integer",
            "ip",
            "keyword",
            "long",
            "text",
            "unsigned_long",
            "version",
        ]
    };
    let accepted = accepted_list(names);
    let ok = |t: DataType| {
        matches!(
            t,
            T::DateNanos
                | T::Date
                | T::Double
                | T::Integer
                | T::Ip
                | T::Keyword
                | T::Long
                | T::Text
                | T::UnsignedLong
                | T::Version
        ) || (equality && matches!(t, T::Boolean | T::GeoPoint))
    };
    expect(&arg_of(l), ordinal(0), text, &accepted, ok)?;
    expect(&arg_of(r), ordinal(1), text, &accepted, ok)?;
    let (lt, rt) = (l.data_type, r.data_type);
    let incompatible = || {
        if lt == T::UnsignedLong {
            format!(
                "first argument of [{text}] is [unsigned_long] and second is [{}]. [unsigned_long] can only be operated on together with another [unsigned_long]",
                type_name(rt)
            )
        } else if rt == T::UnsignedLong {
            format!(
                "first argument of [{text}] is [{}] and second is [unsigned_long]. [unsigned_long] can only be operated on together with another [unsigned_long]",
                type_name(lt)
            )
        } else {
            let l_name = if lt.is_numeric() {
                "numeric"
            } else {
                type_name(lt)
            };
            format!(
                "first argument of [{text}] is [{l_name}] so second argument must also be [{l_name}] but was [{}]",
                type_name(rt)
            )
        }
    };
    if (rt == T::UnsignedLong && !matches!(lt, T::UnsignedLong | T::Null))
        || (lt == T::UnsignedLong && !matches!(rt, T::UnsignedLong | T::Null))
    {
        return Err(incompatible());
    }
    let compatible = (lt.is_numeric() && rt.is_numeric())
        || (lt.is_string() && rt.is_string())
        || (lt.is_date() && rt.is_date())
        || lt == rt
        || lt == T::Null
        || rt == T::Null;
    if compatible {
        Ok(())
    } else {
        Err(incompatible())
    }
}

/// ES's arithmetic type rules: numbers widen (`integer < long < double`, `unsigned_long` only with
/// itself); `+`/`-` also add a time span to a date, or combine two spans of one kind.
fn arithmetic_type(op: BinaryOp, text: &str, l: &Expr, r: &Expr) -> Result<DataType, String> {
    use DataType as T;
    let symbol = op.as_str();
    let temporal = |t: DataType| matches!(t, T::TimeDuration | T::DatePeriod);
    let date_arith = matches!(op, BinaryOp::Add | BinaryOp::Sub);
    let accepted = if date_arith {
        "date_nanos, datetime or numeric"
    } else {
        "numeric"
    };
    let input_ok = |t: DataType| t.is_numeric() || (date_arith && (t.is_date() || temporal(t)));
    expect(&arg_of(l), ordinal(0), text, accepted, input_ok)?;
    expect(&arg_of(r), ordinal(1), text, accepted, input_ok)?;
    let (lt, rt) = (l.data_type, r.data_type);
    let incompatible = || {
        format!(
            "[{symbol}] has arguments with incompatible types [{}] and [{}]",
            type_name(lt),
            type_name(rt)
        )
    };
    let any_dt = |f: &dyn Fn(DataType) -> bool| f(lt) || f(rt);
    if date_arith && any_dt(&|t| t.is_date() || temporal(t)) {
        if lt.is_date() && (temporal(rt) || rt == T::Null) {
            return Ok(lt);
        }
        if op == BinaryOp::Add && rt.is_date() && (temporal(lt) || lt == T::Null) {
            return Ok(rt);
        }
        if op == BinaryOp::Sub && rt.is_date() && temporal(lt) {
            return Err(format!(
                "[-] arguments are in unsupported order: cannot subtract a [{}] value [{}] from a [{}] amount [{}]",
                type_name_upper(rt),
                r.text,
                type_name_upper(lt),
                l.text
            ));
        }
        if temporal(lt) && (lt == rt || rt == T::Null) {
            return Ok(lt);
        }
        if temporal(rt) && lt == T::Null {
            return Ok(rt);
        }
        return Err(incompatible());
    }
    match common_numeric(lt, rt) {
        Some(t) => Ok(t),
        None => Err(incompatible()),
    }
}

fn lower_in(cx: &mut Cx, value: Expr, list: Vec<Expr>, negated: bool, span: Span) -> Option<Expr> {
    use DataType as T;
    let text = cx.text(span).to_owned();
    let vt = value.data_type;
    let castable = matches!(vt, T::Date | T::DateNanos | T::Ip | T::Version | T::Boolean);
    let list: Vec<Expr> = if castable {
        list.into_iter()
            .map(|e| cast_literal(cx, e, LiteralTarget::Type(vt)))
            .collect::<Option<Vec<_>>>()?
    } else {
        list
    };
    let compatible = |a: DataType, b: DataType| {
        if a == T::UnsignedLong || b == T::UnsignedLong {
            return a == b || a == T::Null || b == T::Null;
        }
        a == b
            || a == T::Null
            || b == T::Null
            || (a.is_string() && b.is_string())
            || (a.is_numeric() && b.is_numeric())
            || (a.is_date() && b.is_date())
    };
    for (i, item) in list.iter().enumerate() {
        let bad_span = matches!(item.data_type, T::TimeDuration | T::DatePeriod);
        if bad_span || !compatible(vt, item.data_type) {
            let msg = format!(
                "{} argument of [{text}] must be [{}], found value [{}] type [{}]",
                english_ordinal(i + 1),
                type_name(vt),
                arg_of(item).name,
                type_name(item.data_type)
            );
            cx.error(span, msg);
            return None;
        }
    }
    let inner = mk(
        cx,
        ExprKind::In {
            value: Box::new(value),
            list,
        },
        T::Boolean,
        span,
    );
    Some(negate_if(cx, inner, negated, span))
}

/// `1st`, `2nd`, `3rd`, `4th`, … as ES's `In` messages number list elements.
fn english_ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, 11) | (2, 12) | (3, 13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

fn negate_if(cx: &Cx, e: Expr, negated: bool, span: Span) -> Expr {
    if negated {
        mk(cx, ExprKind::Not(Box::new(e)), DataType::Boolean, span)
    } else {
        e
    }
}

fn lower_like(
    cx: &mut Cx,
    value: Expr,
    kind: LikeKind,
    patterns: Vec<Expr>,
    negated: bool,
    span: Span,
) -> Option<Expr> {
    let text = cx.text(span).to_owned();
    if let Err(msg) = expect(&arg_of(&value), "", &text, "string", DataType::is_string) {
        cx.error(span, msg);
        return None;
    }
    let mut strings = Vec::new();
    for p in &patterns {
        match fold::fold(p) {
            Some(Value::Keyword(s)) if p.data_type.is_string() => strings.push(s),
            Some(_) | None => {
                let msg = format!(
                    "pattern of [{text}] must be a constant string, found [{}] type [{}]",
                    p.text,
                    type_name(p.data_type)
                );
                cx.error_at(p.position, msg);
                return None;
            }
        }
    }
    let kind = match kind {
        LikeKind::Like => ExprKind::Like {
            value: Box::new(value),
            patterns: strings,
        },
        LikeKind::RLike => ExprKind::RLike {
            value: Box::new(value),
            patterns: strings,
        },
    };
    let inner = mk(cx, kind, DataType::Boolean, span);
    Some(negate_if(cx, inner, negated, span))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals_and_cast_names() {
        assert_eq!(english_ordinal(1), "1st");
        assert_eq!(english_ordinal(2), "2nd");
        assert_eq!(english_ordinal(11), "11th");
        assert_eq!(english_ordinal(23), "23rd");
        assert_eq!(cast_type("DATETIME"), Some(DataType::Date));
        assert_eq!(cast_type("string"), Some(DataType::Keyword));
        assert_eq!(cast_type("nope"), None);
        assert_eq!(unquote("`a``b`"), "a`b");
    }
}
