//! `detsim parse`: the corpus parses, the `--json` interface keeps its exact shape, errors show
//! file, line, column and a caret, and a closed pipe is not an error.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use super::support::{Scratch, detsim, shared_dir, workspace_root};

const JSON_KEYS: [&str; 6] = ["path", "query_index", "ok", "line", "column", "message"];

#[test]
fn the_213_corpus_queries_parse() {
    let Some(shared) = shared_dir("`detsim parse` over the detection-rules corpus") else {
        return;
    };
    let run = detsim(&[
        std::ffi::OsString::from("parse"),
        shared.join("detection-rules").into(),
    ]);
    let failures: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| !l.starts_with("ok "))
        .collect();
    assert_eq!(run.code, Some(0), "failures:\n{}", failures.join("\n"));
    assert_eq!(
        run.stdout.lines().filter(|l| l.starts_with("ok ")).count(),
        213
    );
    assert_eq!(run.stdout.lines().last(), Some("213 parsed, 0 failed"));
    assert_eq!(run.stderr, "");
}

#[test]
fn the_corpus_in_json_is_213_ok_objects() {
    let Some(shared) = shared_dir("`detsim parse --json` over the detection-rules corpus") else {
        return;
    };
    let run = detsim(&[
        std::ffi::OsString::from("parse"),
        "--json".into(),
        shared.join("detection-rules").into(),
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    let objects: Vec<serde_json::Map<String, serde_json::Value>> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(objects.len(), 213);
    for o in &objects {
        assert_eq!(o.keys().map(String::as_str).collect::<Vec<_>>(), JSON_KEYS);
        assert_eq!(o["ok"], true, "{o:?}");
        assert_eq!(o["query_index"], 0);
        assert!(o["line"].is_null() && o["column"].is_null() && o["message"].is_null());
        assert!(o["path"].as_str().unwrap().ends_with(".toml"));
    }
}

#[test]
fn json_reports_errors_at_query_positions_and_nothing_else() {
    let dir = Scratch::new("json-errors");
    let good = dir.write("a_good.esql", "from logs-*\n| limit 1");
    let bad = dir.write("b_bad.esql", "from logs-*\n| wher x");
    let rule = dir.write(
        "c_rule.toml",
        "[rule]\nname = \"r\"\nrule_id = \"1\"\ntype = \"esql\"\nseverity = \"low\"\nrisk_score = 1\n\
         query = '''\nfrom logs-*\n| wher x\n'''\n",
    );
    let run = detsim(&[
        std::ffi::OsString::from("parse"),
        "--json".into(),
        dir.path().into(),
    ]);
    assert_eq!(run.code, Some(1));
    let objects: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(objects.len(), 3, "{}", run.stdout);
    let o = &objects[0];
    assert_eq!(o["path"], good.display().to_string());
    assert_eq!(o["ok"], true);
    for (o, path) in [(&objects[1], &bad), (&objects[2], &rule)] {
        assert_eq!(
            o.as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect::<Vec<_>>(),
            JSON_KEYS
        );
        assert_eq!(o["path"], path.display().to_string());
        assert_eq!(o["query_index"], 0);
        assert_eq!(o["ok"], false);
        // Positions are in the query text, also for the TOML rule (whose query starts on line 8).
        assert_eq!((&o["line"], &o["column"]), (&2.into(), &3.into()), "{o}");
        assert!(!o["message"].as_str().unwrap().is_empty());
    }
}

#[test]
fn a_failing_toml_rule_shows_the_file_line_and_a_caret() {
    let dir = Scratch::new("caret");
    let rule = dir.write(
        "rule.toml",
        "[rule]\nname = \"r\"\nrule_id = \"1\"\ntype = \"esql\"\nseverity = \"low\"\nrisk_score = 1\n\
         query = '''\nfrom logs-*\n| wher x\n'''\n",
    );
    let run = detsim(&[std::ffi::OsString::from("parse"), rule.clone().into()]);
    assert_eq!(run.code, Some(1));
    let lines: Vec<&str> = run.stdout.lines().collect();
    let prefix = format!("error: {}:9:3: ", rule.display());
    assert!(lines[0].starts_with(&prefix), "{}", run.stdout);
    assert_eq!(lines[1], "  --> query line 2:3");
    assert_eq!(lines[2], "  |");
    assert_eq!(lines[3], "9 | | wher x");
    assert_eq!(lines[4], "  |   ^");
    assert_eq!(lines.last(), Some(&"0 parsed, 1 failed"));
}

#[test]
fn a_closed_pipe_ends_quietly_with_success() {
    let Some(shared) = shared_dir("`detsim parse | head -1`") else {
        return;
    };
    // The corpus 8 times over is about 190 KB of output: more than the pipe buffer (64 KB) and the
    // reader's buffer together, so detsim is still writing when the pipe closes.
    let corpus = shared.join("detection-rules");
    let mut child = Command::new(env!("CARGO_BIN_EXE_detsim"))
        .arg("parse")
        .args(std::iter::repeat_n(&corpus, 8))
        .current_dir(workspace_root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // The reader (and the pipe) is dropped here, like `head -1` exiting.
    let out = child.wait_with_output().unwrap();
    assert!(first.starts_with("ok "), "{first}");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn hunting_files_parse_their_esql_entries_and_count_the_others() {
    let dir = Scratch::new("hunt");
    let hunt = dir.write(
        "persistence_via_cron.toml",
        "[hunt]\nname = \"Persistence via Cron\"\nlanguage = [\"ES|QL\", \"SQL\"]\nquery = [\n'''\n\
         from logs-endpoint.events.file-*\n| where file.path like \"/etc/cron*\"\n| limit 100\n''',\n'''\n\
         SELECT * FROM crontab\n''',\n'''\nfrom logs-endpoint.events.process-*\n| stats c = count(*) by\n'''\n]\n",
    );
    let path = hunt.display().to_string();
    let run = detsim(&["parse", path.as_str()]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[0], format!("ok {path}#0"));
    assert_eq!(
        lines[1],
        format!("skipped {path}#1: not ES|QL (starts with `SELECT`)")
    );
    // Query 2 ends after `by`: the error is at the end, its line 3, which is file line 16.
    assert!(
        lines[2].starts_with(&format!("error: {path}:16:1: ")),
        "{}",
        run.stdout
    );
    assert_eq!(lines[3], "  --> query #2, query line 3:1");
    assert_eq!(lines.last(), Some(&"1 parsed, 1 failed, 1 skipped"));

    let run = detsim(&["parse", "--json", path.as_str()]);
    let indexes: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["query_index"].clone())
        .collect();
    assert_eq!(indexes, [0, 2]);
    assert_eq!(
        run.stderr,
        format!("notice: skipped {path}#1: not ES|QL (starts with `SELECT`)\n")
    );
}
