//! WASI preview 1: a configuration object (`petrel_wasi_config_t`, shaped
//! like Wasmtime's `wasi_config_t`), attaching it to a store, defining
//! `wasi_snapshot_preview1` in a linker, reading captured output, and the
//! exit status of `proc_exit` (`petrel_error_exit_status` in `error.rs`).
//!
//! Built on the core's `petrel::wasi` module only: the configuration is
//! turned into a `WasiCtxBuilder` when it is attached, and the store's
//! data keeps the resulting `WasiCtx` plus the in-memory pipes of captured
//! streams.

use crate::error::petrel_error_t;
use crate::linker::{lock, petrel_linker_t};
use crate::module::petrel_bytes_t;
use crate::store::{Finalized, StoreData, petrel_finalizer_t, petrel_store_t, with_store};
use crate::util::{Out, guard, guard_void, obj, slice};
use anyhow::{Context, Result, anyhow, bail};
use petrel::wasi::{
    self, DirPerms, FilePerms, MemoryOutputPipe, OutputTo, WasiCtx, WasiCtxBuilder,
};
use std::ffi::{CStr, OsStr, c_char, c_void};
use std::fs::File;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

/// The program's arguments.
#[derive(Debug)]
enum Args {
    List(Vec<String>),
    Inherit,
}

/// The program's environment.
#[derive(Debug)]
enum Env {
    List(Vec<(String, String)>),
    Inherit,
}

/// Where standard input comes from.
#[derive(Debug)]
enum Input {
    Bytes(Vec<u8>),
    File(File),
    Inherit,
}

/// Where standard output or error goes.
#[derive(Debug)]
enum Output {
    Null,
    Inherit,
    File(File),
    /// In memory, at most this many bytes.
    Capture(usize),
    /// The embedder's callback.
    Custom(CustomWriter),
}

/// Called with each buffer a WASI program writes to a standard output
/// stream set with `petrel_wasi_config_set_stdout_custom` or
/// `petrel_wasi_config_set_stderr_custom`: `data` points to `len` bytes
/// (valid during the call only). Returns how many bytes it took (at most
/// `len`; fewer is a short write), or a negative errno value (`-EIO`...)
/// that the program gets as the write's error. May be called from any
/// thread that runs the program.
pub type petrel_output_callback_t =
    Option<unsafe extern "C" fn(env: *mut c_void, data: *const u8, len: usize) -> i64>;

/// A standard output stream that calls the embedder's callback.
struct CustomWriter {
    callback: unsafe extern "C" fn(*mut c_void, *const u8, usize) -> i64,
    env: Finalized,
}

impl std::fmt::Debug for CustomWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CustomWriter")
    }
}

