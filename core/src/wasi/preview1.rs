//! The functions of `wasi_snapshot_preview1`, and [`add_to_linker`],
//! which defines them in a [`Linker`].
//!
//! Each function is a method of [`WasiCtx`] taking the program's memory as
//! a [`GuestMemory`] (every access bounds-checked: `EFAULT`) and the raw
//! integer arguments, and returning an errno. The glue at the bottom turns
//! them into host functions.

use super::stdio::{InputStream, file_remaining};
use super::types::{
    ADVICE_NOREUSE, DIRENT_SIZE, EVENT_SIZE, Errno, FDSTAT_SIZE, FILESTAT_SIZE, IOVEC_SIZE,
    PRESTAT_SIZE, SUBSCRIPTION_CLOCK_ABSTIME, SUBSCRIPTION_SIZE, WasiResult, clockid, eventtype,
    fdflags, filetype, fstflags, lookupflags, oflags, rights, whence,
};
use super::{Descriptor, I32Exit, Kind, MODULE, OpenFile, WasiCtx};
use crate::{Caller, Extern, FuncType, Linker, Val, ValType};
use anyhow::{Result, bail};
use cap_fs_ext::{
    DirExt, FollowSymlinks, OpenOptionsFollowExt, OpenOptionsMaybeDirExt, OpenOptionsSyncExt,
    SystemTimeSpec,
};
use cap_std::fs::{Dir, FileTypeExt, Metadata, MetadataExt, OpenOptions};
use std::fs::File;
use std::io::{self, IoSlice, Read, Seek, SeekFrom, Write};
use std::os::fd::AsFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{DirEntryExt, FileExt};
use std::path::Path;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Rights of standard input.
pub(crate) const STDIN_RIGHTS: u64 = rights::FD_READ
    | rights::FD_FDSTAT_SET_FLAGS
    | rights::FD_FILESTAT_GET
    | rights::POLL_FD_READWRITE;

/// Rights of standard output and error.
pub(crate) const STDOUT_RIGHTS: u64 = rights::FD_WRITE
    | rights::FD_DATASYNC
    | rights::FD_SYNC
    | rights::FD_FDSTAT_SET_FLAGS
    | rights::FD_FILESTAT_GET
    | rights::POLL_FD_READWRITE;

/// Flags `fd_fdstat_set_flags` cannot change on an open file.
const SYNC_FLAGS: u16 = fdflags::DSYNC | fdflags::RSYNC | fdflags::SYNC;
/// Every `fdflags` bit.
const ALL_FDFLAGS: u16 = fdflags::APPEND | fdflags::NONBLOCK | SYNC_FLAGS;

/// The program's linear memory, as WASI functions see it: every access
/// is bounds-checked and fails with `EFAULT`.
pub(crate) struct GuestMemory<'a> {
    data: &'a mut [u8],
}

impl GuestMemory<'_> {
    fn range(&self, ptr: u32, len: u32) -> WasiResult<std::ops::Range<usize>> {
        let start = ptr as usize;
        let end = start.checked_add(len as usize).ok_or(Errno::FAULT)?;
        if end > self.data.len() {
            return Err(Errno::FAULT);
        }
        Ok(start..end)
    }

    fn slice(&self, ptr: u32, len: u32) -> WasiResult<&[u8]> {
        let r = self.range(ptr, len)?;
        Ok(&self.data[r])
    }

    fn slice_mut(&mut self, ptr: u32, len: u32) -> WasiResult<&mut [u8]> {
        let r = self.range(ptr, len)?;
        Ok(&mut self.data[r])
    }

    fn array<const N: usize>(&self, ptr: u32) -> WasiResult<[u8; N]> {
        let mut out = [0; N];
        out.copy_from_slice(self.slice(ptr, N as u32)?);
        Ok(out)
    }

    fn u8(&self, ptr: u32) -> WasiResult<u8> {
        Ok(self.array::<1>(ptr)?[0])
    }

    fn u16(&self, ptr: u32) -> WasiResult<u16> {
        Ok(u16::from_le_bytes(self.array(ptr)?))
    }

    fn u32(&self, ptr: u32) -> WasiResult<u32> {
        Ok(u32::from_le_bytes(self.array(ptr)?))
    }

    fn u64(&self, ptr: u32) -> WasiResult<u64> {
        Ok(u64::from_le_bytes(self.array(ptr)?))
    }

    fn write(&mut self, ptr: u32, bytes: &[u8]) -> WasiResult {
        self.slice_mut(ptr, bytes.len() as u32)?
            .copy_from_slice(bytes);
        Ok(())
    }

    fn write_u32(&mut self, ptr: u32, v: u32) -> WasiResult {
        self.write(ptr, &v.to_le_bytes())
    }

    fn write_u64(&mut self, ptr: u32, v: u64) -> WasiResult {
        self.write(ptr, &v.to_le_bytes())
    }

    /// A UTF-8 string (`EILSEQ` when it is not).
    fn str(&self, ptr: u32, len: u32) -> WasiResult<&str> {
        std::str::from_utf8(self.slice(ptr, len)?).map_err(|_| Errno::ILSEQ)
    }

    /// An array of `iovec`s, each checked to lie in memory.
    fn iovecs(&self, ptr: u32, count: u32) -> WasiResult<Vec<(u32, u32)>> {
        let bytes = count.checked_mul(IOVEC_SIZE).ok_or(Errno::FAULT)?;
        self.range(ptr, bytes)?;
        let mut total: u32 = 0;
        let mut out = Vec::with_capacity(count as usize);
        for i in 0..count {
            let at = ptr + i * IOVEC_SIZE;
            let (buf, len) = (self.u32(at)?, self.u32(at + 4)?);
            self.range(buf, len)?;
            total = total.checked_add(len).ok_or(Errno::INVAL)?;
            out.push((buf, len));
        }
        Ok(out)
    }
}

/// Reads into `iovs` in order; stops at the first short read, or after
/// the first buffer when `fill` is false (streams that may block).
fn read_iovecs(
    r: &mut impl Read,
    mem: &mut GuestMemory<'_>,
    iovs: &[(u32, u32)],
    fill: bool,
) -> WasiResult<u32> {
    let mut total = 0u32;
    for &(ptr, len) in iovs {
        if len == 0 {
            continue;
        }
        let buf = mem.slice_mut(ptr, len)?;
        let n = loop {
            match r.read(buf) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) if total > 0 => return Ok(total),
                Err(e) => return Err(e.into()),
            }
        };
        total += n as u32;
        if n < len as usize || !fill {
            break;
        }
    }
    Ok(total)
}

