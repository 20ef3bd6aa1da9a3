//! Small constructors for hand-built plans, used by unit tests until (and besides) the parser and
//! analyzer produce plans from query text. Positions default to line 1, column 1 unless given.

use esql::functions::{AggregateFunction, ScalarFunction};
use esql::plan::{
    AggregateCall, ArithmeticOp, Column, ComparisonOp, Expr, ExprKind, FromSource, Plan, RowSource,
    Schema, Source, SourceField, Step, StepKind,
};
use esql::{DataType, Position, Span, Value};

/// Line 1, column 1.
pub const P1: Position = Position { line: 1, column: 1 };

/// A position.
pub fn pos(line: u32, column: u32) -> Position {
    Position { line, column }
}

/// The type a literal value has.
pub fn type_of(v: &Value) -> DataType {
    match v {
        Value::Null => DataType::Null,
        Value::Boolean(_) => DataType::Boolean,
        Value::Integer(_) => DataType::Integer,
        Value::Long(_) => DataType::Long,
        Value::UnsignedLong(_) => DataType::UnsignedLong,
        Value::Double(_) => DataType::Double,
        Value::Keyword(_) => DataType::Keyword,
        Value::Ip(_) => DataType::Ip,
        Value::Version(_) => DataType::Version,
        Value::Date(_) => DataType::Date,
        Value::DateNanos(_) => DataType::DateNanos,
        Value::TimeDuration(_) => DataType::TimeDuration,
        Value::DatePeriod { .. } => DataType::DatePeriod,
        Value::Multi(vs) => vs.first().map(type_of).unwrap_or(DataType::Null),
    }
}

/// A literal typed after its value, its text the value's display form.
pub fn lit(v: Value) -> Expr {
    let t = type_of(&v);
    let text = match &v {
        Value::Keyword(s) => format!("{s:?}"),
        other => other.to_string(),
    };
    Expr::literal(v, t, text, P1)
}

/// A boolean literal.
pub fn lit_bool(b: bool) -> Expr {
    lit(Value::Boolean(b))
}

/// A keyword literal.
pub fn kw(s: &str) -> Expr {
    lit(Value::keyword(s))
}

/// An integer literal.
pub fn int(i: i32) -> Expr {
    lit(Value::Integer(i))
}

/// A null literal.
pub fn null() -> Expr {
    lit(Value::Null)
}

/// A placeholder expression of type `t` with source text `text` (for operator unit tests).
pub fn typed_expr(t: DataType, text: &str) -> Expr {
    Expr::literal(Value::Null, t, text, P1)
}

/// Column `i` named `name` of type `t`.
pub fn col(i: usize, name: &str, t: DataType) -> Expr {
    Expr::column(i, t, name, P1)
}

/// Sets an expression's text and position.
pub fn at(mut e: Expr, text: &str, position: Position) -> Expr {
    e.text = text.to_owned();
    e.position = position;
    e
}

/// `a op b` (boolean).
pub fn cmp(op: ComparisonOp, a: Expr, b: Expr) -> Expr {
    let text = format!("{} {} {}", a.text, op.symbol(), b.text);
    Expr::new(
        ExprKind::Comparison {
            op,
            left: Box::new(a),
            right: Box::new(b),
        },
        DataType::Boolean,
        text,
        P1,
    )
}

/// `a == b`.
pub fn eq(a: Expr, b: Expr) -> Expr {
    cmp(ComparisonOp::Eq, a, b)
}

/// `a op b` typed `t`.
pub fn arith(op: ArithmeticOp, a: Expr, b: Expr, t: DataType) -> Expr {
    let text = format!("{} {} {}", a.text, op.symbol(), b.text);
    Expr::new(
        ExprKind::Arithmetic {
            op,
            left: Box::new(a),
            right: Box::new(b),
        },
        t,
        text,
        P1,
    )
}

/// `a AND b`.
pub fn and(a: Expr, b: Expr) -> Expr {
    let text = format!("{} and {}", a.text, b.text);
    Expr::new(
        ExprKind::And(Box::new(a), Box::new(b)),
        DataType::Boolean,
        text,
        P1,
    )
}

