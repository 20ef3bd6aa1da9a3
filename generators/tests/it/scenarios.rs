//! Scenario files round-trip, and every shipped scenario meets its expected outcome under the seed
//! rules' query logic (re-stated here over typed events: `mv_expand event.action`, the WHERE clauses,
//! `stats count(), count_distinct(agent.id) by …` over 61-minute look-backs on `event.ingested` every
//! hour, `count_distinct == 1 and count < 5`). The ES|QL engines check the same on the real queries in
//! the root crate's tests.

use std::collections::{BTreeMap, BTreeSet};

use generators::event::{Body, FileAction};
use generators::scenario::{Expect, Scenario, builtin};
use generators::time::{Span, Timestamp};
use generators::{Builder, Event, ScenarioSelection};

const WEB_RULE: &str = "894b7cc9-040b-427c-aca5-36b40d3667bf";
const TRANSFER_RULE: &str = "8eeeda11-dca6-4c3e-910f-7089db412d1c";

#[test]
fn shipped_scenarios_round_trip() {
    let all = builtin().unwrap();
    assert!(all.len() >= 15, "only {} scenarios", all.len());
    for s in &all {
        let text = s.to_toml();
        let again = Scenario::parse(&s.source, &text)
            .unwrap_or_else(|e| panic!("{}: re-parse failed: {e}\n{text}", s.id));
        assert_eq!(
            *s,
            Scenario {
                source: s.source.clone(),
                ..again
            },
            "{} does not round-trip",
            s.id
        );
    }
    let detect = all.iter().filter(|s| s.expect == Expect::Detect).count();
    let miss = all.len() - detect;
    assert!(detect >= 12 && miss >= 3, "{detect} detect, {miss} miss");
}

const WEB_NAMES: &[&str] = &[
    "apache",
    "nginx",
    "apache2",
    "httpd",
    "lighttpd",
    "caddy",
    "mongrel_rails",
    "gunicorn",
    "uwsgi",
    "openresty",
    "cherokee",
    "h2o",
    "resin",
    "puma",
    "unicorn",
    "traefik",
    "tornado",
    "hypercorn",
    "daphne",
    "twistd",
    "yaws",
    "webfsd",
    "httpd.worker",
    "flask",
    "rails",
    "mongrel",
    "php-cgi",
    "php-fcgi",
    "php-cgi.cagefs",
    "catalina.sh",
    "hiawatha",
    "lswsctrl",
];
const WEB_USERS: &[&str] = &[
    "apache", "www-data", "httpd", "nginx", "lighttpd", "tomcat", "tomcat8", "tomcat9",
];
const TOOLS: &[&str] = &["scp", "ftp", "sftp", "vsftpd", "sftp-server", "rsync"];
const SHELLS: &[&str] = &["bash", "dash", "sh", "tcsh", "csh", "zsh", "ksh", "fish"];
const EXE_PREFIXES: &[&str] = &[
    "/tmp/",
    "/var/tmp/",
    "/dev/shm/",
    "./",
    "/run/",
    "/var/run/",
    "/boot/",
    "/sys/",
    "/lost+found/",
    "/proc/",
    "/var/mail/",
    "/var/www/",
    "/home/",
    "/root/",
];

/// The WHERE of the web-server rule, on one (file) event. Returns the group key.
fn web_rule_row(e: &Event) -> Option<(String, String)> {
    let Body::File(f) = &e.body else { return None };
    if f.action != FileAction::Creation {
        return None;
    }
    let p = &f.process;
    let hit = WEB_NAMES.contains(&p.name())
        || p.name().starts_with("php-fpm")
        || WEB_USERS.contains(&&*p.user().name)
        || ["33", "498", "48"].contains(&&*p.user().id);
    hit.then(|| (p.executable().to_string(), f.file.path.to_string()))
}

/// The WHERE of the file-transfer rule after `mv_expand event.action`: rows of one event.
fn transfer_rule_rows(e: &Event) -> usize {
    let Body::Process(b) = &e.body else { return 0 };
    let types: Vec<&str> = b.actions.types().collect();
    // `event.type == "start"`: a multi-valued event.type compares to null.
    if types != ["start"] {
        return 0;
    }
    let p = &b.process;
    if !TOOLS.contains(&p.name()) {
        return 0;
    }
    let Some(parent) = &p.parent else { return 0 };
    let n = parent.name();
    let name_hit = SHELLS.contains(&n)
        || n.starts_with('.')
        || [".elf", ".sh", ".py", ".rb", ".pl", ".js"]
            .iter()
            .any(|s| n.ends_with(s))
        || n.contains(".lua")
        || n.contains(".php");
    let exe_hit = EXE_PREFIXES
        .iter()
        .any(|pre| parent.executable().starts_with(pre));
    if !(name_hit || exe_hit) {
        return 0;
    }
    b.actions.names().filter(|a| *a == "exec").count()
}

