//! Differential tests of the optimized engine against the reference evaluator on hand-built plans.
//!
//! SearcherTester style: every plan runs through the reference once and through the optimized engine
//! with dictionaries on and off, batch sizes 1, 7 and large, chunk sizes 1, 13 and large, and chunks
//! processed sequentially or on all cores (merged in chunk order); every
//! combination must return the reference's columns, rows (in order) and warnings. The data is seeded
//! and full of the cases that matter: nulls, multi-valued keywords and longs, repeated values across
//! chunks, two indices. Set `ENGINE_LABEL=<substring>` to run only the plans whose label contains it.

use std::collections::BTreeMap;
use std::sync::Arc;

use detsim::engine::{EngineConfig, EngineKernel, OptimizedEvaluator};
use esql::functions::{AggregateFunction as A, ScalarFunction as F};
use esql::plan::{ArithmeticOp, ComparisonOp, Expr, Plan, SortKey, StepKind};
use esql::{DataType as T, Document, EvalOptions, Evaluator, Mapping, MemorySource, Value};
use oracles::ReferenceEvaluator;
use oracles::reference::test_utils::*;

/// Source columns, alphabetical as FROM lists them.
const FIELDS: &[(&str, T)] = &[
    ("@timestamp", T::Date),
    ("bytes", T::Long),
    ("event.type", T::Keyword),
    ("host.name", T::Keyword),
    ("process.args", T::Keyword),
    ("process.name", T::Keyword),
    ("user.id", T::Keyword),
];
const TS: usize = 0;
const BYTES: usize = 1;
const ETYPE: usize = 2;
const HOST: usize = 3;
const ARGS: usize = 4;
const PNAME: usize = 5;
const UID: usize = 6;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
}

fn keywords(rng: &mut Rng, vocab: &[&str], max: u64) -> Value {
    let n = rng.below(max + 1);
    let mut vs: Vec<String> = (0..n).map(|_| rng.pick(vocab).to_owned()).collect();
    vs.sort();
    vs.dedup();
    Value::from_values(vs.into_iter().map(Value::Keyword).collect())
}

fn dataset(seed: u64, docs: usize) -> MemorySource {
    let mapping = Arc::new(
        Mapping::new()
            .with("@timestamp", "date")
            .with("bytes", "long")
            .with("event.type", "keyword")
            .with("host.name", "keyword")
            .with("process.args", "keyword")
            .with("process.name", "keyword")
            .with("user.id", "keyword"),
    );
    let mut src = MemorySource::new();
    let indices = ["logs-a-default", "logs-b-default"];
    for i in indices {
        src.add_index(i, mapping.clone());
    }
    let mut rng = Rng(seed | 1);
    for d in 0..docs {
        let index = indices[rng.below(2) as usize];
        let mut fields = BTreeMap::new();
        fields.insert(
            "@timestamp".into(),
            Value::Date(1_700_000_000_000 + d as i64 * 1000),
        );
        let mut put = |k: &str, v: Value| {
            if !v.is_null() {
                fields.insert(k.to_owned(), v);
            }
        };
        let bytes = match rng.below(10) {
            0 => Value::Null,
            1 => Value::Multi(vec![Value::Long(5), Value::Long(rng.below(300) as i64)]),
            _ => Value::Long(rng.below(300) as i64),
        };
        put("bytes", bytes);
        put(
            "event.type",
            keywords(&mut rng, &["start", "end", "info", "change"], 2),
        );
        put(
            "host.name",
            keywords(&mut rng, &["web-1", "web-2", "db-1", "web-10", "Web-3"], 1),
        );
        put(
            "process.args",
            keywords(&mut rng, &["-c", "ls", "-la", "/tmp/x", "--help", "-cx"], 3),
        );
        let pname = match rng.below(12) {
            0 => Value::Null,
            1 => Value::Multi(vec![Value::keyword("bash"), Value::keyword("sh")]),
            _ => Value::keyword(
                rng.pick(&["bash", "sh", "python3", "b", "php-fpm7", "curl", "", "BASH"]),
            ),
        };
        put("process.name", pname);
        put("user.id", keywords(&mut rng, &["0", "33", "1000", "48"], 1));
        src.push(Document {
            id: format!("doc-{d}"),
            index: index.to_owned(),
            version: 1,
            fields,
            ignored: vec![],
        })
        .unwrap();
    }
    src
}