impl std::io::Write for CustomWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // SAFETY: the embedder's callback, with its own env and a buffer
        // live for the call (the callback's contract).
        let n = unsafe { (self.callback)(self.env.data, buf.as_ptr(), buf.len()) };
        match usize::try_from(n) {
            Ok(n) => Ok(n.min(buf.len())),
            Err(_) => {
                let errno = i32::try_from(n.unsigned_abs()).unwrap_or(libc::EIO);
                Err(std::io::Error::from_raw_os_error(errno))
            }
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Output {
    /// The core's destination, plus the pipe to keep when captured.
    fn into_core(self) -> (OutputTo, Option<MemoryOutputPipe>) {
        match self {
            Output::Null => (OutputTo::Null, None),
            Output::Inherit => (OutputTo::Inherit, None),
            Output::File(f) => (OutputTo::File(f), None),
            Output::Capture(capacity) => {
                let pipe = MemoryOutputPipe::new(capacity);
                (OutputTo::Memory(pipe.clone()), Some(pipe))
            }
            Output::Custom(w) => (OutputTo::Writer(Box::new(w)), None),
        }
    }
}

#[derive(Debug)]
struct WasiConfig {
    args: Args,
    env: Env,
    stdin: Input,
    stdout: Output,
    stderr: Output,
    /// Holds the preopened directories (checked when added).
    preopens: WasiCtxBuilder,
}

/// What `petrel_store_set_wasi` puts in the store.
struct Built {
    ctx: WasiCtx,
    stdout: Option<MemoryOutputPipe>,
    stderr: Option<MemoryOutputPipe>,
}

impl WasiConfig {
    fn build(self) -> Built {
        let mut b = self.preopens;
        match self.args {
            Args::List(v) => b.args(v),
            Args::Inherit => b.inherit_args(),
        };
        match self.env {
            Env::List(v) => b.envs(v),
            Env::Inherit => b.inherit_env(),
        };
        match self.stdin {
            Input::Bytes(v) => b.stdin_bytes(v),
            Input::File(f) => b.stdin_file(f),
            Input::Inherit => b.inherit_stdin(),
        };
        let (out, stdout) = self.stdout.into_core();
        let (err, stderr) = self.stderr.into_core();
        b.stdout(out).stderr(err);
        Built {
            ctx: b.build(),
            stdout,
            stderr,
        }
    }
}

/// The configuration of a WASI program: arguments, environment, standard
/// streams and preopened directories. Owned: free with
/// `petrel_wasi_config_delete`, unless it was given to
/// `petrel_store_set_wasi` (which takes it). The defaults: no arguments,
/// no environment, empty standard input, standard output and error
/// discarded, no preopened directory. Each setter replaces what an
/// earlier call set for the same thing, except
/// `petrel_wasi_config_preopen_dir`, which adds a directory.
pub struct petrel_wasi_config_t(Mutex<WasiConfig>);

/// # Safety
/// `config` is NULL or a live WASI configuration.
unsafe fn with_config(
    config: *const petrel_wasi_config_t,
    f: impl FnOnce(&mut WasiConfig) -> Result<()>,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: forwarded precondition.
        let c = unsafe { obj(config, "config")? };
        let mut c: MutexGuard<'_, WasiConfig> =
            c.0.try_lock()
                .map_err(|_| anyhow!("the WASI configuration is in use by another thread"))?;
        f(&mut c)
    })
}

/// The NUL-terminated string at `ptr`.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string that lives and is
/// not mutated during the call.
unsafe fn c_str<'a>(ptr: *const c_char, name: &str) -> Result<&'a CStr> {
    if ptr.is_null() {
        bail!("`{name}` must not be NULL");
    }
    // SAFETY: non-null; NUL-terminated and live per the contract.
    Ok(unsafe { CStr::from_ptr(ptr) })
}

/// The NUL-terminated UTF-8 string at `ptr`, copied.
///
/// # Safety
/// As for [`c_str`].
unsafe fn c_string(ptr: *const c_char, name: &str) -> Result<String> {
    // SAFETY: forwarded contract.
    let s = unsafe { c_str(ptr, name)? };
    Ok(s.to_str()
        .map_err(|e| anyhow!("`{name}` is not valid UTF-8: {e}"))?
        .to_string())
}

/// The host path at `ptr` (any bytes but NUL).
///
/// # Safety
/// As for [`c_str`].
unsafe fn c_path<'a>(ptr: *const c_char, name: &str) -> Result<&'a Path> {
    // SAFETY: forwarded contract.
    let s = unsafe { c_str(ptr, name)? };
    Ok(Path::new(OsStr::from_bytes(s.to_bytes())))
}

/// The `n` strings of the array at `ptr`, copied.
///
/// # Safety
/// `ptr` is NULL (only when `n` is 0) or points to `n` pointers, each a
/// NUL-terminated string, all live and not mutated during the call.
unsafe fn c_strings(
    ptr: *const *const c_char,
    n: usize,
    name: &str,
    n_name: &str,
) -> Result<Vec<String>> {
    if ptr.is_null() && n != 0 {
        bail!("`{name}` is NULL but `{n_name}` is {n}");
    }
    // SAFETY: forwarded contract (non-null when `n` > 0).
    let ptrs = unsafe { slice(ptr, n, name)? };
    ptrs.iter()
        .enumerate()
        // SAFETY: each element is a live NUL-terminated string per the
        // contract (a NULL one is an error).
        .map(|(i, &p)| unsafe { c_string(p, &format!("{name}[{i}]")) })
        .collect()
}

