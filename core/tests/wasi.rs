//! WASI preview 1 tests: every function family, the preopen escape
//! attempts, exit codes and captured output.
//!
//! Most tests instantiate one `.wat` module that imports each
//! `wasi_snapshot_preview1` function and exports a wasm function calling
//! it, so every call goes through wasm into the host function the way a
//! program's does; the test places arguments in the module's memory and
//! checks the errno and what the function wrote. Whole programs (`_start`
//! writing, echoing standard input, exiting) are written in `.wat` too.

use petrel::wasi::{self, I32Exit, MemoryOutputPipe, WasiCtx, WasiCtxBuilder};
use petrel::{Engine, Instance, Linker, Memory, Module, Store, Val};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

// errno values (the spec's table).
const SUCCESS: i32 = 0;
const BADF: i32 = 8;
const EXIST: i32 = 20;
const FAULT: i32 = 21;
const INVAL: i32 = 28;
const ISDIR: i32 = 31;
const LOOP: i32 = 32;
const NAMETOOLONG: i32 = 37;
const NOENT: i32 = 44;
const NOTDIR: i32 = 54;
const NOTEMPTY: i32 = 55;
const NOTSOCK: i32 = 57;
const NOTSUP: i32 = 58;
const PERM: i32 = 63;
const SPIPE: i32 = 70;
const NOTCAPABLE: i32 = 76;

// Flags.
const FOLLOW: i32 = 1;
const O_CREAT: i32 = 1;
const O_DIRECTORY: i32 = 2;
const O_EXCL: i32 = 4;
const O_TRUNC: i32 = 8;
const APPEND: i32 = 1;
const RIGHTS_ALL: i64 = (1 << 30) - 1;
const FD_WRITE: i64 = 1 << 6;

/// Every function of the snapshot: name and parameter types (all return
/// an errno except `proc_exit`).
const FUNCS: &[(&str, &str)] = &[
    ("args_get", "i32 i32"),
    ("args_sizes_get", "i32 i32"),
    ("environ_get", "i32 i32"),
    ("environ_sizes_get", "i32 i32"),
    ("clock_res_get", "i32 i32"),
    ("clock_time_get", "i32 i64 i32"),
    ("fd_advise", "i32 i64 i64 i32"),
    ("fd_allocate", "i32 i64 i64"),
    ("fd_close", "i32"),
    ("fd_datasync", "i32"),
    ("fd_fdstat_get", "i32 i32"),
    ("fd_fdstat_set_flags", "i32 i32"),
    ("fd_fdstat_set_rights", "i32 i64 i64"),
    ("fd_filestat_get", "i32 i32"),
    ("fd_filestat_set_size", "i32 i64"),
    ("fd_filestat_set_times", "i32 i64 i64 i32"),
    ("fd_pread", "i32 i32 i32 i64 i32"),
    ("fd_prestat_get", "i32 i32"),
    ("fd_prestat_dir_name", "i32 i32 i32"),
    ("fd_pwrite", "i32 i32 i32 i64 i32"),
    ("fd_read", "i32 i32 i32 i32"),
    ("fd_readdir", "i32 i32 i32 i64 i32"),
    ("fd_renumber", "i32 i32"),
    ("fd_seek", "i32 i64 i32 i32"),
    ("fd_sync", "i32"),
    ("fd_tell", "i32 i32"),
    ("fd_write", "i32 i32 i32 i32"),
    ("path_create_directory", "i32 i32 i32"),
    ("path_filestat_get", "i32 i32 i32 i32 i32"),
    ("path_filestat_set_times", "i32 i32 i32 i32 i64 i64 i32"),
    ("path_link", "i32 i32 i32 i32 i32 i32 i32"),
    ("path_open", "i32 i32 i32 i32 i32 i64 i64 i32 i32"),
    ("path_readlink", "i32 i32 i32 i32 i32 i32"),
    ("path_remove_directory", "i32 i32 i32"),
    ("path_rename", "i32 i32 i32 i32 i32 i32"),
    ("path_symlink", "i32 i32 i32 i32 i32"),
    ("path_unlink_file", "i32 i32 i32"),
    ("poll_oneoff", "i32 i32 i32 i32"),
    ("proc_raise", "i32"),
    ("sched_yield", ""),
    ("random_get", "i32 i32"),
    ("sock_accept", "i32 i32 i32"),
    ("sock_recv", "i32 i32 i32 i32 i32 i32"),
    ("sock_send", "i32 i32 i32 i32 i32"),
    ("sock_shutdown", "i32 i32"),
];

/// A module importing every WASI function and exporting, under the same
/// name, a wasm function that forwards its arguments to it.
fn forwarding_module() -> String {
    let mut wat = String::from("(module\n");
    for (name, params) in FUNCS {
        wat += &format!(
            "  (import \"wasi_snapshot_preview1\" \"{name}\" (func ${name} (param {params}) (result i32)))\n"
        );
    }
    wat += "  (import \"wasi_snapshot_preview1\" \"proc_exit\" (func $proc_exit (param i32)))\n";
    wat += "  (memory (export \"memory\") 2)\n";
    for (name, params) in FUNCS {
        let gets: String = (0..params.split_whitespace().count())
            .map(|i| format!("local.get {i} "))
            .collect();
        wat += &format!(
            "  (func (export \"{name}\") (param {params}) (result i32) {gets}call ${name})\n"
        );
    }
    wat += "  (func (export \"proc_exit\") (param i32) local.get 0 call $proc_exit))\n";
    wat
}

/// One instance of [`forwarding_module`] with its store.
struct Guest {
    store: Store<WasiCtx>,
    instance: Instance,
    memory: Memory,
}

impl Guest {
    fn new(ctx: WasiCtx) -> Guest {
        let engine = Engine::default();
        let binary = wat::parse_str(forwarding_module()).unwrap();
        let module = Module::new(&engine, binary).unwrap();
        let mut linker = Linker::new(&engine);
        wasi::add_to_linker(&mut linker, |cx: &mut WasiCtx| cx).unwrap();
        let mut store = Store::new(&engine, ctx);
        let instance = linker.instantiate(&mut store, &module).unwrap();
        let memory = instance.get_memory(&mut store, "memory").unwrap();
        Guest {
            store,
            instance,
            memory,
        }
    }

    /// Calls WASI function `name`; its errno.
    fn call(&mut self, name: &str, args: &[Val]) -> i32 {
        let func = self.instance.get_func(&mut self.store, name).unwrap();
        let mut results = [Val::I32(-1)];
        func.call(&mut self.store, args, &mut results)
            .unwrap_or_else(|e| panic!("{name} failed: {e:#}"));
        results[0].i32().unwrap()
    }

    fn write(&mut self, ptr: u32, bytes: &[u8]) {
        self.memory
            .write(&mut self.store, ptr as usize, bytes)
            .unwrap();
    }

    fn read(&self, ptr: u32, len: usize) -> Vec<u8> {
        let mut buf = vec![0; len];
        self.memory
            .read(&self.store, ptr as usize, &mut buf)
            .unwrap();
        buf
    }

    fn u32(&self, ptr: u32) -> u32 {
        u32::from_le_bytes(self.read(ptr, 4).try_into().unwrap())
    }

    fn u64(&self, ptr: u32) -> u64 {
        u64::from_le_bytes(self.read(ptr, 8).try_into().unwrap())
    }

