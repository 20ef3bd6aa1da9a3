//! The reference corpora in `../shared`: the detection rules' ES|QL queries and the queries of
//! Elasticsearch's csv-spec tests. Each must parse (or, for the few csv-spec queries written for
//! a newer grammar, fail exactly where Elastic's 9.5 parser fails) and round-trip.

use std::fs;
use std::path::{Path, PathBuf};

use crate::helpers::shared_dir;

/// `.toml` files under `dir`, recursively, sorted.
fn toml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            toml_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "toml") {
            out.push(p);
        }
    }
}

/// Parses, prints and re-parses `q`; `Err` describes the failure.
fn round_trip(q: &str) -> Result<(), String> {
    let ast = esql::parse(q).map_err(|e| e.to_string())?;
    let printed = esql::print(&ast);
    match esql::parse(&printed) {
        Ok(again) if again == ast => Ok(()),
        Ok(_) => Err(format!("printed text parses differently: {printed}")),
        Err(e) => Err(format!("printed text does not parse ({e}): {printed}")),
    }
}

#[test]
fn every_detection_rule_query_parses_and_round_trips() {
    let Some(shared) = shared_dir() else { return };
    let mut files = Vec::new();
    toml_files(&shared.join("detection-rules"), &mut files);
    let mut parsed = 0;
    let mut failures = Vec::new();
    for path in &files {
        let text = fs::read_to_string(path).unwrap();
        let doc: toml::Table =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let Some(rule) = doc.get("rule").and_then(|r| r.as_table()) else {
            continue;
        };
        if rule.get("language").and_then(|l| l.as_str()) != Some("esql") {
            continue;
        }
        let query = rule["query"].as_str().unwrap();
        parsed += 1;
        if let Err(e) = round_trip(query) {
            failures.push(format!("{}: {e}", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(
        parsed, 213,
        "expected the 213 ES|QL rules of the shared corpus"
    );
}

/// csv-spec queries the 9.5 grammar rejects (they use expressions after LIKE, added later), with
/// the position Elastic's 9.5 parser reports.
const REJECTED_SPECS: &[(&str, &str)] = &[
    ("likeConstantExpressionConcat", "1:40"),
    ("rlikeConstantExpressionConcat", "1:41"),
    ("likeConstantExpressionToLower", "1:32"),
    ("likeConstantExpressionNested", "1:36"),
    ("rlikeConstantExpressionToUpper", "1:37"),
    ("likeEvalPropagatedLiteral", "1:59"),
    ("likeEvalPropagatedConcat", "1:71"),
    ("rlikeEvalPropagatedConcat", "1:73"),
    ("likeRowEvalPropagatedConcat", "1:71"),
    ("rlikeRowEvalPropagatedConcat", "1:73"),
    ("rlikeEvalPropagatedLiteral", "1:61"),
    ("likeMultiLevelEvalChain", "1:94"),
    ("rlikeMultiLevelEvalChain", "1:96"),
    ("likeNotConstantExpressionConcat", "1:44"),
    ("rlikeNotConstantExpressionConcat", "1:45"),
];

/// The (test name, query) pairs of a csv-spec file: lines are trimmed, blank and `//`/`#` lines
/// skipped, directives skipped, query lines joined with `\r\n` up to the line ending in `;`.
fn spec_queries(text: &str) -> Vec<(String, String)> {
    const DIRECTIVES: &[&str] = &[
        "required_capability",
        "required_feature",
        "missing_capability",
        "schema::",
        "approximate:",
        "pragma:",
        "request_stored:",
        "request_time_filter:",
        "dataset:",
        "skip_flattened_rewrite:",
    ];
    enum State {
        Name,
        Preamble,
        Query,
        Result,
    }
    let mut state = State::Name;
    let mut out = Vec::new();
    let mut name = String::new();
    let mut lines: Vec<String> = Vec::new();
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with("//") || line.starts_with('#') {
            continue;
        }
        if let State::Name = state {
            name = line.split('#').next().unwrap().to_owned();
            lines.clear();
            state = State::Preamble;
            continue;
        }
        if let State::Preamble = state {
            let low = line.to_lowercase();
            if DIRECTIVES.iter().any(|d| low.starts_with(d)) {
                continue;
            }
            state = State::Query;
        }
        match state {
            State::Query => {
                if let Some(l) = line.strip_suffix("\\;") {
                    lines.push(format!("{l};"));
                } else if let Some(l) = line.strip_suffix(';') {
                    lines.push(l.to_owned());
                    out.push((name.clone(), lines.join("\r\n").trim().to_owned()));
                    state = State::Result;
                } else {
                    lines.push(line.to_owned());
                }
            }
            State::Result if line.starts_with(';') => state = State::Name,
            _ => {}
        }
    }
    out
}

#[test]
fn every_csv_spec_query_parses_or_fails_where_antlr_fails() {
    let Some(shared) = shared_dir() else { return };
    let mut files: Vec<PathBuf> = fs::read_dir(shared.join("esql-spec"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".csv-spec"))
        .collect();
    files.sort();
    let mut total = 0;
    let mut rejected = Vec::new();
    let mut failures = Vec::new();
    for path in &files {
        for (name, query) in spec_queries(&fs::read_to_string(path).unwrap()) {
            total += 1;
            match REJECTED_SPECS.iter().find(|(n, _)| *n == name) {
                Some((_, position)) => match esql::parse(&query) {
                    Ok(_) => failures.push(format!("{name}: parsed, but ANTLR 9.5 rejects it")),
                    Err(e) => {
                        let got = format!("{}:{}", e.line, e.column);
                        if got != *position {
                            failures.push(format!("{name}: error at {got}, ANTLR at {position}"));
                        }
                        rejected.push(name);
                    }
                },
                None => {
                    if let Err(e) = round_trip(&query) {
                        failures.push(format!("{}/{name}: {e}", path.display()));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(rejected.len(), REJECTED_SPECS.len());
    assert!(total > 700, "only {total} csv-spec queries found");
}
