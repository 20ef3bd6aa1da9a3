//! `detsim compare` through the binary: detsim's own `_query` output compares equal to itself, order
//! and multi-value order that ES does not guarantee are ignored, edits show as one differing row,
//! removed rows as missing, CSV works, malformed input is located, exit codes 0/1/2.

use serde_json::{Value as Json, json};

use super::support::{Scratch, detsim};

const SEED_RULE: &str = "rules/exfiltration_unusual_file_transfer_utility_launched.toml";

/// Unsorted STATS with a VALUES column: many rows, multi-valued cells.
const STATS_RULE: &str = "from logs-endpoint.events.process-*\n\
    | stats n = count(), hosts = values(host.name) by process.name\n\
    | where n < 100000";

/// The same, sorted by a column with ties.
const SORTED_RULE: &str = "from logs-endpoint.events.process-*\n\
    | stats n = count(), hosts = values(host.name) by process.name\n\
    | eval many = n > 10\n\
    | sort many desc";

struct Fixture {
    dir: Scratch,
    data: String,
}

impl Fixture {
    fn new(name: &str) -> Fixture {
        let dir = Scratch::new(name);
        let data = dir.path().join("data");
        let run = detsim(&[
            "generate",
            "--out",
            data.to_str().unwrap(),
            "--hosts",
            "6",
            "--duration",
            "2h",
        ]);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        let data = data.to_str().unwrap().to_owned();
        Fixture { dir, data }
    }

    /// `detsim eval --format esql` of `rule`, parsed.
    fn eval(&self, rule: &str) -> Json {
        let run = detsim(&[
            "eval", "--rule", rule, "--data", &self.data, "--format", "esql",
        ]);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        serde_json::from_str(&run.stdout).unwrap()
    }

    fn rule(&self, name: &str, text: &str) -> String {
        self.dir.write(name, text).to_str().unwrap().to_owned()
    }

    fn write(&self, name: &str, text: &str) -> String {
        self.dir.write(name, text).to_str().unwrap().to_owned()
    }

    fn compare(&self, rule: &str, actual: &str, extra: &[&str]) -> super::support::Run {
        let mut args = vec![
            "compare", "--rule", rule, "--data", &self.data, "--actual", actual,
        ];
        args.extend_from_slice(extra);
        detsim(&args)
    }
}

fn values(body: &mut Json) -> &mut Vec<Json> {
    body["values"].as_array_mut().unwrap()
}

