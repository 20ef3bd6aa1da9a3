//! Regressions from the differential test of detsim's parser against Elastic's ANTLR parser.
//!
//! `scripts/antlr/differential.py` mutates the corpus queries and compares detsim with the
//! parser generated from Elasticsearch's grammar (detection-rules-esql-py 0.1.0, grammar 9.5,
//! release mode, SLL, Java token-stream semantics). Every disagreement it found was shrunk to a
//! few tokens and recorded in `parse_antlr_regressions.tsv` with Elasticsearch's verdict: accept,
//! or reject at a 1-based `line:column`. Messages are not compared here (ES rewrites them, see
//! `scripts/antlr/FINDINGS.md`, M1). One test per finding:
//!
//! - F2: a lexical error in the token after the offending one is reported instead of the parse
//!   error (ANTLR reads `LA(2)` before reporting mismatched/extraneous/missing input). Fixed.
//! - F1: a `no viable alternative` is reported without reading past the offending token, so a
//!   later lexical error does not win (Java's token stream; the Python runtime reads on). Fixed.
//!
//! The expectations are checked against the oracle itself by
//! `scripts/antlr/verify_cases.py esql/tests/parse_antlr_regressions.tsv` (needs the venv).

const CASES: &str = include_str!("parse_antlr_regressions.tsv");

/// One recorded case.
struct Case {
    query: String,
    /// `None`: Elasticsearch accepts; `Some((line, column))`: it rejects there.
    expected: Option<(u32, u32)>,
    finding: String,
}

#[path = "parse_support/tsv_escape.rs"]
mod tsv_escape;
use tsv_escape::unescape;

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    for (index, line) in CASES.lines().enumerate() {
        if line.is_empty() || line.starts_with("# ") {
            continue;
        }
        let at = format!("parse_antlr_regressions.tsv:{}", index + 1);
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 3, "{at}: expected query, verdict, finding");
        let expected = if cols[1] == "OK" {
            None
        } else {
            let (l, c) = cols[1]
                .split_once(':')
                .unwrap_or_else(|| panic!("{at}: bad verdict {:?}", cols[1]));
            let parse = |s: &str| {
                s.parse::<u32>()
                    .unwrap_or_else(|_| panic!("{at}: bad number {s:?}"))
            };
            Some((parse(l), parse(c)))
        };
        out.push(Case {
            query: unescape(cols[0]),
            expected,
            finding: cols[2].to_owned(),
        });
    }
    out
}

/// Runs the cases of `finding`; returns how many ran and a description of each mismatch.
fn check(finding: &str) -> (usize, Vec<String>) {
    let mut failures = Vec::new();
    let mut count = 0;
    for case in cases().into_iter().filter(|c| c.finding == finding) {
        count += 1;
        let got = match esql::parse(&case.query) {
            Ok(_) => None,
            Err(e) => Some((e.line, e.column)),
        };
        if got != case.expected {
            let show = |v: Option<(u32, u32)>| match v {
                None => "accept".to_owned(),
                Some((l, c)) => format!("reject at {l}:{c}"),
            };
            let message = esql::parse(&case.query)
                .err()
                .map(|e| e.message)
                .unwrap_or_default();
            failures.push(format!(
                "{:?}: Elasticsearch would {}, detsim does {} {}",
                case.query,
                show(case.expected),
                show(got),
                message
            ));
        }
    }
    (count, failures)
}

fn assert_finding(finding: &str, at_least: usize) {
    let (count, failures) = check(finding);
    assert!(
        count >= at_least,
        "only {count} cases of {finding} in the table"
    );
    assert!(
        failures.is_empty(),
        "{} of {count} {finding} cases differ from Elasticsearch:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_case_table_is_well_formed() {
    let all = cases();
    assert!(all.len() >= 70, "only {} cases", all.len());
    for case in &all {
        assert!(
            matches!(case.finding.as_str(), "F1" | "F2"),
            "unknown finding {:?} for {:?}",
            case.finding,
            case.query
        );
    }
}

#[test]
fn f2_a_lexical_error_in_the_next_token_is_reported_first() {
    assert_finding("F2", 30);
}

#[test]
fn f1_no_viable_alternative_reads_no_further_than_the_offending_token() {
    assert_finding("F1", 30);
}
