//! Properties: no input makes the parser panic, and printing any tree the grammar can produce
//! gives text that parses back to the same tree.
//!
//! Case counts are small by default; raise them with `PROPTEST_CASES`.

use esql::Span;
use esql::ast::*;
use proptest::prelude::*;
use proptest::strategy::BoxedStrategy;

fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Parses `src`; when it parses, printing and re-parsing must give the same tree.
fn check_no_panic_and_round_trip(src: &str) -> Result<(), TestCaseError> {
    if let Ok(q) = esql::parse(src) {
        let printed = esql::print(&q);
        let again = esql::parse(&printed);
        prop_assert!(
            again.as_ref() == Ok(&q),
            "{src:?} printed as {printed:?} gives {again:?}"
        );
    }
    Ok(())
}

/// Hand-written queries that cover every command (detsim's own text), for mutation.
const SEEDS: &[&str] = &[
    "FROM logs-*, remote:idx::failures METADATA _id | WHERE process.name == \"bash\" AND x IN (1, 2)",
    "FROM a | EVAL x = TO_LOWER(y), z = [1, -2.5] | STATS c = COUNT(*) WHERE x > 1 BY g = x::long",
    "FROM a | KEEP a*, `b c`.d | DROP e | RENAME f AS g, h = i | SORT j DESC NULLS LAST | LIMIT 10",
    "FROM a | DISSECT msg \"%{a}\" APPEND_SEPARATOR = \"-\" | GROK m \"%{IP:ip}\" | MV_EXPAND ip",
    "FROM a | ENRICH p ON k WITH n = f | LOOKUP JOIN idx ON k | INLINE STATS m = MAX(x) BY y",
    "ROW a = 1 hour, b = ?p, c = \"\"\"raw\"\"\" | WHERE a LIKE (\"x*\", \"y\") OR b NOT RLIKE \"z\"",
    "FROM a | WHERE x : \"q\" AND match(t, \"q\", {\"boost\": 2}) | CHANGE_POINT v ON t AS a, b",
    "FROM a | FORK (WHERE x) (LIMIT 1) | FUSE | RERANK \"q\" ON t | COMPLETION c = p | SAMPLE 0.1",
    "SET x = 1; TS m | URI_PARTS p = u | MMR ?v ON e LIMIT 3 | METRICS_INFO // comment",
    "PROMQL step=1m (rate(x[5m])) | WHERE y IS NOT NULL /* c */",
    "FROM a | WHERE x IN (FROM b | KEEP x) | EVAL y = CASE(a == 1, \"one\", \"other\")",
];

fn mutate(src: &str, edits: &[(usize, u8, u8)]) -> String {
    const ALPHABET: &[u8] = b"()[]{}|,.:;=<>!?*+-/%\"'`@_# \n\tazAZ09";
    let mut s: Vec<char> = src.chars().collect();
    for &(pos, op, c) in edits {
        let i = pos % (s.len() + 1);
        let ch = ALPHABET[c as usize % ALPHABET.len()] as char;
        match op % 4 {
            0 => s.insert(i, ch),
            1 if i < s.len() => {
                s.remove(i);
            }
            2 => s.truncate(i),
            _ if i + 1 < s.len() => s.swap(i, i + 1),
            _ => {}
        }
    }
    s.into_iter().collect()
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn arbitrary_strings_never_panic(s in "\\PC{0,60}") {
        check_no_panic_and_round_trip(&s)?;
    }

    #[test]
    fn query_like_strings_never_panic(s in "(FROM|ROW|\\||WHERE|EVAL|STATS|KEEP|BY|IN|\\(|\\)|\\[|\\]|a|1|\"x\"|`y`|,|=|==|\\?| |::|:|NOT|LIKE|-|\\*|/|\\{|\\}|PROMQL|FORK|SET|;){0,30}") {
        check_no_panic_and_round_trip(&s)?;
    }

    #[test]
    fn mutated_queries_never_panic(
        seed in 0..SEEDS.len(),
        edits in prop::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..4),
    ) {
        check_no_panic_and_round_trip(&mutate(SEEDS[seed], &edits))?;
    }
}

