//! WASI preview 1 (`wasi_snapshot_preview1`): programs compiled for WASI
//! get their arguments, environment, standard streams, clocks, randomness
//! and a sandboxed view of preopened host directories.
//!
//! This module sits on the public embedding API only: the functions are
//! host functions defined in a [`Linker`], they reach the program's
//! memory through the calling instance's `memory` export
//! ([`Caller::get_export`]), and they find their state through a closure
//! from the store's data to a [`WasiCtx`]:
//!
//! ```
//! use petrel::wasi::{self, MemoryOutputPipe, WasiCtx, WasiCtxBuilder};
//! use petrel::{Engine, Linker, Module, Store};
//!
//! let engine = Engine::default();
//! let module = Module::new(&engine, r#"(module
//!     (import "wasi_snapshot_preview1" "fd_write"
//!         (func $fd_write (param i32 i32 i32 i32) (result i32)))
//!     (memory (export "memory") 1)
//!     (data (i32.const 16) "hello\n")
//!     (func (export "_start")
//!         (i32.store (i32.const 0) (i32.const 16))
//!         (i32.store (i32.const 4) (i32.const 6))
//!         (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"#)?;
//!
//! let stdout = MemoryOutputPipe::new(1 << 20);
//! let ctx = WasiCtxBuilder::new().arg("hello").stdout(stdout.clone()).build();
//! let mut store = Store::new(&engine, ctx);
//! let mut linker = Linker::new(&engine);
//! wasi::add_to_linker(&mut linker, |cx: &mut WasiCtx| cx)?;
//! let instance = linker.instantiate(&mut store, &module)?;
//! instance.get_typed_func::<(), ()>(&mut store, "_start")?.call(&mut store, ())?;
//! assert_eq!(stdout.contents(), b"hello\n");
//! # Ok::<(), anyhow::Error>(())
//! ```
//!
//! Every function of the snapshot is defined. Errors come back to the
//! program as errno values, never as traps: a pointer outside memory is
//! `EFAULT`, a path leaving its preopened directory `EPERM`, socket
//! functions on descriptors that are not sockets `ENOTSOCK`. The errno of
//! each error path is the one Wasmtime's preview 1 implementation gives
//! (`core/tests/wasi_errno.rs` holds the table, checked against Wasmtime
//! side by side by `petrel-bench --wasi-errno`). Two things end the call
//! that entered wasm with an error instead: `proc_exit`, whose error is an
//! [`I32Exit`] the embedder downcasts, and a module without a `memory`
//! export calling a function that needs one.
//!
//! # The sandbox
//!
//! A preopened directory is an open directory handle
//! ([`cap_std::fs::Dir`]), never a path. Every `path_*` function is an
//! operation relative to such a handle, carried out by `cap-std`, which
//! resolves the guest's path beneath the handle: with `openat2` and
//! `RESOLVE_BENEATH` where the kernel has it, otherwise one component at a
//! time with `openat(O_NOFOLLOW)` on directory descriptors it already
//! holds. Nothing is checked by path and then used by path, so a directory
//! renamed or replaced by a symbolic link between two calls (by this
//! program, by another instance on another thread, or by the host) cannot
//! lead outside the preopen: the race test in `core/tests/wasi.rs` runs
//! exactly that. `notes/WASI.md` says what the design relies on.
//!
//! The host resources used: `cap-std` for files and directories,
//! `std::time` for the real-time and monotonic clocks, the running
//! thread's CPU time from `/proc/thread-self/schedstat` for the two CPU
//! clocks, and `/dev/urandom` for `random_get`.

mod preview1;
mod stdio;
pub mod types;

pub use preview1::add_to_linker;
pub use stdio::MemoryOutputPipe;
pub use types::Errno;

use cap_std::fs::Dir;
use std::collections::BTreeMap;
use std::fs::File;
use std::path::Path;
use std::time::Instant;
use stdio::{HostStream, InputStream, OutputStream};

#[cfg(doc)]
use crate::{Caller, Linker};

/// The name of the import module: `wasi_snapshot_preview1`.
pub const MODULE: &str = "wasi_snapshot_preview1";

