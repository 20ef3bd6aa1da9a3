//! Constant folding of the plan expressions the analyzer needs as constants: LIKE/RLIKE patterns
//! (`concat("Eber", "*")`), constant function arguments (`count_distinct(x, 3000)`, `mv_sort(x, "desc")`).
//!
//! Only the operations such constants are built from are folded: literals, `concat`, `to_lower`,
//! `to_upper`, `trim`/`ltrim`/`rtrim`, `to_string` and string casts of literals, negation and whole-number
//! `+ - *`. Anything else is "not a constant" (`None`), which callers report.

use crate::functions::ScalarFunction;
use crate::plan::{ArithmeticOp, Expr, ExprKind};
use crate::{DataType, Value};

/// The value of `e` if it is a constant the analyzer can fold.
pub fn fold(e: &Expr) -> Option<Value> {
    fold_with(e, &|_| None)
}

/// Like [`fold`], with `column(i)` giving the constant value of input column `i` when it has one
/// (ES propagates constants computed by EVAL/ROW into LIKE/RLIKE patterns,
/// spec:where-like/likeMultiLevelEvalChain).
pub fn fold_with(e: &Expr, column: &dyn Fn(usize) -> Option<Value>) -> Option<Value> {
    let fold = |e: &Expr| fold_with(e, column);
    match &e.kind {
        ExprKind::Literal(v) => Some(v.clone()),
        ExprKind::Column(i) => column(*i),
        ExprKind::Negate(inner) => match fold(inner)? {
            Value::Null => Some(Value::Null),
            Value::Integer(i) => i.checked_neg().map(Value::Integer),
            Value::Long(i) => i.checked_neg().map(Value::Long),
            Value::Double(d) => Some(Value::Double(-d)),
            Value::TimeDuration(ms) => Some(Value::TimeDuration(-ms)),
            _ => None,
        },
        ExprKind::Arithmetic { op, left, right } => {
            let (l, r) = (fold(left)?, fold(right)?);
            whole_arith(*op, &l, &r, e.data_type)
        }
        ExprKind::Cast {
            value,
            to: DataType::Keyword | DataType::Text,
        } => to_string(fold(value)?),
        ExprKind::Call { function, args } => {
            let values: Vec<Value> = args.iter().map(fold).collect::<Option<Vec<_>>>()?;
            fold_call(*function, values)
        }
        _ => None,
    }
}

fn to_string(v: Value) -> Option<Value> {
    match v {
        Value::Null => Some(Value::Null),
        Value::Keyword(s) => Some(Value::Keyword(s)),
        v @ (Value::Integer(_) | Value::Long(_) | Value::Boolean(_) | Value::Double(_)) => {
            Some(Value::Keyword(v.to_string()))
        }
        _ => None,
    }
}

fn whole_arith(op: ArithmeticOp, l: &Value, r: &Value, t: DataType) -> Option<Value> {
    if l.is_null() || r.is_null() {
        return Some(Value::Null);
    }
    let as_i64 = |v: &Value| match v {
        Value::Integer(i) => Some(*i as i64),
        Value::Long(i) => Some(*i),
        _ => None,
    };
    let (a, b) = (as_i64(l)?, as_i64(r)?);
    let n = match op {
        ArithmeticOp::Add => a.checked_add(b)?,
        ArithmeticOp::Sub => a.checked_sub(b)?,
        ArithmeticOp::Mul => a.checked_mul(b)?,
        _ => return None,
    };
    match t {
        DataType::Integer => i32::try_from(n).ok().map(Value::Integer),
        DataType::Long => Some(Value::Long(n)),
        _ => None,
    }
}

fn fold_call(f: ScalarFunction, values: Vec<Value>) -> Option<Value> {
    let string = |v: &Value| match v {
        Value::Keyword(s) => Some(s.clone()),
        _ => None,
    };
    if values.iter().any(Value::is_null) {
        return Some(Value::Null);
    }
    match f {
        ScalarFunction::Concat => {
            let parts: Vec<String> = values.iter().map(string).collect::<Option<Vec<_>>>()?;
            Some(Value::Keyword(parts.concat()))
        }
        ScalarFunction::ToLower => Some(Value::Keyword(string(&values[0])?.to_lowercase())),
        ScalarFunction::ToUpper => Some(Value::Keyword(string(&values[0])?.to_uppercase())),
        ScalarFunction::Trim => Some(Value::Keyword(string(&values[0])?.trim().to_owned())),
        ScalarFunction::Ltrim => Some(Value::Keyword(string(&values[0])?.trim_start().to_owned())),
        ScalarFunction::Rtrim => Some(Value::Keyword(string(&values[0])?.trim_end().to_owned())),
        ScalarFunction::ToString => to_string(values[0].clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Position;

    fn lit(v: Value, t: DataType) -> Expr {
        Expr::literal(v, t, "x", Position::default())
    }

    #[test]
    fn folds_concat_patterns_and_integers() {
        // spec:where-like/likeEvalFoldable-style pattern `concat("Eber", "*")`
        let call = Expr::new(
            ExprKind::Call {
                function: ScalarFunction::Concat,
                args: vec![
                    lit(Value::keyword("Eber"), DataType::Keyword),
                    lit(Value::keyword("*"), DataType::Keyword),
                ],
            },
            DataType::Keyword,
            "concat(\"Eber\", \"*\")",
            Position::default(),
        );
        assert_eq!(fold(&call), Some(Value::keyword("Eber*")));
        let sum = Expr::new(
            ExprKind::Arithmetic {
                op: ArithmeticOp::Add,
                left: Box::new(lit(Value::Integer(1), DataType::Integer)),
                right: Box::new(lit(Value::Integer(2), DataType::Integer)),
            },
            DataType::Integer,
            "1 + 2",
            Position::default(),
        );
        assert_eq!(fold(&sum), Some(Value::Integer(3)));
        let col = Expr::column(0, DataType::Keyword, "a", Position::default());
        assert_eq!(fold(&col), None);
    }
}
