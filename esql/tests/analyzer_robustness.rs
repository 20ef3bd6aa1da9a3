//! The analyzer never panics: every csv-spec and detection-rule query, and mutations of them (pipe
//! prefixes, single commands removed, single words replaced), either analyzes or fails with ES-style
//! problems.

#[path = "analyzer_support/mod.rs"]
mod common;

use std::path::PathBuf;

use esql::Catalog;

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

/// Queries of the csv-spec files (the line before a line ending in `;`, joined) and of rule TOMLs.
fn corpus(shared: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut files = Vec::new();
    let mut stack = vec![
        shared.join("esql-spec"),
        shared.join("detection-rules"),
        shared.join("seeds"),
    ];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push(p);
            }
        }
    }
    files.sort();
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        if f.extension().is_some_and(|e| e == "toml") {
            let Ok(doc) = text.parse::<toml::Table>() else {
                continue;
            };
            if let Some(q) = doc
                .get("rule")
                .and_then(|r| r.get("query"))
                .and_then(|q| q.as_str())
            {
                out.push(q.to_owned());
            }
        } else if f.extension().is_some_and(|e| e == "csv-spec") {
            let mut cur: Vec<&str> = Vec::new();
            for line in text.lines().map(str::trim) {
                let lower = line.to_ascii_lowercase();
                if lower.starts_with("from ") || lower.starts_with("row ") {
                    cur.clear();
                }
                cur.push(line);
                if let Some(last) = line.strip_suffix(';') {
                    cur.pop();
                    cur.push(last);
                    let q = cur.join("\n");
                    let ql = q.to_ascii_lowercase();
                    if ql.starts_with("from ") || ql.starts_with("row ") {
                        out.push(q);
                    }
                    cur.clear();
                }
            }
        }
    }
    out
}

fn mutations(q: &str) -> Vec<String> {
    let mut out = vec![q.to_owned()];
    let stages: Vec<&str> = q.split('|').collect();
    for i in 1..stages.len() {
        out.push(stages[..i].join("|"));
        let mut without = stages.clone();
        without.remove(i);
        out.push(without.join("|"));
    }
    let words: Vec<(usize, &str)> = q
        .match_indices(|c: char| c.is_alphanumeric() || c == '_' || c == '.')
        .collect();
    let mut replaced = 0;
    let mut i = 0;
    while i < words.len() && replaced < 25 {
        let start = words[i].0;
        let mut end = start + words[i].1.len();
        while i + 1 < words.len() && words[i + 1].0 == end {
            i += 1;
            end += words[i].1.len();
        }
        for with in ["zz", "1", "\"s\""] {
            out.push(format!("{}{}{}", &q[..start], with, &q[end..]));
        }
        replaced += 1;
        i += 1;
    }
    out
}

#[test]
fn analysis_never_panics_on_corpus_mutations() {
    let Some(shared) = shared_dir() else { return };
    let catalogs = [
        common::employees(),
        Catalog::elastic_defend(),
        common::conflicting(),
    ];
    let (mut analyzed, mut failed, mut parsed) = (0usize, 0usize, 0usize);
    for q in corpus(&shared) {
        for m in mutations(&q) {
            let Ok(ast) = esql::parse(&m) else { continue };
            parsed += 1;
            for c in &catalogs {
                match esql::analyze(&ast, c) {
                    Ok(_) => analyzed += 1,
                    Err(e) => {
                        failed += 1;
                        let text = e.to_string();
                        assert!(text.starts_with("Found "), "{m}\n{text}");
                        assert!(!e.problems.is_empty(), "{m}");
                        assert!(!text.contains("internal error"), "{m}\n{text}");
                    }
                }
            }
        }
    }
    eprintln!("{parsed} parsed mutations: {analyzed} analyses ok, {failed} failed with problems");
    assert!(parsed > 3000, "only {parsed} mutations parsed");
}