/// The error a program's `proc_exit(code)` ends its run with.
///
/// Not a trap: the embedder downcasts the call's error to it and treats
/// `code` as the program's exit status.
///
/// ```
/// # use petrel::wasi::I32Exit;
/// fn exit_status(result: anyhow::Result<()>) -> anyhow::Result<i32> {
///     match result {
///         Ok(()) => Ok(0),
///         Err(e) => match e.downcast_ref::<I32Exit>() {
///             Some(exit) => Ok(exit.0),
///             None => Err(e),
///         },
///     }
/// }
/// ```
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct I32Exit(pub i32);

impl std::fmt::Display for I32Exit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "exited with i32 exit status {}", self.0)
    }
}

impl std::error::Error for I32Exit {}

/// An open regular file (or any other non-directory the guest opened),
/// with the access mode it was opened in: an operation the mode does not
/// allow fails with `EBADF`, as `read(2)` and `write(2)` do.
#[derive(Debug)]
pub(crate) struct OpenFile {
    pub(crate) file: File,
    pub(crate) readable: bool,
    pub(crate) writable: bool,
}

/// What a descriptor refers to.
#[derive(Debug)]
pub(crate) enum Kind {
    /// Standard input.
    Stdin(InputStream),
    /// Standard output or error.
    Output(OutputStream),
    /// A regular file (or any other non-directory the host opened).
    File(OpenFile),
    /// A directory: a preopen or one opened below it, as an open handle
    /// that every path operation is relative to.
    Dir(Dir),
}

/// One entry of the descriptor table.
#[derive(Debug)]
pub(crate) struct Descriptor {
    pub(crate) kind: Kind,
    pub(crate) rights_base: u64,
    pub(crate) rights_inheriting: u64,
    /// `fdflags` (only `APPEND` and `NONBLOCK` change behaviour).
    pub(crate) flags: u16,
    /// The guest path, for a preopened directory.
    pub(crate) preopen: Option<String>,
}

impl Descriptor {
    fn stdio(kind: Kind, rights_base: u64) -> Descriptor {
        Descriptor {
            kind,
            rights_base,
            rights_inheriting: 0,
            flags: 0,
            preopen: None,
        }
    }
}

/// The state of one WASI program: arguments, environment, descriptor
/// table, clocks. Build it with [`WasiCtxBuilder`] and keep it in the
/// store's data.
#[derive(Debug)]
pub struct WasiCtx {
    pub(crate) args: Vec<String>,
    pub(crate) env: Vec<(String, String)>,
    pub(crate) fds: BTreeMap<u32, Descriptor>,
    /// Origin of the monotonic clock.
    pub(crate) monotonic_base: Instant,
    /// `/dev/urandom`, opened on first use.
    pub(crate) random: Option<File>,
}

impl WasiCtx {
    /// A builder with no arguments, no environment, empty standard input,
    /// discarded output and no preopened directory.
    pub fn builder() -> WasiCtxBuilder {
        WasiCtxBuilder::new()
    }

    /// The program's arguments (`argv`).
    pub fn args(&self) -> &[String] {
        &self.args
    }

    /// The program's environment, as `(name, value)` pairs.
    pub fn env(&self) -> &[(String, String)] {
        &self.env
    }

    /// Smallest descriptor number not in use.
    pub(crate) fn next_fd(&self) -> types::WasiResult<u32> {
        let mut n = 0u32;
        for &fd in self.fds.keys() {
            if fd != n {
                break;
            }
            n = n.checked_add(1).ok_or(Errno::MFILE)?;
        }
        Ok(n)
    }
}

/// Builds a [`WasiCtx`].
///
/// Standard streams default to WASI's quiet choice (empty input,
/// discarded output); `inherit_stdio` gives the host process's.
#[derive(Debug)]
pub struct WasiCtxBuilder {
    args: Vec<String>,
    env: Vec<(String, String)>,
    stdin: InputStream,
    stdout: OutputStream,
    stderr: OutputStream,
    preopens: Vec<Preopen>,
}

/// A preopened directory, its guest name and its rights.
#[derive(Debug)]
struct Preopen {
    dir: Dir,
    guest: String,
    rights_base: u64,
    rights_inheriting: u64,
}

