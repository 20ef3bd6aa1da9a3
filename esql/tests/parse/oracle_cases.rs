//! Verdicts of Elastic's own parser, recorded for regression.
//!
//! `oracle_cases.tsv` holds hand-written queries covering every command (detsim's own text) and
//! random mutations of them (dropped, duplicated, swapped and inserted characters), each with
//! the verdict of detection-rules-esql-py 0.1.0 (Elastic's ANTLR grammar 9.5, release mode):
//! `OK`, `line:column message`, or `UNBALANCED` where ANTLR's lexer pops an empty mode stack.
//! Escapes in the file: `\n`, `\r`, `\t`, `\\`.

use esql::ParseErrorKind;

const CASES: &str = include_str!("oracle_cases.tsv");

#[path = "../parse_support/tsv_escape.rs"]
mod tsv_escape;
use tsv_escape::unescape;

#[test]
fn detsim_agrees_with_the_antlr_parser() {
    let mut failures = Vec::new();
    let mut count = 0;
    for line in CASES.lines().filter(|l| !l.is_empty()) {
        let (query, expected) = line.split_once('\t').expect("tab-separated case");
        let (query, expected) = (unescape(query), unescape(expected));
        count += 1;
        let got = match esql::parse(&query) {
            Ok(q) => {
                let printed = esql::print(&q);
                match esql::parse(&printed) {
                    Ok(again) if again == q => "OK".to_owned(),
                    other => format!("round trip failed: {printed:?} -> {other:?}"),
                }
            }
            Err(e) if matches!(e.kind, ParseErrorKind::UnbalancedClose { .. }) => {
                "UNBALANCED".to_owned()
            }
            Err(e) => format!("{}:{} {}", e.line, e.column, e.message),
        };
        if got != expected {
            failures.push(format!(
                "{query:?}\n  expected: {expected}\n  got:      {got}"
            ));
        }
    }
    assert!(count > 700, "only {count} cases");
    assert!(
        failures.is_empty(),
        "{} of {count} cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
