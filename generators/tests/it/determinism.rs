//! Same seed → same bytes; shards are disjoint and their union is the whole.

use std::collections::BTreeSet;

use generators::{Profile, ScenarioSelection, Shard};

use crate::common::{ndjson, world};

#[test]
fn same_seed_gives_identical_bytes() {
    let a = ndjson(&world(
        11,
        6,
        90,
        ScenarioSelection::All,
        Shard::WHOLE,
        Profile::default(),
    ));
    let b = ndjson(&world(
        11,
        6,
        90,
        ScenarioSelection::All,
        Shard::WHOLE,
        Profile::default(),
    ));
    assert!(a.len() > 100_000, "seed 11: only {} bytes", a.len());
    assert!(a == b, "seed 11: two runs differ");
    let c = ndjson(&world(
        12,
        6,
        90,
        ScenarioSelection::All,
        Shard::WHOLE,
        Profile::default(),
    ));
    assert!(a != c, "seeds 11 and 12 gave the same bytes");
}

#[test]
fn same_bytes_whatever_the_thread() {
    // Generation draws only from per-host streams: a world built and drained on another thread
    // produces the same bytes.
    let here = ndjson(&world(
        5,
        5,
        60,
        ScenarioSelection::All,
        Shard::WHOLE,
        Profile::default(),
    ));
    let there = std::thread::spawn(|| {
        ndjson(&world(
            5,
            5,
            60,
            ScenarioSelection::All,
            Shard::WHOLE,
            Profile::default(),
        ))
    })
    .join()
    .unwrap();
    assert!(here == there, "seed 5: output depends on the thread");
}

#[test]
fn same_bytes_whatever_the_thread_count() {
    // Hosts are simulated on all threads of the pool, window by window: 1, 2 and 5 threads give
    // the same stream.
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| {
                ndjson(&world(
                    8,
                    9,
                    120,
                    ScenarioSelection::All,
                    Shard::WHOLE,
                    Profile::default(),
                ))
            })
    };
    let one = run(1);
    assert!(one.len() > 100_000, "seed 8: only {} bytes", one.len());
    for threads in [2, 5] {
        assert!(
            run(threads) == one,
            "seed 8: {threads} threads differ from 1 thread"
        );
    }
}

#[test]
fn shards_are_disjoint_and_union_to_the_whole() {
    let seed = 21;
    let whole = world(
        seed,
        7,
        60,
        ScenarioSelection::All,
        Shard::WHOLE,
        Profile::default(),
    );
    let mut parts = Vec::new();
    let mut ids = BTreeSet::new();
    for i in 0..3 {
        let part = world(
            seed,
            7,
            60,
            ScenarioSelection::All,
            Shard { index: i, count: 3 },
            Profile::default(),
        );
        assert!(!part.is_empty(), "seed {seed}: shard {i}/3 is empty");
        for e in &part {
            assert!(
                ids.insert(e.id),
                "seed {seed}: event {} in two shards",
                e.id
            );
            assert_eq!(
                e.host.index % 3,
                i,
                "seed {seed}: host {} in shard {i}",
                e.host.index
            );
        }
        parts.extend(part);
    }
    assert_eq!(
        parts.len(),
        whole.len(),
        "seed {seed}: shard sizes do not add up"
    );
    parts.sort_by_key(|e| (e.timestamp, e.host.index, e.sequence));
    assert!(
        ndjson(&parts) == ndjson(&whole),
        "seed {seed}: merged shards differ from the whole"
    );
}
