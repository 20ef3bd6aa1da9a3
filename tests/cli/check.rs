//! `detsim check`: the seed rules parse and analyze against the shipped Elastic Defend catalog;
//! queries on other indices are "not analyzed", not errors.

use super::support::{Scratch, detsim};

#[test]
fn both_seed_rules_pass() {
    let run = detsim(&["check", "rules/"]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "ok rules/exfiltration_unusual_file_transfer_utility_launched.toml",
            "ok rules/persistence_web_server_sus_file_creation.toml",
            "2 ok, 0 failed, 0 not analyzed",
        ]
    );
}

#[test]
fn other_indices_are_not_analyzed_and_unknown_columns_fail() {
    let dir = Scratch::new("check");
    dir.write(
        "a_aws.esql",
        "from logs-aws.cloudtrail-* | where event.action == \"x\"",
    );
    let bad = dir.write(
        "b_unknown.esql",
        "from logs-endpoint.events.process-*\n| where no_such_field == 1",
    );
    let run = detsim(&[std::ffi::OsString::from("check"), dir.path().into()]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[0].starts_with("not analyzed "), "{}", run.stdout);
    assert!(
        lines[0].ends_with("no shipped mapping for index pattern `logs-aws.cloudtrail-*`"),
        "{}",
        run.stdout
    );
    let prefix = format!("error: {}:2:9: ", bad.display());
    assert!(lines[1].starts_with(&prefix), "{}", run.stdout);
    assert!(
        lines[1].contains("Unknown column [no_such_field]"),
        "{}",
        run.stdout
    );
    assert_eq!(lines.last(), Some(&"0 ok, 1 failed, 1 not analyzed"));
}
