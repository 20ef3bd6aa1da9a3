//! STATS with many groups: the optimized engine against the reference.
//!
//! Both seed rules end in `STATS count(), count_distinct(), values()… BY two keywords | WHERE … | SORT/EVAL`;
//! the engine finishes COUNT_DISTINCT from hashed id sets, defers keys and VALUES/MIN/MAX past the tail
//! steps that do not read them, and fills them only for rows that reach a step that does. These tests
//! check every such shape against the reference: multi-valued and null keys, many small groups, empty
//! input, several chunks and batches, dictionaries on and off, 1 and 2 threads, VALUES order,
//! COUNT_DISTINCT at small precision thresholds (sketches past linear counting), WHERE clauses that warn
//! before a LIMIT, tail steps that read deferred columns (finished up front), a second STATS, MV_EXPAND,
//! and implicit limits of none, 3 and the default. Columns, rows (in order) and warnings must be equal.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use detsim::engine::synthetic::Rng;
use detsim::engine::synthetic::{SyntheticConfig, documents_for};
use detsim::engine::{EngineConfig, EngineKernel, OptimizedEvaluator};
use esql::{Catalog, Document, EvalOptions, Evaluator, Mapping, MemorySource, Plan, Value};
use oracles::ReferenceEvaluator;

/// A keyword cell from a pool: sometimes missing, sometimes two values.
fn keyword(rng: &mut Rng, prefix: &str, pool: usize) -> Value {
    match rng.below(20) {
        0 => Value::Null,
        1 => Value::Multi(vec![
            Value::keyword(format!("{prefix}{}", rng.below(pool))),
            Value::keyword(format!("{prefix}{}", rng.below(pool))),
        ]),
        _ => Value::keyword(format!("{prefix}{}", rng.below(pool))),
    }
}

/// `docs` documents over keys `k1` (pool `p1`), `k2` (pool `p2`), arguments `a` (small pool), `b`
/// (large pool), long `n`: thousands of groups, most with one or two rows.
fn dataset(seed: u64, docs: usize, p1: usize, p2: usize) -> MemorySource {
    let mapping = Arc::new(
        Mapping::new()
            .with("a", "keyword")
            .with("b", "keyword")
            .with("k1", "keyword")
            .with("k2", "keyword")
            .with("n", "long"),
    );
    let mut src = MemorySource::new();
    src.add_index("t", mapping);
    let mut rng = Rng::new(seed);
    for d in 0..docs {
        let mut fields = BTreeMap::new();
        let mut put = |k: &str, v: Value| {
            if !v.is_null() {
                fields.insert(k.to_owned(), v);
            }
        };
        let a = keyword(&mut rng, "agent-", 4);
        put("a", a);
        let b = keyword(&mut rng, "b", 1000);
        put("b", b);
        let k1 = keyword(&mut rng, "/usr/bin/x", p1);
        put("k1", k1);
        let k2 = keyword(&mut rng, "/var/www/f", p2);
        put("k2", k2);
        let n = match rng.below(10) {
            0 => Value::Null,
            1 => Value::Multi(vec![Value::Long(-3), Value::Long(rng.below(50) as i64)]),
            _ => Value::Long(rng.below(100) as i64),
        };
        put("n", n);
        src.push(Document {
            id: format!("d{d}"),
            index: "t".to_owned(),
            version: 1,
            fields,
            ignored: vec![],
        })
        .unwrap();
    }
    src
}

