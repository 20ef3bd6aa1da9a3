//! Line-oriented writers: NDJSON documents, Elasticsearch `_bulk` bodies with `create` actions (data
//! streams accept only `create`), and the `labels.ndjson` sidecar.

use std::io::{self, Write};

use generators::{Event, LabelledEvent};

use super::sink::HashingFile;

/// Writes one document per line, optionally preceded by a `_bulk` action line.
pub(crate) struct LineWriter {
    pub(crate) file: HashingFile,
    buf: Vec<u8>,
    bulk_index: Option<&'static str>,
    pub(crate) events: u64,
}

impl LineWriter {
    /// A writer of plain NDJSON (`bulk_index` None) or `_bulk` lines for that index.
    pub(crate) fn new(file: HashingFile, bulk_index: Option<&'static str>) -> LineWriter {
        LineWriter {
            file,
            buf: Vec::with_capacity(16 * 1024),
            bulk_index,
            events: 0,
        }
    }

    /// Writes `e` (with its label under `labels.*` when `inline_labels`).
    pub(crate) fn write(&mut self, e: &Event, inline_labels: bool) -> io::Result<()> {
        self.buf.clear();
        if let Some(index) = self.bulk_index {
            self.buf.extend_from_slice(b"{\"create\":{\"_index\":\"");
            self.buf.extend_from_slice(index.as_bytes());
            self.buf.extend_from_slice(b"\",\"_id\":\"");
            self.buf.extend_from_slice(e.id.as_str().as_bytes());
            self.buf.extend_from_slice(b"\"}}\n");
        }
        let res = if inline_labels && e.label.is_some() {
            serde_json::to_writer(&mut self.buf, &LabelledEvent(e))
        } else {
            serde_json::to_writer(&mut self.buf, e)
        };
        res.map_err(io::Error::other)?;
        self.buf.push(b'\n');
        self.events += 1;
        self.file.write_all(&self.buf)
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