/// Retries `f` while it is interrupted.
fn retry<R>(mut f: impl FnMut() -> io::Result<R>) -> io::Result<R> {
    loop {
        match f() {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

fn require(d: &Descriptor, right: u64) -> WasiResult {
    if d.rights_base & right == right {
        Ok(())
    } else {
        Err(Errno::NOTCAPABLE)
    }
}

fn filetype_of(ft: cap_std::fs::FileType) -> u8 {
    if ft.is_dir() {
        filetype::DIRECTORY
    } else if ft.is_file() {
        filetype::REGULAR_FILE
    } else if ft.is_symlink() {
        filetype::SYMBOLIC_LINK
    } else if ft.is_char_device() {
        filetype::CHARACTER_DEVICE
    } else if ft.is_block_device() {
        filetype::BLOCK_DEVICE
    } else if ft.is_socket() {
        filetype::SOCKET_STREAM
    } else {
        filetype::UNKNOWN
    }
}

/// The metadata of an open host file.
fn file_metadata(f: &File) -> WasiResult<Metadata> {
    Ok(Metadata::from_file(f)?)
}

/// A second host descriptor for the directory `dir` (for the calls
/// `cap-std` keeps on files only: sync, times).
fn dir_as_file(dir: &Dir) -> WasiResult<File> {
    Ok(File::from(dir.as_fd().try_clone_to_owned()?))
}

fn nanos(secs: i64, nsecs: i64) -> u64 {
    (secs.max(0) as u64)
        .saturating_mul(1_000_000_000)
        .saturating_add(nsecs.max(0) as u64)
}

/// The `filestat` record of `m`.
fn filestat(m: &Metadata) -> [u8; FILESTAT_SIZE as usize] {
    filestat_record(
        m.dev(),
        m.ino(),
        filetype_of(m.file_type()),
        m.nlink(),
        m.size(),
        [
            nanos(m.atime(), m.atime_nsec()),
            nanos(m.mtime(), m.mtime_nsec()),
            nanos(m.ctime(), m.ctime_nsec()),
        ],
    )
}

fn filestat_record(
    dev: u64,
    ino: u64,
    ty: u8,
    nlink: u64,
    size: u64,
    times: [u64; 3],
) -> [u8; FILESTAT_SIZE as usize] {
    let mut b = [0u8; FILESTAT_SIZE as usize];
    b[0..8].copy_from_slice(&dev.to_le_bytes());
    b[8..16].copy_from_slice(&ino.to_le_bytes());
    b[16] = ty;
    b[24..32].copy_from_slice(&nlink.to_le_bytes());
    b[32..40].copy_from_slice(&size.to_le_bytes());
    b[40..48].copy_from_slice(&times[0].to_le_bytes());
    b[48..56].copy_from_slice(&times[1].to_le_bytes());
    b[56..64].copy_from_slice(&times[2].to_le_bytes());
    b
}

/// The times `fstflags` asks to set: access then modification time, each
/// `None` when it is left alone.
fn time_specs(
    atim: u64,
    mtim: u64,
    flags: u32,
) -> WasiResult<(Option<SystemTimeSpec>, Option<SystemTimeSpec>)> {
    let all = (fstflags::ATIM | fstflags::ATIM_NOW | fstflags::MTIM | fstflags::MTIM_NOW) as u32;
    if flags & !all != 0 {
        return Err(Errno::INVAL);
    }
    let has = |f: u16| flags & f as u32 != 0;
    if (has(fstflags::ATIM) && has(fstflags::ATIM_NOW))
        || (has(fstflags::MTIM) && has(fstflags::MTIM_NOW))
    {
        return Err(Errno::INVAL);
    }
    let spec = |set: u16, now: u16, t: u64| {
        if has(set) {
            Some(SystemTimeSpec::Absolute(
                cap_std::time::SystemTime::from_std(UNIX_EPOCH + Duration::from_nanos(t)),
            ))
        } else if has(now) {
            Some(SystemTimeSpec::SymbolicNow)
        } else {
            None
        }
    };
    Ok((
        spec(fstflags::ATIM, fstflags::ATIM_NOW, atim),
        spec(fstflags::MTIM, fstflags::MTIM_NOW, mtim),
    ))
}

/// Sets the times of an open host file or directory.
fn set_file_times(f: &File, atim: u64, mtim: u64, flags: u32) -> WasiResult {
    let (a, m) = time_specs(atim, mtim, flags)?;
    let now = SystemTime::now();
    let resolve = |s: SystemTimeSpec| match s {
        SystemTimeSpec::SymbolicNow => now,
        SystemTimeSpec::Absolute(t) => t.into_std(),
    };
    let mut times = std::fs::FileTimes::new();
    if let Some(a) = a {
        times = times.set_accessed(resolve(a));
    }
    if let Some(m) = m {
        times = times.set_modified(resolve(m));
    }
    Ok(f.set_times(times)?)
}

/// A guest path as a host path relative to a directory handle. `cap-std`
/// refuses absolute paths and `..` above the handle (`EPERM`).
fn rel(path: &str) -> &Path {
    Path::new(path)
}

/// CPU time of the calling thread in nanoseconds (Linux: the first field
/// of `/proc/thread-self/schedstat`).
fn thread_cpu_time() -> WasiResult<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").map_err(|_| Errno::NOTSUP)?;
    text.split_whitespace()
        .next()
        .and_then(|f| f.parse().ok())
        .ok_or(Errno::NOTSUP)
}

impl WasiCtx {
    fn desc(&mut self, fd: u32) -> WasiResult<&mut Descriptor> {
        self.fds.get_mut(&fd).ok_or(Errno::BADF)
    }

    /// The directory handle behind `fd`, for a `path_*` function holding
    /// `right`: any other descriptor is `EBADF`, as in Wasmtime.
    fn dir(&self, fd: u32, right: u64) -> WasiResult<&Dir> {
        let d = self.fds.get(&fd).ok_or(Errno::BADF)?;
        let Kind::Dir(dir) = &d.kind else {
            return Err(Errno::BADF);
        };
        require(d, right)?;
        Ok(dir)
    }

    fn write_strings(
        mem: &mut GuestMemory<'_>,
        items: &[Vec<u8>],
        ptrs: u32,
        buf: u32,
    ) -> WasiResult {
        let mut at = buf;
        for (i, item) in items.iter().enumerate() {
            mem.write_u32(ptrs.wrapping_add(4 * i as u32), at)?;
            mem.write(at, item)?;
            mem.write(at.wrapping_add(item.len() as u32), &[0])?;
            at = at.wrapping_add(item.len() as u32 + 1);
        }
        Ok(())
    }

    fn sizes(mem: &mut GuestMemory<'_>, items: &[Vec<u8>], count: u32, size: u32) -> WasiResult {
        let total: usize = items.iter().map(|i| i.len() + 1).sum();
        mem.write_u32(count, items.len() as u32)?;
        mem.write_u32(size, u32::try_from(total).map_err(|_| Errno::OVERFLOW)?)
    }

    fn arg_bytes(&self) -> Vec<Vec<u8>> {
        self.args.iter().map(|a| a.as_bytes().to_vec()).collect()
    }

    fn env_bytes(&self) -> Vec<Vec<u8>> {
        self.env
            .iter()
            .map(|(k, v)| format!("{k}={v}").into_bytes())
            .collect()
    }

    pub(crate) fn args_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        argv: u32,
        buf: u32,
    ) -> WasiResult {
        Self::write_strings(mem, &self.arg_bytes(), argv, buf)
    }

    pub(crate) fn args_sizes_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        argc: u32,
        size: u32,
    ) -> WasiResult {
        Self::sizes(mem, &self.arg_bytes(), argc, size)
    }

    pub(crate) fn environ_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        environ: u32,
        buf: u32,
    ) -> WasiResult {
        Self::write_strings(mem, &self.env_bytes(), environ, buf)
    }

    pub(crate) fn environ_sizes_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        count: u32,
        size: u32,
    ) -> WasiResult {
        Self::sizes(mem, &self.env_bytes(), count, size)
    }

    pub(crate) fn clock_res_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        id: u32,
        out: u32,
    ) -> WasiResult {
        let res = match id {
            clockid::REALTIME | clockid::MONOTONIC => 1,
            clockid::PROCESS_CPUTIME_ID | clockid::THREAD_CPUTIME_ID => {
                thread_cpu_time()?;
                1
            }
            _ => return Err(Errno::INVAL),
        };
        mem.write_u64(out, res)
    }

    /// The current time of clock `id`, in nanoseconds.
    fn now(&self, id: u32) -> WasiResult<u64> {
        match id {
            clockid::REALTIME => {
                let d = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map_err(|_| Errno::OVERFLOW)?;
                u64::try_from(d.as_nanos()).map_err(|_| Errno::OVERFLOW)
            }
            clockid::MONOTONIC => {
                u64::try_from(self.monotonic_base.elapsed().as_nanos()).map_err(|_| Errno::OVERFLOW)
            }
            clockid::PROCESS_CPUTIME_ID | clockid::THREAD_CPUTIME_ID => thread_cpu_time(),
            _ => Err(Errno::INVAL),
        }
    }

    pub(crate) fn clock_time_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        id: u32,
        _precision: u64,
        out: u32,
    ) -> WasiResult {
        let t = self.now(id)?;
        mem.write_u64(out, t)
    }

    pub(crate) fn fd_advise(
        &mut self,
        fd: u32,
        _offset: u64,
        _len: u64,
        advice: u32,
    ) -> WasiResult {
        if advice > ADVICE_NOREUSE as u32 {
            return Err(Errno::INVAL);
        }
        let d = self.desc(fd)?;
        match &d.kind {
            // Advice only: the host's page cache policy is left alone.
            Kind::File(_) => require(d, rights::FD_ADVISE),
            Kind::Dir(_) | Kind::Stdin(_) | Kind::Output(_) => Err(Errno::BADF),
        }
    }

    pub(crate) fn fd_allocate(&mut self, fd: u32, offset: u64, len: u64) -> WasiResult {
        let d = self.desc(fd)?;
        let Kind::File(f) = &d.kind else {
            return Err(Errno::BADF);
        };
        if !f.writable {
            return Err(Errno::BADF);
        }
        require(d, rights::FD_ALLOCATE)?;
        let end = offset.checked_add(len).ok_or(Errno::FBIG)?;
        if i64::try_from(end).is_err() {
            return Err(Errno::FBIG);
        }
        if end > f.file.metadata()?.len() {
            f.file.set_len(end)?;
        }
        Ok(())
    }

    pub(crate) fn fd_close(&mut self, fd: u32) -> WasiResult {
        self.fds.remove(&fd).map(|_| ()).ok_or(Errno::BADF)
    }

    pub(crate) fn fd_datasync(&mut self, fd: u32) -> WasiResult {
        let d = self.desc(fd)?;
        require(d, rights::FD_DATASYNC)?;
        match &mut d.kind {
            Kind::File(f) => Ok(f.file.sync_data()?),
            Kind::Output(s) => Ok(s.flush()?),
            Kind::Dir(dir) => Ok(dir_as_file(dir)?.sync_data()?),
            Kind::Stdin(_) => Err(Errno::INVAL),
        }
    }

    pub(crate) fn fd_sync(&mut self, fd: u32) -> WasiResult {
        let d = self.desc(fd)?;
        require(d, rights::FD_SYNC)?;
        match &mut d.kind {
            Kind::File(f) => Ok(f.file.sync_all()?),
            Kind::Output(s) => Ok(s.flush()?),
            Kind::Dir(dir) => Ok(dir_as_file(dir)?.sync_all()?),
            Kind::Stdin(_) => Err(Errno::INVAL),
        }
    }

    pub(crate) fn fd_fdstat_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        out: u32,
    ) -> WasiResult {
        mem.range(out, FDSTAT_SIZE)?;
        let d = self.desc(fd)?;
        let ty = match &mut d.kind {
            Kind::File(f) => filetype_of(file_metadata(&f.file)?.file_type()),
            Kind::Dir(_) => filetype::DIRECTORY,
            Kind::Stdin(s) => {
                let tty = s.is_terminal();
                match s.file() {
                    Some(f) => filetype_of(file_metadata(f)?.file_type()),
                    None if tty => filetype::CHARACTER_DEVICE,
                    None => filetype::UNKNOWN,
                }
            }
            Kind::Output(s) => {
                let tty = s.is_terminal();
                match s.file() {
                    Some(f) => filetype_of(file_metadata(f)?.file_type()),
                    None if tty => filetype::CHARACTER_DEVICE,
                    None => filetype::UNKNOWN,
                }
            }
        };
        let mut b = [0u8; FDSTAT_SIZE as usize];
        b[0] = ty;
        b[2..4].copy_from_slice(&d.flags.to_le_bytes());
        b[8..16].copy_from_slice(&d.rights_base.to_le_bytes());
        b[16..24].copy_from_slice(&d.rights_inheriting.to_le_bytes());
        mem.write(out, &b)
    }

    pub(crate) fn fd_fdstat_set_flags(&mut self, fd: u32, flags: u32) -> WasiResult {
        let flags = u16::try_from(flags).map_err(|_| Errno::INVAL)?;
        if flags & !ALL_FDFLAGS != 0 {
            return Err(Errno::INVAL);
        }
        let d = self.desc(fd)?;
        // As in Wasmtime: only an open file's flags change, and only
        // `APPEND` and `NONBLOCK`; the synchronisation mode is fixed at
        // `path_open`.
        let Kind::File(f) = &d.kind else {
            return Err(Errno::BADF);
        };
        if flags & SYNC_FLAGS != 0 {
            return Err(Errno::INVAL);
        }
        require(d, rights::FD_FDSTAT_SET_FLAGS)?;
        // `O_APPEND` on the open file description: every write lands at
        // the end of the file, atomically, whatever else writes to it.
        let mut host = rustix::fs::fcntl_getfl(&f.file).map_err(io::Error::from)?;
        host.set(rustix::fs::OFlags::APPEND, flags & fdflags::APPEND != 0);
        rustix::fs::fcntl_setfl(&f.file, host).map_err(io::Error::from)?;
        d.flags = (d.flags & SYNC_FLAGS) | flags;
        Ok(())
    }

    pub(crate) fn fd_fdstat_set_rights(
        &mut self,
        fd: u32,
        base: u64,
        inheriting: u64,
    ) -> WasiResult {
        let d = self.desc(fd)?;
        if base & !d.rights_base != 0 || inheriting & !d.rights_inheriting != 0 {
            return Err(Errno::NOTCAPABLE);
        }
        d.rights_base = base;
        d.rights_inheriting = inheriting;
        Ok(())
    }

    pub(crate) fn fd_filestat_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        out: u32,
    ) -> WasiResult {
        mem.range(out, FILESTAT_SIZE)?;
        let d = self.desc(fd)?;
        require(d, rights::FD_FILESTAT_GET)?;
        let record = match &mut d.kind {
            Kind::File(f) => filestat(&file_metadata(&f.file)?),
            Kind::Dir(dir) => filestat(&dir.dir_metadata()?),
            Kind::Stdin(s) => match s.file() {
                Some(f) => filestat(&file_metadata(f)?),
                None => {
                    let ty = if s.is_terminal() {
                        filetype::CHARACTER_DEVICE
                    } else {
                        filetype::UNKNOWN
                    };
                    filestat_record(0, 0, ty, 0, 0, [0; 3])
                }
            },
            Kind::Output(s) => match s.file() {
                Some(f) => filestat(&file_metadata(f)?),
                None => {
                    let ty = if s.is_terminal() {
                        filetype::CHARACTER_DEVICE
                    } else {
                        filetype::UNKNOWN
                    };
                    filestat_record(0, 0, ty, 0, 0, [0; 3])
                }
            },
        };
        mem.write(out, &record)
    }

    pub(crate) fn fd_filestat_set_size(&mut self, fd: u32, size: u64) -> WasiResult {
        let d = self.desc(fd)?;
        let Kind::File(f) = &d.kind else {
            return Err(Errno::BADF);
        };
        // A file not open for writing: the kernel's `EINVAL` (before the
        // rights, which such a file lacks), as in Wasmtime.
        if !f.writable {
            return Err(Errno::INVAL);
        }
        require(d, rights::FD_FILESTAT_SET_SIZE)?;
        if i64::try_from(size).is_err() {
            return Err(Errno::INVAL);
        }
        Ok(f.file.set_len(size)?)
    }

    pub(crate) fn fd_filestat_set_times(
        &mut self,
        fd: u32,
        atim: u64,
        mtim: u64,
        flags: u32,
    ) -> WasiResult {
        time_specs(atim, mtim, flags)?;
        let d = self.desc(fd)?;
        require(d, rights::FD_FILESTAT_SET_TIMES)?;
        match &mut d.kind {
            Kind::File(f) => set_file_times(&f.file, atim, mtim, flags),
            Kind::Dir(dir) => set_file_times(&dir_as_file(dir)?, atim, mtim, flags),
            Kind::Stdin(s) => match s.file() {
                Some(f) => set_file_times(f, atim, mtim, flags),
                None => Err(Errno::BADF),
            },
            Kind::Output(s) => match s.file() {
                Some(f) => set_file_times(f, atim, mtim, flags),
                None => Err(Errno::BADF),
            },
        }
    }

    /// The file behind `fd` for a positioned read or write (`fd_pread`,
    /// `fd_pwrite`): directories are `EBADF`, streams `ESPIPE`, a file not
    /// opened for the access `EBADF`, and `right` must be held.
    fn positioned_file(&mut self, fd: u32, right: u64) -> WasiResult<&std::fs::File> {
        let d = self.desc(fd)?;
        let f = match &d.kind {
            Kind::File(f) => f,
            Kind::Dir(_) => return Err(Errno::BADF),
            Kind::Stdin(_) | Kind::Output(_) => return Err(Errno::SPIPE),
        };
        let mode = if right == rights::FD_WRITE {
            f.writable
        } else {
            f.readable
        };
        if !mode {
            return Err(Errno::BADF);
        }
        require(d, right)?;
        Ok(&f.file)
    }

    pub(crate) fn fd_pread(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        iovs: u32,
        iovs_len: u32,
        offset: u64,
        nread: u32,
    ) -> WasiResult {
        let iovs = mem.iovecs(iovs, iovs_len)?;
        mem.range(nread, 4)?;
        let file = self.positioned_file(fd, rights::FD_READ)?;
        let mut total = 0u32;
        for (ptr, len) in iovs {
            if len == 0 {
                continue;
            }
            let buf = mem.slice_mut(ptr, len)?;
            let at = offset.checked_add(total as u64).ok_or(Errno::INVAL)?;
            let n = match retry(|| file.read_at(buf, at)) {
                Ok(n) => n,
                Err(_) if total > 0 => break,
                Err(e) => return Err(e.into()),
            };
            total += n as u32;
            if n < len as usize {
                break;
            }
        }
        mem.write_u32(nread, total)
    }

    pub(crate) fn fd_pwrite(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        iovs: u32,
        iovs_len: u32,
        offset: u64,
        nwritten: u32,
    ) -> WasiResult {
        let iovs = mem.iovecs(iovs, iovs_len)?;
        mem.range(nwritten, 4)?;
        let file = self.positioned_file(fd, rights::FD_WRITE)?;
        let mut total = 0u32;
        for (ptr, len) in iovs {
            if len == 0 {
                continue;
            }
            let buf = mem.slice(ptr, len)?;
            let at = offset.checked_add(total as u64).ok_or(Errno::INVAL)?;
            let n = match retry(|| file.write_at(buf, at)) {
                Ok(n) => n,
                Err(_) if total > 0 => break,
                Err(e) => return Err(e.into()),
            };
            total += n as u32;
            if n < len as usize {
                break;
            }
        }
        mem.write_u32(nwritten, total)
    }

    pub(crate) fn fd_prestat_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        out: u32,
    ) -> WasiResult {
        let d = self.desc(fd)?;
        let name = d.preopen.as_ref().ok_or(Errno::BADF)?;
        let mut b = [0u8; PRESTAT_SIZE as usize];
        b[4..8].copy_from_slice(&(name.len() as u32).to_le_bytes());
        mem.write(out, &b)
    }

    pub(crate) fn fd_prestat_dir_name(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        path: u32,
        len: u32,
    ) -> WasiResult {
        let d = self.desc(fd)?;
        // Not a preopen: `ENOTDIR` (Wasmtime's answer, kept from its
        // earlier implementation), where `fd_prestat_get` says `EBADF`.
        let name = d.preopen.as_ref().ok_or(Errno::NOTDIR)?;
        if (len as usize) < name.len() {
            return Err(Errno::NAMETOOLONG);
        }
        mem.write(path, name.as_bytes())
    }

    pub(crate) fn fd_read(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        iovs: u32,
        iovs_len: u32,
        nread: u32,
    ) -> WasiResult {
        let iovs = mem.iovecs(iovs, iovs_len)?;
        mem.range(nread, 4)?;
        let d = self.desc(fd)?;
        match &d.kind {
            Kind::Output(_) | Kind::Dir(_) => return Err(Errno::BADF),
            Kind::File(f) if !f.readable => return Err(Errno::BADF),
            _ => {}
        }
        require(d, rights::FD_READ)?;
        let n = match &mut d.kind {
            Kind::File(f) => read_iovecs(&mut f.file, mem, &iovs, true)?,
            Kind::Stdin(InputStream::File(f)) => read_iovecs(f, mem, &iovs, true)?,
            Kind::Stdin(InputStream::Bytes(b)) => read_iovecs(b, mem, &iovs, true)?,
            Kind::Stdin(s) => read_iovecs(&mut StreamReader(s), mem, &iovs, false)?,
            Kind::Output(_) | Kind::Dir(_) => return Err(Errno::BADF),
        };
        mem.write_u32(nread, n)
    }

    pub(crate) fn fd_readdir(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        buf: u32,
        buf_len: u32,
        cookie: u64,
        bufused: u32,
    ) -> WasiResult {
        mem.range(buf, buf_len)?;
        mem.range(bufused, 4)?;
        let dir = self.dir(fd, rights::FD_READDIR)?;
        // `.` and `..` first, then the entries sorted by name so that a
        // cookie (an index in this order) stays meaningful across calls.
        // `..` of a preopen lies outside the sandbox and is not looked
        // up: it carries the directory's own inode, as in Wasmtime.
        let ino = dir.dir_metadata()?.ino();
        let mut entries: Vec<(Vec<u8>, u64, u8)> = vec![
            (b".".to_vec(), ino, filetype::DIRECTORY),
            (b"..".to_vec(), ino, filetype::DIRECTORY),
        ];
        let mut rest = Vec::new();
        for entry in dir.entries()? {
            let entry = entry?;
            let ty = entry
                .file_type()
                .map(filetype_of)
                .unwrap_or(filetype::UNKNOWN);
            rest.push((entry.file_name().as_bytes().to_vec(), entry.ino(), ty));
        }
        rest.sort();
        entries.extend(rest);
        let mut out = Vec::new();
        for (i, (name, ino, ty)) in entries
            .iter()
            .enumerate()
            .skip(cookie.min(usize::MAX as u64) as usize)
        {
            if out.len() >= buf_len as usize {
                break;
            }
            let mut header = [0u8; DIRENT_SIZE as usize];
            header[0..8].copy_from_slice(&(i as u64 + 1).to_le_bytes());
            header[8..16].copy_from_slice(&ino.to_le_bytes());
            header[16..20].copy_from_slice(&(name.len() as u32).to_le_bytes());
            header[20] = *ty;
            out.extend_from_slice(&header);
            out.extend_from_slice(name);
        }
        // A full buffer (possibly ending in a cut entry) tells the caller
        // to come back with a larger one or the next cookie.
        out.truncate(buf_len as usize);
        mem.write(buf, &out)?;
        mem.write_u32(bufused, out.len() as u32)
    }

    pub(crate) fn fd_renumber(&mut self, from: u32, to: u32) -> WasiResult {
        if !self.fds.contains_key(&from) || !self.fds.contains_key(&to) {
            return Err(Errno::BADF);
        }
        if from == to {
            return Ok(());
        }
        let d = self.fds.remove(&from).ok_or(Errno::BADF)?;
        self.fds.insert(to, d);
        Ok(())
    }

    pub(crate) fn fd_seek(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        offset: u64,
        whence: u32,
        out: u32,
    ) -> WasiResult {
        mem.range(out, 8)?;
        let offset = offset as i64;
        let pos = match u8::try_from(whence).map_err(|_| Errno::INVAL)? {
            whence::SET => SeekFrom::Start(u64::try_from(offset).map_err(|_| Errno::INVAL)?),
            whence::CUR => SeekFrom::Current(offset),
            whence::END => SeekFrom::End(offset),
            _ => return Err(Errno::INVAL),
        };
        let d = self.desc(fd)?;
        let tell_only = pos == SeekFrom::Current(0);
        let file = match &mut d.kind {
            Kind::File(f) => &mut f.file,
            Kind::Stdin(s) => s.file().ok_or(Errno::SPIPE)?,
            Kind::Output(s) => s.file().ok_or(Errno::SPIPE)?,
            Kind::Dir(_) => return Err(Errno::BADF),
        };
        // `FD_SEEK` implies `FD_TELL`.
        let allowed = d.rights_base & rights::FD_SEEK != 0
            || (tell_only && d.rights_base & rights::FD_TELL != 0);
        if !allowed {
            return Err(Errno::NOTCAPABLE);
        }
        let new = file.seek(pos)?;
        mem.write_u64(out, new)
    }

    pub(crate) fn fd_tell(&mut self, mem: &mut GuestMemory<'_>, fd: u32, out: u32) -> WasiResult {
        self.fd_seek(mem, fd, 0, whence::CUR as u32, out)
    }

    pub(crate) fn fd_write(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        iovs: u32,
        iovs_len: u32,
        nwritten: u32,
    ) -> WasiResult {
        let iovs = mem.iovecs(iovs, iovs_len)?;
        mem.range(nwritten, 4)?;
        let d = self.desc(fd)?;
        match &d.kind {
            Kind::Stdin(_) | Kind::Dir(_) => return Err(Errno::BADF),
            Kind::File(f) if !f.writable => return Err(Errno::BADF),
            _ => {}
        }
        require(d, rights::FD_WRITE)?;
        let n = {
            let slices: Vec<IoSlice<'_>> = iovs
                .iter()
                .map(|&(p, l)| mem.slice(p, l).map(IoSlice::new))
                .collect::<WasiResult<_>>()?;
            match &mut d.kind {
                Kind::Output(s) => retry(|| s.write_vectored(&slices))?,
                // In append mode the file description has `O_APPEND`: the
                // kernel places each write at the end, atomically.
                Kind::File(f) => retry(|| f.file.write_vectored(&slices))?,
                Kind::Stdin(_) | Kind::Dir(_) => return Err(Errno::BADF),
            }
        };
        mem.write_u32(nwritten, n as u32)
    }

    pub(crate) fn path_create_directory(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        path: u32,
        len: u32,
    ) -> WasiResult {
        let dir = self.dir(fd, rights::PATH_CREATE_DIRECTORY)?;
        Ok(dir.create_dir(rel(mem.str(path, len)?))?)
    }

    pub(crate) fn path_filestat_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        flags: u32,
        path: u32,
        len: u32,
        out: u32,
    ) -> WasiResult {
        mem.range(out, FILESTAT_SIZE)?;
        let dir = self.dir(fd, rights::PATH_FILESTAT_GET)?;
        let path = rel(mem.str(path, len)?);
        let m = if flags & lookupflags::SYMLINK_FOLLOW != 0 {
            dir.metadata(path)?
        } else {
            dir.symlink_metadata(path)?
        };
        mem.write(out, &filestat(&m))
    }

    #[allow(clippy::too_many_arguments, reason = "the WASI signature")]
    pub(crate) fn path_filestat_set_times(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        flags: u32,
        path: u32,
        len: u32,
        atim: u64,
        mtim: u64,
        fst: u32,
    ) -> WasiResult {
        let (a, m) = time_specs(atim, mtim, fst)?;
        let dir = self.dir(fd, rights::PATH_FILESTAT_SET_TIMES)?;
        let path = rel(mem.str(path, len)?);
        if flags & lookupflags::SYMLINK_FOLLOW != 0 {
            Ok(dir.set_times(path, a, m)?)
        } else {
            Ok(dir.set_symlink_times(path, a, m)?)
        }
    }

    #[allow(clippy::too_many_arguments, reason = "the WASI signature")]
    pub(crate) fn path_link(
        &mut self,
        mem: &mut GuestMemory<'_>,
        old_fd: u32,
        old_flags: u32,
        old_path: u32,
        old_len: u32,
        new_fd: u32,
        new_path: u32,
        new_len: u32,
    ) -> WasiResult {
        let old_dir = self.dir(old_fd, rights::PATH_LINK_SOURCE)?;
        let new_dir = self.dir(new_fd, rights::PATH_LINK_TARGET)?;
        let old = rel(mem.str(old_path, old_len)?);
        let new = rel(mem.str(new_path, new_len)?);
        // As in Wasmtime: a hard link to what a symbolic link points at
        // is not made (`linkat` with `AT_SYMLINK_FOLLOW` would resolve the
        // link outside the sandbox's control).
        if old_flags & lookupflags::SYMLINK_FOLLOW != 0 {
            return Err(Errno::INVAL);
        }
        Ok(old_dir.hard_link(old, new_dir, new)?)
    }

    #[allow(clippy::too_many_arguments, reason = "the WASI signature")]
    pub(crate) fn path_open(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        dirflags: u32,
        path: u32,
        len: u32,
        oflags: u32,
        rights_base: u64,
        rights_inheriting: u64,
        fdflags: u32,
        fd_out: u32,
    ) -> WasiResult {
        let oflags = u16::try_from(oflags).map_err(|_| Errno::INVAL)?;
        let fdflags = u16::try_from(fdflags).map_err(|_| Errno::INVAL)?;
        if oflags & !(oflags::CREAT | oflags::DIRECTORY | oflags::EXCL | oflags::TRUNC) != 0
            || fdflags & !ALL_FDFLAGS != 0
        {
            return Err(Errno::INVAL);
        }
        mem.range(fd_out, 4)?;
        let path = rel(mem.str(path, len)?);
        let parent = self.fds.get(&fd).ok_or(Errno::BADF)?;
        let Kind::Dir(dir) = &parent.kind else {
            return Err(Errno::NOTDIR);
        };
        let has = |f: u16| oflags & f != 0;
        require(parent, rights::PATH_OPEN)?;
        if has(oflags::CREAT) {
            require(parent, rights::PATH_CREATE_FILE)?;
        }
        if has(oflags::TRUNC) {
            require(parent, rights::PATH_FILESTAT_SET_SIZE)?;
        }
        let inheritable = parent.rights_inheriting;
        // A directory is never created, made exclusively or truncated.
        if has(oflags::DIRECTORY) && (has(oflags::CREAT) || has(oflags::EXCL) || has(oflags::TRUNC))
        {
            return Err(Errno::INVAL);
        }

        // The access mode, as Wasmtime derives it: writing when the rights
        // ask for `fd_write`, when creating or truncating, or appending;
        // reading when the rights ask for it or when not writing. A
        // directory opened for writing is then refused by the kernel
        // (`EISDIR`).
        let append = fdflags & fdflags::APPEND != 0;
        let write = rights_base & rights::FD_WRITE != 0
            || has(oflags::CREAT)
            || has(oflags::TRUNC)
            || append;
        // A directory's permissions (DirPerms/FilePerms) may leave files
        // below it without write access: refuse rather than open the host
        // file for writing.
        if write && inheritable & rights::FD_WRITE == 0 && !has(oflags::DIRECTORY) {
            return Err(Errno::NOTCAPABLE);
        }
        let read = rights_base & rights::READ_MODE != 0 || !write;
        let mut opts = OpenOptions::new();
        opts.read(read).write(write).append(append);
        if has(oflags::CREAT) {
            if has(oflags::EXCL) {
                opts.create_new(true);
            } else {
                opts.create(true);
            }
        }
        opts.truncate(has(oflags::TRUNC));
        opts.follow(if dirflags & lookupflags::SYMLINK_FOLLOW != 0 {
            FollowSymlinks::Yes
        } else {
            FollowSymlinks::No
        });
        opts.maybe_dir(true);
        opts.sync(fdflags & fdflags::SYNC != 0)
            .dsync(fdflags & fdflags::DSYNC != 0)
            .rsync(fdflags & fdflags::RSYNC != 0);
        // `cap-std` resolves `path` beneath `dir`: `openat2` with
        // `RESOLVE_BENEATH` where the kernel has it, else its own
        // component-by-component walk over directory descriptors.
        let file = dir.open_with(path, &opts)?.into_std();
        let kind = if file.metadata()?.is_dir() {
            Kind::Dir(Dir::from_std_file(file))
        } else if has(oflags::DIRECTORY) {
            return Err(Errno::NOTDIR);
        } else {
            Kind::File(OpenFile {
                file,
                readable: read,
                writable: write,
            })
        };
        let (mask, mode_mask) = match kind {
            Kind::Dir(_) => (rights::DIRECTORY, 0),
            _ => (
                rights::FILE,
                (if read { 0 } else { rights::READ_MODE })
                    | (if write { 0 } else { rights::WRITE_MODE }),
            ),
        };
        let desc = Descriptor {
            kind,
            rights_base: rights_base & inheritable & mask & !mode_mask,
            rights_inheriting: rights_inheriting & inheritable,
            flags: fdflags,
            preopen: None,
        };
        let new_fd = self.next_fd()?;
        self.fds.insert(new_fd, desc);
        mem.write_u32(fd_out, new_fd)
    }

    #[allow(clippy::too_many_arguments, reason = "the WASI signature")]
    pub(crate) fn path_readlink(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        path: u32,
        len: u32,
        buf: u32,
        buf_len: u32,
        bufused: u32,
    ) -> WasiResult {
        mem.range(buf, buf_len)?;
        mem.range(bufused, 4)?;
        let dir = self.dir(fd, rights::PATH_READLINK)?;
        // An absolute target is refused (`EPERM`), as in Wasmtime.
        let target = dir.read_link(rel(mem.str(path, len)?))?;
        let bytes = target.as_os_str().as_bytes();
        let n = bytes.len().min(buf_len as usize);
        mem.write(buf, &bytes[..n])?;
        mem.write_u32(bufused, n as u32)
    }

    pub(crate) fn path_remove_directory(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        path: u32,
        len: u32,
    ) -> WasiResult {
        let dir = self.dir(fd, rights::PATH_REMOVE_DIRECTORY)?;
        Ok(dir.remove_dir(rel(mem.str(path, len)?))?)
    }

    #[allow(clippy::too_many_arguments, reason = "the WASI signature")]
    pub(crate) fn path_rename(
        &mut self,
        mem: &mut GuestMemory<'_>,
        old_fd: u32,
        old_path: u32,
        old_len: u32,
        new_fd: u32,
        new_path: u32,
        new_len: u32,
    ) -> WasiResult {
        let old_dir = self.dir(old_fd, rights::PATH_RENAME_SOURCE)?;
        let new_dir = self.dir(new_fd, rights::PATH_RENAME_TARGET)?;
        let old_str = mem.str(old_path, old_len)?;
        let new_str = mem.str(new_path, new_len)?;
        // A trailing `/` on the new name asks for a directory: renaming
        // anything else there is `ENOTDIR`, as `renameat(2)` and Wasmtime
        // say (`cap-std` drops that slash). Only the errno depends on this
        // look-up; the rename itself stays one call beneath the handles.
        if new_str.ends_with('/') {
            let source = old_dir.symlink_metadata(rel(old_str.trim_end_matches('/')))?;
            if !source.is_dir() {
                return Err(Errno::NOTDIR);
            }
        }
        Ok(old_dir.rename(rel(old_str), new_dir, rel(new_str))?)
    }

    pub(crate) fn path_symlink(
        &mut self,
        mem: &mut GuestMemory<'_>,
        old_path: u32,
        old_len: u32,
        fd: u32,
        new_path: u32,
        new_len: u32,
    ) -> WasiResult {
        let dir = self.dir(fd, rights::PATH_SYMLINK)?;
        let target = rel(mem.str(old_path, old_len)?);
        // A link to an absolute path could never be followed inside the
        // sandbox: refused (`EPERM`) rather than planted for the host, as
        // in Wasmtime.
        if target.has_root() {
            return Err(Errno::PERM);
        }
        Ok(dir.symlink(target, rel(mem.str(new_path, new_len)?))?)
    }

    pub(crate) fn path_unlink_file(
        &mut self,
        mem: &mut GuestMemory<'_>,
        fd: u32,
        path: u32,
        len: u32,
    ) -> WasiResult {
        let dir = self.dir(fd, rights::PATH_UNLINK_FILE)?;
        Ok(dir.remove_file(rel(mem.str(path, len)?))?)
    }

    pub(crate) fn poll_oneoff(
        &mut self,
        mem: &mut GuestMemory<'_>,
        subs: u32,
        events: u32,
        nsubs: u32,
        nevents: u32,
    ) -> WasiResult {
        if nsubs == 0 {
            return Err(Errno::INVAL);
        }
        mem.range(
            subs,
            nsubs.checked_mul(SUBSCRIPTION_SIZE).ok_or(Errno::FAULT)?,
        )?;
        mem.range(events, nsubs.checked_mul(EVENT_SIZE).ok_or(Errno::FAULT)?)?;
        mem.range(nevents, 4)?;

        // (userdata, error, type, nbytes) of each event ready now.
        let mut ready: Vec<(u64, Errno, u8, u64)> = Vec::new();
        // (userdata, deadline) of each clock subscription.
        let mut clocks: Vec<(u64, Instant)> = Vec::new();
        let now = Instant::now();
        for i in 0..nsubs {
            let at = subs + i * SUBSCRIPTION_SIZE;
            let userdata = mem.u64(at)?;
            match mem.u8(at + 8)? {
                eventtype::CLOCK => {
                    let id = mem.u32(at + 16)?;
                    let timeout = mem.u64(at + 24)?;
                    let flags = mem.u16(at + 40)?;
                    let absolute = flags & SUBSCRIPTION_CLOCK_ABSTIME != 0;
                    let wait = match (id, absolute) {
                        (clockid::REALTIME | clockid::MONOTONIC, false) => {
                            Some(Duration::from_nanos(timeout))
                        }
                        (clockid::REALTIME | clockid::MONOTONIC, true) => {
                            let current = self.now(id)?;
                            Some(Duration::from_nanos(timeout.saturating_sub(current)))
                        }
                        _ => None,
                    };
                    match wait {
                        Some(w) => clocks.push((
                            userdata,
                            now.checked_add(w)
                                .unwrap_or(now + Duration::from_secs(u32::MAX as u64)),
                        )),
                        None => ready.push((userdata, Errno::INVAL, eventtype::CLOCK, 0)),
                    }
                }
                ty @ (eventtype::FD_READ | eventtype::FD_WRITE) => {
                    let fd = mem.u32(at + 16)?;
                    // Files and standard streams are always ready.
                    let event = match self.fds.get_mut(&fd) {
                        None => (userdata, Errno::BADF, ty, 0),
                        Some(d) if d.rights_base & rights::POLL_FD_READWRITE == 0 => {
                            (userdata, Errno::NOTCAPABLE, ty, 0)
                        }
                        Some(d) => {
                            let nbytes = match (&mut d.kind, ty) {
                                (Kind::File(f), eventtype::FD_READ) => file_remaining(&mut f.file),
                                (Kind::Stdin(s), eventtype::FD_READ) => s.available(),
                                (Kind::Dir(_), _) => {
                                    ready.push((userdata, Errno::BADF, ty, 0));
                                    continue;
                                }
                                _ => 0,
                            };
                            (userdata, Errno::SUCCESS, ty, nbytes)
                        }
                    };
                    ready.push(event);
                }
                _ => return Err(Errno::INVAL),
            }
        }
        if ready.is_empty() {
            // Nothing is ready: wait for the earliest clock.
            if let Some(deadline) = clocks.iter().map(|c| c.1).min() {
                let left = deadline.saturating_duration_since(Instant::now());
                if !left.is_zero() {
                    std::thread::sleep(left);
                }
            }
        }
        let now = Instant::now();
        for (userdata, deadline) in clocks {
            if deadline <= now {
                ready.push((userdata, Errno::SUCCESS, eventtype::CLOCK, 0));
            }
        }
        for (i, (userdata, error, ty, nbytes)) in ready.iter().enumerate() {
            let mut b = [0u8; EVENT_SIZE as usize];
            b[0..8].copy_from_slice(&userdata.to_le_bytes());
            b[8..10].copy_from_slice(&error.0.to_le_bytes());
            b[10] = *ty;
            b[16..24].copy_from_slice(&nbytes.to_le_bytes());
            mem.write(events + i as u32 * EVENT_SIZE, &b)?;
        }
        mem.write_u32(nevents, ready.len() as u32)
    }

    pub(crate) fn proc_raise(&mut self, _signal: u32) -> WasiResult {
        // Signals do not exist inside the sandbox.
        Err(Errno::NOTSUP)
    }

    pub(crate) fn sched_yield(&mut self) -> WasiResult {
        std::thread::yield_now();
        Ok(())
    }

    pub(crate) fn random_get(
        &mut self,
        mem: &mut GuestMemory<'_>,
        buf: u32,
        len: u32,
    ) -> WasiResult {
        let out = mem.slice_mut(buf, len)?;
        if self.random.is_none() {
            self.random = Some(File::open("/dev/urandom")?);
        }
        let random = self.random.as_mut().ok_or(Errno::IO)?;
        Ok(random.read_exact(out)?)
    }

    /// Sockets: a descriptor is never one here, so every socket function
    /// fails with `ENOTSOCK` (`EBADF` for a descriptor not in use).
    fn no_socket(&mut self, fd: u32) -> WasiResult {
        self.desc(fd)?;
        Err(Errno::NOTSOCK)
    }

    pub(crate) fn sock_accept(
        &mut self,
        _mem: &mut GuestMemory<'_>,
        fd: u32,
        _flags: u32,
        _out: u32,
    ) -> WasiResult {
        self.no_socket(fd)
    }

    #[allow(clippy::too_many_arguments, reason = "the WASI signature")]
    pub(crate) fn sock_recv(
        &mut self,
        _mem: &mut GuestMemory<'_>,
        fd: u32,
        _iovs: u32,
        _iovs_len: u32,
        _flags: u32,
        _datalen: u32,
        _oflags: u32,
    ) -> WasiResult {
        self.no_socket(fd)
    }

    pub(crate) fn sock_send(
        &mut self,
        _mem: &mut GuestMemory<'_>,
        fd: u32,
        _iovs: u32,
        _iovs_len: u32,
        _flags: u32,
        _datalen: u32,
    ) -> WasiResult {
        self.no_socket(fd)
    }

    pub(crate) fn sock_shutdown(&mut self, fd: u32, _how: u32) -> WasiResult {
        self.no_socket(fd)
    }
}

