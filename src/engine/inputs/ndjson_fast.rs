//! NDJSON file → column chunks, fast: the file is read in blocks cut at line ends, blocks are parsed on
//! all cores (rayon) by the extracting walker ([`super::json_scan`]), and each block becomes one chunk
//! of the needed columns. Memory is bounded by the blocks in flight, not by the file size. Line ends
//! are found by the classification pass of [`super::json_index`] (each byte is loaded once), UTF-8
//! is checked per line while it is in the first-level cache, and line numbers are counted only when
//! an error or an `_id` made from the line number needs them (`LineBase`).
//!
//! Oracle twin: `esql::ingest::read_ndjson` (+ `ChunkBuilder`). Invariant: a block's chunk holds the rows
//! of its lines in order, exactly as the ingest path would build them; line numbers in errors and in
//! generated `_id`s are the file's 1-based line numbers (blank lines count), whatever the block size
//! and thread count. A line the walker bails on is parsed by serde_json and indexed by ingest, which
//! gives the exact document or the exact error (invalid UTF-8 gives the error `BufRead::lines` gives).
//! Under [`OnError::Fail`] the first bad line in file order stops the read; under [`OnError::Skip`] bad
//! lines are counted and the first 20 kept.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use esql::Document;
use esql::ingest::{Indexer, IngestError, LocatedError, event_id};
use rayon::prelude::*;

use super::json_index::LineIndex;
use super::json_scan::{Line, scan_line_indexed};
use super::layout::{Assembler, Layout, Pending};
use super::ndjson_files::OnError;
use super::read::{KEPT_ERRORS, ReadError, ReadReport};
use crate::engine::frame::Chunk;

/// What parsing one block gave.
struct BlockOut {
    chunk: Chunk,
    /// Lines of the block (blank lines and bad lines included).
    lines: usize,
    documents: u64,
    rejected: u64,
    slow: u64,
    errors: Vec<LocatedError>,
}

/// One block of whole lines.
struct Block {
    bytes: Vec<u8>,
}

impl Block {
    /// Lines in the block (the last one may lack its newline).
    fn lines(&self) -> usize {
        memchr::memchr_iter(b'\n', &self.bytes).count()
            + usize::from(self.bytes.last().is_some_and(|&b| b != b'\n'))
    }
}

/// The file line number (1-based) of a block's first line, counted only when a line number is
/// needed (an error, or an `_id` made from it): the first line of its group of blocks plus the
/// lines of the blocks before it in the group.
struct LineBase<'b> {
    group_first: usize,
    before: &'b [Block],
    known: Option<usize>,
}

impl LineBase<'_> {
    fn get(&mut self) -> usize {
        let (first, before) = (self.group_first, self.before);
        *self
            .known
            .get_or_insert_with(|| first + before.iter().map(Block::lines).sum::<usize>())
    }
}

/// Reads `path` (documents of `layout`'s index), handing chunks to `sink` a group at a time, in file
/// order; `sink` returns false when no further row matters (the read then stops).
pub fn read_file(
    layout: &Layout,
    path: &Path,
    block_bytes: usize,
    on_error: OnError,
    report: &mut ReadReport,
    sink: &mut dyn FnMut(Vec<Chunk>) -> Result<bool, ReadError>,
) -> Result<(), ReadError> {
    let io = |e: std::io::Error| ReadError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let file_name = path.display().to_string();
    let mut file = File::open(path).map_err(io)?;
    let group = rayon::current_num_threads().max(1) * 2;
    let block_bytes = block_bytes.max(1 << 12);
    let mut carry: Vec<u8> = Vec::new();
    // Block buffers are reused: fresh multi-megabyte buffers cost a page fault per 4 KiB.
    let mut spare: Vec<Vec<u8>> = Vec::new();
    let mut next_line = 1usize;
    let mut eof = false;
    while !eof {
        let mut blocks = Vec::with_capacity(group);
        while blocks.len() < group && !eof {
            let mut buf = spare.pop().unwrap_or_default();
            buf.clear();
            buf.reserve(block_bytes + (1 << 16));
            buf.extend_from_slice(&carry);
            carry.clear();
            // Read until the block holds a line end past its target size (or the file ends).
            loop {
                let want = block_bytes.saturating_sub(buf.len()).max(1 << 12);
                let before = buf.len();
                (&mut file)
                    .take(want as u64)
                    .read_to_end(&mut buf)
                    .map_err(io)?;
                if buf.len() == before {
                    eof = true;
                    break;
                }
                if buf.len() >= block_bytes && memchr::memchr(b'\n', &buf[before..]).is_some() {
                    break;
                }
            }
            let cut = if eof {
                buf.len()
            } else {
                memchr::memrchr(b'\n', &buf)
                    .map(|i| i + 1)
                    .unwrap_or(buf.len())
            };
            carry.extend_from_slice(&buf[cut..]);
            buf.truncate(cut);
            if buf.is_empty() {
                spare.push(buf);
                continue;
            }
            report.bytes += buf.len() as u64;
            blocks.push(Block { bytes: buf });
        }
        if blocks.is_empty() {
            break;
        }
        let outs: Vec<BlockOut> = blocks
            .par_iter()
            .enumerate()
            .map(|(k, b)| {
                let base = LineBase {
                    group_first: next_line,
                    before: &blocks[..k],
                    known: None,
                };
                parse_block(layout, b, base, &file_name)
            })
            .collect();
        next_line += outs.iter().map(|o| o.lines).sum::<usize>();
        spare.extend(blocks.into_iter().map(|b| b.bytes));
        let mut chunks = Vec::with_capacity(outs.len());
        for out in outs {
            report.documents += out.documents;
            report.slow_lines += out.slow;
            if out.rejected > 0 {
                if on_error == OnError::Fail {
                    let first = out.errors.into_iter().next();
                    return Err(match first {
                        Some(e) => ReadError::Line(Box::new(e)),
                        None => ReadError::Io {
                            path: file_name,
                            message: "a line was rejected".into(),
                        },
                    });
                }
                report.skipped += out.rejected;
                for e in out.errors {
                    if report.first_errors.len() < KEPT_ERRORS {
                        report.first_errors.push(e);
                    }
                }
            }
            if out.chunk.rows > 0 {
                chunks.push(out.chunk);
            }
        }
        if !chunks.is_empty() && !sink(chunks)? {
            return Ok(());
        }
    }
    Ok(())
}

