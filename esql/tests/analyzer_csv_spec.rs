//! Compares the output schema of every csv-spec query in `../shared/esql-spec/*.csv-spec` with the
//! expected header (column names and types) of its test, analysing against the `employees`
//! (`mapping-default.json`), `addresses` (`mapping-addresses.json`) and `hosts` (types of `hosts.csv`)
//! indices. Tests over other indices are counted as "no mapping"; queries using features detsim does
//! not implement are counted as "unsupported". Every other test must agree.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use esql::analyzer::{ProblemKind, analyze};
use esql::{Catalog, DataType, FieldMapping, Mapping};

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

/// One csv-spec test: name, query and expected header (absent when the test has no result table).
struct SpecTest {
    name: String,
    query: String,
    header: Option<Vec<(String, String)>>,
}

/// A header-only csv-spec reader (format per SEMANTICS.md §1).
fn read_spec(text: &str) -> Vec<SpecTest> {
    let mut tests = Vec::new();
    let mut lines = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("//") && !l.starts_with('#'));
    while let Some(name_line) = lines.next() {
        let (name, instructions) = name_line.split_once('#').unwrap_or((name_line, ""));
        let name = if skipped_now(instructions) {
            format!("{}-Ignore", name.trim())
        } else {
            name.trim().to_owned()
        };
        let mut query = Vec::new();
        let directive = |l: &str| {
            let l = l.to_ascii_lowercase();
            [
                "required_capability:",
                "required_capability_coordinator:",
                "missing_capability_coordinator:",
                "missing_capability_data_node:",
                "required_feature:",
                "schema::",
                "approximate:",
                "pragma:",
                "request_stored:",
                "request_time_filter:",
                "dataset:",
                "skip_flattened_rewrite:",
            ]
            .iter()
            .any(|d| l.starts_with(d))
        };
        for l in lines.by_ref() {
            if query.is_empty() && directive(l) {
                continue;
            }
            if let Some(q) = l.strip_suffix(';').filter(|_| !l.ends_with("\\;")) {
                query.push(q.to_owned());
                break;
            }
            query.push(l.replace("\\;", ";"));
        }
        let mut header = None;
        for l in lines.by_ref() {
            if l.starts_with(';') {
                break;
            }
            let lower = l.to_ascii_lowercase();
            if [
                "warning:",
                "warningregex:",
                "ignoreorder:",
                "documents_found:",
            ]
            .iter()
            .any(|p| lower.starts_with(p))
            {
                continue;
            }
            if header.is_none() {
                header = Some(parse_header(l));
            }
        }
        tests.push(SpecTest {
            name,
            query: query.join("\r\n").trim().to_owned(),
            header,
        });
    }
    tests
}

/// True when a `#[skip:LOW-HIGH, …]` instruction covers the ES version these specs target (9.4).
fn skipped_now(instructions: &str) -> bool {
    let Some(range) = instructions
        .split("skip:")
        .nth(1)
        .and_then(|r| r.split([',', ']']).next())
    else {
        return false;
    };
    let version =
        |v: &str| -> Vec<u32> { v.trim().split('.').filter_map(|p| p.parse().ok()).collect() };
    let (low, high) = range.split_once('-').unwrap_or((range, range));
    let current = vec![9, 4, 0];
    let above_low = low.trim().is_empty() || version(low) <= current;
    let below_high = high.trim().is_empty() || current <= version(high);
    above_low && below_high
}

fn parse_header(line: &str) -> Vec<(String, String)> {
    line.split('|')
        .map(|cell| {
            let protected = cell.trim().replace("::", "\u{0}");
            let (name, ty) = protected.split_once(':').unwrap_or((&protected, ""));
            (name.trim().replace('\u{0}', "::"), ty.trim().to_owned())
        })
        .collect()
}

/// A mapping from a csv data file's `name:type,…` header.
fn mapping_from_csv_header(path: &Path) -> Mapping {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header = text.lines().next().unwrap_or_default();
    let mut m = Mapping::new();
    for cell in header.split(',') {
        let (name, ty) = cell.trim().split_once(':').unwrap_or((cell, "keyword"));
        m.insert(name.trim(), FieldMapping::new(ty.trim()));
    }
    m
}

