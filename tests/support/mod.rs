//! Helpers shared by the profiling loops (`engine_where_profile`, `engine_stats_profile`): sizes from
//! the environment and a timed loop reporting wall and thread CPU time per run.

/// `name` from the environment as a number, or `default`.
pub fn size(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// CPU seconds this thread used so far (Linux `/proc/thread-self/stat`; 0 elsewhere).
pub fn thread_cpu() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/thread-self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which ends at the last ')'): utime and stime are 14th and 15th.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11).and_then(|x| x.parse().ok()).unwrap_or(0.0)
        + f.get(12).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0);
    ticks / 100.0
}

/// Runs `run` `runs` times and prints `label`'s wall time and thread CPU time per run, and events
/// per CPU-second.
pub fn time_runs(label: &str, events: usize, rows_out: usize, runs: u32, mut run: impl FnMut()) {
    let t = std::time::Instant::now();
    let cpu = thread_cpu();
    for _ in 0..runs {
        run();
    }
    let per_run = t.elapsed() / runs.max(1);
    let cpu_per_run = (thread_cpu() - cpu) / f64::from(runs.max(1));
    eprintln!(
        "{label}: {events} events, {rows_out} rows out, {per_run:?} wall per run, {:.3} ms CPU per \
         run, {:.2} M events/CPU-s",
        cpu_per_run * 1e3,
        events as f64 / cpu_per_run / 1e6
    );
}
