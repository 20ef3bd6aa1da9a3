//! Rule regression checks: does each rule still fire on the attacks it should catch, stay quiet on the
//! ones it is expected to miss, and raise the same alerts as before?
//!
//! A [`Suite`] holds rules and scenario files. [`Suite::run`] generates one small deterministic dataset
//! with every scenario (and one without any, for the rules' known false positives), runs each rule on
//! its Kibana schedule and checks, for every scenario targeting the rule, that every `detect` instance
//! produced a true-positive alert and every `miss` instance none. [`render_alerts`] gives alert rows in
//! a stable text form for snapshot tests (insta).
//!
//! ```no_run
//! let suite = detsim::regress::Suite::load(&["rules"], None).unwrap();
//! let report = suite.run(&detsim::regress::SuiteConfig::default()).unwrap();
//! assert!(report.failed() == 0, "{}", report.render());
//! ```

mod snapshot;
mod suite;

pub use snapshot::render_alerts;
pub use suite::{Case, CaseKind, Report, Suite, SuiteConfig, SuiteError, shipped_rules_dir};
