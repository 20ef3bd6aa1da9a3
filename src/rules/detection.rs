//! Detection-rules TOML files (`[metadata]` and `[rule]`), as in Elastic's detection-rules
//! repository: typed fields, with the schedule fields converted to durations and every value
//! checked. Keys detsim does not use are tolerated and ignored.
//!
//! Loading has two steps: serde reads the file into `Raw…` structs that keep the span of each value
//! that needs checking, then [`DetectionRule::from_raw`] validates them into [`DetectionRule`],
//! reporting a bad value at its line and column in the file.

use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use super::duration::{DurationError, parse_interval, parse_lookback};
use super::error::RuleError;
use super::toml_doc::TomlDoc;

/// Kibana's defaults for a rule without `from`, `interval` or `max_signals`.
pub const DEFAULT_LOOKBACK: Duration = Duration::from_secs(6 * 60);
/// Kibana's default schedule interval (`5m`).
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(5 * 60);
/// Kibana's default cap on alerts per rule execution.
pub const DEFAULT_MAX_SIGNALS: u32 = 100;

/// A detection rule file: `[metadata]` and `[rule]`.
#[derive(Debug, Clone, PartialEq)]
pub struct DetectionRule {
    /// The `[metadata]` table (all fields optional).
    pub metadata: Metadata,
    /// `rule.name`.
    pub name: String,
    /// `rule.rule_id` (a UUID in Elastic's rules).
    pub rule_id: String,
    /// `rule.type` (`esql`, `eql`, `query`, …).
    pub rule_type: String,
    /// `rule.language`, when given.
    pub language: Option<String>,
    /// `rule.query` (absent for rule types without a query).
    pub query: Option<String>,
    /// `rule.from` after `now-`: how far back each run looks (`now-61m` → 61 minutes).
    pub from: Option<Duration>,
    /// `rule.interval`: how often the rule runs.
    pub interval: Option<Duration>,
    /// `rule.timestamp_override` (e.g. `event.ingested`): the field the run's time range applies to.
    pub timestamp_override: Option<String>,
    /// `rule.max_signals`: at most this many alerts per run.
    pub max_signals: Option<u32>,
    /// `rule.severity`.
    pub severity: Severity,
    /// `rule.risk_score` (0–100).
    pub risk_score: u8,
    /// `rule.tags`.
    pub tags: Vec<String>,
    /// `rule.threat`: MITRE ATT&CK mappings.
    pub threat: Vec<Threat>,
    /// `rule.building_block_type` (`default` for building-block rules).
    pub building_block_type: Option<String>,
    /// `rule.alert_suppression`.
    pub alert_suppression: Option<AlertSuppression>,
    /// `rule.description`.
    pub description: Option<String>,
    /// `rule.author`.
    pub author: Vec<String>,
    /// `rule.license`.
    pub license: Option<String>,
}

impl DetectionRule {
    /// Whether this is an ES|QL rule (`type = "esql"`).
    pub fn is_esql(&self) -> bool {
        self.rule_type == "esql"
    }

    /// The look-back of each run, Kibana's default (`now-6m`) when `from` is absent.
    pub fn lookback(&self) -> Duration {
        self.from.unwrap_or(DEFAULT_LOOKBACK)
    }

    /// The schedule interval, Kibana's default (`5m`) when absent.
    pub fn schedule_interval(&self) -> Duration {
        self.interval.unwrap_or(DEFAULT_INTERVAL)
    }

    /// The alert cap per run, Kibana's default (100) when absent.
    pub fn alert_cap(&self) -> u32 {
        self.max_signals.unwrap_or(DEFAULT_MAX_SIGNALS)
    }
}

