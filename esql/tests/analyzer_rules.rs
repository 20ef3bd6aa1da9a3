//! Analyzes the Elastic Defend detection rules of `../shared/detection-rules` and the two seed rules
//! against the shipped Elastic Defend catalog. Rules using features detsim does not implement are
//! counted and listed (they must fail only with "unsupported" problems); every other rule must
//! analyze, and the seeds' final schemas are asserted exactly.

use std::path::{Path, PathBuf};

use esql::analyzer::{ProblemKind, analyze};
use esql::{Catalog, DataType};

/// `../shared` next to the workspace root; `None` (with a notice) when absent, a failure when `CI=true`.
fn shared_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("../shared is missing ({}) and CI=true", dir.display());
    }
    eprintln!("SKIP: ../shared not found at {}", dir.display());
    None
}

/// The `[rule] query` of a detection-rule TOML when the rule's language is ES|QL.
fn rule_query(text: &str) -> Option<String> {
    let doc: toml::Table = text.parse().ok()?;
    let rule = doc.get("rule")?.as_table()?;
    if rule.get("language").and_then(|l| l.as_str()) != Some("esql") {
        return None;
    }
    rule.get("query")?.as_str().map(str::to_owned)
}

fn toml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            toml_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "toml") {
            out.push(p);
        }
    }
}

fn schema(query: &str) -> Vec<(String, DataType)> {
    let q = esql::parse(query).expect("parses");
    let plan = analyze(&q, &Catalog::elastic_defend()).unwrap_or_else(|e| panic!("{e}\n{query}"));
    plan.output()
        .columns
        .iter()
        .map(|c| (c.name.clone(), c.data_type))
        .collect()
}

fn cols(spec: &[(&str, DataType)]) -> Vec<(String, DataType)> {
    spec.iter().map(|(n, t)| (n.to_string(), *t)).collect()
}

#[test]
fn seed_rules_have_exact_output_schemas() {
    let Some(shared) = shared_dir() else { return };
    use DataType::{Keyword as K, Long as L};
    let seed = |name: &str| {
        let path = shared.join("seeds").join(name);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        rule_query(&text).unwrap_or_else(|| panic!("{}: no query", path.display()))
    };
    let exfil = seed("exfiltration_unusual_file_transfer_utility_launched.toml");
    assert_eq!(
        schema(&exfil),
        cols(&[
            ("agent.id", K),
            ("host.name", K),
            ("process.executable", K),
            ("process.parent.executable", K),
            ("Esql.event_count", L),
            ("Esql.agent_id_count_distinct", L),
            ("Esql.host_name_values", K),
            ("Esql.agent_id_values", K),
            ("Esql.data_stream_dataset_values", K),
            ("Esql.data_stream_namespace_values", K),
        ])
    );
    let web = seed("persistence_web_server_sus_file_creation.toml");
    assert_eq!(
        schema(&web),
        cols(&[
            ("Esql.event_count", L),
            ("Esql.agent_id_count_distinct", L),
            ("Esql.host_name_values", K),
            ("Esql.agent_id_values", K),
            ("Esql.event_dataset_values", K),
            ("Esql.data_stream_namespace_values", K),
            ("process.executable", K),
            ("file.path", K),
        ])
    );
}

/// Rules over `logs-endpoint.events.*` that read fields of Elastic Defend data streams detsim does not
/// ship (macOS TCC events): they must fail with exactly this first problem.
const NOT_SHIPPED: &[(&str, &str)] = &[(
    "defense_evasion_suspicious_tcc_access_granted.toml",
    "Unknown column [Tcc.right]",
)];

/// True when every FROM pattern of `q` selects only Elastic Defend event data streams.
fn endpoint_events_only(q: &esql::ast::Query) -> bool {
    let esql::ast::SourceCommand::From(from) = &q.source else {
        return false;
    };
    from.sources.iter().all(|s| match s {
        esql::ast::FromSource::Index(p) => {
            let name = match &p.index {
                esql::ast::IndexName::Unquoted(t) => t.clone(),
                esql::ast::IndexName::Quoted(s) => s.value.to_string(),
            };
            name.split(',').all(|n| {
                let n = n.trim();
                n.starts_with("logs-endpoint.events.") || n == "logs-endpoint.*"
            })
        }
        esql::ast::FromSource::Subquery(_) => false,
    })
}

#[test]
fn elastic_defend_rules_analyze() {
    let Some(shared) = shared_dir() else { return };
    let mut files = Vec::new();
    toml_files(&shared.join("detection-rules"), &mut files);
    let catalog = Catalog::elastic_defend();
    let (mut analyzed, mut unsupported, mut failures) = (0, Vec::new(), Vec::new());
    let mut not_shipped = 0;
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let Some(query) = rule_query(&text) else {
            continue;
        };
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let q = esql::parse(&query).unwrap_or_else(|e| panic!("{name}: {e}"));
        if !endpoint_events_only(&q) {
            continue;
        }
        let result = analyze(&q, &catalog);
        if let Some((_, first)) = NOT_SHIPPED.iter().find(|(n, _)| *n == name) {
            let e = result.expect_err("reads fields detsim does not ship");
            assert_eq!(e.problems[0].message, *first, "{name}");
            not_shipped += 1;
            continue;
        }
        match result {
            Ok(_) => analyzed += 1,
            Err(e)
                if e.problems
                    .iter()
                    .all(|p| p.kind == ProblemKind::Unsupported) =>
            {
                unsupported.push(format!("{name}: {}", e.problems[0].message));
            }
            Err(e) => failures.push(format!("{name}:\n{e}")),
        }
    }
    eprintln!(
        "Elastic Defend event rules: {analyzed} analyzed, {not_shipped} read unshipped streams, {} use unsupported features:\n  {}",
        unsupported.len(),
        unsupported.join("\n  ")
    );
    assert!(
        failures.is_empty(),
        "rules failing analysis:\n{}",
        failures.join("\n")
    );
    assert_eq!(not_shipped, NOT_SHIPPED.len());
    assert!(
        analyzed >= 15,
        "only {analyzed} Elastic Defend rules analyzed"
    );
}

#[test]
fn every_rule_grok_and_dissect_pattern_compiles() {
    use esql::analyzer::{dissect, grok};
    use esql::ast::ProcessingCommand;
    let Some(shared) = shared_dir() else { return };
    let mut files = Vec::new();
    toml_files(&shared.join("detection-rules"), &mut files);
    let (mut groks, mut dissects) = (0, 0);
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let Some(query) = rule_query(&text) else {
            continue;
        };
        let q = esql::parse(&query).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        for c in &q.commands {
            match c {
                ProcessingCommand::Grok(g) => {
                    for p in &g.patterns {
                        let compiled = grok::compile(&p.value)
                            .unwrap_or_else(|e| panic!("{}: {:?}: {e}", f.display(), p.value));
                        assert!(
                            !compiled.keys().is_empty(),
                            "{}: {:?}",
                            f.display(),
                            p.value
                        );
                        groks += 1;
                    }
                }
                ProcessingCommand::Dissect(d) => {
                    let parsed = dissect::parse(&d.pattern.value)
                        .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
                    assert!(!parsed.output_keys().is_empty());
                    dissects += 1;
                }
                _ => {}
            }
        }
    }
    eprintln!("{groks} GROK and {dissects} DISSECT patterns of the rules compile");
    assert!(
        groks >= 25 && dissects >= 12,
        "{groks} GROK, {dissects} DISSECT"
    );
}