/// One aggregation group: count, distinct agents, scenarios of its labelled events.
type Group = (u64, BTreeSet<String>, BTreeSet<String>);

/// Scenario ids whose labelled events are in an alerting group, per rule, over hourly runs.
fn alerted(
    events: &[Event],
    start: Timestamp,
    end: Timestamp,
    phase: Span,
) -> BTreeMap<&'static str, BTreeSet<String>> {
    let mut out: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
    let mut run = start.plus(phase);
    while run <= end.plus(Span::hours(2)) {
        let from = run.minus(Span::mins(61));
        let mut groups: BTreeMap<(&'static str, String, String), Group> = BTreeMap::new();
        for e in events
            .iter()
            .filter(|e| e.ingested >= from && e.ingested <= run)
        {
            let label = e.label.as_ref().map(|l| l.scenario.to_string());
            let mut add = |rule: &'static str, key: (String, String), n: u64| {
                let g = groups.entry((rule, key.0, key.1)).or_default();
                g.0 += n;
                g.1.insert(e.host.agent_id.to_string());
                if let Some(l) = &label {
                    g.2.insert(l.clone());
                }
            };
            if let Some(key) = web_rule_row(e) {
                add(WEB_RULE, key, 1);
            }
            let rows = transfer_rule_rows(e);
            if rows > 0 {
                let p = e.process();
                let parent_exe = p
                    .parent
                    .as_ref()
                    .map(|x| x.executable().to_string())
                    .unwrap_or_default();
                add(
                    TRANSFER_RULE,
                    (p.executable().to_string(), parent_exe),
                    rows as u64,
                );
            }
        }
        for ((rule, _, _), (count, agents, labels)) in groups {
            if agents.len() == 1 && count < 5 {
                out.entry(rule).or_default().extend(labels);
            }
        }
        run = run.plus(Span::hours(1));
    }
    out
}

#[test]
fn detect_scenarios_alert_and_miss_scenarios_do_not() {
    let seed = 2;
    let start = Timestamp::parse_rfc3339("2024-05-06T00:00:00Z").unwrap();
    let duration = Span::hours(10);
    let world = Builder::new()
        .seed(seed)
        .hosts(16)
        .start(start)
        .duration(duration)
        .scenarios(ScenarioSelection::All)
        .build()
        .unwrap();
    let scenarios: Vec<Scenario> = world.scenarios().to_vec();
    let skipped: Vec<_> = world
        .instances()
        .iter()
        .filter(|i| i.skipped.is_some())
        .cloned()
        .collect();
    assert!(
        skipped.is_empty(),
        "seed {seed}: skipped instances {skipped:?}"
    );
    let events: Vec<Event> = world.collect();
    let labelled: BTreeSet<String> = events
        .iter()
        .filter_map(|e| e.label.as_ref().map(|l| l.scenario.to_string()))
        .collect();
    for phase in [Span(0), Span::mins(23)] {
        let hits = alerted(&events, start, start.plus(duration), phase);
        for s in &scenarios {
            assert!(
                labelled.contains(&s.id),
                "seed {seed}: scenario {} produced no labelled event",
                s.id
            );
            for rule in &s.rules {
                let caught = hits
                    .get(rule.as_str())
                    .is_some_and(|set| set.contains(&s.id));
                match &s.expect {
                    Expect::Detect => assert!(
                        caught,
                        "seed {seed}, phase {phase}: detect scenario {} not caught by {rule}",
                        s.id
                    ),
                    Expect::Miss { reason } if phase == Span(0) => {
                        assert!(
                            !caught,
                            "seed {seed}: miss scenario {} caught by {rule} (expected miss: {reason})",
                            s.id
                        )
                    }
                    Expect::Miss { .. } => {}
                }
            }
        }
    }
}

#[test]
fn natural_noise_produces_false_positives_for_both_rules() {
    let seed = 4;
    let start = Timestamp::parse_rfc3339("2024-05-06T06:00:00Z").unwrap();
    let duration = Span::hours(8);
    let events: Vec<Event> = Builder::new()
        .seed(seed)
        .hosts(24)
        .start(start)
        .duration(duration)
        .scenarios(ScenarioSelection::None)
        .build()
        .unwrap()
        .collect();
    let mut web_fp = 0;
    let mut transfer_rows = 0;
    for e in &events {
        web_fp += usize::from(web_rule_row(e).is_some());
        transfer_rows += transfer_rule_rows(e);
    }
    assert!(
        web_fp > 50,
        "seed {seed}: only {web_fp} web-server creation rows from background activity"
    );
    assert!(
        transfer_rows > 3,
        "seed {seed}: only {transfer_rows} transfer-utility rows from background activity"
    );
}