/// The `[metadata]` table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Metadata {
    /// `creation_date` (`YYYY/MM/DD`).
    pub creation_date: Option<String>,
    /// `updated_date` (`YYYY/MM/DD`).
    pub updated_date: Option<String>,
    /// `maturity` (`production`, `development`, `deprecated`).
    pub maturity: Option<String>,
    /// `integration`: the integration packages the rule needs.
    #[serde(default, deserialize_with = "one_or_many")]
    pub integration: Vec<String>,
    /// `min_stack_version`.
    pub min_stack_version: Option<String>,
    /// `deprecation_date`, for deprecated rules.
    pub deprecation_date: Option<String>,
}

/// `rule.severity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// `low`
    Low,
    /// `medium`
    Medium,
    /// `high`
    High,
    /// `critical`
    Critical,
}

impl Severity {
    /// The TOML spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    fn parse(text: &str) -> Option<Severity> {
        [
            Severity::Low,
            Severity::Medium,
            Severity::High,
            Severity::Critical,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

/// One `[[rule.threat]]` entry.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Threat {
    /// `framework` (`MITRE ATT&CK`).
    pub framework: String,
    /// `[rule.threat.tactic]`.
    pub tactic: ThreatRef,
    /// `[[rule.threat.technique]]`.
    #[serde(default)]
    pub technique: Vec<Technique>,
}

/// A tactic or sub-technique: id, name and reference URL.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ThreatRef {
    /// `TA0003`, `T1505.003`, …
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its ATT&CK page.
    pub reference: String,
}

/// A `[[rule.threat.technique]]` entry.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Technique {
    /// `T1505`, …
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its ATT&CK page.
    pub reference: String,
    /// `[[rule.threat.technique.subtechnique]]`.
    #[serde(default)]
    pub subtechnique: Vec<ThreatRef>,
}

/// `[rule.alert_suppression]`: Kibana groups alerts by these fields for `duration`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertSuppression {
    /// `group_by`: the fields alerts are grouped by.
    pub group_by: Vec<String>,
    /// `duration`: the suppression window; absent means per rule execution.
    pub duration: Option<Duration>,
    /// `missing_fields_strategy`.
    pub missing_fields: MissingFieldsStrategy,
}

/// `alert_suppression.missing_fields_strategy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissingFieldsStrategy {
    /// `suppress` (Kibana's default): alerts missing a group-by field are suppressed together.
    Suppress,
    /// `doNotSuppress`: each such alert is kept.
    DoNotSuppress,
}

/// The file as serde reads it.
#[derive(Debug, Deserialize)]
pub(crate) struct RawDetectionFile {
    #[serde(default)]
    pub metadata: Metadata,
    pub rule: RawRule,
}

/// `[rule]` as serde reads it; values to check keep their spans.
#[derive(Debug, Deserialize)]
pub(crate) struct RawRule {
    name: String,
    rule_id: String,
    #[serde(rename = "type")]
    rule_type: String,
    language: Option<String>,
    pub query: Option<Spanned<String>>,
    from: Option<Spanned<String>>,
    interval: Option<Spanned<String>>,
    timestamp_override: Option<String>,
    max_signals: Option<Spanned<i64>>,
    severity: Spanned<String>,
    risk_score: Spanned<i64>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    threat: Vec<Threat>,
    building_block_type: Option<String>,
    alert_suppression: Option<RawAlertSuppression>,
    description: Option<String>,
    #[serde(default)]
    author: Vec<String>,
    license: Option<String>,
}