/// Reads standard input one buffer at a time (a second read could block).
struct StreamReader<'a>(&'a mut InputStream);

impl Read for StreamReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read_vectored(&mut [io::IoSliceMut::new(buf)])
    }
}

fn code(r: WasiResult) -> i32 {
    match r {
        Ok(()) => 0,
        Err(e) => e.0 as i32,
    }
}

/// Runs `f` with the WASI context and the calling instance's memory.
fn with_memory<T>(
    caller: &mut Caller<'_, T>,
    get_cx: impl Fn(&mut T) -> &mut WasiCtx,
    f: impl FnOnce(&mut WasiCtx, &mut GuestMemory<'_>) -> WasiResult,
) -> Result<i32> {
    let Some(Extern::Memory(memory)) = caller.get_export("memory") else {
        bail!("WASI: the calling module does not export its memory as `memory`");
    };
    let (data, t) = memory.data_and_store_mut(caller);
    let mut mem = GuestMemory { data };
    Ok(code(f(get_cx(t), &mut mem)))
}

/// Defines every function of `wasi_snapshot_preview1` in `linker`.
/// `get_cx` finds the [`WasiCtx`] in the store's data.
///
/// # Errors
/// When one of the names is already defined (and shadowing is off).
pub fn add_to_linker<T: 'static>(
    linker: &mut Linker<T>,
    get_cx: impl Fn(&mut T) -> &mut WasiCtx + Send + Sync + Copy + 'static,
) -> Result<()> {
    macro_rules! with_mem {
        ($($name:ident($($arg:ident: $ty:ty),*);)*) => {$(
            linker.func_wrap(
                MODULE,
                stringify!($name),
                move |mut caller: Caller<'_, T>, $($arg: $ty),*| -> Result<i32> {
                    with_memory(&mut caller, get_cx, |cx, mem| cx.$name(mem, $($arg as _),*))
                },
            )?;
        )*};
    }
    macro_rules! without_mem {
        ($($name:ident($($arg:ident: $ty:ty),*);)*) => {$(
            linker.func_wrap(
                MODULE,
                stringify!($name),
                move |mut caller: Caller<'_, T>, $($arg: $ty),*| -> i32 {
                    code(get_cx(caller.data_mut()).$name($($arg as _),*))
                },
            )?;
        )*};
    }
    with_mem! {
        args_get(a: i32, b: i32);
        args_sizes_get(a: i32, b: i32);
        environ_get(a: i32, b: i32);
        environ_sizes_get(a: i32, b: i32);
        clock_res_get(id: i32, out: i32);
        clock_time_get(id: i32, precision: i64, out: i32);
        fd_fdstat_get(fd: i32, out: i32);
        fd_filestat_get(fd: i32, out: i32);
        fd_pread(fd: i32, iovs: i32, n: i32, offset: i64, out: i32);
        fd_prestat_get(fd: i32, out: i32);
        fd_prestat_dir_name(fd: i32, path: i32, len: i32);
        fd_pwrite(fd: i32, iovs: i32, n: i32, offset: i64, out: i32);
        fd_read(fd: i32, iovs: i32, n: i32, out: i32);
        fd_readdir(fd: i32, buf: i32, len: i32, cookie: i64, out: i32);
        fd_seek(fd: i32, offset: i64, whence: i32, out: i32);
        fd_tell(fd: i32, out: i32);
        fd_write(fd: i32, iovs: i32, n: i32, out: i32);
        path_create_directory(fd: i32, path: i32, len: i32);
        path_filestat_get(fd: i32, flags: i32, path: i32, len: i32, out: i32);
        path_filestat_set_times(fd: i32, flags: i32, path: i32, len: i32, atim: i64, mtim: i64, fst: i32);
        path_link(old_fd: i32, old_flags: i32, old: i32, old_len: i32, new_fd: i32, new: i32, new_len: i32);
        path_readlink(fd: i32, path: i32, len: i32, buf: i32, buf_len: i32, out: i32);
        path_remove_directory(fd: i32, path: i32, len: i32);
        path_rename(old_fd: i32, old: i32, old_len: i32, new_fd: i32, new: i32, new_len: i32);
        path_symlink(old: i32, old_len: i32, fd: i32, new: i32, new_len: i32);
        path_unlink_file(fd: i32, path: i32, len: i32);
        poll_oneoff(subs: i32, events: i32, n: i32, out: i32);
        random_get(buf: i32, len: i32);
        sock_accept(fd: i32, flags: i32, out: i32);
        sock_recv(fd: i32, iovs: i32, n: i32, flags: i32, len_out: i32, flags_out: i32);
        sock_send(fd: i32, iovs: i32, n: i32, flags: i32, len_out: i32);
    }
    without_mem! {
        fd_advise(fd: i32, offset: i64, len: i64, advice: i32);
        fd_allocate(fd: i32, offset: i64, len: i64);
        fd_close(fd: i32);
        fd_datasync(fd: i32);
        fd_fdstat_set_flags(fd: i32, flags: i32);
        fd_fdstat_set_rights(fd: i32, base: i64, inheriting: i64);
        fd_filestat_set_size(fd: i32, size: i64);
        fd_filestat_set_times(fd: i32, atim: i64, mtim: i64, fst: i32);
        fd_renumber(from: i32, to: i32);
        fd_sync(fd: i32);
        proc_raise(signal: i32);
        sched_yield();
        sock_shutdown(fd: i32, how: i32);
    }
    // Nine parameters: beyond `func_wrap`'s arity, so defined untyped.
    use ValType::{I32, I64};
    linker.func_new(
        MODULE,
        "path_open",
        FuncType::new([I32, I32, I32, I32, I32, I64, I64, I32, I32], [I32]),
        move |mut caller, params, results| {
            let a = |i: usize| params[i].i32().unwrap_or_default() as u32;
            let b = |i: usize| params[i].i64().unwrap_or_default() as u64;
            let errno = with_memory(&mut caller, get_cx, |cx, mem| {
                cx.path_open(mem, a(0), a(1), a(2), a(3), a(4), b(5), b(6), a(7), a(8))
            })?;
            results[0] = Val::I32(errno);
            Ok(())
        },
    )?;
    linker.func_wrap(MODULE, "proc_exit", |code: i32| -> Result<()> {
        // As in Wasmtime: statuses WASI cannot express are an error.
        if (0..126).contains(&code) {
            Err(I32Exit(code).into())
        } else {
            bail!("exit with invalid exit status outside of [0..126)")
        }
    })?;
    Ok(())
}
