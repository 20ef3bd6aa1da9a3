//! Generation benches (one core):
//! - `generate/events_in_memory`: simulate a fleet and drain its event stream into memory (events/s);
//! - `generate/ndjson_serialize`: serialize pre-generated events to NDJSON in memory with serde_json
//!   (the `Serialize` implementation, bytes/s);
//! - `generate/ndjson_write_json`: the same with the hand-tuned writer `Event::write_json` (what
//!   `detsim generate` uses; bytes/s). Each iteration serializes freshly generated events, so the
//!   one-time rendering of every process image's fragments is included.
//!
//! Run: `cargo bench -p generators --bench generate`.

use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use generators::time::{Span, Timestamp};
use generators::{Builder, Event, World};

fn world() -> World {
    Builder::new()
        .seed(1)
        .hosts(20)
        .start(Timestamp::parse_rfc3339("2024-05-06T08:00:00Z").unwrap())
        .duration(Span::hours(2))
        .build()
        .unwrap()
}

fn bench(c: &mut Criterion) {
    let n_events = world().count() as u64;
    let mut g = c.benchmark_group("generate");
    g.sample_size(10);
    g.throughput(Throughput::Elements(n_events));
    g.bench_function("events_in_memory", |b| {
        b.iter_batched(
            world,
            |w| black_box(w.fold(0u64, |n, e| n + e.sequence.min(1))),
            BatchSize::PerIteration,
        )
    });
    let events: Vec<Event> = world().take(100_000).collect();
    let mut buf = Vec::with_capacity(1 << 30);
    for e in &events {
        serde_json::to_writer(&mut buf, e).unwrap();
        buf.push(b'\n');
    }
    g.throughput(Throughput::Bytes(buf.len() as u64));
    g.bench_function("ndjson_serialize", |b| {
        b.iter(|| {
            buf.clear();
            for e in &events {
                serde_json::to_writer(&mut buf, black_box(e)).unwrap();
                buf.push(b'\n');
            }
            black_box(buf.len())
        })
    });
    g.bench_function("ndjson_write_json", |b| {
        b.iter_batched(
            || world().take(100_000).collect::<Vec<Event>>(),
            |events| {
                buf.clear();
                for e in &events {
                    black_box(e).write_json(&mut buf, false);
                    buf.push(b'\n');
                }
                black_box(buf.len());
                events
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