#[test]
fn mutated_rule_queries_never_panic() {
    use proptest::test_runner::TestRunner;
    let Some(shared) = crate::helpers::shared_dir() else {
        return;
    };
    let mut queries = Vec::new();
    let mut stack = vec![shared.join("detection-rules")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "toml") {
                let doc: toml::Table =
                    toml::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
                if let Some(q) = doc
                    .get("rule")
                    .and_then(|r| r.get("query"))
                    .and_then(|q| q.as_str())
                {
                    queries.push(q.to_owned());
                }
            }
        }
    }
    queries.sort();
    let mut runner = TestRunner::new(config(256));
    let strategy = (
        0..queries.len(),
        prop::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..4),
    );
    runner
        .run(&strategy, |(i, edits)| {
            check_no_panic_and_round_trip(&mutate(&queries[i], &edits))
        })
        .unwrap();
}

// ----- generated trees -----

const RESERVED: &[&str] = &[
    "and", "as", "asc", "by", "desc", "false", "first", "in", "is", "last", "like", "not", "null",
    "nulls", "on", "or", "rlike", "true", "with", "where", "metadata", "limit", "info",
];

fn sp() -> Span {
    Span::default()
}

fn unquoted_name() -> BoxedStrategy<String> {
    prop_oneof![
        "[a-z][a-z0-9_]{0,5}",
        "[A-Z][a-zA-Z0-9]{0,4}",
        "[_@][a-z0-9_]{1,4}",
    ]
    .prop_filter("reserved word", |s| {
        !RESERVED.contains(&s.to_lowercase().as_str())
    })
    .boxed()
}

fn ident() -> BoxedStrategy<Ident> {
    prop_oneof![
        3 => unquoted_name().prop_map(Ident::new),
        1 => "[a-z `.é*]{1,5}".prop_map(Ident::quoted),
    ]
    .boxed()
}

fn param(double: bool) -> BoxedStrategy<Param> {
    prop_oneof![Just(String::new()), "[a-z_][a-z0-9_]{0,3}", "[0-9]{1,2}"]
        .prop_map(move |name| Param {
            name,
            double,
            span: sp(),
        })
        .boxed()
}

/// A dotted name; `params` allows parameter parts (not every lexer mode has them).
fn qualified_name(params: bool) -> BoxedStrategy<QualifiedName> {
    let part = if params {
        prop_oneof![
            4 => ident().prop_map(NamePart::Ident),
            1 => param(false).prop_map(NamePart::Param),
            1 => param(true).prop_map(NamePart::Param),
        ]
        .boxed()
    } else {
        ident().prop_map(NamePart::Ident).boxed()
    };
    prop::collection::vec(part, 1..4)
        .prop_filter(
            "a lone `?x` is a constant",
            |parts| !matches!(parts.as_slice(), [NamePart::Param(p)] if !p.double),
        )
        .prop_map(|parts| QualifiedName { parts, span: sp() })
        .boxed()
}

fn sign() -> BoxedStrategy<Option<Sign>> {
    prop_oneof![3 => Just(None), 1 => Just(Some(Sign::Minus)), 1 => Just(Some(Sign::Plus))].boxed()
}

fn integer() -> BoxedStrategy<IntegerLiteral> {
    (sign(), "[0-9]{1,4}")
        .prop_map(|(sign, digits)| IntegerLiteral {
            sign,
            digits: digits.into(),
        })
        .boxed()
}

fn decimal() -> BoxedStrategy<DecimalLiteral> {
    (
        sign(),
        "[0-9]{1,3}\\.[0-9]{0,3}|\\.[0-9]{1,3}|[0-9]{1,2}[eE][+-]?[0-9]{1,2}",
    )
        .prop_map(|(sign, text)| DecimalLiteral {
            sign,
            text: text.into(),
        })
        .boxed()
}

