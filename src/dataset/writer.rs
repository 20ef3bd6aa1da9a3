//! [`DatasetWriter`]: streams a world's events into a dataset folder, then writes `manifest.json`.

use std::io::Write;
use std::path::{Path, PathBuf};

use generators::{DataStream, Event, World};

use super::manifest::{FileEntry, HostEntry, Manifest};
use super::ndjson::{LabelWriter, LineWriter, encode_batch};
use super::parquet::ParquetStreamWriter;
use super::sink::HashingFile;

/// Output format of the documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One `_source` per line, `<data stream>.ndjson`.
    Ndjson,
    /// Elasticsearch `_bulk` bodies with `create` actions, `<data stream>.bulk`.
    Bulk,
    /// Parquet, `<data stream>.parquet`.
    Parquet,
}

impl Format {
    /// The name used on the command line and in the manifest.
    pub fn name(self) -> &'static str {
        match self {
            Format::Ndjson => "ndjson",
            Format::Bulk => "bulk",
            Format::Parquet => "parquet",
        }
    }

    /// File extension of document files.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Ndjson => "ndjson",
            Format::Bulk => "bulk",
            Format::Parquet => "parquet",
        }
    }
}

/// Writer settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteOptions {
    /// Document format.
    pub format: Format,
    /// Also put each attack event's label under `labels.*` in the document.
    pub inline_labels: bool,
}

