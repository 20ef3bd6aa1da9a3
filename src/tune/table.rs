//! The precision/recall tables of `detsim tune`: one per sweep, one row per candidate, with the same
//! cells (and formatting) as the table of `detsim score`, so the rule's own row can be checked
//! against it.

use std::fmt::Write as _;

use super::sweep::Sweep;
use crate::run::report::row_cells;

/// The columns of a sweep table.
pub const HEADER: [&str; 7] = [
    "value",
    "alerts",
    "TP",
    "FP",
    "precision",
    "recall (detect instances)",
    "FP/host-day",
];

/// The cells of each row of `sweep` (the rule's own value marked `(rule)`); a variant that could not
/// run shows `error: …` in the alerts column.
pub fn rows(sweep: &Sweep) -> Vec<Vec<String>> {
    sweep
        .rows
        .iter()
        .map(|row| {
            let value = if row.own {
                format!("{} (rule)", row.candidate)
            } else {
                row.candidate.to_string()
            };
            match &row.outcome {
                Ok(score) => {
                    let c = row_cells("", score);
                    vec![
                        value,
                        c[1].clone(),
                        c[2].clone(),
                        c[3].clone(),
                        c[4].clone(),
                        c[5].clone(),
                        c[8].clone(),
                    ]
                }
                Err(e) => vec![value, format!("error: {e}")],
            }
        })
        .collect()
}

/// Renders one sweep: a title line, the header, a rule, the rows (numbers right-aligned).
pub fn render(sweep: &Sweep) -> String {
    let rows = rows(sweep);
    let mut widths: Vec<usize> = HEADER.iter().map(|h| h.chars().count()).collect();
    for r in rows.iter().filter(|r| r.len() == HEADER.len()) {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: &[String]| -> String {
        let parts: Vec<String> = cells
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (c, w))| {
                let pad = " ".repeat(w.saturating_sub(c.chars().count()));
                if i == 0 || cells.len() != HEADER.len() {
                    format!("{c}{pad}")
                } else {
                    format!("{pad}{c}")
                }
            })
            .collect();
        parts.join("  ").trim_end().to_owned()
    };
    let mut out = String::new();
    let _ = writeln!(out, "sweep: {}", sweep.axis.title());
    let _ = writeln!(out, "{}", line(&HEADER.map(str::to_owned)));
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    let _ = writeln!(out, "{}", rule.join("  "));
    for r in &rows {
        let _ = writeln!(out, "{}", line(r));
    }
    let capped: Vec<String> = sweep
        .rows
        .iter()
        .filter_map(|r| match &r.outcome {
            Ok(s) if s.dropped_rows > 0 => Some(format!("{} ({})", r.candidate, s.dropped_rows)),
            _ => None,
        })
        .collect();
    if !capped.is_empty() {
        let _ = writeln!(
            out,
            "note: Kibana's caps (max_signals) dropped rows, so alerts saturate, for: {} \
             (value (rows dropped)); `detsim score` shows the recall without the cap",
            capped.join(", ")
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::metrics::RuleScore;
    use crate::tune::Number;
    use crate::tune::sweep::{Axis, Candidate, SweepRow};

    fn row(v: i64, own: bool, alerts: usize, dropped: usize) -> SweepRow {
        SweepRow {
            candidate: Candidate::Value(Number::Integer(v)),
            own,
            outcome: Ok(RuleScore {
                alerts,
                true_positives: 1.min(alerts),
                false_positives: alerts.saturating_sub(1),
                host_days: 2.0,
                dropped_rows: dropped,
                ..RuleScore::default()
            }),
        }
    }

    #[test]
    fn rows_mark_the_rule_and_notes_name_capped_values() {
        let sweep = Sweep {
            axis: Axis::Lookback,
            rows: vec![
                row(1, false, 0, 0),
                row(2, true, 4, 0),
                row(3, false, 100, 7),
                SweepRow {
                    candidate: Candidate::Value(Number::Integer(4)),
                    own: false,
                    outcome: Err("boom".into()),
                },
            ],
        };
        let text = render(&sweep);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "sweep: look-back (from = now-…)");
        assert!(lines[1].starts_with("value"));
        assert!(
            lines[3].starts_with("1 ") && lines[3].ends_with("0.000"),
            "{text}"
        );
        assert!(
            lines[4].starts_with("2 (rule)") && lines[4].contains(" 0.25 "),
            "{text}"
        );
        assert!(
            lines[6].starts_with("4") && lines[6].contains("error: boom"),
            "{text}"
        );
        assert!(lines[7].contains("for: 3 (7)"), "{text}");
        assert_eq!(lines.len(), 8);
    }
}