/// Creates a WASI configuration with the defaults (see
/// `petrel_wasi_config_t`) in `config_out`.
///
/// # Safety
/// `config_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_wasi_config_new(
    config_out: *mut *mut petrel_wasi_config_t,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `config_out` is writable.
        let out = unsafe { Out::new(config_out, "config_out")? };
        let config = WasiConfig {
            args: Args::List(Vec::new()),
            env: Env::List(Vec::new()),
            stdin: Input::Bytes(Vec::new()),
            stdout: Output::Null,
            stderr: Output::Null,
            preopens: WasiCtxBuilder::new(),
        };
        out.set(Box::into_raw(Box::new(petrel_wasi_config_t(Mutex::new(
            config,
        )))));
        Ok(())
    })
}

/// Frees a WASI configuration (closing the files it opened). NULL is
/// ignored.
///
/// # Safety
/// `config` is NULL or a live WASI configuration, not used afterwards
/// (and not given to `petrel_store_set_wasi`, which frees it itself).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_wasi_config_delete(config: *mut petrel_wasi_config_t) {
    guard_void(|| {
        if !config.is_null() {
            // SAFETY: made by `Box::into_raw` in `petrel_wasi_config_new`,
            // freed once.
            drop(unsafe { Box::from_raw(config) });
        }
    });
}

/// Sets the program's arguments (`argv[0]` is conventionally its name):
/// the `argc` NUL-terminated UTF-8 strings of `argv`, copied.
///
/// @array argv argc
///
/// # Safety
/// `config` is a live WASI configuration; `argv` points to `argc`
/// pointers to NUL-terminated strings (`argv` may be NULL when `argc` is
/// 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_wasi_config_set_argv(
    config: *mut petrel_wasi_config_t,
    argv: *const *const c_char,
    argc: usize,
) -> *mut petrel_error_t {
    // SAFETY: forwarded preconditions.
    unsafe {
        with_config(config, |c| {
            c.args = Args::List(c_strings(argv, argc, "argv", "argc")?);
            Ok(())
        })
    }
}

/// Gives the program the host process's own arguments.
///
/// # Safety
/// `config` is a live WASI configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_wasi_config_inherit_argv(
    config: *mut petrel_wasi_config_t,
) -> *mut petrel_error_t {
    // SAFETY: forwarded precondition.
    unsafe {
        with_config(config, |c| {
            c.args = Args::Inherit;
            Ok(())
        })
    }
}

/// Sets the program's environment: variable `names[i]` has the value
/// `values[i]`, for the `envc` NUL-terminated UTF-8 strings of each array
/// (copied; a later duplicate name replaces an earlier one).
///
/// # Errors
/// A name that is empty or contains `=`, or a string that is not UTF-8.
///
/// @array names envc
/// @array values envc
///
/// # Safety
/// `config` is a live WASI configuration; `names` and `values` each point
/// to `envc` pointers to NUL-terminated strings (either may be NULL when
/// `envc` is 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_wasi_config_set_env(
    config: *mut petrel_wasi_config_t,
    names: *const *const c_char,
    values: *const *const c_char,
    envc: usize,
) -> *mut petrel_error_t {
    // SAFETY: forwarded preconditions.
    unsafe {
        with_config(config, |c| {
            let names = c_strings(names, envc, "names", "envc")?;
            let values = c_strings(values, envc, "values", "envc")?;
            if let Some(bad) = names.iter().find(|n| n.is_empty() || n.contains('=')) {
                bail!("invalid environment variable name {bad:?}");
            }
            c.env = Env::List(names.into_iter().zip(values).collect());
            Ok(())
        })
    }
}

