//! Rendering scores for people: the per-rule table of `detsim run`/`detsim score`, and the per-instance
//! detail lines.

use std::fmt::Write as _;

use super::job::RuleReport;
use crate::score::metrics::RuleScore;

fn ratio(hit: usize, total: usize) -> String {
    if total == 0 {
        "-".to_owned()
    } else {
        format!("{hit}/{total}")
    }
}

fn pct(v: Option<f64>) -> String {
    v.map(|x| format!("{:.2}", x))
        .unwrap_or_else(|| "-".to_owned())
}

/// The cells of one rule's table row.
pub fn row_cells(name: &str, s: &RuleScore) -> Vec<String> {
    vec![
        name.to_owned(),
        s.alerts.to_string(),
        s.true_positives.to_string(),
        s.false_positives.to_string(),
        pct(s.precision()),
        format!(
            "{}{}",
            ratio(s.detect_hit(), s.detect_total()),
            s.recall()
                .map(|r| format!(" ({:.0}%)", r * 100.0))
                .unwrap_or_default()
        ),
        ratio(s.miss_ok(), s.miss_total()),
        format!("{:.3}", s.fp_per_host_day()),
    ]
}

/// The header of the table.
pub const HEADER: [&str; 8] = [
    "rule",
    "alerts",
    "TP",
    "FP",
    "precision",
    "recall (detect instances)",
    "expected misses missed",
    "FP/host-day",
];

/// Renders rows under [`HEADER`] as an aligned table (numbers right-aligned).
pub fn render_rows(rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = HEADER.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    let line = |out: &mut String, cells: &[String]| {
        let parts: Vec<String> = cells
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (c, w))| {
                let pad = " ".repeat(w - c.chars().count());
                if i == 0 {
                    format!("{c}{pad}")
                } else {
                    format!("{pad}{c}")
                }
            })
            .collect();
        let _ = writeln!(out, "{}", parts.join("  ").trim_end());
    };
    line(&mut out, &HEADER.map(str::to_owned));
    let _ = writeln!(
        out,
        "{}",
        widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .join("  ")
    );
    for r in rows {
        line(&mut out, r);
    }
    out
}

/// The per-rule table.
pub fn render_table(reports: &[RuleReport]) -> String {
    let rows: Vec<Vec<String>> = reports
        .iter()
        .map(|r| row_cells(&r.rule.name, &r.score))
        .collect();
    render_rows(&rows)
}

/// One line per attack instance targeting the rule, with its outcome.
pub fn render_instances(report: &RuleReport) -> String {
    let mut out = String::new();
    for i in &report.score.instances {
        let verdict = match (i.as_expected(), i.detected()) {
            (true, true) => "detected",
            (true, false) => "missed, as expected",
            (false, true) => "DETECTED, expected a miss",
            (false, false) => "MISSED, expected a detection",
        };
        let _ = writeln!(
            out,
            "  {:<7} {}#{} on {}: {} ({} alert{})",
            i.expect.as_str(),
            i.scenario,
            i.instance,
            i.hosts.join(","),
            verdict,
            i.alerts,
            if i.alerts == 1 { "" } else { "s" }
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::metrics::InstanceOutcome;
    use crate::score::truth::Expectation;

    #[test]
    fn table_aligns_and_shows_ratios() {
        let s = RuleScore {
            alerts: 3,
            true_positives: 2,
            false_positives: 1,
            instances: vec![InstanceOutcome {
                scenario: "s".into(),
                instance: 0,
                expect: Expectation::Detect,
                hosts: vec!["h".into()],
                alerts: 2,
            }],
            host_days: 4.0,
        };
        let t = render_rows(&[row_cells("My rule", &s)]);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("rule     alerts  TP  FP  precision"));
        assert!(lines[2].contains("  3   2   1       0.67"), "{t}");
        assert!(lines[2].contains("1/1 (100%)"));
        assert!(lines[2].ends_with("0.250"));
    }
}
