//! The engine's split WHERE and fused MV_EXPAND + WHERE against the reference, on documents built to
//! exercise them: multi-valued keyword fields (multi-value warnings on far more than 20 rows, so the
//! failure cap matters), nulls, MV_EXPAND of arrays with nulls, empty selections, constants, a
//! non-keyword leaf (the materialising fallback), LIMIT after the fused step, STATS after it — under
//! several engine configurations (dictionaries off, tiny batches, many chunks sequential and parallel)
//! and in rayon pools of 1 and 2 threads. Columns, rows (in order) and warnings must be identical.

use std::sync::Arc;

use detsim::engine::synthetic::Rng;
use detsim::engine::{EngineConfig, EngineKernel, OptimizedEvaluator};
use esql::{Catalog, EvalOptions, Evaluator, MemorySource, ResultTable};
use oracles::ReferenceEvaluator;
use serde_json::{Value as Json, json};

const INDEX: &str = "logs-endpoint.events.process-default";

fn pick<'a>(rng: &mut Rng, xs: &[&'a str]) -> &'a str {
    xs[rng.below(xs.len())]
}

/// Process documents with arrays and missing values in the fields the queries read.
fn source(count: usize) -> MemorySource {
    let catalog = Catalog::elastic_defend();
    let mapping = catalog.mapping_for(INDEX).expect("process mapping");
    let mut src = MemorySource::new();
    src.add_index(INDEX, mapping.clone());
    let mut rng = Rng::new(5);
    let names = ["scp", "rsync", "bash", "sftp", "python3", "ls"];
    let parents = ["bash", "sh", "x.py", "cron", "sshd"];
    for n in 0..count {
        let mut doc = json!({
            "event.id": format!("e{n}"),
            "@timestamp": format!("2026-11-22T10:{:02}:{:02}.000Z", n / 60 % 60, n % 60),
            "host.os.type": if rng.below(10) == 0 { "windows" } else { "linux" },
            "process.pid": rng.below(100),
        });
        let m = doc.as_object_mut().expect("object");
        let types: Json = match rng.below(6) {
            0 => json!(["start", "end"]),
            1 => Json::Null,
            2 => json!("end"),
            _ => json!("start"),
        };
        if !types.is_null() {
            m.insert("event.type".into(), types);
        }
        let actions: Json = match rng.below(7) {
            0 => json!(["fork", "exec"]),
            1 => json!(["fork", "exec", "end"]),
            2 => Json::Null,
            3 => json!("end"),
            _ => json!("exec"),
        };
        if !actions.is_null() {
            m.insert("event.action".into(), actions);
        }
        if rng.below(12) != 0 {
            let name = if rng.below(15) == 0 {
                json!([pick(&mut rng, &names), pick(&mut rng, &names)])
            } else {
                json!(pick(&mut rng, &names))
            };
            m.insert("process.name".into(), name);
        }
        if rng.below(9) != 0 {
            m.insert(
                "process.parent.name".into(),
                json!(pick(&mut rng, &parents)),
            );
        }
        m.insert(
            "process.executable".into(),
            json!(format!("/usr/bin/{}", (n * 7 + rng.below(3)) % 997)),
        );
        let id = format!("e{n}");
        src.push(esql::ingest::index_document(&doc, &id, INDEX, &mapping).expect("indexes"))
            .expect("push");
    }
    src
}

