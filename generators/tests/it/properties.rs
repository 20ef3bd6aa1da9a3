//! Property tests over fleet profiles: whatever the role mix, rates and aggregation shares, streams
//! are ordered, ids unique, parents reported before their children, and generation reproducible.

use std::collections::BTreeSet;

use generators::config::Profile;
use generators::event::Body;
use generators::fleet::Role;
use generators::{ScenarioSelection, Shard};
use proptest::prelude::*;

use crate::common::{ndjson, world};

fn profile() -> impl Strategy<Value = Profile> {
    (
        proptest::collection::vec(0u32..6, Role::ALL.len()),
        0.0f64..3.0,
        0.0f64..3.0,
        0.0f64..=1.0,
        0.0f64..=1.0,
        any::<bool>(),
    )
        .prop_map(|(weights, activity, traffic, mfe, mend, running)| {
            let mut p = Profile::default();
            for (r, w) in Role::ALL.iter().zip(weights) {
                p.roles.insert(r.key().to_string(), w);
            }
            if p.roles.values().all(|w| *w == 0) {
                p.roles.insert("bastion".into(), 1);
            }
            p.activity_scale = activity;
            p.traffic_scale = traffic;
            p.merge_fork_exec = mfe;
            p.merge_end = mend;
            p.already_running = running;
            p
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    #[test]
    fn any_profile_gives_coherent_reproducible_streams(seed in 0u64..1000, hosts in 1u32..6, p in profile()) {
        let events = world(seed, hosts, 20, ScenarioSelection::All, Shard::WHOLE, p.clone());
        let mut ids = BTreeSet::new();
        let mut reported = BTreeSet::new();
        for (i, e) in events.iter().enumerate() {
            prop_assert!(ids.insert(e.id), "seed {}: duplicate id", seed);
            if i > 0 {
                prop_assert!(events[i - 1].timestamp <= e.timestamp, "seed {}: unordered", seed);
            }
            if let Body::Process(_) = &e.body {
                reported.insert((e.host.index, e.process().entity_id));
            }
            // With already_running, every parent is reported first; without it, parents alive at the
            // start are not reported, so only check parents started inside the period.
            if let Some(parent) = &e.process().parent
                && (p.already_running || parent.start >= events[0].timestamp)
            {
                prop_assert!(reported.contains(&(e.host.index, parent.entity_id)),
                    "seed {}: parent {} of {} not reported", seed, parent.executable(), e.id);
            }
        }
        let again = world(seed, hosts, 20, ScenarioSelection::All, Shard::WHOLE, p);
        prop_assert!(ndjson(&events) == ndjson(&again), "seed {}: not reproducible", seed);
    }
}