fn string_literal() -> BoxedStrategy<StringLiteral> {
    prop_oneof![
        3 => "[a-zA-Z0-9 \"\\\\\t\n\r*?é.-]{0,8}".prop_map(StringLiteral::new),
        1 => "[a-z \"\\\\*.]{0,6}"
            .prop_filter("no closing quotes inside", |v| !v.contains("\"\"\""))
            .prop_map(|value| StringLiteral { value: value.into(), triple_quoted: true, span: sp() }),
    ]
    .boxed()
}

fn lit(l: Literal) -> Expr {
    Expr::new(ExprKind::Literal(l))
}

/// A `constant`: literal, parameter or list.
fn constant() -> BoxedStrategy<Expr> {
    let number = prop_oneof![
        integer().prop_map(|i| lit(Literal::Integer(i))),
        decimal().prop_map(|d| lit(Literal::Decimal(d))),
    ];
    prop_oneof![
        1 => Just(lit(Literal::Null)),
        1 => any::<bool>().prop_map(|b| lit(Literal::Boolean(b))),
        3 => integer().prop_map(|i| lit(Literal::Integer(i))),
        2 => decimal().prop_map(|d| lit(Literal::Decimal(d))),
        3 => string_literal().prop_map(|s| lit(Literal::String(s))),
        1 => (integer(), unquoted_name().prop_map(Ident::new))
            .prop_map(|(value, unit)| lit(Literal::Qualified { value, unit })),
        1 => param(false).prop_map(|p| Expr::new(ExprKind::Param(p))),
        1 => prop::collection::vec(number, 1..4).prop_map(|v| Expr::new(ExprKind::List(v))),
        1 => prop::collection::vec(any::<bool>().prop_map(|b| lit(Literal::Boolean(b))), 1..3)
            .prop_map(|v| Expr::new(ExprKind::List(v))),
        1 => prop::collection::vec(string_literal().prop_map(|s| lit(Literal::String(s))), 1..3)
            .prop_map(|v| Expr::new(ExprKind::List(v))),
    ]
    .boxed()
}

fn map_expr(depth: u32) -> BoxedStrategy<MapExpr> {
    let value = if depth == 0 {
        constant().prop_map(MapValue::Constant).boxed()
    } else {
        prop_oneof![
            3 => constant().prop_map(MapValue::Constant),
            1 => map_expr(depth - 1).prop_map(MapValue::Map),
        ]
        .boxed()
    };
    prop::collection::vec(
        ("[a-z_]{1,6}", value).prop_map(|(k, value)| MapEntry {
            key: StringLiteral::new(k),
            value,
            span: sp(),
        }),
        0..3,
    )
    .prop_map(|entries| MapExpr {
        entries,
        span: sp(),
    })
    .boxed()
}

/// Grammar level of an expression, innermost (0, primary) to outermost (8, OR).
fn level(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::Unary { .. } => 1,
        ExprKind::Binary { op, .. } => match op {
            BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod => 2,
            BinaryOp::Add | BinaryOp::Sub => 3,
            BinaryOp::And => 7,
            BinaryOp::Or => 8,
            _ => 4,
        },
        ExprKind::In { .. }
        | ExprKind::InSubquery { .. }
        | ExprKind::Like { .. }
        | ExprKind::IsNull { .. }
        | ExprKind::Match { .. } => 5,
        ExprKind::Not(_) => 6,
        _ => 0,
    }
}

/// `e` where the grammar allows only levels up to `max`, parenthesised if needed.
fn fit(e: Expr, max: u8) -> Expr {
    if level(&e) <= max {
        e
    } else {
        Expr::new(ExprKind::Paren(Box::new(e)))
    }
}

