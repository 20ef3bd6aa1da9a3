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