/// Gives the program the host process's environment (variables whose
/// name or value is not UTF-8 are left out).
///
/// # Safety
/// `config` is a live WASI configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_wasi_config_inherit_env(
    config: *mut petrel_wasi_config_t,
) -> *mut petrel_error_t {
    // SAFETY: forwarded precondition.
    unsafe {
        with_config(config, |c| {
            c.env = Env::Inherit;
            Ok(())
        })
    }
}

/// Standard input yields the `bytes_len` bytes at `bytes` (copied), then
/// end of file.
///
/// # Safety
/// `config` is a live WASI configuration; `bytes` points to `bytes_len`
/// readable bytes (or is NULL with `bytes_len` 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_wasi_config_set_stdin_bytes(
    config: *mut petrel_wasi_config_t,
    bytes: *const u8,
    bytes_len: usize,
) -> *mut petrel_error_t {
    // SAFETY: forwarded preconditions.
    unsafe {
        with_config(config, |c| {
            c.stdin = Input::Bytes(slice(bytes, bytes_len, "bytes")?.to_vec());
            Ok(())
        })
    }
}

/// Standard input reads the host file `path` (NUL-terminated), opened
/// now.
///
/// # Errors
/// When the file cannot be opened for reading.
///
/// # Safety
/// `config` is a live WASI configuration; `path` is a NUL-terminated
/// string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_wasi_config_set_stdin_file(
    config: *mut petrel_wasi_config_t,
    path: *const c_char,
) -> *mut petrel_error_t {
    // SAFETY: forwarded preconditions.
    unsafe {
        with_config(config, |c| {
            let path = c_path(path, "path")?;
            let f = File::open(path)
                .with_context(|| format!("cannot open {} for stdin", path.display()))?;
            c.stdin = Input::File(f);
            Ok(())
        })
    }
}

/// Standard input reads the host process's standard input.
///
/// # Safety
/// `config` is a live WASI configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_wasi_config_inherit_stdin(
    config: *mut petrel_wasi_config_t,
) -> *mut petrel_error_t {
    // SAFETY: forwarded precondition.
    unsafe {
        with_config(config, |c| {
            c.stdin = Input::Inherit;
            Ok(())
        })
    }
}

/// # Safety
/// As for the public setters: `config` live, `path` NUL-terminated.
unsafe fn set_output_file(
    config: *mut petrel_wasi_config_t,
    path: *const c_char,
    which: fn(&mut WasiConfig) -> &mut Output,
) -> *mut petrel_error_t {
    // SAFETY: forwarded preconditions.
    unsafe {
        with_config(config, |c| {
            let path = c_path(path, "path")?;
            let f = File::create(path)
                .with_context(|| format!("cannot open {} for writing", path.display()))?;
            *which(c) = Output::File(f);
            Ok(())
        })
    }
}

/// # Safety
/// `config` is NULL or a live WASI configuration.
unsafe fn set_output(
    config: *mut petrel_wasi_config_t,
    to: Output,
    which: fn(&mut WasiConfig) -> &mut Output,
) -> *mut petrel_error_t {
    // SAFETY: forwarded precondition.
    unsafe {
        with_config(config, |c| {
            *which(c) = to;
            Ok(())
        })
    }
}

fn stdout(c: &mut WasiConfig) -> &mut Output {
    &mut c.stdout
}

fn stderr(c: &mut WasiConfig) -> &mut Output {
    &mut c.stderr
}

/// Standard output goes to the host file `path` (NUL-terminated), created
/// or truncated now.
///
/// # Errors
/// When the file cannot be opened for writing.
///
/// # Safety
/// `config` is a live WASI configuration; `path` is a NUL-terminated
/// string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_wasi_config_set_stdout_file(
    config: *mut petrel_wasi_config_t,
    path: *const c_char,
) -> *mut petrel_error_t {
    // SAFETY: forwarded preconditions.
    unsafe { set_output_file(config, path, stdout) }
}