/// Parses one block into a chunk.
fn parse_block(layout: &Layout, block: &Block, mut base: LineBase<'_>, file: &str) -> BlockOut {
    let bytes = &block.bytes;
    let mut out = BlockOut {
        chunk: Chunk {
            index: 0,
            rows: 0,
            columns: Vec::new(),
        },
        lines: 0,
        documents: 0,
        rejected: 0,
        slow: 0,
        errors: Vec::new(),
    };
    let mut asm = Assembler::new(layout, bytes.len() / 256 + 16);
    let mut pending = Pending::new(layout);
    let mut slow = SlowPath::new(layout, file);
    let mut index = LineIndex::new();
    // Lines of the block so far (the line number is `base.get()` + this).
    let mut rel = 0;
    let mut start = 0;
    while start < bytes.len() {
        // The line's end is found by the same pass that indexes it.
        let (end, indexed) = index.build_at(bytes, start);
        // UTF-8 checked per line (SIMD), while the line is in the first-level cache.
        let text = simdutf8::basic::from_utf8(&bytes[start..end]).ok();
        match text {
            None if out.errors.len() >= KEPT_ERRORS => out.rejected += 1,
            None => {
                out.rejected += 1;
                out.errors.push(slow.located(
                    base.get() + rel,
                    IngestError::Io {
                        path: file.to_owned(),
                        message: "stream did not contain valid UTF-8".into(),
                    },
                ));
            }
            Some(text) => {
                match scan_line_indexed(layout, text, &mut pending, indexed.then_some(&index)) {
                    Ok(Line::Blank) => {}
                    Ok(Line::Document) => {
                        out.documents += 1;
                        asm.push_pending_with(&pending, || base.get() + rel);
                    }
                    Err(_) => {
                        out.slow += 1;
                        match slow.line(text, base.get() + rel) {
                            Ok(None) => {}
                            Ok(Some(doc)) => {
                                out.documents += 1;
                                asm.push_document(&doc);
                            }
                            Err(e) => {
                                out.rejected += 1;
                                if out.errors.len() < KEPT_ERRORS {
                                    out.errors.push(*e);
                                }
                            }
                        }
                    }
                }
            }
        }
        rel += 1;
        start = end + 1;
    }
    out.lines = rel;
    out.chunk = asm.finish();
    out
}

/// The exact ingest path for single lines.
struct SlowPath<'l> {
    layout: &'l Layout,
    file: &'l str,
    indexer: Option<Indexer<'l>>,
}

impl<'l> SlowPath<'l> {
    fn new(layout: &'l Layout, file: &'l str) -> SlowPath<'l> {
        SlowPath {
            layout,
            file,
            indexer: None,
        }
    }

    fn located(&self, line: usize, error: IngestError) -> LocatedError {
        LocatedError {
            file: Some(self.file.to_owned()),
            line,
            error,
        }
    }

    /// Exactly what `esql::ingest::NdjsonReader` does with one line (already split, `\r` included).
    fn line(&mut self, text: &str, line: usize) -> Result<Option<Document>, Box<LocatedError>> {
        let text = text.strip_suffix('\r').unwrap_or(text);
        if text.trim().is_empty() {
            return Ok(None);
        }
        let json: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            Box::new(self.located(
                line,
                IngestError::Json {
                    column: e.column(),
                    message: e.to_string(),
                },
            ))
        })?;
        let index = &self.layout.index;
        let id = event_id(&json).unwrap_or_else(|| format!("{index}-{line}"));
        let layout = self.layout;
        let indexer = self
            .indexer
            .get_or_insert_with(|| Indexer::new(&layout.mapping));
        match indexer.index(&json, &id, index) {
            Ok(i) => Ok(Some(i.document)),
            Err(e) => Err(Box::new(self.located(line, e))),
        }
    }
}
