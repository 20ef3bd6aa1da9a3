//! Generation benches (one core):
//! - `generate/events_in_memory`: simulate a fleet and drain its event stream into memory (events/s);
//! - `generate/ndjson_serialize`: serialize pre-generated events to NDJSON in memory with serde_json
//!   (the `Serialize` implementation, bytes/s);
//! - `generate/ndjson_write_json`: the same with the hand-tuned writer `Event::write_json` (what
//!   `detsim generate` uses; bytes/s). Each iteration serializes freshly generated events, so the
//!   one-time rendering of every process image's fragments is included.
//!
//! Time is **CPU time of the whole process** (all threads, from `/proc/self/task/*/schedstat`, in
//! nanoseconds), not wall time: on a shared machine the wall clock measures the neighbours, while CPU
//! time gives the throughput per core (events per CPU-second). Where `/proc` is unavailable the
//! bench falls back to wall time. Run a single-threaded measurement with `RAYON_NUM_THREADS=1`.
//!
//! Run: `cargo bench -p generators --bench generate`.

use std::hint::black_box;

use criterion::measurement::{Measurement, ValueFormatter};
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

/// CPU time consumed by all threads of this process, in nanoseconds (wall time without `/proc`).
fn cpu_nanos() -> u64 {
    let from_proc = || -> Option<u64> {
        let mut total = 0u64;
        for task in std::fs::read_dir("/proc/self/task").ok()? {
            let text = std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok()?;
            total += text.split_whitespace().next()?.parse::<u64>().ok()?;
        }
        Some(total)
    };
    from_proc().unwrap_or_else(|| {
        static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
        START
            .get_or_init(std::time::Instant::now)
            .elapsed()
            .as_nanos() as u64
    })
}

/// Criterion measurement: process CPU time.
struct CpuTime;

impl Measurement for CpuTime {
    type Intermediate = u64;
    type Value = u64;
    fn start(&self) -> u64 {
        cpu_nanos()
    }
    fn end(&self, i: u64) -> u64 {
        cpu_nanos().saturating_sub(i)
    }
    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }
    fn zero(&self) -> u64 {
        0
    }
    fn to_f64(&self, v: &u64) -> f64 {
        *v as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        &CpuFormatter
    }
}

/// Formats CPU nanoseconds as time and throughputs per CPU-second.
struct CpuFormatter;

impl ValueFormatter for CpuFormatter {
    fn scale_values(&self, typical: f64, values: &mut [f64]) -> &'static str {
        let (div, unit) = if typical >= 1e9 {
            (1e9, "cpu-s")
        } else if typical >= 1e6 {
            (1e6, "cpu-ms")
        } else {
            (1e3, "cpu-us")
        };
        values.iter_mut().for_each(|v| *v /= div);
        unit
    }
    fn scale_throughputs(
        &self,
        _typical: f64,
        throughput: &Throughput,
        values: &mut [f64],
    ) -> &'static str {
        match throughput {
            Throughput::Bytes(b) | Throughput::BytesDecimal(b) => {
                values
                    .iter_mut()
                    .for_each(|v| *v = *b as f64 / (*v / 1e9) / (1024.0 * 1024.0));
                "MiB/cpu-s"
            }
            Throughput::Elements(n) | Throughput::ElementsAndBytes { elements: n, .. } => {
                values.iter_mut().for_each(|v| *v = *n as f64 / (*v / 1e9));
                "elem/cpu-s"
            }
            Throughput::Bits(b) => {
                values.iter_mut().for_each(|v| *v = *b as f64 / (*v / 1e9));
                "bit/cpu-s"
            }
        }
    }
    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}

fn bench(c: &mut Criterion<CpuTime>) {
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

criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(CpuTime);
    targets = bench
}
criterion_main!(benches);