impl Default for WasiCtxBuilder {
    fn default() -> Self {
        WasiCtxBuilder::new()
    }
}

/// Where a standard output stream goes (see [`WasiCtxBuilder::stdout`]).
pub enum OutputTo {
    /// The host process's own stream.
    Inherit,
    /// A host file.
    File(File),
    /// An in-memory pipe the embedder reads.
    Memory(MemoryOutputPipe),
    /// The embedder's writer (called with each buffer the program writes).
    Writer(Box<dyn std::io::Write + Send>),
    /// Discarded.
    Null,
}

impl std::fmt::Debug for OutputTo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OutputTo::Inherit => f.write_str("Inherit"),
            OutputTo::File(file) => f.debug_tuple("File").field(file).finish(),
            OutputTo::Memory(p) => f.debug_tuple("Memory").field(p).finish(),
            OutputTo::Writer(_) => f.write_str("Writer"),
            OutputTo::Null => f.write_str("Null"),
        }
    }
}

/// What a program may do with a preopened directory and the directories
/// below it (see [`WasiCtxBuilder::preopened_dir_with_perms`]).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct DirPerms(u8);

impl DirPerms {
    /// List entries, open files and directories, read links and metadata.
    pub const READ: DirPerms = DirPerms(1);
    /// Create, remove, rename and link entries, change sizes and times.
    pub const WRITE: DirPerms = DirPerms(2);
    /// Both.
    pub const READ_WRITE: DirPerms = DirPerms(3);

    /// The permissions of these bits (1 read, 2 write), None for others.
    pub fn from_bits(bits: u8) -> Option<DirPerms> {
        (bits <= 3).then_some(DirPerms(bits))
    }

    /// Whether every permission of `other` is in `self`.
    pub fn contains(self, other: DirPerms) -> bool {
        self.0 & other.0 == other.0
    }
}

/// What a program may do with the files it opens below a preopened
/// directory (see [`WasiCtxBuilder::preopened_dir_with_perms`]).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct FilePerms(u8);

impl FilePerms {
    /// Read.
    pub const READ: FilePerms = FilePerms(1);
    /// Write (and allocate, truncate, set times).
    pub const WRITE: FilePerms = FilePerms(2);
    /// Both.
    pub const READ_WRITE: FilePerms = FilePerms(3);

    /// The permissions of these bits (1 read, 2 write), None for others.
    pub fn from_bits(bits: u8) -> Option<FilePerms> {
        (bits <= 3).then_some(FilePerms(bits))
    }

    /// Whether every permission of `other` is in `self`.
    pub fn contains(self, other: FilePerms) -> bool {
        self.0 & other.0 == other.0
    }
}

/// The rights of a preopened directory (base) and of what is opened below
/// it (inheriting) under the given permissions.
fn preopen_rights(dir: DirPerms, file: FilePerms) -> (u64, u64) {
    use types::rights::*;
    const DIR_READ: u64 = PATH_OPEN | FD_READDIR | PATH_READLINK | PATH_FILESTAT_GET;
    const DIR_WRITE: u64 = PATH_CREATE_DIRECTORY
        | PATH_CREATE_FILE
        | PATH_LINK_SOURCE
        | PATH_LINK_TARGET
        | PATH_RENAME_SOURCE
        | PATH_RENAME_TARGET
        | PATH_FILESTAT_SET_SIZE
        | PATH_FILESTAT_SET_TIMES
        | FD_FILESTAT_SET_TIMES
        | PATH_SYMLINK
        | PATH_REMOVE_DIRECTORY
        | PATH_UNLINK_FILE;
    const FILE_READ: u64 = FD_READ;
    const FILE_WRITE: u64 =
        FD_WRITE | FD_ALLOCATE | FD_FILESTAT_SET_SIZE | FD_FILESTAT_SET_TIMES | FD_DATASYNC;
    let missing_dir = if dir.contains(DirPerms::READ) {
        0
    } else {
        DIR_READ
    } | if dir.contains(DirPerms::WRITE) {
        0
    } else {
        DIR_WRITE
    };
    let missing_file = if file.contains(FilePerms::READ) {
        0
    } else {
        FILE_READ
    } | if file.contains(FilePerms::WRITE) {
        0
    } else {
        FILE_WRITE
    };
    // With every permission these are the rights preopens always had.
    let base = DIRECTORY & !missing_dir;
    let inheriting = ALL & !(missing_dir & !FD_FILESTAT_SET_TIMES) & !missing_file;
    (base, inheriting)
}