/// The identifier `e` prints first, if it starts with an unquoted one.
fn leftmost_ident(e: &Expr) -> Option<&Ident> {
    match &e.kind {
        ExprKind::Field(q) => match q.parts.first() {
            Some(NamePart::Ident(i)) if !i.quoted => Some(i),
            _ => None,
        },
        ExprKind::Function(f) => match &f.name {
            FunctionName::Ident(i) if !i.quoted => Some(i),
            _ => None,
        },
        ExprKind::Match { field, .. } => match field.parts.first() {
            Some(NamePart::Ident(i)) if !i.quoted => Some(i),
            _ => None,
        },
        ExprKind::Cast { expr, .. }
        | ExprKind::In { expr, .. }
        | ExprKind::InSubquery { expr, .. }
        | ExprKind::Like { expr, .. }
        | ExprKind::IsNull { expr, .. } => leftmost_ident(expr),
        ExprKind::Binary { left, .. } => leftmost_ident(left),
        _ => None,
    }
}

/// True when `list`, printed as `IN (list)`, starts like a subquery: `(` and a source command
/// keyword switch the lexer to subquery mode, even as the start of a longer word (`x IN (ts)`
/// and `x IN (Ts0)` are no lists, in Elasticsearch too; such a field must be backquoted, a
/// different tree).
fn in_list_reads_as_subquery(list: &[Expr]) -> bool {
    list.first().and_then(leftmost_ident).is_some_and(|i| {
        let name = i.name.to_lowercase();
        SUBQUERY_WORDS.iter().any(|w| name.starts_with(w))
    })
}

/// Words that, right after `IN (`, start a subquery (also as a prefix).
const SUBQUERY_WORDS: &[&str] = &["from", "row", "show", "ts", "promql"];

/// True when `e` prints starting with an unsigned number (a sign before it would join it).
fn starts_with_unsigned_number(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Literal(Literal::Integer(i)) => i.sign.is_none(),
        ExprKind::Literal(Literal::Decimal(d)) => d.sign.is_none(),
        ExprKind::Literal(Literal::Qualified { value, .. }) => value.sign.is_none(),
        ExprKind::Cast { expr, .. } => starts_with_unsigned_number(expr),
        _ => false,
    }
}

fn function_name() -> BoxedStrategy<FunctionName> {
    prop_oneof![
        4 => ident().prop_map(FunctionName::Ident),
        1 => prop_oneof![Just("first"), Just("LAST")].prop_map(|n| FunctionName::Ident(Ident::new(n))),
        1 => prop_oneof![param(false), param(true)].prop_map(FunctionName::Param),
    ]
    .boxed()
}

fn boxed(e: Expr) -> Box<Expr> {
    Box::new(e)
}