/// Standard output goes to the host process's standard output.
///
/// # Safety
/// `config` is a live WASI configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_wasi_config_inherit_stdout(
    config: *mut petrel_wasi_config_t,
) -> *mut petrel_error_t {
    // SAFETY: forwarded precondition.
    unsafe { set_output(config, Output::Inherit, stdout) }
}

/// Standard output is captured in memory, at most `capacity` bytes (a
/// write beyond is short, then fails with `ENOSPC`); read it with
/// `petrel_store_wasi_stdout`.
///
/// # Safety
/// `config` is a live WASI configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_wasi_config_set_stdout_capture(
    config: *mut petrel_wasi_config_t,
    capacity: usize,
) -> *mut petrel_error_t {
    // SAFETY: forwarded precondition.
    unsafe { set_output(config, Output::Capture(capacity), stdout) }
}

/// Standard error goes to the host file `path` (NUL-terminated), created
/// or truncated now.
///
/// # Errors
/// When the file cannot be opened for writing.
///
/// # Safety
/// `config` is a live WASI configuration; `path` is a NUL-terminated
/// string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_wasi_config_set_stderr_file(
    config: *mut petrel_wasi_config_t,
    path: *const c_char,
) -> *mut petrel_error_t {
    // SAFETY: forwarded preconditions.
    unsafe { set_output_file(config, path, stderr) }
}

/// Standard error goes to the host process's standard error.
///
/// # Safety
/// `config` is a live WASI configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_wasi_config_inherit_stderr(
    config: *mut petrel_wasi_config_t,
) -> *mut petrel_error_t {
    // SAFETY: forwarded precondition.
    unsafe { set_output(config, Output::Inherit, stderr) }
}

/// Standard error is captured in memory, at most `capacity` bytes; read
/// it with `petrel_store_wasi_stderr`.
///
/// # Safety
/// `config` is a live WASI configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_wasi_config_set_stderr_capture(
    config: *mut petrel_wasi_config_t,
    capacity: usize,
) -> *mut petrel_error_t {
    // SAFETY: forwarded precondition.
    unsafe { set_output(config, Output::Capture(capacity), stderr) }
}

/// Gives the program the host directory `host_path` under the name
/// `guest_path` (both NUL-terminated; the guest path UTF-8). Descriptors
/// 3, 4, ... go to the directories in the order of these calls. Paths
/// the program opens through one cannot leave it (`..` or a symbolic link
/// out of it fails with an errno).
///
/// # Errors
/// When `host_path` is not a directory the host can resolve.
///
/// # Safety
/// `config` is a live WASI configuration; `host_path` and `guest_path`
/// are NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_wasi_config_preopen_dir(
    config: *mut petrel_wasi_config_t,
    host_path: *const c_char,
    guest_path: *const c_char,
) -> *mut petrel_error_t {
    // SAFETY: forwarded preconditions.
    unsafe {
        with_config(config, |c| {
            let host = c_path(host_path, "host_path")?;
            let guest = c_string(guest_path, "guest_path")?;
            c.preopens.preopened_dir(host, guest)?;
            Ok(())
        })
    }
}

/// The custom output of a callback and its environment.
fn custom_output(
    callback: petrel_output_callback_t,
    env: *mut c_void,
    finalizer: petrel_finalizer_t,
) -> Result<Output> {
    let env = Finalized {
        data: env,
        finalizer,
    };
    let Some(callback) = callback else {
        bail!("`callback` must not be NULL");
    };
    Ok(Output::Custom(CustomWriter { callback, env }))
}

