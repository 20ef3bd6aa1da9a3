//! Three-valued (Kleene) NOT, AND and OR. SEMANTICS.md §2.1: `true AND null = null`,
//! `false AND null = false`, `true OR null = true`, `false OR null = null`, `NOT null = null`
//! (spec:boolean trueNull/falseNull/nullTrue/nullFalse/nullNull/notNull).
//!
//! NOT is a single-value function (a multi-value gives null plus warnings); AND and OR read a
//! multi-valued operand as unknown (null), as ES's boolean-logic evaluator does.

use esql::Value;
use esql::plan::Expr;

use crate::reference::Context;

fn truth(v: &Value) -> Option<bool> {
    match v {
        Value::Boolean(b) => Some(*b),
        _ => None,
    }
}

fn from_truth(t: Option<bool>) -> Value {
    t.map(Value::Boolean).unwrap_or(Value::Null)
}

/// `NOT v`.
pub fn not(expr: &Expr, v: &Value, ctx: &mut Context) -> Value {
    match ctx.single(expr, v) {
        Some(Value::Boolean(b)) => Value::Boolean(!b),
        _ => Value::Null,
    }
}

/// `l AND r`.
pub fn and(l: &Value, r: &Value) -> Value {
    match (truth(l), truth(r)) {
        (Some(false), _) | (_, Some(false)) => Value::Boolean(false),
        (Some(true), Some(true)) => Value::Boolean(true),
        _ => from_truth(None),
    }
}

/// `l OR r`.
pub fn or(l: &Value, r: &Value) -> Value {
    match (truth(l), truth(r)) {
        (Some(true), _) | (_, Some(true)) => Value::Boolean(true),
        (Some(false), Some(false)) => Value::Boolean(false),
        _ => from_truth(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::test_utils::lit_bool;

    const T: Value = Value::Boolean(true);
    const F: Value = Value::Boolean(false);
    const N: Value = Value::Null;

    /// spec:boolean trueNull, falseNull, nullTrue, nullFalse, nullNull.
    #[test]
    fn and_or_follow_kleene_logic() {
        assert_eq!(and(&T, &N), N);
        assert_eq!(and(&F, &N), F);
        assert_eq!(and(&N, &F), F);
        assert_eq!(and(&N, &N), N);
        assert_eq!(and(&T, &T), T);
        assert_eq!(or(&T, &N), T);
        assert_eq!(or(&N, &T), T);
        assert_eq!(or(&F, &N), N);
        assert_eq!(or(&F, &F), F);
        assert_eq!(or(&N, &N), N);
    }

    /// spec:boolean/notNull: `NOT null` is null; a multi-value is null plus warnings.
    #[test]
    fn not_of_null_is_null_and_of_multi_warns() {
        let mut ctx = Context::new(0);
        let e = lit_bool(true);
        assert_eq!(not(&e, &N, &mut ctx), N);
        assert_eq!(not(&e, &T, &mut ctx), F);
        assert!(ctx.warnings.lines().is_empty());
        assert_eq!(not(&e, &Value::Multi(vec![T, F]), &mut ctx), N);
        assert_eq!(ctx.warnings.lines().len(), 2);
    }
}
