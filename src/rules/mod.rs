//! Rule files: Elastic detection-rules TOML (`[metadata]`, `[rule]`), hunting TOML (`[hunt]`) and
//! plain `.esql` files, loaded into typed rules and the ES|QL queries they hold.
//!
//! Every query keeps its file and where its text starts in the file ([`QuerySource`]), so that an
//! error at query line L:C is also reported at the right line and column of the TOML file.
//! [`discover`] walks folders deterministically (sorted paths).

mod coverage;
mod detection;
mod discover;
mod duration;
mod error;
mod file;
mod hunt;
mod query;
mod source_map;
mod toml_doc;

pub use coverage::{pattern_is_covered, unshipped_sources};
pub use detection::{
    AlertSuppression, DEFAULT_INTERVAL, DEFAULT_LOOKBACK, DEFAULT_MAX_SIGNALS, DetectionRule,
    Metadata, MissingFieldsStrategy, Severity, Technique, Threat, ThreatRef,
};
pub use discover::discover;
pub use duration::{DurationError, parse_interval, parse_lookback};
pub use error::{RuleError, RuleErrorKind};
pub use file::{
    RuleFile, RuleFileKind, SkippedQuery, is_rule_file, load_esql, load_file, load_str, load_toml,
};
pub use hunt::Hunt;
pub use query::QuerySource;
