//! A buffered file writer that counts bytes and computes the SHA-256 of what it writes.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// A file being written, hashed on the fly.
pub(crate) struct HashingFile {
    path: PathBuf,
    out: BufWriter<File>,
    hasher: Sha256,
    bytes: u64,
}

impl HashingFile {
    /// Creates (truncates) `path`.
    pub(crate) fn create(path: &Path) -> io::Result<HashingFile> {
        Ok(HashingFile {
            path: path.to_path_buf(),
            out: BufWriter::with_capacity(1 << 20, File::create(path)?),
            hasher: Sha256::new(),
            bytes: 0,
        })
    }

    /// The file's path.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Flushes and returns (bytes, lower-case hex SHA-256).
    pub(crate) fn finish(mut self) -> io::Result<(u64, String)> {
        self.out.flush()?;
        let digest = self.hasher.finalize();
        let hex = digest.iter().map(|b| format!("{b:02x}")).collect();
        Ok((self.bytes, hex))
    }
}

impl Write for HashingFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.out.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}