fn catalog(shared: &Path) -> Catalog {
    let json = |f: &str| -> Mapping {
        let text = std::fs::read_to_string(shared.join("esql-spec").join(f)).unwrap();
        Mapping::from_es_json(&serde_json::from_str(&text).unwrap()).unwrap()
    };
    let mut c = Catalog::new();
    c.insert("employees", Arc::new(json("mapping-default.json")));
    c.insert("addresses", Arc::new(json("mapping-addresses.json")));
    c.insert(
        "hosts",
        Arc::new(mapping_from_csv_header(&shared.join("esql-spec/hosts.csv"))),
    );
    c
}

#[test]
fn csv_spec_headers_match_plan_schemas() {
    let Some(shared) = shared_dir() else { return };
    let dir = shared.join("esql-spec");
    let catalog = catalog(&shared);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv-spec"))
        .collect();
    files.sort();
    let (mut agree, mut no_mapping, mut unsupported, mut no_header) = (0, 0, Vec::new(), 0);
    let (mut parse_errors, mut differ, mut errors) = (Vec::new(), Vec::new(), Vec::new());
    for f in &files {
        let file = f.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(f).unwrap();
        for t in read_spec(&text) {
            let id = format!("{file}/{}", t.name);
            if t.name.ends_with("-Ignore") {
                continue;
            }
            let Some(header) = &t.header else {
                no_header += 1;
                continue;
            };
            let q = match esql::parse(&t.query) {
                Ok(q) => q,
                Err(e) => {
                    parse_errors.push(format!("{id}: {e}"));
                    continue;
                }
            };
            let plan = match analyze(&q, &catalog) {
                Ok(p) => p,
                Err(e) if e.is_unknown_index() => {
                    no_mapping += 1;
                    continue;
                }
                Err(e) if e.has_unsupported() => {
                    let p = e
                        .problems
                        .iter()
                        .find(|p| p.kind == ProblemKind::Unsupported);
                    unsupported.push(format!(
                        "{id}: {}",
                        p.map(|p| p.message.as_str()).unwrap_or("")
                    ));
                    continue;
                }
                Err(e) => {
                    errors.push(format!("{id}: {e}\n    {}", t.query.replace("\r\n", " ")));
                    continue;
                }
            };
            let expected: Vec<(String, Option<DataType>)> = header
                .iter()
                .map(|(n, ty)| (n.clone(), ty.parse().ok()))
                .collect();
            let actual: Vec<(String, Option<DataType>)> = plan
                .output()
                .columns
                .iter()
                .map(|c| (c.name.clone(), Some(c.data_type)))
                .collect();
            if expected == actual {
                agree += 1;
            } else {
                let show = |v: &[(String, Option<DataType>)]| {
                    v.iter()
                        .map(|(n, t)| format!("{n}:{}", t.map(|t| t.es_name()).unwrap_or("?")))
                        .collect::<Vec<_>>()
                        .join(" | ")
                };
                differ.push(format!(
                    "{id}\n    expected {}\n    actual   {}\n    {}",
                    show(&expected),
                    show(&actual),
                    t.query.replace("\r\n", " ")
                ));
            }
        }
    }
    eprintln!(
        "csv-spec schemas: {agree} agree, {} differ, {} analysis errors, {} parse errors, {} unsupported, {no_mapping} without a mapping, {no_header} without a result header",
        differ.len(),
        errors.len(),
        parse_errors.len(),
        unsupported.len()
    );
    for u in &unsupported {
        eprintln!("  unsupported: {u}");
    }
    for p in &parse_errors {
        eprintln!("  parse error: {p}");
    }
    assert!(
        differ.is_empty() && errors.is_empty(),
        "schema differences:\n{}\nanalysis errors:\n{}",
        differ.join("\n"),
        errors.join("\n")
    );
    assert!(agree >= 615, "only {agree} csv-spec schemas agree");
}