const QUERIES: &[&str] = &[
    // The seed rule's shape: multi-valued event.type warns on many children.
    "FROM logs-endpoint.events.process-* METADATA _id
     | MV_EXPAND event.action
     | WHERE host.os.type == \"linux\" AND event.type == \"start\" AND event.action == \"exec\"
         AND process.name IN (\"scp\", \"rsync\", \"sftp\")
         AND (process.parent.name IN (\"bash\", \"sh\") OR process.parent.name LIKE \"*.py\")
     | KEEP _id, event.action, process.name, process.parent.name",
    // Same, no MV_EXPAND (split WHERE on an ordinary frame), NOT, IS NULL, OR.
    "FROM logs-endpoint.events.process-* METADATA _id
     | WHERE NOT (process.name LIKE \"s*\") OR event.type IS NULL OR event.type == \"end\"
     | KEEP _id, process.name, event.type",
    // Empty selection.
    "FROM logs-endpoint.events.process-* | WHERE process.name == \"nothing\" | KEEP process.name",
    // Fused step feeding STATS with a multi-valued key and a null group.
    "FROM logs-endpoint.events.process-*
     | MV_EXPAND event.type
     | WHERE event.type == \"start\" AND process.name IN (\"scp\", \"bash\") AND event.action == \"exec\"
     | STATS c = COUNT(), n = COUNT_DISTINCT(process.executable), v = VALUES(process.parent.name)
         BY process.name, event.action",
    // A condition only on the expanded column, then LIMIT.
    "FROM logs-endpoint.events.process-* METADATA _id
     | MV_EXPAND event.action
     | WHERE event.action LIKE \"e*\" OR event.action IS NULL
     | KEEP _id, event.action
     | LIMIT 50",
    // Constants and a non-keyword leaf (falls back to the materialised row path).
    "FROM logs-endpoint.events.process-* METADATA _id
     | MV_EXPAND event.action
     | WHERE 1 == 1 AND process.pid > 50 AND event.type == \"start\" AND event.action == \"fork\"
     | KEEP _id, process.pid, event.action",
    // Every conjunct reads the expanded column; warnings from process.name arrays.
    "FROM logs-endpoint.events.process-*
     | MV_EXPAND process.name
     | WHERE process.name == \"scp\" AND event.action == \"exec\"
     | STATS c = COUNT() BY process.name",
    // Two expansions in a row, each followed by a split WHERE: the first leaves the frame virtual, the
    // second (fused, then pre-filtered) must make it real first (a campaign panic: the second
    // expansion read its column with child row numbers).
    "FROM logs-endpoint.events.process-* METADATA _id
     | MV_EXPAND event.type
     | WHERE process.name != \"nothing\"
     | MV_EXPAND event.action
     | WHERE NOT (NOT (true))
     | KEEP _id, event.type, event.action",
    "FROM logs-endpoint.events.process-* METADATA _id
     | MV_EXPAND event.action
     | WHERE event.action LIKE \"*e*\"
     | MV_EXPAND event.type
     | WHERE event.type == \"start\" AND process.name LIKE \"s*\"
     | KEEP _id, event.type, event.action",
    "FROM logs-endpoint.events.process-* METADATA _id
     | MV_EXPAND event.action
     | WHERE process.name IS NOT NULL
     | MV_EXPAND event.type
     | WHERE process.pid > 10 AND process.name == \"scp\"
     | KEEP _id, event.type, event.action",
    // Value-dependent failure messages (more than 20 distinct ones): which 20 are printed depends on
    // the order failures are met, through the fused step and the cap.
    "FROM logs-endpoint.events.process-*
     | MV_EXPAND event.action
     | WHERE TO_INTEGER(process.executable) > 3 OR event.action == \"exec\"
     | STATS c = COUNT() BY event.action",
    "FROM logs-endpoint.events.process-* METADATA _id
     | WHERE process.name == \"scp\" AND TO_INTEGER(process.executable) > 3
     | KEEP _id
     | LIMIT 3",
    // Leaves that report one null and one warning on every multi-valued row (literal first, IN,
    // NOT LIKE, LIKE "*" that is true on any value, IS NOT NULL, a literal null folding silently),
    // fused with MV_EXPAND and on an ordinary frame: the engine evaluates one multi-value per leaf.
    "FROM logs-endpoint.events.process-* METADATA _id
     | MV_EXPAND event.action
     | WHERE \"linux\" == host.os.type AND process.name IN (\"scp\", \"bash\", \"ls\")
         AND NOT (event.type LIKE \"st*\") AND process.name LIKE \"*\"
         AND event.type IS NOT NULL AND event.action == \"exec\"
     | KEEP _id, event.type, event.action, process.name",
    "FROM logs-endpoint.events.process-* METADATA _id
     | WHERE process.name == null OR NOT (process.name IN (\"scp\", \"ls\") AND event.type == \"end\")
     | KEEP _id, process.name, event.type",
    // Leaves compiled to string tests (ordering comparisons, IN with a null item, RLIKE, IS NULL of a
    // comparison) next to multi-valued rows and nulls.
    "FROM logs-endpoint.events.process-* METADATA _id
     | MV_EXPAND event.action
     | WHERE (process.name >= \"rsync\" AND \"sftp\" > process.name) OR process.name IN (\"ls\", null)
         OR process.parent.name RLIKE \"s[a-z]+\" OR (event.type == \"end\") IS NULL
     | KEEP _id, event.action, process.name, process.parent.name, event.type",
    // A column no document holds (an empty dictionary, every row null).
    "FROM logs-endpoint.events.process-* METADATA _id
     | WHERE user.name IN (\"root\") OR user.name IS NULL AND process.name == \"scp\"
     | KEEP _id, user.name",
    // Leaves that look inside a multi-value (function calls): evaluated per distinct id list.
    "FROM logs-endpoint.events.process-* METADATA _id
     | WHERE MV_FIRST(process.name) == \"scp\" OR TO_UPPER(event.type) == \"START\"
     | KEEP _id, process.name, event.type",
    "FROM logs-endpoint.events.process-*
     | MV_EXPAND event.action
     | WHERE MV_LAST(event.type) == \"end\" AND (process.name LIKE \"*\" OR TO_UPPER(process.name) == \"SCP\")
     | STATS c = COUNT() BY event.action, process.name",
    // Dense columns (one value on every row) in blocks: a first conjunct with a few true ids (compared
    // in SIMD lanes) or many (the table), sparse and dense hits, over whole batches and over
    // selections; after an expansion that left the frame virtual (ids read through the parent map).
    "FROM logs-endpoint.events.process-* METADATA _id
     | WHERE process.executable IN (\"/usr/bin/5\", \"/usr/bin/900\") AND host.os.type == \"linux\"
     | KEEP _id, process.executable",
    "FROM logs-endpoint.events.process-* METADATA _id
     | WHERE process.executable LIKE \"/usr/bin/1*\" AND host.os.type != \"windows\"
         AND process.executable != \"/usr/bin/10\"
     | KEEP _id, process.executable",
    "FROM logs-endpoint.events.process-* METADATA _id
     | MV_EXPAND event.action
     | WHERE event.action != \"nothing\"
     | WHERE host.os.type == \"windows\" AND process.executable LIKE \"*7\"
     | KEEP _id, event.action, process.executable",
    // Leaves true on null rows (the selection is written again once null's truth is known), on a
    // column with nulls only and on one with nulls and multi-values.
    "FROM logs-endpoint.events.process-* METADATA _id
     | WHERE process.parent.name IS NULL OR process.parent.name LIKE \"*.py\"
     | KEEP _id, process.parent.name",
    "FROM logs-endpoint.events.process-* METADATA _id
     | MV_EXPAND event.action
     | WHERE (process.name IS NULL OR process.name == \"ls\") AND event.action IS NOT NULL
     | KEEP _id, process.name, event.action",
];

fn configs() -> Vec<(&'static str, EngineConfig)> {
    let base = EngineConfig::default();
    vec![
        ("default", base),
        (
            "dict=off",
            EngineConfig {
                dictionary: false,
                ..base
            },
        ),
        (
            "batch=7 chunk=100 parallel",
            EngineConfig {
                batch_size: 7,
                chunk_rows: 100,
                ..base
            },
        ),
        (
            "batch=5000 chunk=333 sequential",
            EngineConfig {
                batch_size: 5000,
                chunk_rows: 333,
                parallel: false,
                ..base
            },
        ),
    ]
}

fn check(label: &str, got: &ResultTable, expected: &ResultTable) {
    assert_eq!(got.columns, expected.columns, "{label}: columns");
    assert_eq!(got.warnings, expected.warnings, "{label}: warnings");
    assert_eq!(got.rows, expected.rows, "{label}: rows");
}

#[test]
fn split_where_and_fused_mv_expand_match_the_reference() {
    let data = source(4000);
    let catalog = Catalog::elastic_defend();
    let opts = EvalOptions::default();
    let pools = [1usize, 2].map(|n| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .expect("pool")
    });
    let (mut warned, mut capped) = (0, 0);
    for q in QUERIES {
        let plan = esql::analyze(&esql::parse(q).expect("parses"), &catalog).expect("analyzes");
        let expected = ReferenceEvaluator::new().run(&plan, &data, &opts).unwrap();
        warned += expected.warnings.iter().any(|w| w.contains("multi-value")) as usize;
        capped += (expected.warnings.len() > 20) as usize;
        for (name, cfg) in configs() {
            let engine = OptimizedEvaluator::new(Arc::new(EngineKernel::new()), cfg);
            for (threads, pool) in [1, 2].iter().zip(&pools) {
                let got = pool.install(|| engine.run(&plan, &data, &opts)).unwrap();
                check(
                    &format!("{q}\n[{name}, {threads} threads]"),
                    &got,
                    &expected,
                );
                let chunks = engine.load(&plan, &data, &opts).unwrap();
                let got = pool.install(|| engine.run_loaded(&plan, &chunks, &opts));
                match got {
                    Ok(got) => check(
                        &format!("{q}\n[{name}, loaded, {threads} threads]"),
                        &got,
                        &expected,
                    ),
                    Err(e) => panic!("{q} [{name}]: run_loaded failed: {e}"),
                }
            }
        }
    }
    // The documents must exercise the warning cap: most queries meet multi-values.
    assert!(warned >= 4, "only {warned} queries warned");
    assert!(capped >= 1, "no query printed more than 20 warning lines");
}

#[test]
fn warnings_cap_keeps_the_first_twenty_failures_across_chunks() {
    // Every row has a two-valued event.type: the reference prints 20 failures; the engine (many
    // chunks in parallel) must print the same lines.
    let catalog = Catalog::elastic_defend();
    let mapping = catalog.mapping_for(INDEX).expect("process mapping");
    let mut data = MemorySource::new();
    data.add_index(INDEX, mapping.clone());
    for n in 0..500 {
        let doc = json!({
            "event.id": format!("m{n}"),
            "event.type": ["start", "end"],
            "event.action": ["fork", "exec"],
            "process.name": if n % 2 == 0 { "scp" } else { "ls" },
        });
        data.push(esql::ingest::index_document(&doc, &format!("m{n}"), INDEX, &mapping).unwrap())
            .unwrap();
    }
    let q = "FROM logs-endpoint.events.process-*
             | MV_EXPAND event.action
             | WHERE event.type == \"start\" AND process.name == \"scp\"
             | STATS c = COUNT()";
    let plan = esql::analyze(&esql::parse(q).unwrap(), &catalog).unwrap();
    let opts = EvalOptions::default();
    let expected = ReferenceEvaluator::new().run(&plan, &data, &opts).unwrap();
    assert_eq!(expected.rows, vec![vec![esql::Value::Long(0)]]);
    assert_eq!(expected.warnings.len(), 2, "{:?}", expected.warnings);
    for (name, cfg) in configs() {
        let engine = OptimizedEvaluator::new(Arc::new(EngineKernel::new()), cfg);
        check(name, &engine.run(&plan, &data, &opts).unwrap(), &expected);
    }
}