    /// Writes `s` at `ptr`; its (pointer, length) as arguments.
    fn str(&mut self, ptr: u32, s: &str) -> [Val; 2] {
        self.write(ptr, s.as_bytes());
        [i(ptr as i32), i(s.len() as i32)]
    }

    /// Writes an iovec array at `ptr` for `bufs` (placed from `data`).
    fn iovecs(&mut self, ptr: u32, data: u32, bufs: &[&[u8]]) {
        let mut at = data;
        for (k, b) in bufs.iter().enumerate() {
            self.write(ptr + 8 * k as u32, &at.to_le_bytes());
            self.write(ptr + 8 * k as u32 + 4, &(b.len() as u32).to_le_bytes());
            self.write(at, b);
            at += b.len() as u32;
        }
    }

    /// `path_open` relative to `dir` with every right but `fd_write` (so
    /// directories open too); the errno and the new descriptor.
    fn open(&mut self, dir: i32, lookup: i32, path: &str, oflags: i32, fdflags: i32) -> (i32, i32) {
        self.open_with(dir, lookup, path, oflags, fdflags, RIGHTS_ALL & !FD_WRITE)
    }

    /// `path_open` relative to `dir` with `rights`.
    fn open_with(
        &mut self,
        dir: i32,
        lookup: i32,
        path: &str,
        oflags: i32,
        fdflags: i32,
        rights: i64,
    ) -> (i32, i32) {
        let [p, l] = self.str(1000, path);
        let errno = self.call(
            "path_open",
            &[
                i(dir),
                i(lookup),
                p,
                l,
                i(oflags),
                I(rights),
                I(RIGHTS_ALL),
                i(fdflags),
                i(900),
            ],
        );
        (errno, self.u32(900) as i32)
    }

    /// A path function taking (fd, path, len).
    fn path_op(&mut self, name: &str, dir: i32, path: &str) -> i32 {
        let [p, l] = self.str(1000, path);
        self.call(name, &[i(dir), p, l])
    }

    /// `path_filestat_get`: errno, filetype and size.
    fn stat(&mut self, dir: i32, lookup: i32, path: &str) -> (i32, u8, u64) {
        let [p, l] = self.str(1000, path);
        let errno = self.call("path_filestat_get", &[i(dir), i(lookup), p, l, i(2000)]);
        (errno, self.read(2016, 1)[0], self.u64(2032))
    }
}

fn i(v: i32) -> Val {
    Val::I32(v)
}

#[allow(non_snake_case, reason = "reads like the wasm type it makes")]
fn I(v: i64) -> Val {
    Val::I64(v)
}

/// A fresh host directory for one test: `root/` is preopened, `outside`
/// lies next to it.
fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("wasi-{test}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("root")).unwrap();
    std::fs::write(dir.join("outside"), b"secret").unwrap();
    dir
}