/// Standard output goes to `callback` (see `petrel_output_callback_t`),
/// called with `env`; `finalizer` (may be NULL) is called with `env` when
/// the configuration, or the store it was given to, no longer needs it
/// (also when this call fails).
///
/// # Safety
/// `config` is a live WASI configuration; `callback` follows
/// `petrel_output_callback_t`'s contract.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_wasi_config_set_stdout_custom(
    config: *mut petrel_wasi_config_t,
    callback: petrel_output_callback_t,
    env: *mut c_void,
    finalizer: petrel_finalizer_t,
) -> *mut petrel_error_t {
    let output = custom_output(callback, env, finalizer);
    // SAFETY: forwarded precondition.
    unsafe {
        with_config(config, move |c| {
            c.stdout = output?;
            Ok(())
        })
    }
}

/// Standard error goes to `callback`, as `petrel_wasi_config_set_stdout_custom`.
///
/// # Safety
/// As for `petrel_wasi_config_set_stdout_custom`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_wasi_config_set_stderr_custom(
    config: *mut petrel_wasi_config_t,
    callback: petrel_output_callback_t,
    env: *mut c_void,
    finalizer: petrel_finalizer_t,
) -> *mut petrel_error_t {
    let output = custom_output(callback, env, finalizer);
    // SAFETY: forwarded precondition.
    unsafe {
        with_config(config, move |c| {
            c.stderr = output?;
            Ok(())
        })
    }
}

/// What a program may do with a preopened directory and those below it
/// (`PETREL_DIR_PERMS_*`, combined with `|`).
///
/// @enum DirPerms PETREL_DIR_PERMS_*
pub type petrel_dir_perms_t = u8;
/// List entries, open files and directories, read links and metadata.
pub const PETREL_DIR_PERMS_READ: petrel_dir_perms_t = 1;
/// Create, remove, rename and link entries; change sizes and times.
pub const PETREL_DIR_PERMS_WRITE: petrel_dir_perms_t = 2;

/// What a program may do with the files it opens below a preopened
/// directory (`PETREL_FILE_PERMS_*`, combined with `|`).
///
/// @enum FilePerms PETREL_FILE_PERMS_*
pub type petrel_file_perms_t = u8;
/// Read.
pub const PETREL_FILE_PERMS_READ: petrel_file_perms_t = 1;
/// Write (and allocate, truncate, set times).
pub const PETREL_FILE_PERMS_WRITE: petrel_file_perms_t = 2;

/// `petrel_wasi_config_preopen_dir` with permissions: what the program may
/// do with the directory and those below it (`dir_perms`) and with the
/// files it opens there (`file_perms`); an operation they do not allow
/// fails with `ENOTCAPABLE` in the program.
///
/// # Errors
/// When `host_path` is not a directory the host can open, or a permission
/// value has bits other than read and write.
///
/// # Safety
/// `config` is a live WASI configuration; `host_path` and `guest_path`
/// are NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_wasi_config_preopen_dir_with_perms(
    config: *mut petrel_wasi_config_t,
    host_path: *const c_char,
    guest_path: *const c_char,
    dir_perms: petrel_dir_perms_t,
    file_perms: petrel_file_perms_t,
) -> *mut petrel_error_t {
    // SAFETY: forwarded preconditions.
    unsafe {
        with_config(config, |c| {
            let host = c_path(host_path, "host_path")?;
            let guest = c_string(guest_path, "guest_path")?;
            let dir = DirPerms::from_bits(dir_perms)
                .ok_or_else(|| anyhow!("invalid directory permissions {dir_perms}"))?;
            let file = FilePerms::from_bits(file_perms)
                .ok_or_else(|| anyhow!("invalid file permissions {file_perms}"))?;
            c.preopens
                .preopened_dir_with_perms(host, guest, dir, file)?;
            Ok(())
        })
    }
}