/// Why a dataset could not be written.
#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    /// A file could not be created or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// A document does not fit the output format.
    #[error("{path}: {message}")]
    Encode {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

enum StreamSink {
    Lines(LineWriter),
    Parquet(Box<ParquetStreamWriter>, PathBuf),
}

/// Writes documents, labels and the manifest of one dataset folder.
pub struct DatasetWriter {
    dir: PathBuf,
    options: WriteOptions,
    sinks: Vec<(DataStream, StreamSink)>,
    labels: LabelWriter,
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> DatasetError + '_ {
    move |source| DatasetError::Io {
        path: path.to_path_buf(),
        source,
    }
}

impl DatasetWriter {
    /// Creates `dir` (if needed) and the output files.
    pub fn create(dir: &Path, options: WriteOptions) -> Result<DatasetWriter, DatasetError> {
        std::fs::create_dir_all(dir).map_err(io_err(dir))?;
        let mut sinks = Vec::new();
        for ds in DataStream::ALL {
            let path = dir.join(format!("{}.{}", ds.name(), options.format.extension()));
            let file = HashingFile::create(&path).map_err(io_err(&path))?;
            let sink = match options.format {
                Format::Ndjson => StreamSink::Lines(LineWriter::new(file, false)),
                Format::Bulk => StreamSink::Lines(LineWriter::new(file, true)),
                Format::Parquet => {
                    let w = ParquetStreamWriter::new(file, ds, options.inline_labels).map_err(
                        |message| DatasetError::Encode {
                            path: path.clone(),
                            message,
                        },
                    )?;
                    StreamSink::Parquet(Box::new(w), path)
                }
            };
            sinks.push((ds, sink));
        }
        let lpath = dir.join("labels.ndjson");
        let labels = LabelWriter::new(HashingFile::create(&lpath).map_err(io_err(&lpath))?);
        Ok(DatasetWriter {
            dir: dir.to_path_buf(),
            options,
            sinks,
            labels,
        })
    }

    /// Writes one event (and its label).
    pub fn write(&mut self, e: &Event) -> Result<(), DatasetError> {
        let ds = e.data_stream();
        let inline = self.options.inline_labels;
        for (s, sink) in self.sinks.iter_mut() {
            if *s != ds {
                continue;
            }
            match sink {
                StreamSink::Lines(w) => w.write(e, inline).map_err(|source| DatasetError::Io {
                    path: w.file.path().to_path_buf(),
                    source,
                })?,
                StreamSink::Parquet(w, path) => {
                    w.write(e).map_err(|message| DatasetError::Encode {
                        path: path.clone(),
                        message,
                    })?
                }
            }
        }
        let lp = self.labels.file.path().to_path_buf();
        self.labels.write(e).map_err(io_err(&lp))
    }

    /// Writes a batch of events (and their labels). Line formats are encoded on all cores and
    /// written in event order: the bytes do not depend on the number of threads.
    pub fn write_batch(&mut self, events: &[Event]) -> Result<(), DatasetError> {
        let lines = self
            .sinks
            .iter()
            .all(|(_, s)| matches!(s, StreamSink::Lines(_)));
        if !lines {
            return events.iter().try_for_each(|e| self.write(e));
        }
        let bulk = self.options.format == Format::Bulk;
        let encoded = encode_batch(events, bulk, self.options.inline_labels);
        for chunk in &encoded {
            for (slot, (bytes, records)) in chunk.streams.iter().enumerate() {
                if *records == 0 {
                    continue;
                }
                if let Some((_, StreamSink::Lines(w))) = self.sinks.get_mut(slot) {
                    debug_assert_eq!(w.bulk(), bulk);
                    w.write_encoded(bytes, *records)
                        .map_err(|source| DatasetError::Io {
                            path: w.file.path().to_path_buf(),
                            source,
                        })?;
                }
            }
        }
        let lp = self.labels.file.path().to_path_buf();
        for e in events {
            self.labels.write(e).map_err(io_err(&lp))?;
        }
        Ok(())
    }

    /// Closes the files and writes `manifest.json` describing `world` (after it has been drained).
    pub fn finish(self, world: &World) -> Result<Manifest, DatasetError> {
        let mut files = Vec::new();
        for (_, sink) in self.sinks {
            let (file, records) = match sink {
                StreamSink::Lines(w) => (w.file, w.events),
                StreamSink::Parquet(w, path) => {
                    let n = w.events;
                    (
                        w.finish()
                            .map_err(|message| DatasetError::Encode { path, message })?,
                        n,
                    )
                }
            };
            files.push(close(file, records)?);
        }
        let labels = self.labels.labels;
        files.push(close(self.labels.file, labels)?);
        let manifest = Manifest {
            detsim_version: env!("CARGO_PKG_VERSION").to_string(),
            seed: world.config().seed,
            format: self.options.format.name().to_string(),
            inline_labels: self.options.inline_labels,
            config: world.config().clone(),
            counts: world.counts().clone(),
            labels,
            files,
            hosts: world
                .hosts()
                .iter()
                .map(|h| HostEntry {
                    name: h.name().to_string(),
                    role: h.role.key().to_string(),
                    distro: h.distro.key.to_string(),
                    agent_id: h.info.agent_id.to_string(),
                })
                .collect(),
            instances: world.instances().to_vec(),
            host_stats: world.host_stats(),
        };
        let path = self.dir.join("manifest.json");
        let mut text = serde_json::to_vec_pretty(&manifest).map_err(|e| DatasetError::Encode {
            path: path.clone(),
            message: e.to_string(),
        })?;
        text.push(b'\n');
        let mut f = std::fs::File::create(&path).map_err(io_err(&path))?;
        f.write_all(&text).map_err(io_err(&path))?;
        Ok(manifest)
    }
}

fn close(file: HashingFile, records: u64) -> Result<FileEntry, DatasetError> {
    let path = file.path().to_path_buf();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (bytes, sha256) = file.finish().map_err(io_err(&path))?;
    Ok(FileEntry {
        path: name,
        bytes,
        sha256,
        records,
    })
}

/// Events handed from the generating thread to the writer at a time.
const BATCH: usize = 8192;

/// Drains `world` into `dir`; `progress(events, current @timestamp)` is called after every batch of
/// 8192 events. The world runs on its own thread while the previous batch is encoded (on all cores)
/// and written, so generation and encoding overlap.
pub fn write_world(
    mut world: World,
    dir: &Path,
    options: WriteOptions,
    progress: &mut dyn FnMut(u64, generators::time::Timestamp),
) -> Result<Manifest, DatasetError> {
    let mut w = DatasetWriter::create(dir, options)?;
    let mut n = 0u64;
    std::thread::scope(|scope| -> Result<(), DatasetError> {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Event>>(2);
        let (back_tx, back_rx) = std::sync::mpsc::channel::<Vec<Event>>();
        let world = &mut world;
        scope.spawn(move || {
            loop {
                let mut batch = back_rx
                    .try_recv()
                    .unwrap_or_else(|_| Vec::with_capacity(BATCH));
                batch.extend(world.by_ref().take(BATCH));
                let done = batch.len() < BATCH;
                if tx.send(batch).is_err() || done {
                    return;
                }
            }
        });
        for mut batch in rx {
            w.write_batch(&batch)?;
            n += batch.len() as u64;
            if let Some(last) = batch.last() {
                progress(n, last.timestamp);
            }
            batch.clear();
            // The generating thread may have finished; a failed send just drops the buffer.
            let _ = back_tx.send(batch);
        }
        Ok(())
    })?;
    w.finish(&world)
}
