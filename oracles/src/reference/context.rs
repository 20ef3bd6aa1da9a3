//! Per-evaluation state shared by every command and expression: the warnings collected so far (ES's
//! `Warnings`, SEMANTICS.md §2.2) and the injected clock for `NOW()`.
//!
//! It also keeps each GROK command's compiled pattern, so a pattern is expanded and compiled once per
//! evaluation rather than once per row.
//!
//! Also the single-value guard every single-value operator and function goes through: a null argument
//! gives null silently, a multi-valued one gives null plus ES's two warning lines.

use std::collections::HashMap;
use std::rc::Rc;

use esql::grok::GrokPattern;
use esql::plan::{Expr, ExprKind};
use esql::{EvalError, Value, Warnings};

/// A GROK command's patterns, expanded and compiled.
#[derive(Debug)]
pub struct CompiledGrok {
    /// The expansion: regular expression and captures.
    pub pattern: GrokPattern,
    /// The compiled regular expression.
    pub regex: fancy_regex::Regex,
}

/// State of one evaluation.
#[derive(Debug, Default)]
pub struct Context {
    /// Warnings in ES's order and caps.
    pub warnings: Warnings,
    /// What `NOW()` returns (epoch milliseconds).
    pub now_millis: i64,
    /// Compiled GROK patterns, by the command's pattern list.
    grok: HashMap<Vec<String>, Rc<CompiledGrok>>,
}

impl Context {
    /// A fresh context with the clock at `now_millis`.
    pub fn new(now_millis: i64) -> Context {
        Context {
            warnings: Warnings::new(),
            now_millis,
            grok: HashMap::new(),
        }
    }

    /// The compiled form of a GROK command's `patterns` (compiled on first use).
    pub fn grok(&mut self, patterns: &[String]) -> Result<Rc<CompiledGrok>, EvalError> {
        if let Some(c) = self.grok.get(patterns) {
            return Ok(Rc::clone(c));
        }
        let bad = |e: String| EvalError::Execution(format!("GROK {patterns:?}: {e}"));
        let pattern = esql::grok::compile_all(patterns).map_err(|e| bad(e.to_string()))?;
        let regex = fancy_regex::Regex::new(&pattern.regex).map_err(|e| bad(e.to_string()))?;
        let compiled = Rc::new(CompiledGrok { pattern, regex });
        self.grok.insert(patterns.to_vec(), Rc::clone(&compiled));
        Ok(compiled)
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