/// `a OR b`.
pub fn or(a: Expr, b: Expr) -> Expr {
    let text = format!("{} or {}", a.text, b.text);
    Expr::new(
        ExprKind::Or(Box::new(a), Box::new(b)),
        DataType::Boolean,
        text,
        P1,
    )
}

/// `NOT a`.
pub fn not(a: Expr) -> Expr {
    let text = format!("not {}", a.text);
    Expr::new(ExprKind::Not(Box::new(a)), DataType::Boolean, text, P1)
}

/// `v IN (list)`.
pub fn in_(v: Expr, list: Vec<Expr>) -> Expr {
    let text = format!(
        "{} in ({})",
        v.text,
        list.iter()
            .map(|e| e.text.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    Expr::new(
        ExprKind::In {
            value: Box::new(v),
            list,
        },
        DataType::Boolean,
        text,
        P1,
    )
}

/// `v LIKE p` (one or more patterns).
pub fn like(v: Expr, patterns: &[&str]) -> Expr {
    let text = format!("{} like {:?}", v.text, patterns.join(","));
    Expr::new(
        ExprKind::Like {
            value: Box::new(v),
            patterns: patterns.iter().map(|s| s.to_string()).collect(),
        },
        DataType::Boolean,
        text,
        P1,
    )
}

/// `v RLIKE p`.
pub fn rlike(v: Expr, patterns: &[&str]) -> Expr {
    let text = format!("{} rlike {:?}", v.text, patterns.join(","));
    Expr::new(
        ExprKind::RLike {
            value: Box::new(v),
            patterns: patterns.iter().map(|s| s.to_string()).collect(),
        },
        DataType::Boolean,
        text,
        P1,
    )
}

/// `v IS NULL` / `IS NOT NULL`.
pub fn is_null(v: Expr, negated: bool) -> Expr {
    let text = format!("{} is {}null", v.text, if negated { "not " } else { "" });
    Expr::new(
        ExprKind::IsNull {
            value: Box::new(v),
            negated,
        },
        DataType::Boolean,
        text,
        P1,
    )
}

/// `f(args…)` typed `t`.
pub fn call(f: ScalarFunction, args: Vec<Expr>, t: DataType) -> Expr {
    let text = format!(
        "{}({})",
        f.name(),
        args.iter()
            .map(|e| e.text.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    Expr::new(ExprKind::Call { function: f, args }, t, text, P1)
}

/// An aggregate call typed `t`.
pub fn agg(f: AggregateFunction, args: Vec<Expr>, t: DataType) -> AggregateCall {
    let text = if args.is_empty() {
        format!("{}(*)", f.name())
    } else {
        format!(
            "{}({})",
            f.name(),
            args.iter()
                .map(|e| e.text.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    AggregateCall {
        function: f,
        args,
        filter: None,
        data_type: t,
        text,
        position: P1,
    }
}

/// A schema from `(name, type)` pairs.
pub fn schema(cols: &[(&str, DataType)]) -> Schema {
    Schema::new(cols.iter().map(|(n, t)| Column::new(*n, *t)).collect())
}

/// A step with an output schema.
pub fn step(kind: StepKind, output: Schema) -> Step {
    Step {
        kind,
        output,
        span: Span::default(),
        position: P1,
    }
}

/// `ROW` of named literal expressions.
pub fn row_plan(cols: Vec<(&str, Expr)>, steps: Vec<Step>) -> Plan {
    let output = Schema::new(
        cols.iter()
            .map(|(n, e)| Column::new(*n, e.data_type))
            .collect(),
    );
    Plan {
        query_text: String::new(),
        source: Source::Row(RowSource {
            exprs: cols.into_iter().map(|(_, e)| e).collect(),
            output,
        }),
        steps,
    }
}

/// `FROM patterns` reading the given fields (`SourceField::Field` for each `(name, type)`).
pub fn from_plan(patterns: &[&str], fields: &[(&str, DataType)], steps: Vec<Step>) -> Plan {
    Plan {
        query_text: String::new(),
        source: Source::From(FromSource {
            patterns: patterns.iter().map(|p| p.to_string()).collect(),
            fields: fields
                .iter()
                .map(|(n, _)| SourceField::Field(n.to_string()))
                .collect(),
            output: schema(fields),
        }),
        steps,
    }
}
