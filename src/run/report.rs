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
        if s.dropped_rows == 0 {
            "-".to_owned()
        } else {
            format!(
                "{}{}",
                ratio(s.detect_produced(), s.detect_total()),
                s.uncapped_recall()
                    .map(|r| format!(" ({:.0}%)", r * 100.0))
                    .unwrap_or_default()
            )
        },
        ratio(s.miss_ok(), s.miss_total()),
        format!("{:.3}", s.fp_per_host_day()),
    ]
}

/// The header of the table.
pub const HEADER: [&str; 9] = [
    "rule",
    "alerts",
    "TP",
    "FP",
    "precision",
    "recall (detect instances)",
    "without max_signals",
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

/// The per-rule table, then a note for each rule whose rows Kibana's caps dropped.
pub fn render_table(reports: &[RuleReport]) -> String {
    let rows: Vec<Vec<String>> = reports
        .iter()
        .map(|r| row_cells(&r.rule.name, &r.score))
        .collect();
    let mut out = render_rows(&rows);
    for r in reports {
        if let Some(note) = cap_note(r) {
            let _ = write!(out, "\n{note}");
        }
    }
    out
}

/// Explains what Kibana's caps did to a rule's alerts (`None` when they dropped nothing).
pub fn cap_note(r: &RuleReport) -> Option<String> {
    let s = &r.score;
    let a = &r.alerts;
    if a.dropped.is_empty() {
        return None;
    }
    let mut out = String::new();
    let _ = write!(
        out,
        "note: {}: {} row(s) the query returned were not turned into alerts",
        r.rule.name, s.dropped_rows
    );
    let mut why = Vec::new();
    if a.capped_runs > 0 {
        why.push(format!(
            "max_signals = {} was reached in {} of {} runs",
            r.rule.schedule.max_signals, a.capped_runs, a.runs
        ));
    }
    if a.unfetched_runs > 0 {
        why.push(format!(
            "{} run(s) returned more than the {} rows Kibana reads",
            a.unfetched_runs,
            crate::schedule::fetched_rows(r.rule.schedule.max_signals as usize)
        ));
    }
    let _ = writeln!(out, " ({}).", why.join("; "));
    let _ = writeln!(
        out,
        "  {} of them hold attack events; {} detect instance(s) were found only in dropped rows \
         (recall {} without the cap, {} with it).",
        s.dropped_true_positives,
        s.detect_produced() - s.detect_hit(),
        ratio(s.detect_produced(), s.detect_total()),
        ratio(s.detect_hit(), s.detect_total()),
    );
    let sorted = r
        .rule
        .query
        .commands
        .iter()
        .any(|c| matches!(c, esql::ast::ProcessingCommand::Sort(_)));
    if !sorted {
        let _ = writeln!(
            out,
            "  The query has no SORT, so which rows are kept depends on the order Elasticsearch \
             returns them in, which it does not guarantee{}: raise max_signals, tighten the query, \
             or SORT it so the rows that matter come first.",
            if r.rule.aggregating {
                " (STATS groups come in no defined order)"
            } else {
                ""
            }
        );
    }
    Some(out)
}

fn date(ms: i64) -> String {
    esql::Value::Date(ms).to_string()
}

/// One line per attack instance targeting the rule, with its outcome.
pub fn render_instances(report: &RuleReport) -> String {
    let mut out = String::new();
    for i in &report.score.instances {
        let verdict = match (i.as_expected(), i.detected()) {
            (true, true) => "detected".to_owned(),
            (true, false) => "missed, as expected".to_owned(),
            (false, true) => "DETECTED, expected a miss".to_owned(),
            (false, false) => "MISSED, expected a detection".to_owned(),
        };
        let dropped = match i.first_dropped {
            Some((run, reason)) if !i.detected() => format!(
                "; produced in {} row(s) but dropped by {} (first in the run at {})",
                i.dropped,
                reason.as_str(),
                date(run)
            ),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "  {:<7} {}#{} on {}: {} ({} alert{}{})",
            i.expect.as_str(),
            i.scenario,
            i.instance,
            i.hosts.join(","),
            verdict,
            i.alerts,
            if i.alerts == 1 { "" } else { "s" },
            dropped
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
                dropped: 0,
                first_dropped: None,
            }],
            host_days: 4.0,
            ..RuleScore::default()
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