impl From<MemoryOutputPipe> for OutputTo {
    fn from(p: MemoryOutputPipe) -> OutputTo {
        OutputTo::Memory(p)
    }
}

impl From<File> for OutputTo {
    fn from(f: File) -> OutputTo {
        OutputTo::File(f)
    }
}

impl OutputTo {
    fn into_stream(self, host: HostStream) -> OutputStream {
        match self {
            OutputTo::Inherit => OutputStream::Inherit(host),
            OutputTo::File(f) => OutputStream::File(f),
            OutputTo::Memory(p) => OutputStream::Memory(p),
            OutputTo::Writer(w) => OutputStream::Custom(stdio::CustomOutput(w)),
            OutputTo::Null => OutputStream::Sink,
        }
    }
}

impl WasiCtxBuilder {
    /// A builder with no arguments, no environment, empty standard input,
    /// discarded output and no preopened directory.
    pub fn new() -> WasiCtxBuilder {
        WasiCtxBuilder {
            args: Vec::new(),
            env: Vec::new(),
            stdin: InputStream::Empty,
            stdout: OutputStream::Sink,
            stderr: OutputStream::Sink,
            preopens: Vec::new(),
        }
    }

    /// Appends one argument (the first is the program's name, `argv[0]`).
    pub fn arg(&mut self, arg: impl Into<String>) -> &mut Self {
        self.args.push(arg.into());
        self
    }

