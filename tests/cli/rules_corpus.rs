//! Loading every rule of Elastic's detection-rules corpus (`../shared/detection-rules`) through
//! the public library: each is an ES|QL rule with one query, and its schedule fields convert.

use std::time::Duration;

use detsim::rules::{RuleFileKind, discover, load_file};

use super::support::shared_dir;

#[test]
fn all_213_corpus_rules_load_with_one_query_each() {
    let Some(shared) = shared_dir("rule loading over the detection-rules corpus") else {
        return;
    };
    let found = discover(&[shared.join("detection-rules")]);
    let mut loaded = 0;
    for path in found {
        let path = path.unwrap_or_else(|e| panic!("{e}"));
        let file = load_file(&path).unwrap_or_else(|e| panic!("{e}"));
        let RuleFileKind::Detection(rule) = &file.kind else {
            panic!("{}: not a detection rule", path.display())
        };
        assert!(rule.is_esql(), "{}", path.display());
        assert_eq!(file.queries.len(), 1, "{}", path.display());
        assert!(file.skipped.is_empty(), "{}", path.display());
        assert_eq!(rule.query.as_deref(), Some(&*file.queries[0].text));
        assert!(!rule.name.is_empty() && !rule.rule_id.is_empty());
        assert!(rule.risk_score <= 100);
        // Every query starts right after `query = '''` and a newline: query line 1 is the file line after it.
        let q = &file.queries[0];
        let opener = q
            .file_text()
            .lines()
            .position(|l| l == "query = '''")
            .unwrap() as u32
            + 1;
        let at = q.file_position(esql::Position { line: 1, column: 1 });
        assert_eq!(at.line, opener + 1, "{}", path.display());
        loaded += 1;
    }
    assert_eq!(loaded, 213);
}

#[test]
fn seed_rules_have_their_schedules() {
    let root = super::support::workspace_root().join("rules");
    for name in [
        "exfiltration_unusual_file_transfer_utility_launched.toml",
        "persistence_web_server_sus_file_creation.toml",
    ] {
        let file = load_file(&root.join(name)).unwrap_or_else(|e| panic!("{e}"));
        let RuleFileKind::Detection(rule) = file.kind else {
            panic!("{name}: not a detection rule")
        };
        assert_eq!(rule.from, Some(Duration::from_secs(61 * 60)), "{name}");
        assert_eq!(rule.interval, Some(Duration::from_secs(3600)), "{name}");
        assert_eq!(
            rule.timestamp_override.as_deref(),
            Some("event.ingested"),
            "{name}"
        );
        assert!(rule.tags.iter().any(|t| t == "OS: Linux"), "{name}");
    }
}
