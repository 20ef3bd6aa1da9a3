//! Line-oriented writers: NDJSON documents, Elasticsearch `_bulk` bodies with `create` actions (data
//! streams accept only `create`), and the `labels.ndjson` sidecar.
//!
//! Documents are encoded by the generator's hand-tuned writer ([`generators::Event::write_json`],
//! byte-identical to its `serde::Serialize` form). [`encode_batch`] encodes a batch of events on all
//! cores (rayon, in fixed-size chunks) and returns per-stream byte runs in event order, so the files
//! are the same bytes whatever the number of threads.

use std::io::{self, Write};

use generators::{DataStream, Event};
use rayon::prelude::*;

use super::sink::HashingFile;

/// Events per encoding chunk (one rayon task).
const CHUNK: usize = 256;

/// Appends one line (or, for `_bulk`, an action line and a document line) for `e` to `out`.
pub(crate) fn encode_line(e: &Event, bulk: bool, inline_labels: bool, out: &mut Vec<u8>) {
    if bulk {
        out.extend_from_slice(b"{\"create\":{\"_index\":\"");
        out.extend_from_slice(e.data_stream().name().as_bytes());
        out.extend_from_slice(b"\",\"_id\":\"");
        out.extend_from_slice(e.id.as_str().as_bytes());
        out.extend_from_slice(b"\"}}\n");
    }
    e.write_json(out, inline_labels);
    out.push(b'\n');
}

/// The encoded lines of one chunk of events, per data stream (in [`DataStream::ALL`] order).
pub(crate) struct Encoded {
    /// Bytes and record counts per data stream.
    pub(crate) streams: [(Vec<u8>, u64); DataStream::ALL.len()],
}

fn stream_slot(ds: DataStream) -> usize {
    DataStream::ALL.iter().position(|d| *d == ds).unwrap_or(0)
}

/// Encodes `events` on all cores; the chunks come back in event order.
pub(crate) fn encode_batch(events: &[Event], bulk: bool, inline_labels: bool) -> Vec<Encoded> {
    events
        .par_chunks(CHUNK)
        .map(|chunk| {
            let mut enc = Encoded {
                streams: Default::default(),
            };
            for e in chunk {
                let (buf, n) = &mut enc.streams[stream_slot(e.data_stream())];
                if buf.capacity() == 0 {
                    buf.reserve(chunk.len() * 6 * 1024);
                }
                encode_line(e, bulk, inline_labels, buf);
                *n += 1;
            }
            enc
        })
        .collect()
}

/// Writes one document per line, optionally preceded by a `_bulk` action line.
pub(crate) struct LineWriter {
    pub(crate) file: HashingFile,
    buf: Vec<u8>,
    bulk: bool,
    pub(crate) events: u64,
}

impl LineWriter {
    /// A writer of plain NDJSON (`bulk` false) or `_bulk` lines.
    pub(crate) fn new(file: HashingFile, bulk: bool) -> LineWriter {
        LineWriter {
            file,
            buf: Vec::with_capacity(16 * 1024),
            bulk,
            events: 0,
        }
    }

    /// Whether the lines are `_bulk` bodies.
    pub(crate) fn bulk(&self) -> bool {
        self.bulk
    }

    /// Writes `e` (with its label under `labels.*` when `inline_labels`).
    pub(crate) fn write(&mut self, e: &Event, inline_labels: bool) -> io::Result<()> {
        self.buf.clear();
        encode_line(e, self.bulk, inline_labels, &mut self.buf);
        self.events += 1;
        self.file.write_all(&self.buf)
    }

    /// Writes lines encoded elsewhere ([`encode_batch`]) holding `records` documents.
    pub(crate) fn write_encoded(&mut self, bytes: &[u8], records: u64) -> io::Result<()> {
        self.events += records;
        self.file.write_all(bytes)
    }
}

/// Writes `labels.ndjson`: `{"_id","scenario","instance","technique","step"}` per labelled event.
pub(crate) struct LabelWriter {
    pub(crate) file: HashingFile,
    buf: Vec<u8>,
    pub(crate) labels: u64,
}

#[derive(serde::Serialize)]
struct LabelLine<'a> {
    #[serde(rename = "_id")]
    id: &'a str,
    scenario: &'a str,
    instance: u32,
    technique: &'a str,
    step: u32,
}

impl LabelWriter {
    pub(crate) fn new(file: HashingFile) -> LabelWriter {
        LabelWriter {
            file,
            buf: Vec::with_capacity(256),
            labels: 0,
        }
    }

    /// Writes the label of `e`, if it has one.
    pub(crate) fn write(&mut self, e: &Event) -> io::Result<()> {
        let Some(l) = &e.label else { return Ok(()) };
        self.buf.clear();
        let line = LabelLine {
            id: e.id.as_str(),
            scenario: &l.scenario,
            instance: l.instance,
            technique: &l.technique,
            step: l.step,
        };
        serde_json::to_writer(&mut self.buf, &line).map_err(io::Error::other)?;
        self.buf.push(b'\n');
        self.labels += 1;
        self.file.write_all(&self.buf)
    }
}
