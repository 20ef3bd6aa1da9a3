//! Generates a dataset in memory and prints a summary: counts per data stream and scenario, planned
//! instances, per-host counters, and the generation rate. `cargo run --release -p generators --example
//! summary -- [hosts] [hours] [seed]`
use std::time::Instant;

use generators::{Builder, time::Span};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let hosts = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(40);
    let hours = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(24);
    let seed = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1);
    let t0 = Instant::now();
    let mut world = Builder::new()
        .seed(seed)
        .hosts(hosts)
        .duration(Span::hours(hours))
        .build()
        .expect("build");
    let mut n = 0u64;
    let mut bytes = 0usize;
    for e in world.by_ref() {
        n += 1;
        if n.is_multiple_of(1000) {
            bytes += serde_json::to_vec(&e).map(|v| v.len()).unwrap_or(0);
        }
    }
    let dt = t0.elapsed().as_secs_f64();
    println!(
        "events: {n} in {dt:.2}s ({:.0}/s), ~{} bytes/event",
        n as f64 / dt,
        bytes as u64 * 1000 / n.max(1)
    );
    println!("{}", serde_json::to_string_pretty(world.counts()).unwrap());
    for i in world.instances() {
        println!(
            "{} #{} {} {:?} {:?} {:?}",
            i.scenario, i.instance, i.expect, i.hosts, i.start, i.skipped
        );
    }
    let stats = world.host_stats();
    let sum: u64 = stats.values().map(|s| s.suppressed_noise).sum();
    let stale: u64 = stats.values().map(|s| s.stale_ops).sum();
    let fail: u64 = stats.values().map(|s| s.scenario_failures).sum();
    println!(
        "suppressed noise {sum}, stale ops {stale}, scenario failures {fail}, reservations {}",
        world.reservation_count()
    );
}