#[derive(Debug, Deserialize)]
struct RawAlertSuppression {
    group_by: Vec<String>,
    duration: Option<RawSuppressionDuration>,
    missing_fields_strategy: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
struct RawSuppressionDuration {
    value: Spanned<i64>,
    unit: Spanned<String>,
}

impl DetectionRule {
    /// Validates what serde read; `doc` locates the errors.
    pub(crate) fn from_raw(
        raw: RawDetectionFile,
        doc: &TomlDoc<'_>,
    ) -> Result<DetectionRule, RuleError> {
        let r = raw.rule;
        let duration = |field: &str,
                        value: &Spanned<String>,
                        parse: fn(&str) -> Result<Duration, DurationError>| {
            parse(value.get_ref()).map_err(|e| {
                // +1 skips the opening quote of the (single-line) string.
                let at = value.span().start + 1 + e.offset;
                doc.field_error(at..at, field, e.message)
            })
        };
        let from = r
            .from
            .as_ref()
            .map(|v| duration("rule.from", v, parse_lookback))
            .transpose()?;
        let interval = r
            .interval
            .as_ref()
            .map(|v| duration("rule.interval", v, parse_interval))
            .transpose()?;
        let max_signals = match &r.max_signals {
            None => None,
            Some(v) => Some(
                u32::try_from(*v.get_ref())
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or_else(|| {
                        doc.field_error(
                            v.span(),
                            "rule.max_signals",
                            format!("must be a positive number, found {}", v.get_ref()),
                        )
                    })?,
            ),
        };
        let severity = Severity::parse(r.severity.get_ref()).ok_or_else(|| {
            doc.field_error(
                r.severity.span(),
                "rule.severity",
                format!(
                    "expected low, medium, high or critical, found `{}`",
                    r.severity.get_ref()
                ),
            )
        })?;
        let risk_score = u8::try_from(*r.risk_score.get_ref())
            .ok()
            .filter(|&n| n <= 100)
            .ok_or_else(|| {
                doc.field_error(
                    r.risk_score.span(),
                    "rule.risk_score",
                    format!(
                        "must be between 0 and 100, found {}",
                        r.risk_score.get_ref()
                    ),
                )
            })?;
        let alert_suppression = r
            .alert_suppression
            .map(|s| suppression(s, doc))
            .transpose()?;
        Ok(DetectionRule {
            metadata: raw.metadata,
            name: r.name,
            rule_id: r.rule_id,
            rule_type: r.rule_type,
            language: r.language,
            query: r.query.map(Spanned::into_inner),
            from,
            interval,
            timestamp_override: r.timestamp_override,
            max_signals,
            severity,
            risk_score,
            tags: r.tags,
            threat: r.threat,
            building_block_type: r.building_block_type,
            alert_suppression,
            description: r.description,
            author: r.author,
            license: r.license,
        })
    }
}

fn suppression(raw: RawAlertSuppression, doc: &TomlDoc<'_>) -> Result<AlertSuppression, RuleError> {
    let duration = match raw.duration {
        None => None,
        Some(d) => {
            let seconds_per_unit = match d.unit.get_ref().as_str() {
                "s" => 1,
                "m" => 60,
                "h" => 3_600,
                "d" => 86_400,
                other => {
                    return Err(doc.field_error(
                        d.unit.span(),
                        "rule.alert_suppression.duration.unit",
                        format!("unknown unit `{other}` (expected s, m, h or d)"),
                    ));
                }
            };
            let value = u64::try_from(*d.value.get_ref())
                .ok()
                .filter(|&v| v > 0)
                .and_then(|v| v.checked_mul(seconds_per_unit))
                .ok_or_else(|| {
                    doc.field_error(
                        d.value.span(),
                        "rule.alert_suppression.duration.value",
                        format!(
                            "must be a positive number of units, found {}",
                            d.value.get_ref()
                        ),
                    )
                })?;
            Some(Duration::from_secs(value))
        }
    };
    let missing_fields = match raw.missing_fields_strategy {
        None => MissingFieldsStrategy::Suppress,
        Some(s) => match s.get_ref().as_str() {
            "suppress" => MissingFieldsStrategy::Suppress,
            "doNotSuppress" => MissingFieldsStrategy::DoNotSuppress,
            other => {
                return Err(doc.field_error(
                    s.span(),
                    "rule.alert_suppression.missing_fields_strategy",
                    format!("expected `suppress` or `doNotSuppress`, found `{other}`"),
                ));
            }
        },
    };
    Ok(AlertSuppression {
        group_by: raw.group_by,
        duration,
        missing_fields,
    })
}

/// Accepts `key = "a"` as well as `key = ["a", "b"]`.
pub(crate) fn one_or_many<'de, D: serde::Deserializer<'de>>(
    de: D,
) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(de)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use std::path::Path;
    use std::time::Duration;

