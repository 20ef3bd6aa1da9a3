//! Coherent process trees, ordered streams, unique ids, document shape.

use std::collections::{BTreeMap, BTreeSet};

use generators::event::{Body, ProcessActions};
use generators::{Profile, ScenarioSelection, Shard};

use crate::common::world;

#[test]
fn parents_are_live_reported_processes_of_the_same_host() {
    let seed = 3;
    let events = world(
        seed,
        12,
        120,
        ScenarioSelection::All,
        Shard::WHOLE,
        Profile::default(),
    );
    // entity id → (host, start) for every process reported so far; ended entity ids.
    let mut seen: BTreeMap<(u32, String), i64> = BTreeMap::new();
    let mut ended: BTreeSet<(u32, String)> = BTreeSet::new();
    let mut checked = 0;
    for e in &events {
        let h = e.host.index;
        let p = e.process();
        if let Some(parent) = &p.parent {
            let key = (h, parent.entity_id.to_string());
            let start = seen.get(&key).unwrap_or_else(|| {
                panic!(
                    "seed {seed}: event {} on host {h}: parent {} ({}) was never reported",
                    e.id,
                    parent.entity_id,
                    parent.executable()
                )
            });
            assert!(
                *start <= p.start.0,
                "seed {seed}: event {}: parent started after the child",
                e.id
            );
            assert!(
                !ended.contains(&key),
                "seed {seed}: event {}: parent {} had already ended",
                e.id,
                parent.executable()
            );
            checked += 1;
        }
        if let Body::Process(b) = &e.body {
            seen.insert((h, p.entity_id.to_string()), p.start.0);
            if b.actions.contains(ProcessActions::END) {
                ended.insert((h, p.entity_id.to_string()));
            }
        }
    }
    assert!(
        checked > 10_000,
        "seed {seed}: only {checked} parent blocks checked"
    );
}

#[test]
fn streams_are_ordered_and_ids_unique() {
    let seed = 8;
    let events = world(
        seed,
        8,
        90,
        ScenarioSelection::All,
        Shard::WHOLE,
        Profile::default(),
    );
    let mut ids = BTreeSet::new();
    let mut last_seq: BTreeMap<u32, (u64, i64)> = BTreeMap::new();
    for w in events.windows(2) {
        assert!(
            w[0].timestamp <= w[1].timestamp,
            "seed {seed}: @timestamp goes back at {}",
            w[1].id
        );
    }
    for e in &events {
        assert!(ids.insert(e.id), "seed {seed}: duplicate event.id {}", e.id);
        assert!(
            e.ingested >= e.timestamp,
            "seed {seed}: {} ingested before it happened",
            e.id
        );
        if let Some((seq, ts)) = last_seq.insert(e.host.index, (e.sequence, e.timestamp.0)) {
            assert_eq!(
                e.sequence,
                seq + 1,
                "seed {seed}: event.sequence skips on host {}",
                e.host.index
            );
            assert!(ts <= e.timestamp.0);
        }
    }
}

#[test]
fn documents_have_the_elastic_defend_shape() {
    let seed = 9;
    let events = world(
        seed,
        12,
        60,
        ScenarioSelection::All,
        Shard::WHOLE,
        Profile::default(),
    );
    let mut merged = 0;
    let mut files = 0;
    for e in events.iter().take(200_000) {
        let v: serde_json::Value = serde_json::to_value(e).unwrap();
        assert_eq!(v["host"]["os"]["type"], "linux");
        assert_eq!(v["event"]["module"], "endpoint");
        assert_eq!(v["agent"]["type"], "endpoint");
        assert!(v["event"]["category"].is_array() && v["event"]["type"].is_array());
        assert!(v["host"]["ip"].is_array() && v["host"]["mac"].is_array());
        assert_eq!(v["data_stream"]["dataset"], v["event"]["dataset"]);
        assert!(v["process"]["pid"].is_u64());
        assert!(
            v["user"]["id"].is_string(),
            "user.id must be a keyword string"
        );
        assert!(
            v.get("labels").is_none(),
            "labels are never inline by default"
        );
        if v["event"]["action"].is_array() {
            merged += 1;
        }
        if v["event"]["category"][0] == "file" {
            files += 1;
            assert!(v["file"]["path"].is_string());
            assert!(v["process"]["entity_id"].is_string());
            if v["event"]["action"] == "rename" {
                assert!(v["file"]["Ext"]["original"]["path"].is_string());
            }
        } else {
            assert!(v["process"]["args"].is_array());
            assert_eq!(
                v["process"]["args_count"].as_u64(),
                v["process"]["args"].as_array().map(|a| a.len() as u64)
            );
        }
    }
    assert!(
        merged > 100,
        "seed {seed}: no aggregated event.action arrays"
    );
    assert!(files > 100, "seed {seed}: too few file events ({files})");
}