/// Any expression the parser can produce.
fn expr() -> BoxedStrategy<Expr> {
    let leaf = prop_oneof![
        3 => constant(),
        3 => qualified_name(true).prop_map(|q| Expr::new(ExprKind::Field(q))),
    ];
    leaf.prop_recursive(4, 40, 4, |inner| {
        let e = inner.clone();
        prop_oneof![
            e.clone().prop_map(|x| Expr::new(ExprKind::Paren(boxed(x)))),
            (
                function_name(),
                prop::collection::vec(e.clone(), 0..3),
                prop::option::of(map_expr(1)),
                any::<bool>()
            )
                .prop_map(|(name, args, options, star)| {
                    let args = if star {
                        FunctionArgs::Star
                    } else {
                        let options = if args.is_empty() { None } else { options };
                        FunctionArgs::List { args, options }
                    };
                    Expr::new(ExprKind::Function(FunctionCall {
                        name,
                        args,
                        span: sp(),
                    }))
                }),
            (e.clone(), ident()).prop_map(|(x, data_type)| Expr::new(ExprKind::Cast {
                expr: boxed(fit(x, 0)),
                data_type,
            })),
            (any::<bool>(), e.clone()).prop_map(|(neg, x)| {
                let x = fit(x, 1);
                let x = if starts_with_unsigned_number(&x) {
                    Expr::new(ExprKind::Paren(boxed(x)))
                } else {
                    x
                };
                Expr::new(ExprKind::Unary {
                    op: if neg { UnaryOp::Neg } else { UnaryOp::Plus },
                    expr: boxed(x),
                })
            }),
            (0..13u8, e.clone(), e.clone()).prop_map(|(op, l, r)| {
                let (op, lmax, rmax) = match op {
                    0 => (BinaryOp::Add, 3, 2),
                    1 => (BinaryOp::Sub, 3, 2),
                    2 => (BinaryOp::Mul, 2, 1),
                    3 => (BinaryOp::Div, 2, 1),
                    4 => (BinaryOp::Mod, 2, 1),
                    5 => (BinaryOp::Eq, 3, 3),
                    6 => (BinaryOp::Neq, 3, 3),
                    7 => (BinaryOp::Lt, 3, 3),
                    8 => (BinaryOp::Lte, 3, 3),
                    9 => (BinaryOp::Gt, 3, 3),
                    10 => (BinaryOp::Gte, 3, 3),
                    11 => (BinaryOp::And, 7, 6),
                    _ => (BinaryOp::Or, 8, 7),
                };
                Expr::new(ExprKind::Binary {
                    op,
                    left: boxed(fit(l, lmax)),
                    right: boxed(fit(r, rmax)),
                })
            }),
            e.clone()
                .prop_map(|x| Expr::new(ExprKind::Not(boxed(fit(x, 6))))),
            (
                e.clone(),
                prop::collection::vec(e.clone(), 1..3)
                    .prop_filter("reads as a subquery", |l| !in_list_reads_as_subquery(l)),
                any::<bool>()
            )
                .prop_map(|(x, list, negated)| {
                    Expr::new(ExprKind::In {
                        expr: boxed(fit(x, 4)),
                        list: list.into_iter().map(|v| fit(v, 4)).collect(),
                        negated,
                    })
                }),
            (
                e.clone(),
                any::<bool>(),
                prop::collection::vec(
                    prop_oneof![
                        string_literal().prop_map(|s| lit(Literal::String(s))),
                        param(false).prop_map(|p| Expr::new(ExprKind::Param(p))),
                    ],
                    1..3
                ),
                any::<bool>(),
                any::<bool>()
            )
                .prop_map(|(x, rlike, patterns, list, negated)| Expr::new(
                    ExprKind::Like {
                        expr: boxed(fit(x, 4)),
                        kind: if rlike {
                            LikeKind::RLike
                        } else {
                            LikeKind::Like
                        },
                        list: list || patterns.len() > 1,
                        patterns,
                        negated,
                    }
                )),
            (e.clone(), any::<bool>()).prop_map(|(x, negated)| Expr::new(ExprKind::IsNull {
                expr: boxed(fit(x, 4)),
                negated,
            })),
            (qualified_name(true), prop::option::of(ident()), constant()).prop_map(
                |(field, cast, query)| {
                    Expr::new(ExprKind::Match {
                        field,
                        cast,
                        query: boxed(query),
                    })
                }
            ),
        ]
    })
    .boxed()
}

fn field() -> BoxedStrategy<Field> {
    (prop::option::of(qualified_name(true)), expr())
        .prop_map(|(name, expr)| Field {
            name,
            expr,
            span: sp(),
        })
        .boxed()
}

fn agg_field() -> BoxedStrategy<AggField> {
    (field(), prop::option::of(expr()))
        .prop_map(|(field, filter)| AggField {
            field,
            filter,
            span: sp(),
        })
        .boxed()
}

fn pattern_part() -> BoxedStrategy<NamePatternPart> {
    let pieces = (any::<bool>(), prop::collection::vec(("[b-z*][a-z0-9_*]{0,3}", "[a-z .`*]{1,4}"), 1..3))
        .prop_map(|(quoted_first, pairs)| {
            let mut pieces = Vec::new();
            for (u, q) in pairs {
                if quoted_first {
                    pieces.push(PatternPiece::Quoted(q.into()));
                    pieces.push(PatternPiece::Unquoted(u.into()));
                } else {
                    pieces.push(PatternPiece::Unquoted(u.into()));
                    pieces.push(PatternPiece::Quoted(q.into()));
                }
            }
            if pieces.len() > 1 && (quoted_first || pieces.len() > 2) {
                pieces.pop();
            }
            pieces
        })
        .prop_filter("keyword", |p| {
            !matches!(p.as_slice(), [PatternPiece::Unquoted(u)] if ["with", "on"].contains(&u.as_str()))
        });
    prop_oneof![
        4 => pieces.prop_map(|pieces| NamePatternPart::Pattern(PatternPart { pieces, span: sp() })),
        1 => prop_oneof![param(false), param(true)].prop_map(NamePatternPart::Param),
    ]
    .boxed()
}

