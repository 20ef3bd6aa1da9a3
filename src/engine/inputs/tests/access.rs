//! The two ways an NDJSON file reaches the parser (`ndjson_fast::Access`): a memory-mapped file and
//! one read into block buffers give the same chunks (every row's values), the same report (documents,
//! skipped lines, their errors and line numbers, slow lines, bytes) and the same `fail` error,
//! whatever the block size and thread count; files that cannot be mapped (a pipe, an empty file)
//! are read, not taken as empty.

use std::path::Path;

use esql::Value;

use super::super::layout::Layout;
use super::super::ndjson_fast::{Access, read_file_with};
use super::super::read::ReadReport;
use super::{STREAM, WIDE, adversarial, plan_of, temp_dir};
use crate::engine::inputs::ndjson_files::OnError;

fn layout() -> Layout {
    let plan = plan_of(WIDE);
    let esql::plan::Source::From(from) = &plan.source else {
        panic!("FROM plan")
    };
    let catalog = esql::Catalog::elastic_defend();
    let mapping = catalog.resolve(&[STREAM.to_owned()])[0].1.clone();
    let needed = crate::engine::prune::needed_columns(&plan);
    Layout::new(from, needed.source(), STREAM, mapping, None, true).unwrap()
}

/// Everything a read gives: the rows (every column's value), the report's counts and errors, or
/// the error that stopped it.
#[derive(Debug, PartialEq)]
struct Read {
    rows: Vec<Vec<Value>>,
    counts: (u64, u64, u64, u64),
    errors: Vec<(usize, String)>,
}

fn read(
    layout: &Layout,
    path: &Path,
    access: Access,
    block: usize,
    threads: usize,
    on_error: OnError,
) -> Result<Read, String> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let mut report = ReadReport::default();
    let mut rows = Vec::new();
    let mut sink = |chunks: Vec<crate::engine::frame::Chunk>| {
        for c in chunks {
            for r in 0..c.rows {
                rows.push(c.columns.iter().flatten().map(|col| col.value(r)).collect());
            }
        }
        Ok(true)
    };
    pool.install(|| {
        read_file_with(
            layout,
            path,
            block,
            on_error,
            access,
            &mut report,
            &mut sink,
        )
    })
    .map_err(|e| e.to_string())?;
    Ok(Read {
        rows,
        counts: (
            report.documents,
            report.skipped,
            report.slow_lines,
            report.bytes,
        ),
        errors: report
            .first_errors
            .iter()
            .map(|e| (e.line, e.error.to_string()))
            .collect(),
    })
}

/// The adversarial lines, a generated-like file of many lines with `_id`s from line numbers,
/// and a last line without its newline.
fn files(dir: &Path) -> Vec<std::path::PathBuf> {
    let adv = dir.join("adversarial.ndjson");
    std::fs::write(&adv, adversarial()).unwrap();
    let mut text = Vec::new();
    for i in 0..2500 {
        let line = match i % 6 {
            0..=2 => format!(
                r#"{{"process":{{"name":"p{i}","pid":{i}}},"host":{{"ip":["10.0.0.{}"]}}}}"#,
                i % 250
            ),
            3 => String::new(),
            4 if i % 4 == 0 => format!(r#"{{"process":{{"name":"bad{i}"}}"#),
            _ => format!(
                r#"{{"event":{{"id":"e{i}","action":["a","b"]}},"process":{{"name":"q\\{i}"}}}}"#
            ),
        };
        text.extend_from_slice(line.as_bytes());
        text.push(b'\n');
    }
    text.extend_from_slice(br#"{"process":{"name":"end"}}"#);
    let many = dir.join("many.ndjson");
    std::fs::write(&many, &text).unwrap();
    vec![adv, many]
}

#[test]
fn mapped_and_copied_reads_give_the_same_chunks_reports_and_errors() {
    let dir = temp_dir("access");
    let layout = layout();
    for path in files(&dir) {
        for (block, threads) in [(1 << 12, 1), (1 << 12, 3), (5000, 2), (8 << 20, 2)] {
            let copied = read(
                &layout,
                &path,
                Access::Copied,
                block,
                threads,
                OnError::Skip,
            );
            let mapped = read(
                &layout,
                &path,
                Access::Mapped,
                block,
                threads,
                OnError::Skip,
            );
            let c = copied.unwrap();
            assert!(c.rows.len() > 10 && c.counts.1 > 0, "{}", path.display());
            assert_eq!(mapped.unwrap(), c, "{} block {block}", path.display());
            let copied = read(
                &layout,
                &path,
                Access::Copied,
                block,
                threads,
                OnError::Fail,
            );
            let mapped = read(
                &layout,
                &path,
                Access::Mapped,
                block,
                threads,
                OnError::Fail,
            );
            assert!(copied.is_err());
            assert_eq!(mapped, copied, "{} block {block}", path.display());
        }
    }
    // An empty file, and a file of blank lines.
    for (name, text) in [("empty", &b""[..]), ("blank", &b"\n\n  \n"[..])] {
        let path = dir.join(format!("{name}.ndjson"));
        std::fs::write(&path, text).unwrap();
        let copied = read(&layout, &path, Access::Copied, 4096, 2, OnError::Fail).unwrap();
        let mapped = read(&layout, &path, Access::Mapped, 4096, 2, OnError::Fail).unwrap();
        assert_eq!(mapped, copied);
        assert!(mapped.rows.is_empty());
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A pipe reports no size: it is read, not mapped as an empty file.
#[cfg(unix)]
#[test]
fn a_pipe_is_read_not_mapped() {
    let dir = temp_dir("access-fifo");
    let fifo = dir.join("pipe.ndjson");
    match std::process::Command::new("mkfifo").arg(&fifo).status() {
        Ok(s) if s.success() => {}
        _ => {
            eprintln!("skipped: mkfifo is not available here");
            return;
        }
    }
    let layout = layout();
    let text = adversarial();
    let plain = dir.join("plain.ndjson");
    std::fs::write(&plain, &text).unwrap();
    let want = read(&layout, &plain, Access::Mapped, 4096, 2, OnError::Skip).unwrap();
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, text).unwrap())
    };
    let got = read(&layout, &fifo, Access::Mapped, 4096, 2, OnError::Skip).unwrap();
    writer.join().unwrap();
    assert!(!want.rows.is_empty());
    // The same lines; error messages name their file.
    let (p, f) = (plain.display().to_string(), fifo.display().to_string());
    let mut want = want;
    for e in &mut want.errors {
        e.1 = e.1.replace(&p, &f);
    }
    assert_eq!(got, want);
    std::fs::remove_dir_all(&dir).unwrap();
}