fn configs() -> Vec<(String, EngineConfig)> {
    let mut out = Vec::new();
    for dictionary in [true, false] {
        for (chunk_rows, batch_size) in [(1 << 18, 1 << 16), (337, 41), (1000, 1 << 16)] {
            for parallel in [false, true] {
                out.push((
                    format!(
                        "dict={dictionary} chunk={chunk_rows} batch={batch_size} par={parallel}"
                    ),
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
    out
}

/// Runs `plan` on the reference and on every configuration, on 1 and 2 threads; all must agree.
fn check(label: &str, plan: &Plan, data: &MemorySource, opts: &EvalOptions) -> usize {
    let expected = ReferenceEvaluator::new()
        .run(plan, data, opts)
        .unwrap_or_else(|e| panic!("{label}: reference failed: {e}"));
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        for (name, cfg) in configs() {
            let engine = OptimizedEvaluator::new(Arc::new(EngineKernel::new()), cfg);
            let got = pool
                .install(|| engine.run(plan, data, opts))
                .unwrap_or_else(|e| {
                    panic!("{label} [{name}, {threads} threads]: engine failed: {e}")
                });
            assert_eq!(got.columns, expected.columns, "{label} [{name}]: columns");
            assert_eq!(
                got.rows.len(),
                expected.rows.len(),
                "{label} [{name}, {threads} threads]: row count"
            );
            for (i, (g, e)) in got.rows.iter().zip(&expected.rows).enumerate() {
                assert_eq!(g, e, "{label} [{name}, {threads} threads]: row {i}");
            }
            assert_eq!(
                got.warnings, expected.warnings,
                "{label} [{name}, {threads} threads]: warnings"
            );
        }
    }
    expected.rows.len()
}

fn plan_of(query: &str, data: &MemorySource) -> Plan {
    let catalog: Catalog = esql::DataSource::catalog(data);
    esql::analyze(&esql::parse(query).expect("parses"), &catalog)
        .unwrap_or_else(|e| panic!("{query}: {e}"))
}

const RULE_SHAPE: &str = "FROM t | STATS c = COUNT(), d = COUNT_DISTINCT(a), hv = VALUES(b), \
     av = VALUES(a), nv = VALUES(n) BY k1, k2";

#[test]
fn many_group_shapes_match_the_reference() {
    let data = dataset(17, 3000, 300, 40);
    let queries: Vec<String> = vec![
        format!("{RULE_SHAPE} | WHERE d == 1 AND c < 5"),
        format!(
            "{RULE_SHAPE} | WHERE d == 1 AND c < 5 | SORT c ASC \
             | EVAL a1 = MV_MIN(av), h1 = MV_MIN(hv) | KEEP a1, h1, k1, k2, c, d, av"
        ),
        format!("{RULE_SHAPE}"),
        format!("{RULE_SHAPE} | LIMIT 7"),
        // Warns (division by zero) on groups with c == 1, before a LIMIT stops the pipeline.
        format!("{RULE_SHAPE} | WHERE 10 / (c - 1) > 2 | LIMIT 7"),
        format!("{RULE_SHAPE} | WHERE 10 / (c - 1) > 2 | SORT c DESC | LIMIT 9 | EVAL x = MV_MAX(hv)"),
        // Tail steps that read deferred columns from the start.
        format!("{RULE_SHAPE} | WHERE MV_COUNT(hv) > 1"),
        format!("{RULE_SHAPE} | SORT c DESC, k1, k2 NULLS FIRST | LIMIT 25"),
        format!("{RULE_SHAPE} | WHERE c > 1 | SORT c DESC | LIMIT 5 | EVAL x = CONCAT(k1, \"-\", k2)"),
        format!("{RULE_SHAPE} | WHERE c >= 1 | MV_EXPAND hv | LIMIT 30"),
        format!("{RULE_SHAPE} | WHERE d < 3 | STATS n = COUNT(), t = SUM(c) BY av"),
        format!("{RULE_SHAPE} | WHERE c < 3 | SORT d | KEEP k2, av, c"),
        // MV_EXPAND + WHERE, then KEEP/DROP (the frame stays virtual) into STATS or rows.
        "FROM t | MV_EXPAND a | WHERE a != \"agent-1\" | KEEP k1, k2, a, b \
         | STATS c = COUNT(), v = VALUES(a), d = COUNT_DISTINCT(b) BY k1, k2 | WHERE c < 4"
            .into(),
        "FROM t | MV_EXPAND a | WHERE a LIKE \"agent-*\" | KEEP k1, b | STATS c = COUNT(), v = VALUES(b) BY k1"
            .into(),
        "FROM t | MV_EXPAND a | WHERE a LIKE \"agent-*\" | DROP n | WHERE LENGTH(b) > 3 | KEEP b, a, k2 \
         | STATS c = COUNT(b), s = SUM(LENGTH(b)) BY a, k2"
            .into(),
        "FROM t | MV_EXPAND a | WHERE a == \"agent-2\" OR a IS NULL | KEEP b, a | LIMIT 50".into(),
        "FROM t | MV_EXPAND b | WHERE b LIKE \"b1*\" | RENAME b AS bb | KEEP k1, bb, a | MV_EXPAND a \
         | STATS c = COUNT(), v = VALUES(bb) BY k1, a | SORT c DESC, k1, a | LIMIT 40"
            .into(),
        // One key (the null group first).
        "FROM t | STATS c = COUNT(), v = VALUES(b) BY k1 | WHERE c < 3".into(),
        "FROM t | STATS v = VALUES(a), c = COUNT(a) BY k2 | WHERE c > 0".into(),
        // MIN/MAX/VALUES of longs and COUNT_DISTINCT at small thresholds (sketches past linear counting).
        "FROM t | STATS mn = MIN(n), mx = MAX(n), v = VALUES(n), d = COUNT_DISTINCT(n, 5) BY k2 \
         | SORT mn DESC NULLS FIRST | LIMIT 20"
            .into(),
        "FROM t | STATS d = COUNT_DISTINCT(b, 3), d2 = COUNT_DISTINCT(b, 10), d3 = COUNT_DISTINCT(b), \
         c = COUNT(b) BY k2 | WHERE d > 0"
            .into(),
        "FROM t | STATS d = COUNT_DISTINCT(b, 0), e = COUNT_DISTINCT(k1, 20), v = VALUES(a)".into(),
        // Empty input, with and without BY.
        "FROM t | WHERE n > 1000000 | STATS c = COUNT(), v = VALUES(a) BY k1, k2 | WHERE c < 5".into(),
        "FROM t | WHERE n > 1000000 | STATS c = COUNT(), d = COUNT_DISTINCT(a), v = VALUES(a) \
         | WHERE c < 5"
            .into(),
        // Keys computed or read by an output expression.
        "FROM t | STATS c = COUNT(), v = VALUES(a) BY k = CONCAT(k1, k2) | WHERE c < 3".into(),
        "FROM t | STATS c = COUNT(), v = VALUES(a), x = MV_COUNT(VALUES(b)) BY k1 | WHERE c < 4".into(),
    ];
    let rows = check_under_limits(&queries, &data);
    assert!(rows > 1000, "the shapes return rows ({rows})");
}

/// Checks every query with implicit limits 1000, 3 and none; returns the rows returned in all.
fn check_under_limits(queries: &[String], data: &MemorySource) -> usize {
    let mut rows = 0;
    for q in queries {
        let plan = plan_of(q, data);
        for limit in [Some(1000), Some(3), None] {
            let opts = EvalOptions {
                implicit_limit: limit,
                ..EvalOptions::default()
            };
            rows += check(
                &format!("{q} (implicit limit {limit:?})"),
                &plan,
                data,
                &opts,
            );
        }
    }
    rows
}

/// Shapes of this session's paths: keys and VALUES sets read through the first chunk's dictionary ids
/// and translated for later chunks; two-key groups found in per-first-key chains (and moved to a hash
/// map when one key has few values and the other many); the first WHERE/SORT/LIMIT steps after the
/// STATS run over the groups' counts before rows are built, and rows built only up to the limit the
/// following EVAL/KEEP steps let through; VALUES/MIN/MAX of keywords sorted from the id sets.
#[test]
fn group_maps_and_the_tail_over_groups_match_the_reference() {
    let data = dataset(29, 2500, 500, 60);
    let queries: Vec<String> = vec![
        // Few first-key values, many second-key values: long chains, then the hash map.
        "FROM t | STATS c = COUNT(), v = VALUES(k1) BY a, k1 | WHERE c >= 1 | SORT c DESC | LIMIT 50".into(),
        "FROM t | STATS c = COUNT(), mn = MIN(b), mx = MAX(b) BY k2, a".into(),
        "FROM t | STATS c = COUNT(), d = COUNT_DISTINCT(b) BY k1, k2, a | WHERE d == 1 AND c < 3".into(),
        // Counts only in the tail prefix: several WHEREs, LIMIT before WHERE, sorts on two counts.
        format!("{RULE_SHAPE} | WHERE c < 4 | WHERE NOT d != 1 OR c == 2 | SORT d DESC, c | LIMIT 40"),
        format!("{RULE_SHAPE} | LIMIT 30 | WHERE c <= 1 | SORT c DESC | EVAL x = MV_MAX(hv) | KEEP x, c, k1"),
        format!("{RULE_SHAPE} | SORT d, c DESC | LIMIT 12 | EVAL a1 = MV_MIN(av) | LIMIT 5"),
        format!("{RULE_SHAPE} | WHERE c > 1 AND c != 3 | EVAL m = MV_MIN(nv) | WHERE m IS NOT NULL"),
        format!("{RULE_SHAPE} | WHERE d >= 2 | SORT k1 DESC NULLS LAST | LIMIT 20"),
        format!("{RULE_SHAPE} | EVAL y = c * 2 | WHERE y > 2"),
        // COUNT_DISTINCT past linear counting in the WHERE; a SUM (can warn) keeps the row path.
        "FROM t | STATS d = COUNT_DISTINCT(b, 2), c = COUNT() BY a | WHERE d > 3 | SORT d DESC".into(),
        "FROM t | STATS c = COUNT(), s = SUM(n) BY k2 | WHERE c > 40 | SORT c | LIMIT 4".into(),
        "FROM t | STATS c = COUNT(n), mn = MIN(k1), mx = MAX(a), v = VALUES(n) BY k2 | WHERE c > 2 \
         | SORT c, mn | LIMIT 8"
            .into(),
        // No tail at all: rows built only up to the implicit limit.
        "FROM t | STATS c = COUNT(), v = VALUES(b) BY k1, k2".into(),
        "FROM t | STATS c = COUNT() BY b".into(),
    ];
    let rows = check_under_limits(&queries, &data);
    assert!(rows > 1000, "the shapes return rows ({rows})");
}

/// Aggregates over the same plain column share one id set (`COUNT_DISTINCT(a)` with `VALUES(a)`,
/// `MIN(a)`, `MAX(a)`), unless filtered or given further arguments of their own; the sharers read the
/// first one's set through merges of chunk sinks, virtual (MV_EXPAND) frames, numeric columns finished
/// through the kernel, and rows of the tail that materialise them late.
#[test]
fn aggregates_sharing_an_id_set_match_the_reference() {
    let data = dataset(41, 2500, 400, 50);
    let queries: Vec<String> = vec![
        "FROM t | STATS d = COUNT_DISTINCT(a, 3), v = VALUES(a), mn = MIN(a), mx = MAX(a) BY k1, k2 \
         | WHERE d == 1 | SORT k1 | LIMIT 30"
            .into(),
        "FROM t | STATS v = VALUES(b), d = COUNT_DISTINCT(b, 2), e = COUNT_DISTINCT(b), \
         w = VALUES(b) WHERE n > 50, m = MAX(b) BY k2 | WHERE e > 1"
            .into(),
        "FROM t | MV_EXPAND a | STATS d = COUNT_DISTINCT(a), v = VALUES(a), c = COUNT() BY k1 \
         | WHERE d < 2 | EVAL x = MV_MAX(v) | KEEP x, d, c, k1"
            .into(),
        "FROM t | STATS v = VALUES(n), mn = MIN(n), d = COUNT_DISTINCT(n), mx = MAX(n) BY k2 \
         | SORT d DESC, k2 | LIMIT 25"
            .into(),
        "FROM t | STATS d = COUNT_DISTINCT(k1), v = VALUES(k1), c = COUNT() | EVAL l = MV_COUNT(v)".into(),
    ];
    let rows = check_under_limits(&queries, &data);
    assert!(rows > 100, "the shapes return rows ({rows})");
}

/// The seed rules over their own synthetic documents (most rows pass; many groups).
#[test]
fn seed_rules_on_synthetic_documents_match_the_reference() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let catalog = Catalog::elastic_defend();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("rules/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 2, "two seed rules");
    for p in files {
        let f = detsim::rules::load_file(&p).expect("seed rule loads");
        let text = f.queries[0].text.to_string();
        let plan = esql::analyze(&esql::parse(&text).unwrap(), &catalog).unwrap();
        let esql::plan::Source::From(from) = &plan.source else {
            panic!("seed rules read FROM");
        };
        let index = from.patterns[0].replace('*', "default");
        let mapping = catalog.mapping_for(&index).expect("mapping");
        for (pool, count) in [(60, 2500), (2000, 2500)] {
            let mut src = MemorySource::new();
            src.add_index(index.clone(), mapping.clone());
            let cfg = SyntheticConfig {
                pool,
                ..SyntheticConfig::default()
            };
            for json in documents_for(&plan, count, 5, cfg) {
                let id = esql::ingest::event_id(&json).expect("event.id");
                src.push(esql::ingest::index_document(&json, &id, &index, &mapping).unwrap())
                    .unwrap();
            }
            let rows = check(
                &format!("{} (pool {pool})", p.display()),
                &plan,
                &src,
                &EvalOptions::default(),
            );
            assert!(
                rows > 0,
                "{}: the synthetic documents give alerts",
                p.display()
            );
        }
    }
}