fn c(i: usize) -> Expr {
    col(i, FIELDS[i].0, FIELDS[i].1)
}

fn source_schema() -> Vec<(&'static str, T)> {
    FIELDS.to_vec()
}

fn from(steps: Vec<esql::plan::Step>) -> Plan {
    from_plan(&["logs-*"], FIELDS, steps)
}

fn p(line: u32, e: Expr) -> Expr {
    let text = e.text.clone();
    at(e, &text, pos(line, 1))
}

fn where_(cond: Expr) -> esql::plan::Step {
    step(
        StepKind::Where { condition: cond },
        schema(&source_schema()),
    )
}

fn plans() -> Vec<(&'static str, Plan)> {
    let mut out = vec![(
        "where-eq",
        from(vec![where_(p(2, eq(c(PNAME), kw("bash"))))]),
    )];
    out.push((
        "where-and-or-in-like-mv",
        from(vec![where_(or(
            and(
                p(2, eq(c(ETYPE), kw("start"))),
                p(3, in_(c(PNAME), vec![kw("bash"), kw("sh"), null()])),
            ),
            p(4, like(c(ARGS), &["*-c*"])),
        ))]),
    ));
    out.push((
        "where-not-like-rlike",
        from(vec![where_(and(
            not(p(2, like(c(PNAME), &["b*"]))),
            p(3, rlike(c(HOST), &["web-[0-9]+"])),
        ))]),
    ));
    out.push((
        "where-numeric-and-null",
        from(vec![where_(or(
            p(2, cmp(ComparisonOp::Gt, c(BYTES), int(100))),
            p(3, is_null(c(PNAME), false)),
        ))]),
    ));
    out.push((
        "where-masked-by-false",
        from(vec![where_(and(
            p(2, eq(c(PNAME), kw("no-such-process"))),
            p(3, eq(c(ARGS), kw("-c"))),
        ))]),
    ));
    for (name, a, b) in [
        ("where-warning-order-1", ARGS, ETYPE),
        ("where-warning-order-2", ETYPE, ARGS),
    ] {
        out.push((
            name,
            from(vec![where_(or(
                p(2, eq(c(a), kw("ls"))),
                or(p(3, eq(c(b), kw("end"))), p(4, like(c(PNAME), &["*h"]))),
            ))]),
        ));
    }
    out.push((
        "where-two-columns",
        from(vec![where_(p(2, eq(c(PNAME), c(HOST))))]),
    ));
    out.push((
        "where-const-and-function",
        from(vec![where_(and(
            p(
                2,
                eq(call(F::ToUpper, vec![c(PNAME)], T::Keyword), kw("BASH")),
            ),
            p(3, cmp(ComparisonOp::Lt, int(1), int(2))),
        ))]),
    ));
    // MV_EXPAND, WHERE, STATS with every accumulation kind.
    let stats_out = schema(&[
        ("c", T::Long),
        ("d", T::Long),
        ("v", T::Keyword),
        ("mn", T::Keyword),
        ("mx", T::Long),
        ("s", T::Long),
        ("cv", T::Long),
        ("host.name", T::Keyword),
        ("process.name", T::Keyword),
    ]);
    let aggs = vec![
        agg(A::Count, vec![], T::Long),
        agg(A::CountDistinct, vec![c(UID)], T::Long),
        agg(A::Values, vec![c(ARGS)], T::Keyword),
        agg(A::Min, vec![c(PNAME)], T::Keyword),
        agg(A::Max, vec![c(BYTES)], T::Long),
        agg(A::Sum, vec![c(BYTES)], T::Long),
        agg(A::Count, vec![c(ARGS)], T::Long),
    ];
    let outputs: Vec<Expr> = (0..9)
        .map(|i| {
            let j = if i < 7 { i + 2 } else { i - 7 };
            col(
                j,
                stats_out.columns[i].name.as_str(),
                stats_out.columns[i].data_type,
            )
        })
        .collect();
    out.push((
        "mv-expand-where-stats",
        from(vec![
            step(
                StepKind::MvExpand { column: ETYPE },
                schema(&source_schema()),
            ),
            where_(p(2, eq(c(ETYPE), kw("start")))),
            step(
                StepKind::Stats(esql::plan::Aggregation {
                    groups: vec![c(HOST), c(PNAME)],
                    aggregates: aggs.clone(),
                    outputs: outputs.clone(),
                }),
                stats_out.clone(),
            ),
        ]),
    ));
    // MV keys, per-aggregate filter, expression arguments, then a tail.
    let mut filtered = agg(A::Count, vec![c(ARGS)], T::Long);
    filtered.filter = Some(p(5, eq(c(PNAME), kw("bash"))));
    let plus = p(
        6,
        arith(ArithmeticOp::Add, c(BYTES), lit(Value::Long(1)), T::Long),
    );
    let s2 = schema(&[
        ("n", T::Long),
        ("u", T::Keyword),
        ("sp", T::Long),
        ("event.type", T::Keyword),
    ]);
    out.push((
        "stats-mv-keys-filter-tail",
        from(vec![
            step(
                StepKind::Stats(esql::plan::Aggregation {
                    groups: vec![c(ETYPE)],
                    aggregates: vec![
                        filtered,
                        agg(A::Values, vec![c(UID)], T::Keyword),
                        agg(A::Sum, vec![plus], T::Long),
                    ],
                    outputs: vec![
                        col(1, "n", T::Long),
                        col(2, "u", T::Keyword),
                        col(3, "sp", T::Long),
                        col(0, "event.type", T::Keyword),
                    ],
                }),
                s2.clone(),
            ),
            step(
                StepKind::Sort {
                    keys: vec![SortKey {
                        expr: col(0, "n", T::Long),
                        descending: true,
                        nulls_first: true,
                    }],
                },
                s2,
            ),
        ]),
    ));
    out.push((
        "stats-no-by-on-empty-input",
        from(vec![
            where_(p(2, eq(c(PNAME), kw("no-such-process")))),
            step(
                StepKind::Stats(esql::plan::Aggregation {
                    groups: vec![],
                    aggregates: vec![
                        agg(A::Count, vec![], T::Long),
                        agg(A::Values, vec![c(HOST)], T::Keyword),
                    ],
                    outputs: vec![col(0, "c", T::Long), col(1, "v", T::Keyword)],
                }),
                schema(&[("c", T::Long), ("v", T::Keyword)]),
            ),
        ]),
    ));
    // EVAL with keyword-table and row-wise assignments, then KEEP, SORT, LIMIT.
    let mut ext = source_schema();
    ext.push(("x", T::Keyword));
    ext.push(("y", T::Long));
    let upper = p(2, call(F::ToUpper, vec![c(PNAME)], T::Keyword));
    let y = p(
        3,
        arith(ArithmeticOp::Add, c(BYTES), lit(Value::Long(1)), T::Long),
    );
    out.push((
        "eval-where-keep-sort-limit",
        from(vec![
            step(
                StepKind::Eval {
                    exprs: vec![upper, y],
                    projection: (0..ext.len()).collect(),
                },
                schema(&ext),
            ),
            step(
                StepKind::Where {
                    condition: p(4, eq(col(7, "x", T::Keyword), kw("BASH"))),
                },
                schema(&ext),
            ),
            step(
                StepKind::Project {
                    columns: vec![7, 8, HOST, TS],
                },
                schema(&[
                    ("x", T::Keyword),
                    ("y", T::Long),
                    ("host.name", T::Keyword),
                    ("@timestamp", T::Date),
                ]),
            ),
            step(
                StepKind::Sort {
                    keys: vec![SortKey {
                        expr: col(1, "y", T::Long),
                        descending: false,
                        nulls_first: false,
                    }],
                },
                schema(&[
                    ("x", T::Keyword),
                    ("y", T::Long),
                    ("host.name", T::Keyword),
                    ("@timestamp", T::Date),
                ]),
            ),
            step(
                StepKind::Limit { count: 17 },
                schema(&[
                    ("x", T::Keyword),
                    ("y", T::Long),
                    ("host.name", T::Keyword),
                    ("@timestamp", T::Date),
                ]),
            ),
        ]),
    ));
    let mut ext2 = source_schema();
    ext2.push(("z", T::Long));
    out.push((
        "where-limit-eval-early-stop",
        from(vec![
            where_(p(2, eq(c(ARGS), kw("-c")))),
            step(StepKind::Limit { count: 3 }, schema(&source_schema())),
            step(
                StepKind::Eval {
                    exprs: vec![p(
                        3,
                        arith(ArithmeticOp::Add, c(BYTES), lit(Value::Long(1)), T::Long),
                    )],
                    projection: (0..ext2.len()).collect(),
                },
                schema(&ext2),
            ),
        ]),
    ));
    out.push((
        "expand-where-limit",
        from(vec![
            step(
                StepKind::MvExpand { column: ARGS },
                schema(&source_schema()),
            ),
            where_(or(
                p(2, like(c(ARGS), &["-*"])),
                p(3, eq(c(ETYPE), kw("end"))),
            )),
            step(StepKind::Limit { count: 4 }, schema(&source_schema())),
            where_(p(4, cmp(ComparisonOp::Lt, c(BYTES), int(1000)))),
        ]),
    ));
    out.push((
        "keep-expand-keep",
        from(vec![
            step(
                StepKind::Project {
                    columns: vec![ARGS, HOST],
                },
                schema(&[("process.args", T::Keyword), ("host.name", T::Keyword)]),
            ),
            step(
                StepKind::MvExpand { column: 0 },
                schema(&[("process.args", T::Keyword), ("host.name", T::Keyword)]),
            ),
            step(
                StepKind::Where {
                    condition: p(2, like(col(0, "process.args", T::Keyword), &["-*"])),
                },
                schema(&[("process.args", T::Keyword), ("host.name", T::Keyword)]),
            ),
        ]),
    ));
    out
}

