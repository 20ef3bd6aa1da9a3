//! `detsim tune` through the binary, on a small generated dataset: one row per candidate, alerts
//! monotone in the threshold, the rule's own value reproducing `detsim score`, the SVG plot, and
//! rules without a post-STATS literal (look-back only).

use super::support::{Scratch, detsim};

const RULE: &str = "rules/exfiltration_unusual_file_transfer_utility_launched.toml";

/// Generates a small dataset under `dir/data`; returns its path as a string.
fn dataset(dir: &Scratch) -> String {
    let data = dir.path().join("data");
    let run = detsim(&[
        "generate",
        "--out",
        data.to_str().unwrap(),
        "--hosts",
        "8",
        "--duration",
        "3h",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    data.to_str().unwrap().to_owned()
}

/// The rows (cells split on two or more spaces) of the table titled `sweep: <title…>`.
fn table(stdout: &str, title_prefix: &str) -> Vec<Vec<String>> {
    let mut lines = stdout.lines();
    lines
        .by_ref()
        .find(|l| l.starts_with(&format!("sweep: {title_prefix}")))
        .unwrap_or_else(|| panic!("no sweep {title_prefix:?} in\n{stdout}"));
    let header = lines.next().unwrap();
    assert!(header.starts_with("value"), "{header}");
    lines.next().unwrap(); // the rule under the header
    lines
        .take_while(|l| !l.trim().is_empty())
        .map(|l| {
            l.split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .collect()
}

/// The cells after the rule name of `detsim score`'s row for the rule.
fn score_row(stdout: &str) -> Vec<String> {
    let line = stdout
        .lines()
        .find(|l| l.starts_with("File Transfer Utility Launched from Unusual Parent"))
        .unwrap_or_else(|| panic!("no score row in\n{stdout}"));
    line["File Transfer Utility Launched from Unusual Parent".len()..]
        .split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn tune_sweeps_the_threshold_and_the_lookback() {
    let dir = Scratch::new("tune-sweep");
    let data = dataset(&dir);
    let svg = dir.path().join("curve.svg");
    let run = detsim(&[
        "tune",
        "--rule",
        RULE,
        "--data",
        &data,
        "--literal",
        "2",
        "--values",
        "1,2,3,5,8,13",
        "--out",
        svg.to_str().unwrap(),
    ]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("literal 2: Esql.event_count < 5"),
        "{}",
        run.stderr
    );

    // One row per value, in order; alerts non-decreasing in N for `count < N`.
    let rows = table(&run.stdout, "Esql.event_count < 5");
    let values: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        values,
        ["1", "2", "3", "5 (rule)", "8", "13"],
        "{}",
        run.stdout
    );
    assert!(rows.iter().all(|r| r.len() == 7), "{rows:?}");
    let alerts: Vec<usize> = rows.iter().map(|r| r[1].parse().unwrap()).collect();
    assert!(alerts.windows(2).all(|w| w[0] <= w[1]), "{alerts:?}");
    assert_eq!(alerts[0], 0, "count < 1 can match no group: {alerts:?}");
    assert!(alerts[5] > 0, "{alerts:?}");

    // The rule's own value reproduces `detsim score` exactly.
    let score = detsim(&["score", "--rule", RULE, "--data", &data, "--quiet"]);
    assert_eq!(score.code, Some(0), "{}", score.stderr);
    let s = score_row(&score.stdout);
    let own = &rows[3];
    // score: alerts TP FP precision recall [without max_signals] expected-misses FP/host-day
    assert_eq!(&own[1..6], &s[0..5], "tune {own:?} vs score {s:?}");
    assert_eq!(own[6], s[s.len() - 1], "tune {own:?} vs score {s:?}");

    // The look-back sweep: the rule's own width and ½ … 4 × the 1 h interval.
    let lb = table(&run.stdout, "look-back");
    let widths: Vec<&str> = lb.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        widths,
        [
            "now-30m",
            "now-1h",
            "now-61m (rule)",
            "now-90m",
            "now-2h",
            "now-3h",
            "now-4h"
        ]
    );
    assert_eq!(lb[2][1..], own[1..], "own look-back row = own literal row");

    // The SVG is written and holds both series.
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<svg"), "{}", &text[..text.len().min(200)]);
    assert!(text.contains("Esql.event_count &lt; 5") || text.contains("Esql.event_count < 5"));
    assert!(text.contains("look-back"));
    // One 2-px line per series, in the series colours (threshold sweep first, then look-back),
    // and a point per variant that has a precision and a recall.
    for colour in ["#1F77B4", "#D62728"] {
        let line = format!("stroke=\"{colour}\" stroke-width=\"2\" points=");
        assert!(text.contains(&line), "no {colour} series line in the SVG");
    }
    let placeable = rows
        .iter()
        .chain(&lb)
        .filter(|r| r[4] != "-" && !r[5].starts_with('-'))
        .count();
    assert!(placeable > 0);
    assert_eq!(
        text.matches("<circle").count(),
        placeable,
        "one point per placeable variant"
    );
    assert!(run.stdout.contains(&format!("plot: {}", svg.display())));
}

#[test]
fn default_values_give_one_row_each_and_no_schedule_skips_the_lookback() {
    let dir = Scratch::new("tune-defaults");
    let data = dataset(&dir);
    let svg = dir.path().join("t.svg");
    let run = detsim(&[
        "tune",
        "--rule",
        RULE,
        "--data",
        &data,
        "--no-schedule",
        "--out",
        svg.to_str().unwrap(),
    ]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    // `== 1`: 1..=5; `< 5`: 1..=13.
    assert_eq!(
        table(&run.stdout, "Esql.agent_id_count_distinct == 1").len(),
        5
    );
    let rows = table(&run.stdout, "Esql.event_count < 5");
    assert_eq!(rows.len(), 13);
    assert_eq!(rows[4][0], "5 (rule)");
    assert!(!run.stdout.contains("sweep: look-back"), "{}", run.stdout);
    assert!(
        run.stderr.contains("look-back is not swept"),
        "{}",
        run.stderr
    );

    let score = detsim(&[
        "score",
        "--rule",
        RULE,
        "--data",
        &data,
        "--quiet",
        "--no-schedule",
    ]);
    let s = score_row(&score.stdout);
    assert_eq!(&rows[4][1..6], &s[0..5], "{rows:?} vs {s:?}");
    assert!(svg.is_file());
}

#[test]
fn rules_without_a_post_stats_literal_sweep_the_lookback_only() {
    let dir = Scratch::new("tune-lookback-only");
    let data = dataset(&dir);
    let rule = dir.write(
        "scp.esql",
        "from logs-endpoint.events.process-* metadata _id, _index, _version\n\
         | where process.name == \"scp\" and event.type == \"start\"\n\
         | keep _id, _index, _version, host.name, process.parent.name",
    );
    let svg = dir.path().join("lb.svg");
    let run = detsim(&[
        "tune",
        "--rule",
        rule.to_str().unwrap(),
        "--data",
        &data,
        "--lookbacks",
        "5m,6m,30m",
        "--out",
        svg.to_str().unwrap(),
    ]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains(
            "no numeric literal in a WHERE after the last STATS; sweeping the look-back only"
        ),
        "{}",
        run.stderr
    );
    let rows = table(&run.stdout, "look-back");
    let widths: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(widths, ["now-5m", "now-6m (rule)", "now-30m"]);
    assert_eq!(run.stdout.matches("sweep: ").count(), 1, "{}", run.stdout);
    // Non-aggregating with _id: Kibana deduplicates by document, so a wider look-back cannot add
    // alerts beyond the documents themselves, and cannot lose any the 6m one found.
    let alerts: Vec<usize> = rows.iter().map(|r| r[1].parse().unwrap()).collect();
    assert!(
        alerts[1] <= alerts[2] && alerts[0] <= alerts[1],
        "{alerts:?}"
    );

    let nothing = detsim(&[
        "tune",
        "--rule",
        rule.to_str().unwrap(),
        "--data",
        &data,
        "--no-schedule",
        "--out",
        svg.to_str().unwrap(),
    ]);
    assert_eq!(nothing.code, Some(1), "{}", nothing.stderr);
    assert!(
        nothing.stderr.contains("nothing to sweep"),
        "{}",
        nothing.stderr
    );
}