fn name_pattern() -> BoxedStrategy<NamePattern> {
    prop::collection::vec(pattern_part(), 1..3)
        .prop_map(|parts| NamePattern { parts, span: sp() })
        .boxed()
}

fn index_pattern(selectors: bool) -> BoxedStrategy<IndexPattern> {
    let unquoted = (
        // A cluster spelled like a keyword (`on`, `as`) is lexed as that keyword in JOIN mode.
        prop::option::of("[a-z]{1,4}".prop_filter("keyword", |c| !RESERVED.contains(&c.as_str()))),
        "[b-l.][a-z0-9*._-]{0,5}",
        prop::option::of("[a-z]{1,4}"),
    )
        .prop_map(move |(cluster, index, selector)| IndexPattern {
            cluster,
            index: IndexName::Unquoted(index),
            selector: if selectors { selector } else { None },
            span: sp(),
        });
    prop_oneof![
        4 => unquoted,
        1 => "[a-z*,-]{1,6}".prop_map(|s| IndexPattern {
            cluster: None,
            index: IndexName::Quoted(StringLiteral::new(s)),
            selector: None,
            span: sp(),
        }),
    ]
    .boxed()
}

fn processing_command() -> BoxedStrategy<ProcessingCommand> {
    let fields = || prop::collection::vec(field(), 1..3);
    let aggs = |min| prop::collection::vec(agg_field(), min..3);
    prop_oneof![
        expr().prop_map(|condition| ProcessingCommand::Where(WhereCommand {
            condition,
            span: sp()
        })),
        fields().prop_map(|fields| ProcessingCommand::Eval(EvalCommand { fields, span: sp() })),
        (aggs(0), prop::collection::vec(field(), 0..2)).prop_map(|(aggregates, groups)| {
            ProcessingCommand::Stats(StatsCommand {
                aggregates,
                groups,
                span: sp(),
            })
        }),
        (any::<bool>(), aggs(1), prop::collection::vec(field(), 0..2)).prop_map(
            |(one, aggregates, groups)| {
                ProcessingCommand::InlineStats(InlineStatsCommand {
                    spelling: if one {
                        InlineStatsSpelling::OneWord
                    } else {
                        InlineStatsSpelling::TwoWords
                    },
                    aggregates,
                    groups,
                    span: sp(),
                })
            }
        ),
        prop::collection::vec(
            (
                expr(),
                prop::option::of(prop_oneof![Just(SortOrder::Asc), Just(SortOrder::Desc)]),
                prop::option::of(prop_oneof![Just(NullsOrder::First), Just(NullsOrder::Last)])
            )
                .prop_map(|(expr, order, nulls)| SortKey {
                    expr,
                    order,
                    nulls,
                    span: sp()
                }),
            1..3,
        )
        .prop_map(|keys| ProcessingCommand::Sort(SortCommand { keys, span: sp() })),
        (constant(), prop::collection::vec(expr(), 0..2)).prop_map(|(count, by)| {
            ProcessingCommand::Limit(LimitCommand {
                count,
                by,
                span: sp(),
            })
        }),
        prop::collection::vec(name_pattern(), 1..3).prop_map(|patterns| ProcessingCommand::Keep(
            KeepCommand {
                patterns,
                span: sp()
            }
        )),
        prop::collection::vec(name_pattern(), 1..3).prop_map(|patterns| ProcessingCommand::Drop(
            DropCommand {
                patterns,
                span: sp()
            }
        )),
        prop::collection::vec((name_pattern(), name_pattern(), any::<bool>()), 1..3).prop_map(
            |clauses| {
                ProcessingCommand::Rename(RenameCommand {
                    clauses: clauses
                        .into_iter()
                        .map(|(old, new, assign)| RenameClause {
                            old,
                            new,
                            style: if assign {
                                RenameStyle::Assign
                            } else {
                                RenameStyle::As
                            },
                            span: sp(),
                        })
                        .collect(),
                    span: sp(),
                })
            }
        ),
        qualified_name(true)
            .prop_map(|field| ProcessingCommand::MvExpand(MvExpandCommand { field, span: sp() })),
        (
            expr(),
            string_literal(),
            prop::collection::vec((unquoted_name(), constant()), 0..2)
        )
            .prop_map(|(input, pattern, options)| {
                ProcessingCommand::Dissect(DissectCommand {
                    input: fit(input, 0),
                    pattern,
                    options: options
                        .into_iter()
                        .map(|(n, value)| CommandOption {
                            name: Ident::new(n),
                            value,
                            span: sp(),
                        })
                        .collect(),
                    span: sp(),
                })
            }),
        (expr(), prop::collection::vec(string_literal(), 1..3)).prop_map(|(input, patterns)| {
            ProcessingCommand::Grok(GrokCommand {
                input: fit(input, 0),
                patterns,
                span: sp(),
            })
        }),
        (
            "[a-z][a-z0-9_-]{0,5}".prop_filter("keyword", |p| p != "on" && p != "with"),
            prop::option::of(name_pattern()),
            prop::collection::vec((prop::option::of(name_pattern()), name_pattern()), 0..3),
        )
            .prop_map(|(policy, on, with)| {
                ProcessingCommand::Enrich(EnrichCommand {
                    policy: EnrichPolicy::Unquoted(policy),
                    on,
                    with: with
                        .into_iter()
                        .map(|(new_name, field)| EnrichWith {
                            new_name,
                            field,
                            span: sp(),
                        })
                        .collect(),
                    span: sp(),
                })
            }),
        (index_pattern(false), prop::collection::vec(expr(), 1..3)).prop_map(
            |(target, conditions)| {
                ProcessingCommand::Join(JoinCommand {
                    kind: JoinKind::Lookup,
                    target,
                    conditions,
                    span: sp(),
                })
            }
        ),
        (
            qualified_name(false),
            prop::option::of(qualified_name(false)),
            prop::option::of((qualified_name(false), qualified_name(false))),
            prop::collection::vec(expr(), 0..2),
        )
            .prop_map(|(value, key, output, by)| {
                ProcessingCommand::ChangePoint(ChangePointCommand {
                    value,
                    key,
                    output,
                    by,
                    span: sp(),
                })
            }),
    ]
    .boxed()
}

fn query() -> BoxedStrategy<Query> {
    let from = (
        prop::collection::vec(index_pattern(true).prop_map(FromSource::Index), 1..3),
        prop::collection::vec("_[a-z]{1,5}", 0..3),
    )
        .prop_map(|(sources, metadata)| {
            SourceCommand::From(FromCommand {
                sources,
                metadata: metadata
                    .into_iter()
                    .map(|name| MetadataField { name, span: sp() })
                    .collect(),
                span: sp(),
            })
        });
    let row = prop::collection::vec(field(), 1..3)
        .prop_map(|fields| SourceCommand::Row(RowCommand { fields, span: sp() }));
    (
        prop_oneof![from, row],
        prop::collection::vec(processing_command(), 0..4),
    )
        .prop_map(|(source, commands)| Query {
            settings: vec![],
            source,
            commands,
            span: sp(),
            text: String::new(),
        })
        .boxed()
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn printed_trees_parse_back_to_themselves(q in query()) {
        let printed = esql::print(&q);
        let parsed = esql::parse(&printed);
        prop_assert!(parsed.as_ref() == Ok(&q), "printed {printed:?}\nparsed {parsed:?}\nwanted {q:?}");
    }
}