#[test]
fn compare_ignores_what_es_leaves_undefined_and_reports_the_rest() {
    let f = Fixture::new("compare-main");

    // The seed rule: detsim's own output is equal to itself, with ES's extra keys.
    let mut own = f.eval(SEED_RULE);
    own["took"] = json!(12);
    own["is_partial"] = json!(false);
    own["documents_found"] = json!(1234);
    let path = f.write("own.json", &own.to_string());
    let run = f.compare(SEED_RULE, &path, &[]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("equal: 0 missing, 0 extra, 0 differing"),
        "{}",
        run.stdout
    );
    // The reference evaluator gives the same rows (the optimized engine's output as the actual).
    let run = f.compare(SEED_RULE, &path, &["--engine", "reference"]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);

    let rule = f.rule("stats.esql", STATS_RULE);
    let body = f.eval(&rule);
    let rows = body["values"].as_array().unwrap().len();
    assert!(rows >= 3, "need a few rows: {body}");
    let multi = body["values"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r[1].is_array());
    assert!(multi, "need a multi-valued VALUES cell: {body}");

    // Shuffled rows and permuted VALUES items: equal.
    let mut shuffled = body.clone();
    let vals = values(&mut shuffled);
    vals.reverse();
    vals.rotate_left(1);
    for r in vals.iter_mut() {
        if let Some(items) = r[1].as_array_mut() {
            items.reverse();
        }
    }
    let path = f.write("shuffled.json", &shuffled.to_string());
    let run = f.compare(&rule, &path, &[]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("order: not defined by the query"),
        "{}",
        run.stdout
    );

    // One edited count: exactly one differing row, naming the column; paired on the BY key.
    let mut edited = body.clone();
    let bumped = edited["values"][1][0].as_i64().unwrap() + 1;
    edited["values"][1][0] = json!(bumped);
    let path = f.write("edited.json", &edited.to_string());
    let run = f.compare(&rule, &path, &["--format", "json"]);
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    let report: Json = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["equal"], json!(false));
    assert_eq!(report["key_columns"], json!(["process.name"]));
    assert_eq!(report["missing"], json!([]));
    assert_eq!(report["extra"], json!([]));
    let diffs = report["differing"].as_array().unwrap();
    assert_eq!(diffs.len(), 1, "{report}");
    assert_eq!(diffs[0]["cells"].as_array().unwrap().len(), 1);
    assert_eq!(diffs[0]["cells"][0]["column"], json!("n"));
    assert_eq!(diffs[0]["cells"][0]["actual"], json!(bumped));
    assert_eq!(diffs[0]["key"]["process.name"], body["values"][1][2]);

    // A removed row is missing.
    let mut fewer = body.clone();
    let removed = values(&mut fewer).remove(0);
    let path = f.write("fewer.json", &fewer.to_string());
    let run = f.compare(&rule, &path, &[]);
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("1 missing, 0 extra, 0 differing"),
        "{}",
        run.stdout
    );
    let name = removed[2].as_str().unwrap();
    assert!(
        run.stdout
            .lines()
            .any(|l| l.starts_with("missing: ") && l.contains(name)),
        "{}",
        run.stdout
    );

    // A changed column type is reported.
    let mut retyped = body.clone();
    retyped["columns"][0]["type"] = json!("integer");
    let path = f.write("retyped.json", &retyped.to_string());
    let run = f.compare(&rule, &path, &[]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stdout
            .contains("column type differs: n: detsim long, actual integer"),
        "{}",
        run.stdout
    );

    // CSV with a header row.
    let mut csv = String::from("n,hosts,process.name\n");
    for r in body["values"].as_array().unwrap() {
        let cells: Vec<String> = r
            .as_array()
            .unwrap()
            .iter()
            .map(|c| match c {
                Json::Null => String::new(),
                Json::String(s) => format!("\"{}\"", s.replace('"', "\"\"")),
                Json::Array(items) => format!(
                    "\"[{}]\"",
                    items
                        .iter()
                        .map(|i| i.as_str().unwrap().to_owned())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                other => other.to_string(),
            })
            .collect();
        csv.push_str(&cells.join(","));
        csv.push('\n');
    }
    let path = f.write("actual.csv", &csv);
    let run = f.compare(&rule, &path, &[]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    let path = f.write("edited.csv", &csv.replacen("\n", "\n999999,", 1));
    let run = f.compare(&rule, &path, &[]);
    assert_eq!(
        run.code,
        Some(2),
        "a row with an extra cell is an error: {}",
        run.stderr
    );
    assert!(run.stderr.contains("edited.csv:2"), "{}", run.stderr);
}

#[test]
fn a_partial_sort_checks_the_order_of_tie_groups_only() {
    let f = Fixture::new("compare-sorted");
    let rule = f.rule("sorted.esql", SORTED_RULE);
    let body = f.eval(&rule);
    let vals = body["values"].as_array().unwrap();
    let many: Vec<bool> = vals.iter().map(|r| r[3].as_bool().unwrap()).collect();
    let split = many
        .iter()
        .position(|m| !m)
        .expect("some group with n <= 10");
    assert!(
        split >= 2 && vals.len() - split >= 2,
        "need two tie groups of 2+: {many:?}"
    );

    // Permuting rows inside each tie group: equal, order agrees.
    let mut within = body.clone();
    let v = values(&mut within);
    v[..split].reverse();
    v[split..].reverse();
    let path = f.write("within.json", &within.to_string());
    let run = f.compare(&rule, &path, &[]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("order: agrees (SORT many)"),
        "{}",
        run.stdout
    );

    // Moving a row across groups: order differs.
    let mut across = body.clone();
    values(&mut across).rotate_left(1);
    let path = f.write("across.json", &across.to_string());
    let run = f.compare(&rule, &path, &[]);
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("order differs at row"),
        "{}",
        run.stdout
    );
}

#[test]
fn malformed_input_is_located_and_exits_2() {
    let f = Scratch::new("compare-malformed");
    let data = f.write("logs-endpoint.events.process-default.ndjson", "");
    let data = data.parent().unwrap().to_str().unwrap().to_owned();
    let rule = f.write("q.esql", STATS_RULE);
    let rule = rule.to_str().unwrap();
    let cases = [
        (
            "syntax.json",
            "{\n  \"columns\": [\n    {\"name\": \"n\" \"type\": \"long\"}\n  ]\n}",
            "syntax.json:3:",
        ),
        (
            "shape.json",
            r#"{"columns":[{"name":"n","type":"long"}],"values":[[1],{"a":1}]}"#,
            "at $.values[1]",
        ),
        ("nocols.json", r#"{"values":[]}"#, "missing `columns`"),
    ];
    for (name, text, located) in cases {
        let path = f.write(name, text);
        let run = detsim(&[
            "compare",
            "--rule",
            rule,
            "--data",
            &data,
            "--actual",
            path.to_str().unwrap(),
        ]);
        assert_eq!(run.code, Some(2), "{name}: {}{}", run.stdout, run.stderr);
        assert!(run.stderr.contains(located), "{name}: {}", run.stderr);
    }
    let run = detsim(&[
        "compare",
        "--rule",
        rule,
        "--data",
        &data,
        "--actual",
        "/nonexistent.json",
    ]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("/nonexistent.json"), "{}", run.stderr);
}
