//! Exit codes: 0 success, 1 findings or failure, 2 usage errors.

use super::support::{Scratch, detsim};

#[test]
fn usage_errors_exit_2() {
    for args in [
        &[][..],
        &["parse"],
        &["check"],
        &["frobnicate"],
        &["parse", "--yaml", "x.esql"],
    ] {
        let run = detsim(args);
        assert_eq!(run.code, Some(2), "detsim {args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("Usage:"),
            "detsim {args:?}: {}",
            run.stderr
        );
    }
}

#[test]
fn help_and_version_exit_0() {
    let run = detsim(&["--help"]);
    assert_eq!(run.code, Some(0));
    for cmd in ["parse", "check"] {
        assert!(run.stdout.contains(cmd), "{}", run.stdout);
    }
    let run = detsim(&["--version"]);
    assert_eq!(run.code, Some(0));
    assert!(run.stdout.starts_with("detsim "), "{}", run.stdout);
}

#[test]
fn good_input_exits_0_and_failures_exit_1() {
    let dir = Scratch::new("exit-codes");
    let good = dir.write("good.esql", "row a = 1");
    let bad = dir.write("bad.esql", "row a = ");
    let good = good.display().to_string();
    let bad = bad.display().to_string();
    assert_eq!(detsim(&["parse", good.as_str()]).code, Some(0));
    assert_eq!(detsim(&["parse", bad.as_str()]).code, Some(1));
    assert_eq!(
        detsim(&["parse", good.as_str(), bad.as_str()]).code,
        Some(1)
    );
    let missing = dir.path().join("missing.esql").display().to_string();
    let run = detsim(&["parse", missing.as_str()]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stdout
            .starts_with(&format!("error: {missing}: cannot read: ")),
        "{}",
        run.stdout
    );
}