/// Makes `config` the WASI configuration of `store`, replacing an earlier
/// one (and its captured output). The store's WASI functions (see
/// `petrel_linker_define_wasi`) use it from now on.
///
/// Ownership: `config` is taken in every case, success or error; do not
/// use or delete it afterwards.
///
/// @consumes config
///
/// # Safety
/// `store` is a live store; `config` is NULL or a live WASI configuration
/// not in use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_store_set_wasi(
    store: *mut petrel_store_t,
    config: *mut petrel_wasi_config_t,
) -> *mut petrel_error_t {
    guard(|| {
        if config.is_null() {
            bail!("`config` must not be NULL");
        }
        // SAFETY: made by `Box::into_raw` in `petrel_wasi_config_new`;
        // ownership passes to this call (header contract), freed once.
        let config = unsafe { Box::from_raw(config) };
        let config = config.0.into_inner().unwrap_or_else(|e| e.into_inner());
        let built = config.build();
        // SAFETY: live per the precondition.
        unsafe {
            with_store(store, |mut cx| {
                let d = cx.data_mut();
                d.wasi = Some(built.ctx);
                d.wasi_stdout = built.stdout;
                d.wasi_stderr = built.stderr;
                Ok(())
            })
        }
    })
}

/// The store's WASI context, made with the defaults when none was set.
fn wasi_ctx(d: &mut StoreData) -> &mut WasiCtx {
    d.wasi.get_or_insert_with(|| WasiCtxBuilder::new().build())
}

/// Defines every function of `wasi_snapshot_preview1` in `linker`. Each
/// works on the WASI context of the store it runs in (see
/// `petrel_store_set_wasi`; a store without one gets the defaults of
/// `petrel_wasi_config_t`). A program's `proc_exit(code)` ends the wasm
/// call with an error for which `petrel_error_exit_status` gives `code`;
/// other WASI failures are errno values returned to the program.
///
/// # Errors
/// When one of the names is already defined and shadowing is off (the
/// functions before it stay defined).
///
/// # Safety
/// `linker` is a live linker.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_linker_define_wasi(
    linker: *mut petrel_linker_t,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: live per the precondition.
        let mut l = unsafe { lock(linker)? };
        wasi::add_to_linker(&mut l, wasi_ctx)
    })
}

/// # Safety
/// `store` is a live store; `contents_out` is writable.
unsafe fn captured(
    store: *mut petrel_store_t,
    contents_out: *mut petrel_bytes_t,
    name: &str,
    pipe: fn(&StoreData) -> Option<&MemoryOutputPipe>,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `contents_out` is writable.
        let out = unsafe { Out::new(contents_out, "contents_out")? };
        // SAFETY: live per the precondition.
        let data = unsafe {
            with_store(store, |cx| match pipe(cx.data()) {
                Some(p) => Ok(p.contents()),
                None => bail!("the store's WASI {name} is not captured in memory"),
            })?
        };
        out.set(petrel_bytes_t::from_vec(data));
        Ok(())
    })
}

/// A copy of everything the program wrote so far to its standard output,
/// when the store's WASI configuration captures it
/// (`petrel_wasi_config_set_stdout_capture`).
///
/// Ownership: the bytes written to `contents_out` belong to the caller,
/// who frees them with `petrel_bytes_delete`; the captured output itself
/// stays in the store (a later call copies it again, with what was
/// written since).
///
/// # Errors
/// When standard output is not captured.
///
/// # Safety
/// `store` is a live store; `contents_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_store_wasi_stdout(
    store: *mut petrel_store_t,
    contents_out: *mut petrel_bytes_t,
) -> *mut petrel_error_t {
    // SAFETY: forwarded preconditions.
    unsafe { captured(store, contents_out, "stdout", |d| d.wasi_stdout.as_ref()) }
}

/// Like `petrel_store_wasi_stdout`, for standard error
/// (`petrel_wasi_config_set_stderr_capture`).
///
/// # Errors
/// When standard error is not captured.
///
/// # Safety
/// `store` is a live store; `contents_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_store_wasi_stderr(
    store: *mut petrel_store_t,
    contents_out: *mut petrel_bytes_t,
) -> *mut petrel_error_t {
    // SAFETY: forwarded preconditions.
    unsafe { captured(store, contents_out, "stderr", |d| d.wasi_stderr.as_ref()) }
}
