//! Operators: comparisons, arithmetic, AND/OR, IN and LIKE/RLIKE, with ES's implicit string-literal
//! casts and type messages (`EsqlBinaryComparison`, `EsqlArithmeticOperation`, `In`, `RegexMatch`).

use super::Cx;
use super::arg::{accepted_list, common_numeric, expect, ordinal, type_name, type_name_upper};
use super::expr::{arg_of, cast_literal, mk, string_literal};
use super::fold;
use super::signatures::LiteralTarget;
use crate::ast::{BinaryOp, LikeKind};
use crate::plan::{ArithmeticOp, ComparisonOp, Expr, ExprKind};
use crate::{DataType, Span, Value};

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

pub(crate) fn lower_binary(
    cx: &mut Cx,
    op: BinaryOp,
    l: Expr,
    r: Expr,
    span: Span,
) -> Option<Expr> {
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

pub(crate) fn lower_in(
    cx: &mut Cx,
    value: Expr,
    list: Vec<Expr>,
    negated: bool,
    span: Span,
) -> Option<Expr> {
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
pub(crate) fn english_ordinal(n: usize) -> String {
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

pub(crate) fn lower_like(
    cx: &mut Cx,
    value: Expr,
    kind: LikeKind,
    patterns: Vec<Expr>,
    negated: bool,
    span: Span,
    constant: &dyn Fn(usize) -> Option<Value>,
) -> Option<Expr> {
    let text = cx.text(span).to_owned();
    if let Err(msg) = expect(&arg_of(&value), "", &text, "string", DataType::is_string) {
        cx.error(span, msg);
        return None;
    }
    let mut strings = Vec::new();
    for p in &patterns {
        match fold::fold_with(p, constant) {
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
    fn in_list_ordinals() {
        // VerifierTests.testMixedNonConvertibleTypesInIn numbers list elements `1st`, `2nd`, …
        assert_eq!(english_ordinal(1), "1st");
        assert_eq!(english_ordinal(2), "2nd");
        assert_eq!(english_ordinal(11), "11th");
        assert_eq!(english_ordinal(23), "23rd");
    }
}