fn configs() -> Vec<(String, EngineConfig)> {
    let mut out = Vec::new();
    for dictionary in [true, false] {
        for batch_size in [1usize, 7, 1 << 16] {
            for chunk_rows in [1usize, 13, 1 << 20] {
                if batch_size == 1 && chunk_rows == 1 << 20 && !dictionary {
                    continue;
                }
                for parallel in [false, true] {
                    if parallel && chunk_rows != 13 {
                        continue;
                    }
                    out.push((
                        format!("dict={dictionary} batch={batch_size} chunk={chunk_rows} parallel={parallel}"),
                        EngineConfig {
                            dictionary,
                            batch_size,
                            chunk_rows,
                            parallel,
                        },
                    ));
                }
            }
        }
    }
    out
}

#[test]
fn optimized_engine_matches_reference_on_hand_built_plans() {
    let data = dataset(0x5eed, 400);
    let label = std::env::var("ENGINE_LABEL").unwrap_or_default();
    let mut checked = 0;
    for (limit, (name, plan)) in [Some(1000), Some(5), None]
        .into_iter()
        .flat_map(|l| plans().into_iter().map(move |p| (l, p)))
    {
        if !name.contains(&label) {
            continue;
        }
        let opts = EvalOptions {
            implicit_limit: limit,
            ..EvalOptions::default()
        };
        let name = format!("{name} (implicit limit {limit:?})");
        let expected = ReferenceEvaluator::new().run(&plan, &data, &opts).unwrap();
        for (cname, cfg) in configs() {
            let engine = OptimizedEvaluator::new(Arc::new(EngineKernel::new()), cfg);
            let got = engine.run(&plan, &data, &opts).unwrap();
            assert_eq!(got.columns, expected.columns, "{name} [{cname}]: columns");
            assert_eq!(
                got.warnings, expected.warnings,
                "{name} [{cname}]: warnings"
            );
            assert_eq!(got.rows, expected.rows, "{name} [{cname}]: rows");
            checked += 1;
        }
    }
    assert!(checked > 0, "no plan matched ENGINE_LABEL={label}");
}

#[test]
fn plans_exercise_warnings_and_rows() {
    // Guard against a vacuous differential test: the data must make some plans warn and return rows.
    let data = dataset(0x5eed, 400);
    let opts = EvalOptions::default();
    let mut warned = 0;
    let mut nonempty = 0;
    for (_, plan) in plans() {
        let t = ReferenceEvaluator::new().run(&plan, &data, &opts).unwrap();
        warned += !t.warnings.is_empty() as usize;
        nonempty += !t.rows.is_empty() as usize;
    }
    assert!(warned >= 4, "only {warned} plans warn");
    assert!(nonempty >= 8, "only {nonempty} plans return rows");
}
