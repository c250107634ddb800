//! Standard input, output and error of a WASI program: inherited from the
//! host process, redirected to files, captured in memory, or fed from
//! bytes.

use std::fs::File;
use std::io::{self, IsTerminal, Read, Seek, Write};
use std::sync::{Arc, Mutex};

/// An in-memory output stream whose contents the embedder reads after (or
/// while) the program runs. Clones share one buffer.
///
/// Writes beyond the capacity are short; once the buffer is full a write
/// fails with `ENOSPC`.
#[derive(Clone, Debug)]
pub struct MemoryOutputPipe {
    buffer: Arc<Mutex<Vec<u8>>>,
    capacity: usize,
}

impl MemoryOutputPipe {
    /// A pipe holding at most `capacity` bytes.
    pub fn new(capacity: usize) -> MemoryOutputPipe {
        MemoryOutputPipe {
            buffer: Arc::new(Mutex::new(Vec::new())),
            capacity,
        }
    }

    /// A copy of everything written so far.
    pub fn contents(&self) -> Vec<u8> {
        self.lock().clone()
    }

    /// Takes everything written so far, leaving the pipe empty.
    pub fn take(&self) -> Vec<u8> {
        std::mem::take(&mut *self.lock())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<u8>> {
        self.buffer.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Appends as much of `buf` as fits; the number of bytes taken.
    fn write(&self, buf: &[u8]) -> io::Result<usize> {
        let mut data = self.lock();
        let room = self.capacity.saturating_sub(data.len());
        if room == 0 && !buf.is_empty() {
            return Err(io::Error::from_raw_os_error(libc::ENOSPC));
        }
        let n = room.min(buf.len());
        data.extend_from_slice(&buf[..n]);
        Ok(n)
    }
}

/// An output stream the embedder provides (any `Write`), such as a
/// callback into another language.
pub struct CustomOutput(pub Box<dyn Write + Send>);

impl std::fmt::Debug for CustomOutput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CustomOutput")
    }
}

/// Where a program's standard input comes from.
#[derive(Debug)]
pub(crate) enum InputStream {
    /// The host process's standard input.
    Inherit,
    /// A host file.
    File(File),
    /// Bytes given by the embedder, read once.
    Bytes(io::Cursor<Vec<u8>>),
    /// Always at end of file.
    Empty,
}

impl InputStream {
    pub(crate) fn read_vectored(&mut self, bufs: &mut [io::IoSliceMut<'_>]) -> io::Result<usize> {
        match self {
            InputStream::Inherit => io::stdin().lock().read_vectored(bufs),
            InputStream::File(f) => f.read_vectored(bufs),
            InputStream::Bytes(c) => c.read_vectored(bufs),
            InputStream::Empty => Ok(0),
        }
    }

    /// Bytes readable without blocking, as far as known (for `poll_oneoff`).
    pub(crate) fn available(&mut self) -> u64 {
        match self {
            InputStream::Bytes(c) => (c.get_ref().len() as u64).saturating_sub(c.position()),
            InputStream::File(f) => file_remaining(f),
            InputStream::Inherit | InputStream::Empty => 0,
        }
    }

    pub(crate) fn is_terminal(&self) -> bool {
        matches!(self, InputStream::Inherit) && io::stdin().is_terminal()
    }

    pub(crate) fn file(&mut self) -> Option<&mut File> {
        match self {
            InputStream::File(f) => Some(f),
            _ => None,
        }
    }
}

/// Which host stream an inherited output goes to.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum HostStream {
    Stdout,
    Stderr,
}

/// Where a program's standard output or error goes.
#[derive(Debug)]
pub(crate) enum OutputStream {
    /// The host process's stream.
    Inherit(HostStream),
    /// A host file.
    File(File),
    /// An in-memory pipe.
    Memory(MemoryOutputPipe),
    /// The embedder's writer.
    Custom(CustomOutput),
    /// Discarded.
    Sink,
}

impl OutputStream {
    pub(crate) fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        match self {
            // Written in full and flushed, so output interleaves with the
            // host's own in program order.
            OutputStream::Inherit(HostStream::Stdout) => write_all_flush(io::stdout().lock(), bufs),
            OutputStream::Inherit(HostStream::Stderr) => write_all_flush(io::stderr().lock(), bufs),
            OutputStream::File(f) => f.write_vectored(bufs),
            OutputStream::Memory(pipe) => {
                let mut total = 0;
                for buf in bufs {
                    if buf.is_empty() {
                        continue;
                    }
                    match pipe.write(buf) {
                        Ok(n) => {
                            total += n;
                            if n < buf.len() {
                                break;
                            }
                        }
                        Err(e) if total == 0 => return Err(e),
                        Err(_) => break,
                    }
                }
                Ok(total)
            }
            OutputStream::Custom(w) => {
                // Buffer by buffer, so the writer sees the program's writes
                // (a short write ends the call, as for a file).
                let mut total = 0;
                for buf in bufs {
                    if buf.is_empty() {
                        continue;
                    }
                    match w.0.write(buf) {
                        Ok(n) => {
                            total += n;
                            if n < buf.len() {
                                break;
                            }
                        }
                        Err(e) if total == 0 => return Err(e),
                        Err(_) => break,
                    }
                }
                Ok(total)
            }
            OutputStream::Sink => Ok(bufs.iter().map(|b| b.len()).sum()),
        }
    }

    pub(crate) fn flush(&mut self) -> io::Result<()> {
        match self {
            OutputStream::Inherit(HostStream::Stdout) => io::stdout().flush(),
            OutputStream::Inherit(HostStream::Stderr) => io::stderr().flush(),
            OutputStream::File(f) => f.sync_data(),
            OutputStream::Custom(w) => w.0.flush(),
            OutputStream::Memory(_) | OutputStream::Sink => Ok(()),
        }
    }

    pub(crate) fn is_terminal(&self) -> bool {
        match self {
            OutputStream::Inherit(HostStream::Stdout) => io::stdout().is_terminal(),
            OutputStream::Inherit(HostStream::Stderr) => io::stderr().is_terminal(),
            _ => false,
        }
    }

    pub(crate) fn file(&mut self) -> Option<&mut File> {
        match self {
            OutputStream::File(f) => Some(f),
            _ => None,
        }
    }
}

fn write_all_flush(mut w: impl Write, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
    let mut total = 0;
    for buf in bufs {
        w.write_all(buf)?;
        total += buf.len();
    }
    w.flush()?;
    Ok(total)
}

/// Bytes between a file's position and its end.
pub(crate) fn file_remaining(f: &mut File) -> u64 {
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    let pos = f.stream_position().unwrap_or(len);
    len.saturating_sub(pos)
}
