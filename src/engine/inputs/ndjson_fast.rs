//! NDJSON file → column chunks, fast: the file is memory-mapped (`filebuffer`, a safe API over
//! `mmap`; no copy into our buffers) or, when it cannot be mapped, read into reused block buffers;
//! it is cut into blocks at line ends, blocks are parsed on all cores (rayon) by the extracting
//! walker ([`super::json_scan`]), and each block becomes one chunk of the needed columns. Memory is
//! bounded by the blocks in flight, not by the file size (a mapping's pages are the page cache's). Line ends
//! are found by the classification pass of [`super::json_index`] (each byte is loaded once), UTF-8
//! is checked per line while it is in the first-level cache, and line numbers are counted only when
//! an error or an `_id` made from the line number needs them (`LineBase`).
//!
//! Oracle twin: `esql::ingest::read_ndjson` (+ `ChunkBuilder`). Invariant: a block's chunk holds the rows
//! of its lines in order, exactly as the ingest path would build them; line numbers in errors and in
//! generated `_id`s are the file's 1-based line numbers (blank lines count), whatever the block size,
//! the thread count and the access ([`Access`]). A line the walker bails on is parsed by serde_json and indexed by ingest, which
//! gives the exact document or the exact error (invalid UTF-8 gives the error `BufRead::lines` gives).
//! Under [`OnError::Fail`] the first bad line in file order stops the read; under [`OnError::Skip`] bad
//! lines are counted and the first 20 kept.
//! A mapped file must not be truncated by another process while it is read (the read would then
//! stop with a bus error); dataset files are written once and then only read.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use esql::Document;
use esql::ingest::{Indexer, IngestError, LocatedError, event_id};
use filebuffer::FileBuffer;
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

/// Lines in a block of whole lines (the last one may lack its newline).
fn lines_of(block: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', block).count()
        + usize::from(block.last().is_some_and(|&b| b != b'\n'))
}

/// The file line number (1-based) of a block's first line, counted only when a line number is
/// needed (an error, or an `_id` made from it): the first line of its group of blocks plus the
/// lines of the blocks before it in the group.
struct LineBase<'b> {
    group_first: usize,
    before: &'b [&'b [u8]],
    known: Option<usize>,
}

impl LineBase<'_> {
    fn get(&mut self) -> usize {
        let (first, before) = (self.group_first, self.before);
        *self
            .known
            .get_or_insert_with(|| first + before.iter().map(|b| lines_of(b)).sum::<usize>())
    }
}

/// How a file's bytes reach the parser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Memory-mapped (`filebuffer`): blocks are slices of the mapping, no copy; files that cannot be
    /// mapped (pipes, …) are read as [`Access::Copied`].
    Mapped,
    /// Read into reused block buffers.
    Copied,
}

/// Reads `path` (documents of `layout`'s index), handing chunks to `sink` a group at a time, in file
/// order; `sink` returns false when no further row matters (the read then stops). The file is
/// memory-mapped when it can be ([`Access::Mapped`]).
pub fn read_file(
    layout: &Layout,
    path: &Path,
    block_bytes: usize,
    on_error: OnError,
    report: &mut ReadReport,
    sink: &mut dyn FnMut(Vec<Chunk>) -> Result<bool, ReadError>,
) -> Result<(), ReadError> {
    read_file_with(
        layout,
        path,
        block_bytes,
        on_error,
        Access::Mapped,
        report,
        sink,
    )
}

/// [`read_file`] with the choice of how the bytes are read (tests compare both).
pub fn read_file_with(
    layout: &Layout,
    path: &Path,
    block_bytes: usize,
    on_error: OnError,
    access: Access,
    report: &mut ReadReport,
    sink: &mut dyn FnMut(Vec<Chunk>) -> Result<bool, ReadError>,
) -> Result<(), ReadError> {
    let mut groups = Groups {
        layout,
        file_name: path.display().to_string(),
        on_error,
        report,
        next_line: 1,
        group: rayon::current_num_threads().max(1) * 2,
        block_bytes: block_bytes.max(1 << 12),
    };
    // Only regular files with a size are mapped: pipes, and files such as `/proc`'s that report
    // no size but have content, are read.
    let mappable = std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() > 0);
    if access == Access::Mapped
        && mappable
        && let Ok(map) = FileBuffer::open(path)
    {
        return groups.mapped(&map, sink);
    }
    groups.copied(path, sink)
}

