//! Alert suppression as Kibana applies it to ES|QL rules: alerts with the same values of the
//! `group_by` fields are merged into one.
//!
//! Without a `duration`, suppression works within one run: the first alert of a group is created and
//! later alerts of that group in the same run are counted into it. With a `duration`, an alert is
//! merged into its group's existing alert when that alert was created or last extended no earlier than
//! `now - duration`, which extends it; otherwise it starts a new one. A group-by field missing from the
//! alert row reads as null; with `missing_fields_strategy = doNotSuppress`, an alert with a null group
//! value is never suppressed.

use std::collections::HashMap;

use esql::{Column, Value};

use crate::rules::{AlertSuppression, MissingFieldsStrategy};

/// Suppression state across runs.
#[derive(Debug, Clone)]
pub struct Suppressor {
    /// Column index of each group-by field (`None`: not in the rows, reads null).
    fields: Vec<Option<usize>>,
    duration_ms: Option<i64>,
    missing: MissingFieldsStrategy,
    /// Group key → (alert index, last time it was created or extended).
    open: HashMap<String, (usize, i64)>,
}

impl Suppressor {
    /// A suppressor for rows of `columns`.
    pub fn new(config: &AlertSuppression, columns: &[Column]) -> Suppressor {
        Suppressor {
            fields: config
                .group_by
                .iter()
                .map(|f| columns.iter().position(|c| &c.name == f))
                .collect(),
            duration_ms: config.duration.map(|d| d.as_millis() as i64),
            missing: config.missing_fields,
            open: HashMap::new(),
        }
    }

    /// Called at the start of every run.
    pub fn start_run(&mut self) {
        if self.duration_ms.is_none() {
            self.open.clear();
        }
    }

    fn key(&self, row: &[Value]) -> Option<String> {
        let mut key = String::new();
        for f in &self.fields {
            let v = f.and_then(|i| row.get(i)).unwrap_or(&Value::Null);
            if v.is_null() && self.missing == MissingFieldsStrategy::DoNotSuppress {
                return None;
            }
            key.push_str(&v.to_string());
            key.push('\u{1f}');
        }
        Some(key)
    }

    /// The alert `row` is suppressed into (extending it), if any.
    pub fn target(&mut self, row: &[Value], now: i64) -> Option<usize> {
        let key = self.key(row)?;
        let duration = self.duration_ms.unwrap_or(i64::MAX);
        let entry = self.open.get_mut(&key)?;
        if now.saturating_sub(entry.1) <= duration {
            entry.1 = now;
            Some(entry.0)
        } else {
            None
        }
    }

    /// Records that `row` created alert number `alert`.
    pub fn created(&mut self, row: &[Value], now: i64, alert: usize) {
        if let Some(key) = self.key(row) {
            self.open.insert(key, (alert, now));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use esql::DataType;
    use std::time::Duration;

    fn cols() -> Vec<Column> {
        vec![
            Column::new("host.name", DataType::Keyword),
            Column::new("n", DataType::Long),
        ]
    }

    fn row(h: Option<&str>) -> Vec<Value> {
        vec![h.map(Value::keyword).unwrap_or(Value::Null), Value::Long(1)]
    }

    #[test]
    fn per_run_suppression_resets_every_run() {
        let cfg = AlertSuppression {
            group_by: vec!["host.name".into()],
            duration: None,
            missing_fields: MissingFieldsStrategy::Suppress,
        };
        let mut s = Suppressor::new(&cfg, &cols());
        s.start_run();
        assert_eq!(s.target(&row(Some("a")), 0), None);
        s.created(&row(Some("a")), 0, 0);
        assert_eq!(s.target(&row(Some("a")), 0), Some(0));
        assert_eq!(s.target(&row(None), 0), None);
        s.created(&row(None), 0, 1);
        assert_eq!(s.target(&row(None), 0), Some(1));
        s.start_run();
        assert_eq!(s.target(&row(Some("a")), 10), None);
    }

    #[test]
    fn duration_extends_open_groups_and_missing_values_can_stay_apart() {
        let cfg = AlertSuppression {
            group_by: vec!["host.name".into(), "not.a.column".into()],
            duration: Some(Duration::from_secs(60)),
            missing_fields: MissingFieldsStrategy::DoNotSuppress,
        };
        let mut s = Suppressor::new(&cfg, &cols());
        // The missing column reads null: with doNotSuppress nothing is ever suppressed.
        s.created(&row(Some("a")), 0, 0);
        assert_eq!(s.target(&row(Some("a")), 1), None);

        let cfg = AlertSuppression {
            group_by: vec!["host.name".into()],
            duration: Some(Duration::from_secs(60)),
            missing_fields: MissingFieldsStrategy::Suppress,
        };
        let mut s = Suppressor::new(&cfg, &cols());
        s.start_run();
        s.created(&row(Some("a")), 0, 0);
        s.start_run();
        assert_eq!(s.target(&row(Some("a")), 60_000), Some(0));
        assert_eq!(s.target(&row(Some("a")), 120_000), Some(0));
        assert_eq!(s.target(&row(Some("a")), 180_001), None);
    }
}