    use super::*;
    use crate::rules::{RuleErrorKind, RuleFileKind, load_str};

    pub(crate) const FULL: &str = r#"[metadata]
creation_date = "2025/03/06"
integration = ["endpoint"]
maturity = "production"
updated_date = "2026/03/24"
min_stack_version = "8.19.0"
some_future_key = { nested = true }

[rule]
author = ["Elastic"]
building_block_type = "default"
description = "Finds things."
from = "now-61m"
interval = "1h"
language = "esql"
license = "Elastic License v2"
max_signals = 5
name = "A rule"
risk_score = 21
rule_id = "894b7cc9-040b-427c-aca5-36b40d3667bf"
severity = "low"
tags = ["OS: Linux", "Tactic: Persistence"]
timestamp_override = "event.ingested"
type = "esql"
unknown_rule_key = [1, 2]
query = '''
from logs-endpoint.events.file-*
| where event.action == "creation"
'''

[[rule.threat]]
framework = "MITRE ATT&CK"

[[rule.threat.technique]]
id = "T1505"
name = "Server Software Component"
reference = "https://attack.mitre.org/techniques/T1505/"

[[rule.threat.technique.subtechnique]]
id = "T1505.003"
name = "Web Shell"
reference = "https://attack.mitre.org/techniques/T1505/003/"

[rule.threat.tactic]
id = "TA0003"
name = "Persistence"
reference = "https://attack.mitre.org/tactics/TA0003/"

[rule.alert_suppression]
group_by = ["host.name", "Esql.dest_host"]
missing_fields_strategy = "doNotSuppress"

[rule.alert_suppression.duration]
unit = "h"
value = 6
"#;

    fn load(text: &str) -> Result<DetectionRule, crate::rules::RuleError> {
        let file = load_str(Path::new("r.toml"), text)?;
        match file.kind {
            RuleFileKind::Detection(rule) => Ok(*rule),
            other => panic!("not a detection rule: {other:?}"),
        }
    }

