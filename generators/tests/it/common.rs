//! Helpers shared by the integration tests.

use generators::time::{Span, Timestamp};
use generators::{Builder, Event, Profile, ScenarioSelection, Shard};

/// A small world: `hosts` hosts for `minutes` minutes.
pub fn world(
    seed: u64,
    hosts: u32,
    minutes: i64,
    scenarios: ScenarioSelection,
    shard: Shard,
    profile: Profile,
) -> Vec<Event> {
    Builder::new()
        .seed(seed)
        .hosts(hosts)
        .duration(Span::mins(minutes))
        .start(Timestamp::parse_rfc3339("2024-05-06T08:00:00Z").unwrap())
        .scenarios(scenarios)
        .shard(shard)
        .profile(profile)
        .build()
        .unwrap_or_else(|e| panic!("seed {seed}: {e}"))
        .collect()
}

/// The NDJSON text of a stream of events.
pub fn ndjson(events: &[Event]) -> Vec<u8> {
    let mut out = Vec::new();
    for e in events {
        serde_json::to_writer(&mut out, e).unwrap();
        out.push(b'\n');
    }
    out
}
