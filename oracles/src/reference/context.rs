//! Per-evaluation state shared by every command and expression: the warnings collected so far (ES's
//! `Warnings`, SEMANTICS.md §2.2) and the injected clock for `NOW()`.
//!
//! Also the single-value guard every single-value operator and function goes through: a null argument
//! gives null silently, a multi-valued one gives null plus ES's two warning lines.

use esql::plan::{Expr, ExprKind};
use esql::{Value, Warnings};

/// State of one evaluation.
#[derive(Debug, Default)]
pub struct Context {
    /// Warnings in ES's order and caps.
    pub warnings: Warnings,
    /// What `NOW()` returns (epoch milliseconds).
    pub now_millis: i64,
}

impl Context {
    /// A fresh context with the clock at `now_millis`.
    pub fn new(now_millis: i64) -> Context {
        Context {
            warnings: Warnings::new(),
            now_millis,
        }
    }

    /// Records that `expr` failed with the Java exception line `exception` (the result is then null).
    pub fn fail(&mut self, expr: &Expr, exception: &str) {
        self.warnings.failure(expr.position, &expr.text, exception);
    }

    /// Records that `expr` met a multi-value where it needs a single value.
    pub fn multi_value(&mut self, expr: &Expr) {
        self.warnings.multi_value(expr.position, &expr.text);
    }

    /// The single values of `args` for the single-value operation `expr`, or `None` when the result is
    /// null: a `null` literal argument folds the whole call to null (ES's FoldNull rule, no warning);
    /// otherwise arguments are checked left to right as ES's generated evaluators do: a null gives null
    /// silently, a multi-value gives null plus the two warnings.
    pub fn singles<'v>(&mut self, expr: &Expr, args: &'v [Value]) -> Option<Vec<&'v Value>> {
        if expr
            .children()
            .iter()
            .any(|c| matches!(c.kind, ExprKind::Literal(Value::Null)))
        {
            return None;
        }
        let mut out = Vec::with_capacity(args.len());
        for a in args {
            match a {
                Value::Null => return None,
                Value::Multi(_) => {
                    self.multi_value(expr);
                    return None;
                }
                v => out.push(v),
            }
        }
        Some(out)
    }

    /// [`Context::singles`] for one argument.
    pub fn single<'v>(&mut self, expr: &Expr, arg: &'v Value) -> Option<&'v Value> {
        match arg {
            Value::Null => None,
            Value::Multi(_) => {
                self.multi_value(expr);
                None
            }
            v => Some(v),
        }
    }
}