    /// `FULL` with the line starting `key =` replaced by `line` (or removed when empty).
    fn with(key: &str, line: &str) -> String {
        let prefix = format!("{key} =");
        FULL.lines()
            .filter_map(|l| {
                if l.starts_with(&prefix) {
                    (!line.is_empty()).then_some(line)
                } else {
                    Some(l)
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn error(text: &str) -> String {
        load(text).unwrap_err().to_string()
    }

    #[test]
    fn every_field_is_read() {
        let r = load(FULL).unwrap();
        assert_eq!(r.metadata.creation_date.as_deref(), Some("2025/03/06"));
        assert_eq!(r.metadata.updated_date.as_deref(), Some("2026/03/24"));
        assert_eq!(r.metadata.maturity.as_deref(), Some("production"));
        assert_eq!(r.metadata.integration, vec!["endpoint"]);
        assert_eq!(r.metadata.min_stack_version.as_deref(), Some("8.19.0"));
        assert_eq!(r.name, "A rule");
        assert_eq!(r.rule_id, "894b7cc9-040b-427c-aca5-36b40d3667bf");
        assert_eq!(r.rule_type, "esql");
        assert!(r.is_esql());
        assert_eq!(r.language.as_deref(), Some("esql"));
        assert_eq!(
            r.query.as_deref(),
            Some("from logs-endpoint.events.file-*\n| where event.action == \"creation\"\n")
        );
        assert_eq!(r.from, Some(Duration::from_secs(61 * 60)));
        assert_eq!(r.interval, Some(Duration::from_secs(3600)));
        assert_eq!(r.timestamp_override.as_deref(), Some("event.ingested"));
        assert_eq!(r.max_signals, Some(5));
        assert_eq!(r.severity, Severity::Low);
        assert_eq!(r.risk_score, 21);
        assert_eq!(r.tags, vec!["OS: Linux", "Tactic: Persistence"]);
        assert_eq!(r.building_block_type.as_deref(), Some("default"));
        assert_eq!(r.description.as_deref(), Some("Finds things."));
        assert_eq!(r.author, vec!["Elastic"]);
        assert_eq!(r.license.as_deref(), Some("Elastic License v2"));

        assert_eq!(r.threat.len(), 1);
        let t = &r.threat[0];
        assert_eq!(t.framework, "MITRE ATT&CK");
        assert_eq!(t.tactic.id, "TA0003");
        assert_eq!(t.tactic.name, "Persistence");
        assert_eq!(t.technique[0].id, "T1505");
        assert_eq!(
            t.technique[0].reference,
            "https://attack.mitre.org/techniques/T1505/"
        );
        assert_eq!(t.technique[0].subtechnique[0].id, "T1505.003");
        assert_eq!(t.technique[0].subtechnique[0].name, "Web Shell");

        let s = r.alert_suppression.as_ref().unwrap();
        assert_eq!(s.group_by, vec!["host.name", "Esql.dest_host"]);
        assert_eq!(s.duration, Some(Duration::from_secs(6 * 3600)));
        assert_eq!(s.missing_fields, MissingFieldsStrategy::DoNotSuppress);
    }

    #[test]
    fn schedule_defaults_are_kibanas() {
        let text = with("from", "");
        let text = text
            .replace("interval = \"1h\"\n", "")
            .replace("max_signals = 5\n", "");
        let r = load(&text).unwrap();
        assert_eq!((r.from, r.interval, r.max_signals), (None, None, None));
        assert_eq!(r.lookback(), Duration::from_secs(6 * 60));
        assert_eq!(r.schedule_interval(), Duration::from_secs(5 * 60));
        assert_eq!(r.alert_cap(), 100);
        let r = load(FULL).unwrap();
        assert_eq!(r.lookback(), Duration::from_secs(61 * 60));
        assert_eq!(r.alert_cap(), 5);
    }

    #[test]
    fn optional_sections_may_be_absent() {
        let start = FULL.find("[[rule.threat]]").unwrap();
        let text = FULL[..start].replace("[metadata]", "[unrelated]");
        let r = load(&text).unwrap();
        assert!(r.threat.is_empty());
        assert_eq!(r.alert_suppression, None);
        assert_eq!(r.metadata, Metadata::default());
    }

    #[test]
    fn suppression_without_duration_suppresses_per_run() {
        let start = FULL.find("[rule.alert_suppression.duration]").unwrap();
        let text = FULL[..start].replace("\"doNotSuppress\"", "\"suppress\"");
        let s = load(&text).unwrap().alert_suppression.unwrap();
        assert_eq!(s.duration, None);
        assert_eq!(s.missing_fields, MissingFieldsStrategy::Suppress);
    }

    #[test]
    fn every_severity() {
        for (word, sev) in [
            ("low", Severity::Low),
            ("medium", Severity::Medium),
            ("high", Severity::High),
            ("critical", Severity::Critical),
        ] {
            let r = load(&with("severity", &format!("severity = \"{word}\""))).unwrap();
            assert_eq!(r.severity, sev);
            assert_eq!(sev.as_str(), word);
        }
    }

    #[test]
    fn other_rule_types_load_but_hold_no_esql_query() {
        let text =
            with("type", "type = \"eql\"").replace("language = \"esql\"", "language = \"eql\"");
        let file = load_str(Path::new("r.toml"), text).unwrap();
        assert!(file.queries.is_empty());
        assert_eq!(file.skipped.len(), 1);
        assert_eq!(file.skipped[0].reason, "rule type `eql` is not ES|QL");
    }

    #[test]
    fn bad_values_are_reported_at_their_place() {
        // Line 13 is `from = …`: the column points at the bad unit.
        assert_eq!(
            error(&with("from", "from = \"now-61w\"")),
            "r.toml:13:15: rule.from: unknown unit `w` (expected s, m, h or d)"
        );
        assert_eq!(
            error(&with("from", "from = \"61m\"")),
            "r.toml:13:9: rule.from: expected `now-<number><unit>` (like `now-6m`), found `61m`"
        );
        assert_eq!(
            error(&with("interval", "interval = \"1 hour\"")),
            "r.toml:14:14: rule.interval: unknown unit ` hour` (expected s, m, h or d)"
        );
        assert_eq!(
            error(&with("max_signals", "max_signals = 0")),
            "r.toml:17:15: rule.max_signals: must be a positive number, found 0"
        );
        assert_eq!(
            error(&with("risk_score", "risk_score = 250")),
            "r.toml:19:14: rule.risk_score: must be between 0 and 100, found 250"
        );
        assert_eq!(
            error(&with("severity", "severity = \"urgent\"")),
            "r.toml:21:12: rule.severity: expected low, medium, high or critical, found `urgent`"
        );
        assert_eq!(
            error(&FULL.replace("\"doNotSuppress\"", "\"sometimes\"")),
            "r.toml:51:27: rule.alert_suppression.missing_fields_strategy: \
             expected `suppress` or `doNotSuppress`, found `sometimes`"
        );
        assert_eq!(
            error(&FULL.replace("unit = \"h\"", "unit = \"w\"")),
            "r.toml:54:8: rule.alert_suppression.duration.unit: unknown unit `w` (expected s, m, h or d)"
        );
        assert_eq!(
            error(&FULL.replace("value = 6", "value = -6")),
            "r.toml:55:9: rule.alert_suppression.duration.value: must be a positive number of units, found -6"
        );
    }

    #[test]
    fn wrong_types_and_missing_fields_name_the_field() {
        assert_eq!(
            error(&with("risk_score", "risk_score = \"high\"")),
            "r.toml:19:14: rule.risk_score: invalid type: string \"high\", expected i64"
        );
        assert_eq!(
            error(&with("tags", "tags = \"OS: Linux\"")),
            "r.toml:22:8: rule.tags: invalid type: string \"OS: Linux\", expected a sequence"
        );
        let e = load(&FULL.replace("name = \"A rule\"\n", "")).unwrap_err();
        assert_eq!(e.to_string(), "r.toml:9:1: rule: missing field `name`");
        assert!(error(&with("rule_id", "")).ends_with("rule: missing field `rule_id`"));
        assert!(error(&with("severity", "")).ends_with("rule: missing field `severity`"));
        assert_eq!(
            error(&FULL.replace("framework = \"MITRE ATT&CK\"\n", "")),
            "r.toml:31:1: rule.threat[0]: missing field `framework`"
        );
    }

    #[test]
    fn an_esql_rule_needs_a_query() {
        let start = FULL.find("query = '''").unwrap();
        let end = FULL.find("[[rule.threat]]").unwrap();
        let text = format!("{}{}", &FULL[..start], &FULL[end..]);
        let e = load(&text).unwrap_err();
        assert_eq!(
            e.to_string(),
            "r.toml:9:1: rule.query: missing (an ES|QL rule needs a query)"
        );
        assert!(matches!(e.kind, RuleErrorKind::Field { .. }));
    }

    #[test]
    fn malformed_toml_is_a_syntax_error_with_position() {
        let e = load(&with("name", "name = \"A rule")).unwrap_err();
        assert!(matches!(e.kind, RuleErrorKind::Syntax { .. }), "{e}");
        assert_eq!(e.position.map(|p| p.line), Some(18));
        assert!(e.to_string().starts_with("r.toml:18:"), "{e}");
    }

    #[test]
    fn integration_may_be_a_single_string() {
        let r = load(&FULL.replace("integration = [\"endpoint\"]", "integration = \"endpoint\""))
            .unwrap();
        assert_eq!(r.metadata.integration, vec!["endpoint"]);
    }
}
