//! The numeric literals a rule can be tuned by: those of the WHERE commands after the query's last
//! STATS (`Esql.event_count < 5`, `Esql.agent_id_count_distinct == 1`), found in the AST, and how a
//! query is rewritten with another value for one of them.
//!
//! A [`Knob`] names a literal by the command it sits in and its rank among the numeric literals of
//! that command's condition (pre-order). [`substitute`] replaces that literal in a copy of the AST and
//! turns the edited tree back into text: the original text with only the literal's bytes replaced,
//! kept when it parses back to exactly the edited tree (so every other byte, and the column names ES
//! derives from them, stay as written), else the printer's text of the edited tree.

use esql::Span;
use esql::ast::{
    DecimalLiteral, Expr, ExprKind, FunctionArgs, IntegerLiteral, Literal, ProcessingCommand,
    Query, Sign,
};

/// A numeric value of a literal.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    /// An integer literal (`5`, `-1`).
    Integer(i64),
    /// A decimal literal (`0.5`, `1e3`).
    Decimal(f64),
}

impl Number {
    /// The value as a double (for sorting and plotting).
    pub fn as_f64(self) -> f64 {
        match self {
            Number::Integer(i) => i as f64,
            Number::Decimal(d) => d,
        }
    }

    /// The literal written in ES|QL.
    pub fn literal(self) -> Literal {
        let sign = |neg: bool| neg.then_some(Sign::Minus);
        match self {
            Number::Integer(i) => Literal::Integer(IntegerLiteral {
                sign: sign(i < 0),
                digits: i.unsigned_abs().to_string().into(),
            }),
            Number::Decimal(d) => {
                let mut text = format!("{:?}", d.abs());
                if !text.contains(['.', 'e', 'E']) {
                    text.push_str(".0");
                }
                Literal::Decimal(DecimalLiteral {
                    sign: sign(d.is_sign_negative() && d != 0.0),
                    text: text.into(),
                })
            }
        }
    }
}

impl std::fmt::Display for Number {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Number::Integer(i) => write!(f, "{i}"),
            Number::Decimal(d) => write!(f, "{d:?}"),
        }
    }
}

/// One tunable literal of a query.
#[derive(Debug, Clone, PartialEq)]
pub struct Knob {
    /// Index of its WHERE command in `Query::commands`.
    pub command: usize,
    /// Rank among the numeric literals of that WHERE's condition, in pre-order.
    pub ordinal: usize,
    /// Its value as written.
    pub original: Number,
    /// Its bytes in the query text.
    pub span: Span,
    /// The text of the comparison it belongs to (`Esql.event_count < 5`), or of the literal.
    pub context: String,
}

/// Why a query could not be rewritten.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubstituteError {
    /// The knob does not name a numeric literal of this query.
    #[error("the query has no numeric literal #{ordinal} in command {command}")]
    NoSuchLiteral {
        /// See [`Knob::command`].
        command: usize,
        /// See [`Knob::ordinal`].
        ordinal: usize,
    },
}

/// The value of a numeric literal, when it has one that fits.
fn number_of(lit: &Literal) -> Option<Number> {
    let neg = |s: &Option<Sign>| matches!(s, Some(Sign::Minus));
    match lit {
        Literal::Integer(i) => {
            let v: i64 = i.digits.parse().ok()?;
            Some(Number::Integer(if neg(&i.sign) { -v } else { v }))
        }
        Literal::Decimal(d) => {
            let v: f64 = d.text.parse().ok()?;
            Some(Number::Decimal(if neg(&d.sign) { -v } else { v }))
        }
        _ => None,
    }
}

/// Calls `f(expr, enclosing comparison span)` on every expression under `e`, in pre-order.
/// Subqueries and option maps are not entered.
fn walk_mut(e: &mut Expr, ctx: Option<Span>, f: &mut dyn FnMut(&mut Expr, Option<Span>)) {
    let ctx = match &e.kind {
        ExprKind::Binary { op, .. } if op.is_comparison() => Some(e.span),
        _ => ctx,
    };
    f(e, ctx);
    match &mut e.kind {
        ExprKind::List(items) => items.iter_mut().for_each(|x| walk_mut(x, ctx, f)),
        ExprKind::Function(call) => {
            if let FunctionArgs::List { args, .. } = &mut call.args {
                args.iter_mut().for_each(|x| walk_mut(x, ctx, f));
            }
        }
        ExprKind::Paren(x)
        | ExprKind::Cast { expr: x, .. }
        | ExprKind::Unary { expr: x, .. }
        | ExprKind::Not(x)
        | ExprKind::IsNull { expr: x, .. }
        | ExprKind::InSubquery { expr: x, .. } => walk_mut(x, ctx, f),
        ExprKind::Binary { left, right, .. } => {
            walk_mut(left, ctx, f);
            walk_mut(right, ctx, f);
        }
        ExprKind::In { expr, list, .. } => {
            walk_mut(expr, ctx, f);
            list.iter_mut().for_each(|x| walk_mut(x, ctx, f));
        }
        ExprKind::Like { expr, patterns, .. } => {
            walk_mut(expr, ctx, f);
            patterns.iter_mut().for_each(|x| walk_mut(x, ctx, f));
        }
        ExprKind::Match { query, .. } => walk_mut(query, ctx, f),
        ExprKind::Literal(_) | ExprKind::Param(_) | ExprKind::Field(_) => {}
    }
}