/// A guest with `dir/root` preopened as `sandbox` (descriptor 3).
fn sandboxed(dir: &Path) -> Guest {
    let ctx = WasiCtxBuilder::new()
        .preopened_dir(dir.join("root"), "sandbox")
        .unwrap()
        .build();
    Guest::new(ctx)
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code (a WASI program)")]
fn args_and_environment() {
    let ctx = WasiCtxBuilder::new()
        .args(["prog", "a", "bc"])
        .env("K", "V")
        .env("X", "y=z")
        .build();
    let mut g = Guest::new(ctx);
    assert_eq!(g.call("args_sizes_get", &[i(0), i(4)]), SUCCESS);
    assert_eq!((g.u32(0), g.u32(4)), (3, 10));
    assert_eq!(g.call("args_get", &[i(100), i(200)]), SUCCESS);
    let ptrs: Vec<u32> = (0..3).map(|k| g.u32(100 + 4 * k)).collect();
    assert_eq!(ptrs, [200, 205, 207]);
    assert_eq!(g.read(200, 10), b"prog\0a\0bc\0");

    assert_eq!(g.call("environ_sizes_get", &[i(0), i(4)]), SUCCESS);
    assert_eq!((g.u32(0), g.u32(4)), (2, 10));
    assert_eq!(g.call("environ_get", &[i(100), i(200)]), SUCCESS);
    assert_eq!((g.u32(100), g.u32(104)), (200, 204));
    assert_eq!(g.read(200, 10), b"K=V\0X=y=z\0");

    // Pointers outside memory (2 pages) are EFAULT, never a trap.
    assert_eq!(g.call("args_sizes_get", &[i(-16), i(4)]), FAULT);
    assert_eq!(g.call("args_get", &[i(100), i(131070)]), FAULT);
    assert_eq!(g.call("environ_get", &[i(-1), i(200)]), FAULT);
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code (a WASI program)")]
fn clocks() {
    let mut g = Guest::new(WasiCtx::builder().build());
    for id in 0..4 {
        assert_eq!(
            g.call("clock_res_get", &[i(id), i(0)]),
            SUCCESS,
            "clock {id}"
        );
        assert!(g.u64(0) > 0);
    }
    assert_eq!(g.call("clock_res_get", &[i(9), i(0)]), INVAL);
    assert_eq!(g.call("clock_time_get", &[i(9), I(0), i(0)]), INVAL);
    assert_eq!(g.call("clock_time_get", &[i(0), I(1), i(-4)]), FAULT);

    assert_eq!(g.call("clock_time_get", &[i(0), I(1), i(0)]), SUCCESS);
    let host = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let guest = g.u64(0);
    assert!(
        host.abs_diff(guest) < 5_000_000_000,
        "realtime {guest} vs {host}"
    );

    assert_eq!(g.call("clock_time_get", &[i(1), I(1), i(0)]), SUCCESS);
    let t1 = g.u64(0);
    std::thread::sleep(Duration::from_millis(5));
    assert_eq!(g.call("clock_time_get", &[i(1), I(1), i(0)]), SUCCESS);
    let t2 = g.u64(0);
    assert!(t2 >= t1 + 5_000_000, "monotonic {t1} then {t2}");

    // CPU time grows when the thread works.
    assert_eq!(g.call("clock_time_get", &[i(2), I(1), i(0)]), SUCCESS);
    let c1 = g.u64(0);
    let spin = Instant::now();
    let mut x = 0u64;
    while spin.elapsed() < Duration::from_millis(30) {
        x = std::hint::black_box(x.wrapping_add(1));
    }
    assert_eq!(g.call("clock_time_get", &[i(3), I(1), i(0)]), SUCCESS);
    assert!(g.u64(0) > c1, "thread CPU time did not advance");
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code (a WASI program)")]
fn random() {
    let mut g = Guest::new(WasiCtx::builder().build());
    assert_eq!(g.call("random_get", &[i(100), i(64)]), SUCCESS);
    let a = g.read(100, 64);
    assert_eq!(g.call("random_get", &[i(100), i(64)]), SUCCESS);
    let b = g.read(100, 64);
    assert_ne!(a, b);
    assert!(a.iter().any(|&x| x != 0));
    assert_eq!(g.call("random_get", &[i(131000), i(1000)]), FAULT);
    assert_eq!(g.call("random_get", &[i(0), i(0)]), SUCCESS);
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code (a WASI program)")]
fn file_read_write_seek_and_stat() {
    let dir = scratch("fd");
    let mut g = sandboxed(&dir);

    // The preopen.
    assert_eq!(g.call("fd_prestat_get", &[i(3), i(0)]), SUCCESS);
    assert_eq!((g.read(0, 1)[0], g.u32(4)), (0, 7));
    assert_eq!(g.call("fd_prestat_dir_name", &[i(3), i(16), i(7)]), SUCCESS);
    assert_eq!(g.read(16, 7), b"sandbox");
    assert_eq!(
        g.call("fd_prestat_dir_name", &[i(3), i(16), i(3)]),
        NAMETOOLONG
    );
    assert_eq!(g.call("fd_prestat_get", &[i(0), i(0)]), BADF);
    assert_eq!(g.call("fd_prestat_get", &[i(4), i(0)]), BADF);

    let (errno, fd) = g.open_with(3, FOLLOW, "f.txt", O_CREAT | O_TRUNC, 0, RIGHTS_ALL);
    assert_eq!((errno, fd), (SUCCESS, 4));

    // Gathered write, tell, seek, scattered read.
    g.iovecs(100, 200, &[b"hello ", b"world"]);
    assert_eq!(g.call("fd_write", &[i(fd), i(100), i(2), i(300)]), SUCCESS);
    assert_eq!(g.u32(300), 11);
    assert_eq!(g.call("fd_tell", &[i(fd), i(300)]), SUCCESS);
    assert_eq!(g.u64(300), 11);
    assert_eq!(g.call("fd_seek", &[i(fd), I(-5), i(1), i(300)]), SUCCESS);
    assert_eq!(g.u64(300), 6);
    assert_eq!(g.call("fd_seek", &[i(fd), I(0), i(0), i(300)]), SUCCESS);
    assert_eq!(g.u64(300), 0);
    assert_eq!(g.call("fd_seek", &[i(fd), I(0), i(7), i(300)]), INVAL);
    assert_eq!(g.call("fd_seek", &[i(fd), I(-1), i(0), i(300)]), INVAL);
    g.iovecs(100, 400, &[&[0; 5], &[0; 20]]);
    assert_eq!(g.call("fd_read", &[i(fd), i(100), i(2), i(300)]), SUCCESS);
    assert_eq!(g.u32(300), 11);
    assert_eq!(g.read(400, 11), b"hello world");
    // At end of file a read returns 0 bytes.
    assert_eq!(g.call("fd_read", &[i(fd), i(100), i(2), i(300)]), SUCCESS);
    assert_eq!(g.u32(300), 0);

    // Positional I/O leaves the position alone.
    g.iovecs(100, 500, &[&[0; 5]]);
    assert_eq!(
        g.call("fd_pread", &[i(fd), i(100), i(1), I(6), i(300)]),
        SUCCESS
    );
    assert_eq!((g.u32(300), g.read(500, 5)), (5, b"world".to_vec()));
    g.iovecs(100, 600, &[b"J"]);
    assert_eq!(
        g.call("fd_pwrite", &[i(fd), i(100), i(1), I(0), i(300)]),
        SUCCESS
    );
    assert_eq!(g.u32(300), 1);
    assert_eq!(g.call("fd_tell", &[i(fd), i(300)]), SUCCESS);
    assert_eq!(g.u64(300), 11);
    assert_eq!(
        std::fs::read(dir.join("root/f.txt")).unwrap(),
        b"Jello world"
    );

    // Metadata.
    assert_eq!(g.call("fd_filestat_get", &[i(fd), i(2000)]), SUCCESS);
    assert_eq!((g.read(2016, 1)[0], g.u64(2032)), (4, 11));
    assert_eq!(g.u64(2024), 1, "nlink");
    assert_eq!(g.call("fd_fdstat_get", &[i(fd), i(2000)]), SUCCESS);
    assert_eq!(g.read(2000, 1)[0], 4, "regular file");
    assert_ne!(g.u64(2008) & FD_WRITE as u64, 0);
    assert_eq!(g.call("fd_fdstat_get", &[i(3), i(2000)]), SUCCESS);
    assert_eq!(g.read(2000, 1)[0], 3, "directory");

    assert_eq!(g.call("fd_filestat_set_size", &[i(fd), I(5)]), SUCCESS);
    assert_eq!(std::fs::read(dir.join("root/f.txt")).unwrap(), b"Jello");
    assert_eq!(g.call("fd_allocate", &[i(fd), I(0), I(100)]), SUCCESS);
    assert_eq!(
        std::fs::metadata(dir.join("root/f.txt")).unwrap().len(),
        100
    );
    assert_eq!(g.call("fd_advise", &[i(fd), I(0), I(100), i(1)]), SUCCESS);
    assert_eq!(g.call("fd_advise", &[i(fd), I(0), I(100), i(9)]), INVAL);
    assert_eq!(g.call("fd_sync", &[i(fd)]), SUCCESS);
    assert_eq!(g.call("fd_datasync", &[i(fd)]), SUCCESS);

    // Times: set the modification time to a known instant.
    let mtime: i64 = 1_000_000_000_000_000_000;
    assert_eq!(
        g.call("fd_filestat_set_times", &[i(fd), I(0), I(mtime), i(4)]),
        SUCCESS
    );
    assert_eq!(g.call("fd_filestat_get", &[i(fd), i(2000)]), SUCCESS);
    assert_eq!(g.u64(2048), mtime as u64);
    assert_eq!(
        g.call("fd_filestat_set_times", &[i(fd), I(0), I(0), i(1 | 2)]),
        INVAL
    );

    // Append mode, switched on with fd_fdstat_set_flags.
    assert_eq!(g.call("fd_filestat_set_size", &[i(fd), I(0)]), SUCCESS);
    assert_eq!(g.call("fd_seek", &[i(fd), I(0), i(0), i(300)]), SUCCESS);
    g.iovecs(100, 600, &[b"ab"]);
    assert_eq!(g.call("fd_write", &[i(fd), i(100), i(1), i(300)]), SUCCESS);
    assert_eq!(g.call("fd_seek", &[i(fd), I(0), i(0), i(300)]), SUCCESS);
    assert_eq!(g.call("fd_fdstat_set_flags", &[i(fd), i(APPEND)]), SUCCESS);
    g.iovecs(100, 600, &[b"cd"]);
    assert_eq!(g.call("fd_write", &[i(fd), i(100), i(1), i(300)]), SUCCESS);
    assert_eq!(std::fs::read(dir.join("root/f.txt")).unwrap(), b"abcd");
    assert_eq!(g.call("fd_fdstat_get", &[i(fd), i(2000)]), SUCCESS);
    assert_eq!(g.read(2002, 2), [APPEND as u8, 0]);
    assert_eq!(g.call("fd_fdstat_set_flags", &[i(fd), i(1 << 9)]), INVAL);

    // Rights can shrink, never grow; a missing right is ENOTCAPABLE.
    assert_eq!(g.call("fd_fdstat_get", &[i(fd), i(2000)]), SUCCESS);
    let rights = g.u64(2008) as i64;
    let no_write = rights & !FD_WRITE;
    assert_eq!(
        g.call("fd_fdstat_set_rights", &[i(fd), I(no_write), I(0)]),
        SUCCESS
    );
    assert_eq!(g.call("fd_fdstat_get", &[i(fd), i(2000)]), SUCCESS);
    assert_eq!((g.u64(2008) as i64, g.u64(2016)), (no_write, 0));
    assert_eq!(
        g.call("fd_write", &[i(fd), i(100), i(1), i(300)]),
        NOTCAPABLE
    );
    assert_eq!(
        g.call("fd_fdstat_set_rights", &[i(fd), I(rights), I(0)]),
        NOTCAPABLE
    );

    // Renumber onto another open descriptor, then close.
    let (errno, fd2) = g.open(3, FOLLOW, "g.txt", O_CREAT, 0);
    assert_eq!((errno, fd2), (SUCCESS, 5));
    assert_eq!(g.call("fd_renumber", &[i(fd), i(fd2)]), SUCCESS);
    assert_eq!(g.call("fd_fdstat_get", &[i(fd), i(2000)]), BADF);
    assert_eq!(
        g.call("fd_write", &[i(fd2), i(100), i(1), i(300)]),
        NOTCAPABLE
    );
    assert_eq!(g.call("fd_renumber", &[i(fd2), i(42)]), BADF);
    assert_eq!(g.call("fd_close", &[i(fd2)]), SUCCESS);
    assert_eq!(g.call("fd_close", &[i(fd2)]), BADF);

    // Bad descriptors and bad buffers.
    assert_eq!(g.call("fd_read", &[i(99), i(100), i(1), i(300)]), BADF);
    assert_eq!(g.call("fd_write", &[i(3), i(100), i(1), i(300)]), BADF);
    g.iovecs(100, 600, &[b"x"]);
    g.write(100, &131000u32.to_le_bytes());
    g.write(104, &1000u32.to_le_bytes());
    assert_eq!(g.call("fd_write", &[i(1), i(100), i(1), i(300)]), FAULT);
    assert_eq!(g.call("fd_seek", &[i(1), I(0), i(0), i(300)]), SPIPE);
}

/// Parses `fd_readdir` output into (name, type, next cookie); stops at a
/// cut entry.
fn dirents(buf: &[u8]) -> Vec<(String, u8, u64)> {
    let mut out = Vec::new();
    let mut at = 0;
    while at + 24 <= buf.len() {
        let next = u64::from_le_bytes(buf[at..at + 8].try_into().unwrap());
        let len = u32::from_le_bytes(buf[at + 16..at + 20].try_into().unwrap()) as usize;
        let ty = buf[at + 20];
        if at + 24 + len > buf.len() {
            break;
        }
        let name = String::from_utf8(buf[at + 24..at + 24 + len].to_vec()).unwrap();
        out.push((name, ty, next));
        at += 24 + len;
    }
    out
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code (a WASI program)")]
fn readdir() {
    let dir = scratch("readdir");
    std::fs::write(dir.join("root/a"), b"1").unwrap();
    std::fs::write(dir.join("root/bb"), b"2").unwrap();
    std::fs::create_dir(dir.join("root/c")).unwrap();
    std::os::unix::fs::symlink("a", dir.join("root/d")).unwrap();
    let mut g = sandboxed(&dir);

    assert_eq!(
        g.call("fd_readdir", &[i(3), i(4096), i(4096), I(0), i(300)]),
        SUCCESS
    );
    let used = g.u32(300) as usize;
    assert!(used < 4096);
    let all = dirents(&g.read(4096, used));
    let names: Vec<(&str, u8)> = all.iter().map(|(n, t, _)| (n.as_str(), *t)).collect();
    assert_eq!(
        names,
        [(".", 3), ("..", 3), ("a", 4), ("bb", 4), ("c", 3), ("d", 7)]
    );

    // A small buffer comes back full; the caller resumes from the last
    // complete entry's cookie.
    let mut seen = Vec::new();
    let mut cookie = 0;
    loop {
        assert_eq!(
            g.call("fd_readdir", &[i(3), i(4096), i(60), I(cookie), i(300)]),
            SUCCESS
        );
        let used = g.u32(300) as usize;
        let entries = dirents(&g.read(4096, used));
        for (name, _, next) in &entries {
            seen.push(name.clone());
            cookie = *next as i64;
        }
        if used < 60 {
            break;
        }
    }
    assert_eq!(seen, [".", "..", "a", "bb", "c", "d"]);

    // A subdirectory opened through the preopen lists its own entries.
    std::fs::write(dir.join("root/c/inner"), b"").unwrap();
    let (errno, sub) = g.open(3, FOLLOW, "c", O_DIRECTORY, 0);
    assert_eq!(errno, SUCCESS);
    assert_eq!(
        g.call("fd_readdir", &[i(sub), i(4096), i(4096), I(2), i(300)]),
        SUCCESS
    );
    let entries = dirents(&g.read(4096, g.u32(300) as usize));
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].0, "inner");
    // A file is not a directory (`EBADF`, as in Wasmtime).
    let (errno, file) = g.open(3, FOLLOW, "a", 0, 0);
    assert_eq!(errno, SUCCESS);
    assert_eq!(
        g.call("fd_readdir", &[i(file), i(4096), i(4096), I(0), i(300)]),
        BADF
    );
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code (a WASI program)")]
fn path_operations() {
    let dir = scratch("path");
    let root = dir.join("root");
    std::fs::write(root.join("a"), b"data").unwrap();
    let mut g = sandboxed(&dir);

    // Directories.
    assert_eq!(g.path_op("path_create_directory", 3, "d"), SUCCESS);
    assert!(root.join("d").is_dir());
    assert_eq!(g.path_op("path_create_directory", 3, "d"), EXIST);
    assert_eq!(g.path_op("path_create_directory", 3, "."), EXIST);
    assert_eq!(g.stat(3, 0, "d").0, SUCCESS);
    assert_eq!(g.stat(3, 0, "d").1, 3);
    assert_eq!(g.stat(3, 0, "a"), (SUCCESS, 4, 4));
    assert_eq!(g.stat(3, 0, "missing").0, NOENT);
    assert_eq!(g.stat(3, 0, "a/x").0, NOTDIR);

    // Open: flags and their errors.
    assert_eq!(g.open(3, FOLLOW, "missing", 0, 0).0, NOENT);
    assert_eq!(g.open(3, FOLLOW, "a", O_CREAT | O_EXCL, 0).0, EXIST);
    assert_eq!(g.open(3, FOLLOW, "a", O_DIRECTORY, 0).0, NOTDIR);
    assert_eq!(g.open(3, FOLLOW, "d", O_CREAT | O_DIRECTORY, 0).0, INVAL);
    assert_eq!(g.open(3, FOLLOW, "d", O_TRUNC | O_DIRECTORY, 0).0, INVAL);
    assert_eq!(g.open(3, FOLLOW, "a", 0, 0).0, SUCCESS);
    let (errno, fd) = g.open_with(3, FOLLOW, "a", O_TRUNC, 0, RIGHTS_ALL);
    assert_eq!(errno, SUCCESS);
    assert_eq!(std::fs::read(root.join("a")).unwrap(), b"");
    g.iovecs(100, 200, &[b"again"]);
    assert_eq!(g.call("fd_write", &[i(fd), i(100), i(1), i(300)]), SUCCESS);
    assert_eq!(std::fs::read(root.join("a")).unwrap(), b"again");
    // Opening a directory for writing fails; opening it plainly works and
    // paths resolve relative to it.
    let (errno, d) = g.open(3, FOLLOW, "d", O_DIRECTORY, 0);
    assert_eq!(errno, SUCCESS);
    assert_eq!(g.open(d, FOLLOW, "inner", O_CREAT, 0).0, SUCCESS);
    assert!(root.join("d/inner").is_file());
    assert_eq!(g.open(3, FOLLOW, "d", O_TRUNC, 0).0, ISDIR);
    assert_eq!(g.open_with(3, FOLLOW, "d", 0, 0, RIGHTS_ALL).0, ISDIR);
    assert_eq!(
        g.open_with(3, FOLLOW, "d", O_DIRECTORY, 0, FD_WRITE).0,
        ISDIR
    );
    assert_eq!(g.open(99, FOLLOW, "a", 0, 0).0, BADF);
    assert_eq!(g.open(fd, FOLLOW, "a", 0, 0).0, NOTDIR);

    // Rename, link, unlink.
    assert_eq!(g.path_op("path_remove_directory", 3, "d"), NOTEMPTY);
    let [p1, l1] = g.str(1000, "d/inner");
    let [p2, l2] = g.str(1100, "moved");
    assert_eq!(
        g.call("path_rename", &[i(3), p1, l1, i(3), p2, l2]),
        SUCCESS
    );
    assert!(root.join("moved").is_file() && !root.join("d/inner").exists());
    assert_eq!(g.path_op("path_remove_directory", 3, "d"), SUCCESS);
    assert!(!root.join("d").exists());
    let [p1, l1] = g.str(1000, "a");
    let [p2, l2] = g.str(1100, "a2");
    assert_eq!(
        g.call("path_link", &[i(3), i(0), p1, l1, i(3), p2, l2]),
        SUCCESS
    );
    assert_eq!(g.stat(3, 0, "a").0, SUCCESS);
    assert_eq!(g.call("fd_filestat_get", &[i(fd), i(2000)]), SUCCESS);
    assert_eq!(g.u64(2024), 2, "nlink after path_link");
    assert_eq!(g.path_op("path_unlink_file", 3, "a2"), SUCCESS);
    assert!(!root.join("a2").exists());
    assert_eq!(g.path_op("path_unlink_file", 3, "a2"), NOENT);
    std::fs::create_dir(root.join("e")).unwrap();
    assert_eq!(g.path_op("path_unlink_file", 3, "e"), ISDIR);
    assert_eq!(g.path_op("path_remove_directory", 3, "a"), NOTDIR);

    // Symbolic links inside the sandbox.
    let [t, tl] = g.str(1000, "e");
    let [n, nl] = g.str(1100, "lnk");
    assert_eq!(g.call("path_symlink", &[t, tl, i(3), n, nl]), SUCCESS);
    assert_eq!(
        std::fs::read_link(root.join("lnk")).unwrap(),
        Path::new("e")
    );
    let [p, l] = g.str(1000, "lnk");
    assert_eq!(
        g.call("path_readlink", &[i(3), p, l, i(1200), i(64), i(300)]),
        SUCCESS
    );
    assert_eq!((g.u32(300), g.read(1200, 1)), (1, b"e".to_vec()));
    assert_eq!(
        g.call("path_readlink", &[i(3), p, l, i(1200), i(0), i(300)]),
        SUCCESS
    );
    assert_eq!(g.u32(300), 0, "readlink truncates to the buffer");
    let [p, l] = g.str(1000, "a");
    assert_eq!(
        g.call("path_readlink", &[i(3), p, l, i(1200), i(64), i(300)]),
        INVAL
    );
    assert_eq!(g.stat(3, 0, "lnk").1, 7, "not followed: the link");
    assert_eq!(g.stat(3, FOLLOW, "lnk").1, 3, "followed: the directory");
    assert_eq!(g.open(3, 0, "lnk", 0, 0).0, LOOP);
    assert_eq!(g.open(3, FOLLOW, "lnk", O_DIRECTORY, 0).0, SUCCESS);
    assert_eq!(g.path_op("path_unlink_file", 3, "lnk"), SUCCESS);
    assert!(root.join("e").is_dir());

    // Times through a path.
    let mtime: i64 = 1_200_000_000_000_000_000;
    let [p, l] = g.str(1000, "a");
    assert_eq!(
        g.call(
            "path_filestat_set_times",
            &[i(3), i(FOLLOW), p, l, I(0), I(mtime), i(4)]
        ),
        SUCCESS
    );
    assert_eq!(g.stat(3, 0, "a").0, SUCCESS);
    assert_eq!(g.u64(2048), mtime as u64);
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code (a WASI program)")]
fn escapes_from_the_preopen_are_refused() {
    let dir = scratch("escape");
    let root = dir.join("root");
    std::fs::create_dir(root.join("sub")).unwrap();
    std::fs::write(root.join("sub/f"), b"inside").unwrap();
    std::os::unix::fs::symlink("../outside", root.join("out")).unwrap();
    std::os::unix::fs::symlink("sub/../..", root.join("up")).unwrap();
    std::os::unix::fs::symlink(&dir, root.join("abs")).unwrap();
    std::os::unix::fs::symlink("sub/f", root.join("ok")).unwrap();
    let mut g = sandboxed(&dir);

    // `..` beyond the root, absolute paths, links pointing outside.
    for path in [
        "..",
        "../outside",
        "sub/../../outside",
        "/etc/passwd",
        "/",
        "out",
        "up/outside",
        "abs/outside",
        "sub/../out",
    ] {
        assert_eq!(g.open(3, FOLLOW, path, 0, 0).0, PERM, "open {path}");
        assert_eq!(g.stat(3, FOLLOW, path).0, PERM, "stat {path}");
    }
    // Creating through an escape leaves nothing behind.
    assert_eq!(g.open(3, FOLLOW, "../created", O_CREAT, 0).0, PERM);
    assert_eq!(g.open(3, FOLLOW, "out", O_CREAT | O_TRUNC, 0).0, PERM);
    assert!(!dir.join("created").exists());
    assert_eq!(std::fs::read(dir.join("outside")).unwrap(), b"secret");
    assert_eq!(g.path_op("path_create_directory", 3, "../newdir"), PERM);
    assert!(!dir.join("newdir").exists());
    assert_eq!(g.path_op("path_unlink_file", 3, "../outside"), PERM);
    assert_eq!(g.path_op("path_unlink_file", 3, "abs/outside"), PERM);
    assert!(dir.join("outside").exists());
    let [p1, l1] = g.str(1000, "sub/f");
    let [p2, l2] = g.str(1100, "../stolen");
    assert_eq!(g.call("path_rename", &[i(3), p1, l1, i(3), p2, l2]), PERM);
    assert_eq!(
        g.call("path_link", &[i(3), i(0), p1, l1, i(3), p2, l2]),
        PERM
    );
    assert!(!dir.join("stolen").exists());
    let [p, l] = g.str(1000, "../outside");
    assert_eq!(
        g.call("path_readlink", &[i(3), p, l, i(1200), i(64), i(300)]),
        PERM
    );
    // A link to an absolute path is not even created.
    let [t, tl] = g.str(1000, "/etc/passwd");
    let [n, nl] = g.str(1100, "planted");
    assert_eq!(g.call("path_symlink", &[t, tl, i(3), n, nl]), PERM);
    assert!(root.join("planted").symlink_metadata().is_err());

    // Not following the last component sees the link itself.
    assert_eq!(g.stat(3, 0, "out").1, 7);
    assert_eq!(g.open(3, 0, "out", 0, 0).0, LOOP);
    // Links that stay inside work.
    assert_eq!(g.open(3, FOLLOW, "ok", 0, 0).0, SUCCESS);
    assert_eq!(g.stat(3, FOLLOW, "sub/../ok"), (SUCCESS, 4, 6));

    // A directory opened below the preopen is a sandbox of its own.
    let (errno, sub) = g.open(3, FOLLOW, "sub", O_DIRECTORY, 0);
    assert_eq!(errno, SUCCESS);
    assert_eq!(g.open(sub, FOLLOW, "f", 0, 0).0, SUCCESS);
    assert_eq!(g.open(sub, FOLLOW, "../ok", 0, 0).0, PERM);
    assert_eq!(g.open(sub, FOLLOW, "../../outside", 0, 0).0, PERM);
    // If the guest swaps that directory for a link pointing out, its
    // descriptor does not follow it: it is a handle on the directory
    // itself, now named `sub2`, which has no `outside`.
    let [p1, l1] = g.str(1000, "sub");
    let [p2, l2] = g.str(1100, "sub2");
    assert_eq!(
        g.call("path_rename", &[i(3), p1, l1, i(3), p2, l2]),
        SUCCESS
    );
    let [t, tl] = g.str(1000, "..");
    let [n, nl] = g.str(1100, "sub");
    assert_eq!(g.call("path_symlink", &[t, tl, i(3), n, nl]), SUCCESS);
    assert_eq!(g.open(sub, FOLLOW, "outside", 0, 0).0, NOENT);
    assert_eq!(g.open(sub, FOLLOW, "f", 0, 0).0, SUCCESS);
    assert_eq!(g.stat(3, FOLLOW, "sub/outside").0, PERM);
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code (a WASI program)")]
fn poll_oneoff_with_a_clock() {
    let mut g = Guest::new(WasiCtx::builder().stdin_bytes(b"abc".to_vec()).build());
    // One relative 30 ms subscription on the monotonic clock.
    let mut sub = [0u8; 48];
    sub[0..8].copy_from_slice(&0x1234u64.to_le_bytes());
    sub[8] = 0; // clock
    sub[16..20].copy_from_slice(&1u32.to_le_bytes());
    sub[24..32].copy_from_slice(&30_000_000u64.to_le_bytes());
    g.write(0, &sub);
    let start = Instant::now();
    assert_eq!(
        g.call("poll_oneoff", &[i(0), i(512), i(1), i(900)]),
        SUCCESS
    );
    assert!(start.elapsed() >= Duration::from_millis(30));
    assert_eq!(g.u32(900), 1);
    assert_eq!(g.u64(512), 0x1234);
    assert_eq!(g.read(520, 3), [0, 0, 0], "no error, clock event");

    // With standard input also subscribed, its readiness comes first and
    // the call does not wait for the clock.
    let mut read = [0u8; 48];
    read[0..8].copy_from_slice(&7u64.to_le_bytes());
    read[8] = 1; // fd_read
    sub[24..32].copy_from_slice(&10_000_000_000u64.to_le_bytes());
    g.write(0, &sub);
    g.write(48, &read);
    let start = Instant::now();
    assert_eq!(
        g.call("poll_oneoff", &[i(0), i(512), i(2), i(900)]),
        SUCCESS
    );
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(g.u32(900), 1);
    assert_eq!((g.u64(512), g.read(522, 1)[0]), (7, 1));
    assert_eq!(g.u64(528), 3, "three bytes of stdin are ready");

    // An absolute deadline already past fires at once.
    sub[24..32].copy_from_slice(&0u64.to_le_bytes());
    sub[40..42].copy_from_slice(&1u16.to_le_bytes());
    g.write(0, &sub);
    assert_eq!(
        g.call("poll_oneoff", &[i(0), i(512), i(1), i(900)]),
        SUCCESS
    );
    assert_eq!(g.u32(900), 1);
    assert_eq!(g.call("poll_oneoff", &[i(0), i(512), i(0), i(900)]), INVAL);
    assert_eq!(
        g.call("poll_oneoff", &[i(131050), i(512), i(1), i(900)]),
        FAULT
    );
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code (a WASI program)")]
fn sockets_signals_and_yield_are_errnos() {
    let mut g = Guest::new(WasiCtx::builder().build());
    // No descriptor is a socket: ENOTSOCK, as the specification and
    // Wasmtime give it.
    assert_eq!(g.call("sock_accept", &[i(0), i(0), i(100)]), NOTSOCK);
    assert_eq!(
        g.call("sock_recv", &[i(0), i(0), i(0), i(0), i(100), i(104)]),
        NOTSOCK
    );
    assert_eq!(
        g.call("sock_send", &[i(1), i(0), i(0), i(0), i(100)]),
        NOTSOCK
    );
    assert_eq!(g.call("sock_shutdown", &[i(1), i(0)]), NOTSOCK);
    assert_eq!(g.call("sock_shutdown", &[i(77), i(0)]), BADF);
    assert_eq!(g.call("proc_raise", &[i(9)]), NOTSUP);
    assert_eq!(g.call("sched_yield", &[]), SUCCESS);
}

/// A WASI command: writes "out" to stdout and "err" to stderr, then echoes
/// standard input to stdout, then exits with status 7 (and must not write
/// the text after the exit).
const COMMAND: &str = r#"
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "out")
  (data (i32.const 104) "err")
  (data (i32.const 108) "late")
  (func $write (param $fd i32) (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func (export "_start")
    (call $write (i32.const 1) (i32.const 100) (i32.const 3))
    (call $write (i32.const 2) (i32.const 104) (i32.const 3))
    (block $done
      (loop $copy
        (i32.store (i32.const 16) (i32.const 1024))
        (i32.store (i32.const 20) (i32.const 7))
        (br_if $done (call $fd_read (i32.const 0) (i32.const 16) (i32.const 1) (i32.const 24)))
        (br_if $done (i32.eqz (i32.load (i32.const 24))))
        (call $write (i32.const 1) (i32.const 1024) (i32.load (i32.const 24)))
        (br $copy)))
    (call $proc_exit (i32.const 7))
    (call $write (i32.const 1) (i32.const 108) (i32.const 4))))
"#;

/// Runs [`COMMAND`] with `ctx`; the result of `_start`.
fn run_command(ctx: WasiCtx) -> anyhow::Result<()> {
    let engine = Engine::default();
    let module = Module::new(&engine, wat::parse_str(COMMAND)?)?;
    let mut linker = Linker::new(&engine);
    wasi::add_to_linker(&mut linker, |cx: &mut WasiCtx| cx)?;
    let mut store = Store::new(&engine, ctx);
    let instance = linker.instantiate(&mut store, &module)?;
    let start = instance.get_typed_func::<(), ()>(&mut store, "_start")?;
    start.call(&mut store, ())
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code (a WASI program)")]
fn captured_output_stdin_and_exit_code() {
    let stdout = MemoryOutputPipe::new(1 << 20);
    let stderr = MemoryOutputPipe::new(1 << 20);
    let input: Vec<u8> = (0..100u8).map(|b| b'a' + b % 26).collect();
    let ctx = WasiCtxBuilder::new()
        .stdin_bytes(input.clone())
        .stdout(stdout.clone())
        .stderr(stderr.clone())
        .build();
    let err = run_command(ctx).unwrap_err();
    assert_eq!(err.downcast_ref::<I32Exit>(), Some(&I32Exit(7)), "{err:#}");
    let mut expected = b"out".to_vec();
    expected.extend_from_slice(&input);
    assert_eq!(stdout.contents(), expected);
    assert_eq!(stderr.contents(), b"err");
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code (a WASI program)")]
fn output_redirected_to_files_and_limited_pipes() {
    let dir = scratch("redirect");
    let out = std::fs::File::create(dir.join("stdout.txt")).unwrap();
    let input = std::fs::write(dir.join("in.txt"), b"from a file")
        .map(|_| std::fs::File::open(dir.join("in.txt")).unwrap());
    let stderr = MemoryOutputPipe::new(2);
    let ctx = WasiCtxBuilder::new()
        .stdin_file(input.unwrap())
        .stdout(out)
        .stderr(stderr.clone())
        .build();
    let err = run_command(ctx).unwrap_err();
    assert_eq!(err.downcast_ref::<I32Exit>(), Some(&I32Exit(7)));
    assert_eq!(
        std::fs::read(dir.join("stdout.txt")).unwrap(),
        b"outfrom a file"
    );
    // The pipe keeps what fits.
    assert_eq!(stderr.contents(), b"er");
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code (a WASI program)")]
fn proc_exit_statuses() {
    let engine = Engine::default();
    let mut linker = Linker::new(&engine);
    wasi::add_to_linker(&mut linker, |cx: &mut WasiCtx| cx).unwrap();
    for (status, expected) in [
        (0, Some(0)),
        (1, Some(1)),
        (125, Some(125)),
        (126, None),
        (-1, None),
    ] {
        let module = Module::new(
            &engine,
            wat::parse_str(format!(
                r#"(module
                    (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
                    (func (export "_start") (call $exit (i32.const {status})) unreachable))"#
            ))
            .unwrap(),
        )
        .unwrap();
        let mut store = Store::new(&engine, WasiCtx::builder().build());
        let instance = linker.instantiate(&mut store, &module).unwrap();
        let start = instance
            .get_typed_func::<(), ()>(&mut store, "_start")
            .unwrap();
        let err = start.call(&mut store, ()).unwrap_err();
        match expected {
            Some(code) => assert_eq!(err.downcast_ref::<I32Exit>(), Some(&I32Exit(code))),
            None => {
                assert!(err.downcast_ref::<I32Exit>().is_none());
                assert!(err.downcast_ref::<petrel::Trap>().is_none(), "{err:#}");
                assert!(format!("{err:#}").contains("exit status"), "{err:#}");
            }
        }
    }
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code (a WASI program)")]
fn a_module_without_memory_gets_an_error_not_a_crash() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        wat::parse_str(
            r#"(module
                (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
                (import "wasi_snapshot_preview1" "fd_close" (func $c (param i32) (result i32)))
                (func (export "write") (result i32) (call $w (i32.const 1) (i32.const 0) (i32.const 0) (i32.const 0)))
                (func (export "close") (result i32) (call $c (i32.const 1))))"#,
        )
        .unwrap(),
    )
    .unwrap();
    let mut linker = Linker::new(&engine);
    wasi::add_to_linker(&mut linker, |cx: &mut WasiCtx| cx).unwrap();
    let mut store = Store::new(&engine, WasiCtx::builder().build());
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let write = instance
        .get_typed_func::<(), i32>(&mut store, "write")
        .unwrap();
    let err = write.call(&mut store, ()).unwrap_err();
    assert!(format!("{err:#}").contains("memory"), "{err:#}");
    // Functions that need no memory still work.
    let close = instance
        .get_typed_func::<(), i32>(&mut store, "close")
        .unwrap();
    assert_eq!(close.call(&mut store, ()).unwrap(), SUCCESS);
    assert_eq!(close.call(&mut store, ()).unwrap(), BADF);
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code (a WASI program)")]
fn context_in_a_field_of_the_store_data() {
    struct Host {
        calls: u32,
        wasi: WasiCtx,
    }
    let stdout = MemoryOutputPipe::new(64);
    let engine = Engine::default();
    let mut linker = Linker::<Host>::new(&engine);
    wasi::add_to_linker(&mut linker, |h: &mut Host| &mut h.wasi).unwrap();
    linker
        .func_wrap("host", "tick", |mut c: petrel::Caller<'_, Host>| {
            c.data_mut().calls += 1
        })
        .unwrap();
    let module = Module::new(
        &engine,
        wat::parse_str(
            r#"(module
                (import "host" "tick" (func $tick))
                (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
                (memory (export "memory") 1)
                (data (i32.const 0) "\10\00\00\00\02\00\00\00")
                (data (i32.const 16) "hi")
                (func (export "_start") call $tick (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"#,
        )
        .unwrap(),
    )
    .unwrap();
    let host = Host {
        calls: 0,
        wasi: WasiCtxBuilder::new().stdout(stdout.clone()).build(),
    };
    let mut store = Store::new(&engine, host);
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let start = instance
        .get_typed_func::<(), ()>(&mut store, "_start")
        .unwrap();
    start.call(&mut store, ()).unwrap();
    assert_eq!(store.data().calls, 1);
    assert_eq!(stdout.contents(), b"hi");
}

/// Iterations of the race test: `PETREL_RACE_ITERS`, else a short run.
fn race_iterations() -> usize {
    std::env::var("PETREL_RACE_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000)
}

/// Two instances of one program share a preopened directory, each in its
/// own store on its own thread. One renames a directory `d` and a symbolic
/// link pointing outside the preopen back and forth, so that `d` is now
/// the directory and now the link; the other opens, reads and stats paths
/// through `d` all the while. Whatever the interleaving, nothing outside
/// the preopen is ever opened, read or looked at: an operation through
/// `d` either reaches the real directory's file or fails.
///
/// `PETREL_RACE_ITERS=100000 cargo test --release -p petrel --test wasi
/// renaming_race` runs the long version.
#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code (a WASI program)")]
fn renaming_race_never_escapes_the_preopen() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    let iterations = race_iterations();
    let dir = scratch("race");
    let root = dir.join("root");
    std::fs::create_dir(dir.join("escape")).unwrap();
    std::fs::write(dir.join("escape/secret"), b"SECRET").unwrap();
    std::fs::create_dir(root.join("d")).unwrap();
    std::fs::write(root.join("d/secret"), b"inside").unwrap();
    std::os::unix::fs::symlink("../escape", root.join("l")).unwrap();
    let outside_ino = {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(dir.join("escape/secret")).unwrap().ino()
    };

    let done = Arc::new(AtomicBool::new(false));
    let ready = Arc::new(std::sync::Barrier::new(2));
    let renamer = {
        let (root, done, ready) = (root.clone(), done.clone(), ready.clone());
        std::thread::spawn(move || {
            let mut g = sandboxed(root.parent().unwrap());
            ready.wait();
            let mut rounds = 0u64;
            let rename = |g: &mut Guest, from: &str, to: &str| {
                let [p1, l1] = g.str(1000, from);
                let [p2, l2] = g.str(1100, to);
                let errno = g.call("path_rename", &[i(3), p1, l1, i(3), p2, l2]);
                assert_eq!(errno, SUCCESS, "rename {from} -> {to}");
            };
            while !done.load(Ordering::Relaxed) {
                // `d` becomes the link to `../escape`, then the directory
                // again; `l` likewise the other way round.
                rename(&mut g, "d", "tmp");
                rename(&mut g, "l", "d");
                rename(&mut g, "d", "l");
                rename(&mut g, "tmp", "d");
                rounds += 1;
            }
            rounds
        })
    };

    let mut g = sandboxed(&dir);
    let (mut reached, mut refused) = (0u64, 0u64);
    // Reads the whole of `fd` and closes it.
    let read_all = |g: &mut Guest, fd: i32| -> Vec<u8> {
        g.iovecs(100, 2000, &[&[0; 64]]);
        assert_eq!(g.call("fd_read", &[i(fd), i(100), i(1), i(300)]), SUCCESS);
        let data = g.read(2000, g.u32(300) as usize);
        assert_eq!(g.call("fd_close", &[i(fd)]), SUCCESS);
        data
    };
    let allowed_failures = [NOENT, PERM, NOTDIR, LOOP];
    ready.wait();
    for n in 0..iterations {
        // Open and read a file through `d` (and through `l`).
        for path in ["d/secret", "l/secret", "d/../d/secret"] {
            let (errno, fd) = g.open(3, FOLLOW, path, 0, 0);
            if errno == SUCCESS {
                assert_eq!(read_all(&mut g, fd), b"inside", "{path}, iteration {n}");
                reached += 1;
            } else {
                assert!(allowed_failures.contains(&errno), "{path}: errno {errno}");
                refused += 1;
            }
        }
        // Open `d` itself as a directory, then the file below it.
        let (errno, sub) = g.open(3, FOLLOW, "d", O_DIRECTORY, 0);
        if errno == SUCCESS {
            let (errno, fd) = g.open(sub, FOLLOW, "secret", 0, 0);
            if errno == SUCCESS {
                assert_eq!(read_all(&mut g, fd), b"inside", "d/ then secret");
                reached += 1;
            }
            assert_eq!(g.call("fd_close", &[i(sub)]), SUCCESS);
        } else {
            assert!(allowed_failures.contains(&errno), "d: errno {errno}");
            refused += 1;
        }
        // Metadata through `d` never describes the file outside.
        let [p, l] = g.str(1000, "d/secret");
        let errno = g.call("path_filestat_get", &[i(3), i(FOLLOW), p, l, i(2000)]);
        if errno == SUCCESS {
            assert_ne!(g.u64(2008), outside_ino, "stat d/secret escaped");
        } else {
            assert!(allowed_failures.contains(&errno), "stat: errno {errno}");
        }
    }
    done.store(true, Ordering::Relaxed);
    let rounds = renamer.join().unwrap();
    assert!(rounds > 0, "the renamer never ran");
    eprintln!(
        "race: {iterations} iterations, {rounds} rename rounds, \
         {reached} opens reached the directory, {refused} refused"
    );
    assert_eq!(std::fs::read(dir.join("escape/secret")).unwrap(), b"SECRET");
}

/// Append mode is the kernel's `O_APPEND`: two instances in two stores on
/// two threads append records to one file through their own descriptors
/// and none is lost or overwritten (a seek to the end followed by a
/// write would let one land on the other).
#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code (a WASI program)")]
fn appends_from_two_stores_are_atomic() {
    let dir = scratch("append");
    std::fs::write(dir.join("root/log"), b"").unwrap();
    const RECORDS: usize = 2000;
    let writers: Vec<_> = [b'a', b'b']
        .into_iter()
        .map(|tag| {
            let dir = dir.clone();
            std::thread::spawn(move || {
                let mut g = sandboxed(&dir);
                let (errno, fd) = g.open_with(3, FOLLOW, "log", 0, APPEND, RIGHTS_ALL);
                assert_eq!(errno, SUCCESS);
                let record = [tag; 16];
                g.iovecs(100, 200, &[&record]);
                for _ in 0..RECORDS {
                    assert_eq!(g.call("fd_write", &[i(fd), i(100), i(1), i(300)]), SUCCESS);
                    assert_eq!(g.u32(300), 16);
                }
                // The flag reads back, and switching it off makes writes
                // positional again.
                assert_eq!(g.call("fd_fdstat_get", &[i(fd), i(2000)]), SUCCESS);
                assert_eq!(g.read(2002, 2), [APPEND as u8, 0]);
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    let log = std::fs::read(dir.join("root/log")).unwrap();
    assert_eq!(log.len(), 2 * RECORDS * 16, "no record overwritten");
    for record in log.chunks(16) {
        assert!(record.iter().all(|&b| b == record[0]), "a torn record");
    }

    // Off again: the next write goes where the position is.
    let mut g = sandboxed(&dir);
    let (errno, fd) = g.open_with(3, FOLLOW, "log", 0, APPEND, RIGHTS_ALL);
    assert_eq!(errno, SUCCESS);
    assert_eq!(g.call("fd_fdstat_set_flags", &[i(fd), i(0)]), SUCCESS);
    assert_eq!(g.call("fd_seek", &[i(fd), I(0), i(0), i(300)]), SUCCESS);
    g.iovecs(100, 200, &[b"X"]);
    assert_eq!(g.call("fd_write", &[i(fd), i(100), i(1), i(300)]), SUCCESS);
    let log = std::fs::read(dir.join("root/log")).unwrap();
    assert_eq!((log[0], log.len()), (b'X', 2 * RECORDS * 16));
    // Only a file's flags change; the sync flags are fixed at open.
    assert_eq!(g.call("fd_fdstat_set_flags", &[i(3), i(APPEND)]), BADF);
    assert_eq!(g.call("fd_fdstat_set_flags", &[i(1), i(0)]), BADF);
    assert_eq!(g.call("fd_fdstat_set_flags", &[i(fd), i(1 << 4)]), INVAL);
}

/// Values outside their type are `EINVAL` (Wasmtime traps on them
/// instead, before its function runs), and what the errno table cannot
/// build: a rename onto `name/` of a file.
#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code (a WASI program)")]
fn invalid_flags_and_odd_paths() {
    let dir = scratch("flags");
    std::fs::write(dir.join("root/f"), b"x").unwrap();
    let mut g = sandboxed(&dir);
    assert_eq!(g.open(3, FOLLOW, "f", 1 << 4, 0).0, INVAL);
    assert_eq!(g.open(3, FOLLOW, "f", 0, 1 << 5).0, INVAL);
    let (errno, fd) = g.open(3, FOLLOW, "f", 0, 0);
    assert_eq!(errno, SUCCESS);
    assert_eq!(g.call("fd_seek", &[i(fd), I(0), i(7), i(300)]), INVAL);
    assert_eq!(g.call("fd_advise", &[i(fd), I(0), I(0), i(9)]), INVAL);
    assert_eq!(g.call("fd_prestat_dir_name", &[i(fd), i(16), i(8)]), NOTDIR);
    let [p1, l1] = g.str(1000, "f");
    let [p2, l2] = g.str(1100, "g/");
    assert_eq!(g.call("path_rename", &[i(3), p1, l1, i(3), p2, l2]), NOTDIR);
    assert!(dir.join("root/f").exists() && !dir.join("root/g").exists());
    assert_eq!(
        g.call("path_link", &[i(3), i(FOLLOW), p1, l1, i(3), p2, l2]),
        INVAL
    );
}
