//! Checks a folder of your own detection rules against the attack scenarios that target them, the way
//! `cargo test` checks detsim's `rules/` — from your own code or your own `cargo test`.
//!
//! ```sh
//! cargo run --release --example regress_my_rules -- path/to/rules [path/to/scenarios]
//! ```
//!
//! The same in a test of your own crate (with `detsim` as a dev-dependency):
//!
//! ```ignore
//! #[test]
//! fn my_rules_still_catch_their_attacks() {
//!     let suite = detsim::regress::Suite::load(&["rules"], Some("scenarios".as_ref())).unwrap();
//!     let report = suite.run(&detsim::regress::SuiteConfig::default()).unwrap();
//!     assert_eq!(report.failed(), 0, "{}", report.render());
//! }
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use detsim::regress::{Suite, SuiteConfig, shipped_rules_dir};

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1).map(PathBuf::from);
    let rules = args.next().unwrap_or_else(shipped_rules_dir);
    let scenarios = args.next();
    let suite = match Suite::load(&[rules], scenarios.as_deref()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    // A small deterministic fleet: seed 7, 14 hosts, 6 hours (change them in SuiteConfig).
    let report = match suite.run(&SuiteConfig::default()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    print!("{}", report.render());
    if report.failed() == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