/// Indices of the WHERE commands after the last STATS (none without STATS).
fn post_stats_wheres(query: &Query) -> Vec<usize> {
    let Some(last) = query
        .commands
        .iter()
        .rposition(|c| matches!(c, ProcessingCommand::Stats(_)))
    else {
        return Vec::new();
    };
    (last + 1..query.commands.len())
        .filter(|&i| matches!(query.commands[i], ProcessingCommand::Where(_)))
        .collect()
}

/// The numeric literals of the WHERE commands after the query's last STATS, in query order.
pub fn knobs(query: &Query) -> Vec<Knob> {
    let mut out = Vec::new();
    for command in post_stats_wheres(query) {
        let ProcessingCommand::Where(w) = &query.commands[command] else {
            continue;
        };
        let mut condition = w.condition.clone();
        let mut ordinal = 0;
        walk_mut(&mut condition, None, &mut |e, ctx| {
            if let ExprKind::Literal(lit) = &e.kind
                && let Some(original) = number_of(lit)
            {
                let context = query.text_of(ctx.unwrap_or(e.span)).to_owned();
                out.push(Knob {
                    command,
                    ordinal,
                    original,
                    span: e.span,
                    context: if context.is_empty() {
                        original.to_string()
                    } else {
                        context.split_whitespace().collect::<Vec<_>>().join(" ")
                    },
                });
                ordinal += 1;
            }
        });
    }
    out
}

/// `query` with the literal `knob` names set to `value`, as an edited tree.
pub fn edit(query: &Query, knob: &Knob, value: Number) -> Result<Query, SubstituteError> {
    let missing = SubstituteError::NoSuchLiteral {
        command: knob.command,
        ordinal: knob.ordinal,
    };
    let mut edited = query.clone();
    let Some(ProcessingCommand::Where(w)) = edited.commands.get_mut(knob.command) else {
        return Err(missing);
    };
    let mut ordinal = 0;
    let mut done = false;
    walk_mut(&mut w.condition, None, &mut |e, _| {
        if let ExprKind::Literal(lit) = &mut e.kind
            && number_of(lit).is_some()
        {
            if ordinal == knob.ordinal {
                *lit = value.literal();
                done = true;
            }
            ordinal += 1;
        }
    });
    if done { Ok(edited) } else { Err(missing) }
}

/// The query text of `query` with the literal `knob` names set to `value` (see the module doc).
pub fn substitute(query: &Query, knob: &Knob, value: Number) -> Result<String, SubstituteError> {
    let edited = edit(query, knob, value)?;
    let (start, end) = (knob.span.start as usize, knob.span.end as usize);
    if end <= query.text.len()
        && start < end
        && query.text.is_char_boundary(start)
        && query.text.is_char_boundary(end)
    {
        let spliced = format!("{}{}{}", &query.text[..start], value, &query.text[end..]);
        if esql::parse(&spliced).is_ok_and(|q| q == edited) {
            return Ok(spliced);
        }
    }
    Ok(esql::print(&edited))
}

#[cfg(test)]
mod tests {
    use super::*;

    const Q: &str = "from logs-endpoint.events.file-*\n| where x.count > 100\n| stats n = count(), d = count_distinct(agent.id) by file.path\n| where d == 1 and n < 5 or (n >= -2.5 and abs(n) != 3)";

    #[test]
    fn finds_only_post_stats_literals_with_their_comparisons() {
        let q = esql::parse(Q).unwrap();
        let k = knobs(&q);
        let got: Vec<(String, String)> = k
            .iter()
            .map(|k| (k.original.to_string(), k.context.clone()))
            .collect();
        assert_eq!(
            got,
            [
                ("1", "d == 1"),
                ("5", "n < 5"),
                ("-2.5", "n >= -2.5"),
                ("3", "abs(n) != 3")
            ]
            .map(|(a, b)| (a.to_owned(), b.to_owned()))
        );
        assert!(knobs(&esql::parse("from a | where x < 3").unwrap()).is_empty());
    }

    #[test]
    fn substitution_changes_only_the_literal() {
        let q = esql::parse(Q).unwrap();
        let k = knobs(&q);
        let text = substitute(&q, &k[1], Number::Integer(8)).unwrap();
        assert_eq!(text, Q.replace("n < 5", "n < 8"));
        let text = substitute(&q, &k[2], Number::Decimal(-0.75)).unwrap();
        assert_eq!(text, Q.replace("-2.5", "-0.75"));
        let text = substitute(&q, &k[0], Number::Integer(-3)).unwrap();
        assert_eq!(
            esql::parse(&text).unwrap(),
            edit(&q, &k[0], Number::Integer(-3)).unwrap()
        );
        assert!(text.contains("d == -3"), "{text}");
        let own = substitute(&q, &k[3], k[3].original).unwrap();
        assert_eq!(own, Q);
    }

    #[test]
    fn a_stale_knob_is_an_error_not_a_panic() {
        let q = esql::parse(Q).unwrap();
        let mut k = knobs(&q)[0].clone();
        k.ordinal = 99;
        assert!(substitute(&q, &k, Number::Integer(1)).is_err());
        k.command = 1000;
        assert!(edit(&q, &k, Number::Integer(1)).is_err());
    }
}