    /// Appends arguments.
    pub fn args<S: Into<String>>(&mut self, args: impl IntoIterator<Item = S>) -> &mut Self {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Passes the host process's own arguments.
    pub fn inherit_args(&mut self) -> &mut Self {
        self.args
            .extend(std::env::args_os().map(|a| a.to_string_lossy().into_owned()));
        self
    }

    /// Sets the environment variable `name` to `value` (replacing an
    /// earlier setting of `name`).
    pub fn env(&mut self, name: impl Into<String>, value: impl Into<String>) -> &mut Self {
        let (name, value) = (name.into(), value.into());
        self.env.retain(|(n, _)| *n != name);
        self.env.push((name, value));
        self
    }

    /// Sets several environment variables.
    pub fn envs<K: Into<String>, V: Into<String>>(
        &mut self,
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> &mut Self {
        for (k, v) in vars {
            self.env(k, v);
        }
        self
    }

    /// Passes the host process's environment (variables whose name or
    /// value is not UTF-8 are skipped).
    pub fn inherit_env(&mut self) -> &mut Self {
        for (k, v) in std::env::vars_os() {
            if let (Ok(k), Ok(v)) = (k.into_string(), v.into_string()) {
                self.env(k, v);
            }
        }
        self
    }

    /// Standard input reads the host process's standard input.
    pub fn inherit_stdin(&mut self) -> &mut Self {
        self.stdin = InputStream::Inherit;
        self
    }

    /// Standard output goes to the host process's standard output.
    pub fn inherit_stdout(&mut self) -> &mut Self {
        self.stdout = OutputStream::Inherit(HostStream::Stdout);
        self
    }

    /// Standard error goes to the host process's standard error.
    pub fn inherit_stderr(&mut self) -> &mut Self {
        self.stderr = OutputStream::Inherit(HostStream::Stderr);
        self
    }

    /// All three standard streams are the host process's.
    pub fn inherit_stdio(&mut self) -> &mut Self {
        self.inherit_stdin().inherit_stdout().inherit_stderr()
    }

    /// Standard input yields `bytes`, then end of file.
    pub fn stdin_bytes(&mut self, bytes: impl Into<Vec<u8>>) -> &mut Self {
        self.stdin = InputStream::Bytes(std::io::Cursor::new(bytes.into()));
        self
    }

    /// Standard input reads a host file.
    pub fn stdin_file(&mut self, file: File) -> &mut Self {
        self.stdin = InputStream::File(file);
        self
    }

    /// Where standard output goes: a [`MemoryOutputPipe`], a `File`, or an
    /// [`OutputTo`].
    pub fn stdout(&mut self, to: impl Into<OutputTo>) -> &mut Self {
        self.stdout = to.into().into_stream(HostStream::Stdout);
        self
    }

    /// Where standard error goes: a [`MemoryOutputPipe`], a `File`, or an
    /// [`OutputTo`].
    pub fn stderr(&mut self, to: impl Into<OutputTo>) -> &mut Self {
        self.stderr = to.into().into_stream(HostStream::Stderr);
        self
    }

    /// Gives the program the host directory `host_path` under the name
    /// `guest_path` (descriptors 3, 4, ... in the order of these calls).
    /// The directory is opened here, and the program reaches what lies
    /// below it through that handle only: paths cannot leave it, and
    /// renaming or replacing `host_path` afterwards does not change what
    /// the program sees.
    ///
    /// # Errors
    /// When `host_path` is not a directory the host can open.
    pub fn preopened_dir(
        &mut self,
        host_path: impl AsRef<Path>,
        guest_path: impl Into<String>,
    ) -> anyhow::Result<&mut Self> {
        self.preopened_dir_with_perms(
            host_path,
            guest_path,
            DirPerms::READ_WRITE,
            FilePerms::READ_WRITE,
        )
    }

    /// [`WasiCtxBuilder::preopened_dir`] with permissions: what the program
    /// may do with the directory and those below it (`dir_perms`), and with
    /// the files it opens there (`file_perms`). An operation the
    /// permissions do not allow fails with `ENOTCAPABLE`.
    ///
    /// # Errors
    /// When `host_path` is not a directory the host can open.
    pub fn preopened_dir_with_perms(
        &mut self,
        host_path: impl AsRef<Path>,
        guest_path: impl Into<String>,
        dir_perms: DirPerms,
        file_perms: FilePerms,
    ) -> anyhow::Result<&mut Self> {
        let host = host_path.as_ref();
        let meta = std::fs::metadata(host)
            .map_err(|e| anyhow::anyhow!("cannot preopen directory {}: {e}", host.display()))?;
        if !meta.is_dir() {
            anyhow::bail!("cannot preopen {}: not a directory", host.display());
        }
        let dir = Dir::open_ambient_dir(host, cap_std::ambient_authority())
            .map_err(|e| anyhow::anyhow!("cannot preopen directory {}: {e}", host.display()))?;
        let (rights_base, rights_inheriting) = preopen_rights(dir_perms, file_perms);
        self.preopens.push(Preopen {
            dir,
            guest: guest_path.into(),
            rights_base,
            rights_inheriting,
        });
        Ok(self)
    }

    /// Builds the context, leaving this builder as [`WasiCtxBuilder::new`]
    /// made it.
    pub fn build(&mut self) -> WasiCtx {
        let b = std::mem::take(self);
        let mut fds = BTreeMap::new();
        // A stream redirected to a file can also seek.
        let seekable = |is_file: bool| {
            if is_file {
                types::rights::FD_SEEK | types::rights::FD_TELL
            } else {
                0
            }
        };
        let stdin_rights =
            preview1::STDIN_RIGHTS | seekable(matches!(b.stdin, InputStream::File(_)));
        fds.insert(0, Descriptor::stdio(Kind::Stdin(b.stdin), stdin_rights));
        for (fd, stream) in [(1, b.stdout), (2, b.stderr)] {
            let rights =
                preview1::STDOUT_RIGHTS | seekable(matches!(stream, OutputStream::File(_)));
            fds.insert(fd, Descriptor::stdio(Kind::Output(stream), rights));
        }
        for (i, p) in b.preopens.into_iter().enumerate() {
            fds.insert(
                3 + i as u32,
                Descriptor {
                    kind: Kind::Dir(p.dir),
                    rights_base: p.rights_base,
                    rights_inheriting: p.rights_inheriting,
                    flags: 0,
                    preopen: Some(p.guest),
                },
            );
        }
        WasiCtx {
            args: b.args,
            env: b.env,
            fds,
            monotonic_base: Instant::now(),
            random: None,
        }
    }
}