/// The blocks of one file, parsed a group (two per thread) at a time.
struct Groups<'a> {
    layout: &'a Layout,
    file_name: String,
    on_error: OnError,
    report: &'a mut ReadReport,
    /// The file line number of the next group's first line.
    next_line: usize,
    /// Blocks per group.
    group: usize,
    block_bytes: usize,
}

impl Groups<'_> {
    /// A mapped file: blocks are slices of `bytes` cut at the first line end past the block size.
    fn mapped(
        &mut self,
        bytes: &[u8],
        sink: &mut dyn FnMut(Vec<Chunk>) -> Result<bool, ReadError>,
    ) -> Result<(), ReadError> {
        let mut pos = 0;
        while pos < bytes.len() {
            let mut blocks: Vec<&[u8]> = Vec::with_capacity(self.group);
            while blocks.len() < self.group && pos < bytes.len() {
                let target = pos + self.block_bytes;
                let cut = match bytes.get(target..) {
                    Some(rest) => {
                        memchr::memchr(b'\n', rest).map_or(bytes.len(), |k| target + k + 1)
                    }
                    None => bytes.len(),
                };
                blocks.push(&bytes[pos..cut]);
                pos = cut;
            }
            if !self.parse(&blocks, sink)? {
                return Ok(());
            }
        }
        Ok(())
    }

    /// A file read into block buffers (reused: fresh multi-megabyte buffers cost a page fault per
    /// 4 KiB), each filled to its target size and cut at its last line end.
    fn copied(
        &mut self,
        path: &Path,
        sink: &mut dyn FnMut(Vec<Chunk>) -> Result<bool, ReadError>,
    ) -> Result<(), ReadError> {
        let io = |e: std::io::Error| ReadError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        };
        let mut file = File::open(path).map_err(io)?;
        let block_bytes = self.block_bytes;
        let mut carry: Vec<u8> = Vec::new();
        let mut spare: Vec<Vec<u8>> = Vec::new();
        let mut eof = false;
        while !eof {
            let mut blocks: Vec<Vec<u8>> = Vec::with_capacity(self.group);
            while blocks.len() < self.group && !eof {
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
                blocks.push(buf);
            }
            if blocks.is_empty() {
                break;
            }
            let views: Vec<&[u8]> = blocks.iter().map(Vec::as_slice).collect();
            let go_on = self.parse(&views, sink)?;
            spare.extend(blocks);
            if !go_on {
                return Ok(());
            }
        }
        Ok(())
    }

    /// Parses one group of blocks on all cores and hands their chunks to `sink`; returns whether
    /// to go on.
    fn parse(
        &mut self,
        blocks: &[&[u8]],
        sink: &mut dyn FnMut(Vec<Chunk>) -> Result<bool, ReadError>,
    ) -> Result<bool, ReadError> {
        let (layout, file_name, first) = (self.layout, self.file_name.as_str(), self.next_line);
        let outs: Vec<BlockOut> = blocks
            .par_iter()
            .enumerate()
            .map(|(k, b)| {
                let base = LineBase {
                    group_first: first,
                    before: &blocks[..k],
                    known: None,
                };
                parse_block(layout, b, base, file_name)
            })
            .collect();
        self.next_line += outs.iter().map(|o| o.lines).sum::<usize>();
        let report = &mut *self.report;
        report.bytes += blocks.iter().map(|b| b.len() as u64).sum::<u64>();
        let mut chunks = Vec::with_capacity(outs.len());
        for out in outs {
            report.documents += out.documents;
            report.slow_lines += out.slow;
            if out.rejected > 0 {
                if self.on_error == OnError::Fail {
                    let first = out.errors.into_iter().next();
                    return Err(match first {
                        Some(e) => ReadError::Line(Box::new(e)),
                        None => ReadError::Io {
                            path: self.file_name.clone(),
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
        if chunks.is_empty() {
            return Ok(true);
        }
        sink(chunks)
    }
}

/// Parses one block into a chunk.
fn parse_block(layout: &Layout, bytes: &[u8], mut base: LineBase<'_>, file: &str) -> BlockOut {
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
