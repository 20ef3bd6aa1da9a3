//! `detsim test` and `detsim score` through the binary: exit status, summary line, regressions.

use super::support::{Scratch, detsim, workspace_root};

const RULE: &str = "rules/exfiltration_unusual_file_transfer_utility_launched.toml";

fn summary(stdout: &str) -> (usize, usize) {
    let last = stdout.lines().last().unwrap_or_default();
    let words: Vec<&str> = last.split_whitespace().collect();
    assert!(
        words.len() == 4 && words[1] == "passed," && words[3] == "failed",
        "summary line: {last:?}"
    );
    (words[0].parse().unwrap(), words[2].parse().unwrap())
}

#[test]
fn test_passes_on_the_shipped_rules() {
    let run = detsim(&["test", "--rules", "rules"]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    let (passed, failed) = summary(&run.stdout);
    assert!(passed >= 10 && failed == 0, "{}", run.stdout);
    assert!(
        run.stdout.contains("(detect): detected by"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("(miss): missed, as expected"));
}

#[test]
fn test_fails_when_a_rule_regresses() {
    let dir = Scratch::new("product-test-regression");
    let text = std::fs::read_to_string(workspace_root().join(RULE)).unwrap();
    let altered = text.replace("Esql.event_count < 5", "Esql.event_count > 5");
    assert_ne!(altered, text);
    dir.write("rule.toml", altered);
    let run = detsim(&["test", "--rules", dir.path().to_str().unwrap()]);
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    let (_, failed) = summary(&run.stdout);
    assert!(failed > 0, "{}", run.stdout);
    assert!(run.stdout.contains("FAIL "), "{}", run.stdout);
}

#[test]
fn test_fails_when_nothing_targets_the_rules() {
    let dir = Scratch::new("product-test-untargeted");
    dir.write(
        "q.esql",
        "from logs-endpoint.events.process-* | where process.name == \"x\"",
    );
    let run = detsim(&[
        "test",
        "--rules",
        dir.path().to_str().unwrap(),
        "--hosts",
        "4",
        "--duration",
        "1h",
    ]);
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("no scenario targets"), "{}", run.stderr);
}

#[test]
fn score_reads_a_generated_dataset() {
    let dir = Scratch::new("product-score");
    let data = dir.path().join("data");
    let generated = detsim(&[
        "generate",
        "--out",
        data.to_str().unwrap(),
        "--hosts",
        "8",
        "--duration",
        "3h",
    ]);
    assert_eq!(generated.code, Some(0), "{}", generated.stderr);
    let run = detsim(&["score", "--rule", RULE, "--data", data.to_str().unwrap()]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("recall (detect instances)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("File Transfer Utility Launched from Unusual Parent"),
        "{}",
        run.stdout
    );
    let missing = detsim(&[
        "score",
        "--rule",
        RULE,
        "--data",
        dir.path().join("nope").to_str().unwrap(),
    ]);
    assert_eq!(missing.code, Some(1), "{}", missing.stderr);
    assert!(missing.stderr.contains("error:"), "{}", missing.stderr);
}
