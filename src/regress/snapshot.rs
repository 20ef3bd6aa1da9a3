//! Alert rows as stable text, for snapshot tests: one line per alert, `column=value` pairs in column
//! order, multi-values sorted (ES does not guarantee the order of `VALUES`), lines sorted (rows of an
//! unsorted query come in no guaranteed order), and the run time in RFC 3339.

use esql::Value;

use crate::schedule::RuleAlerts;

fn cell(v: &Value) -> String {
    match v {
        Value::Multi(vs) => {
            let mut parts: Vec<String> = vs.iter().map(|x| x.to_string()).collect();
            parts.sort();
            format!("[{}]", parts.join(", "))
        }
        other => other.to_string(),
    }
}

/// The alerts of `alerts` selected by `keep`, one stable line each, sorted.
pub fn render_alerts(
    alerts: &RuleAlerts,
    keep: impl Fn(&crate::schedule::Alert) -> bool,
) -> String {
    let mut lines: Vec<String> = alerts
        .alerts
        .iter()
        .filter(|a| keep(a))
        .map(|a| {
            let mut line = format!("run={}", Value::Date(a.run));
            for (c, v) in alerts.columns.iter().zip(&a.row) {
                line.push_str(&format!(" | {}={}", c.name, cell(v)));
            }
            if a.suppressed > 0 {
                line.push_str(&format!(" | suppressed={}", a.suppressed));
            }
            line
        })
        .collect();
    lines.sort();
    let mut out = format!("{} alert(s)\n", lines.len());
    for l in lines {
        out.push_str(&l);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::Alert;
    use esql::{Column, DataType};

    #[test]
    fn rows_and_multi_values_are_sorted() {
        let alerts = RuleAlerts {
            columns: vec![Column::new("h", DataType::Keyword)],
            alerts: vec![
                Alert {
                    run: 0,
                    row: vec![Value::Multi(vec![Value::keyword("b"), Value::keyword("a")])],
                    events: vec![],
                    suppressed: 0,
                },
                Alert {
                    run: 0,
                    row: vec![Value::keyword("0")],
                    events: vec![],
                    suppressed: 2,
                },
            ],
            ..RuleAlerts::default()
        };
        assert_eq!(
            render_alerts(&alerts, |_| true),
            "2 alert(s)\nrun=1970-01-01T00:00:00.000Z | h=0 | suppressed=2\nrun=1970-01-01T00:00:00.000Z | h=[a, b]\n"
        );
        assert_eq!(render_alerts(&alerts, |_| false), "0 alert(s)\n");
    }
}
