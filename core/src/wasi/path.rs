//! Path resolution inside a preopened directory: the capability check of
//! every `path_*` function.
//!
//! A guest path is resolved relative to a directory descriptor, one
//! component at a time, with `std::fs::symlink_metadata` and
//! `std::fs::read_link`: `.` is skipped, `..` pops a component (popping
//! past the descriptor's own directory is an escape), and a symbolic link
//! is replaced by its target's components (an absolute target is an
//! escape). The host path handed to `std::fs` is then the preopen's root
//! joined with components that are all real directories, so the operating
//! system follows no link the sandbox did not check; files are opened
//! with `O_NOFOLLOW`. Escapes fail with `EPERM`, as in Wasmtime.
//!
//! A directory descriptor is kept as its preopen's root plus the
//! components below it, and those components are checked again on every
//! use: a directory that was replaced by a symbolic link after it was
//! opened is refused rather than followed.
//!
//! Limitation: with the standard library only (no `openat`), a host
//! process racing with the guest between a check and the operation could
//! swap a checked directory for a link. The guest itself cannot, as it
//! runs one call at a time.

use super::types::{Errno, WasiResult};
use std::collections::VecDeque;
use std::ffi::{OsStr, OsString};
use std::io;
use std::path::{Component, PathBuf};
use std::sync::Arc;

/// Symbolic links followed in one resolution before `ELOOP`.
const MAX_SYMLINKS: usize = 40;

/// A directory the guest holds a descriptor for.
#[derive(Clone, Debug)]
pub(crate) struct DirHandle {
    /// Host path of the preopened directory it lies in.
    pub(crate) root: Arc<PathBuf>,
    /// Components from `root` to this directory (none for the preopen).
    pub(crate) rel: Vec<OsString>,
}

/// A guest path resolved to a host path.
#[derive(Debug)]
pub(crate) struct Resolved {
    /// The host path to operate on (with a trailing `/` when the guest
    /// path had one).
    pub(crate) host: PathBuf,
    /// Components from the preopen's root.
    pub(crate) rel: Vec<OsString>,
    /// False when the path ends in `.` or `..` (it then names a directory
    /// but no entry that could be created, removed or renamed).
    pub(crate) names_entry: bool,
}

impl DirHandle {
    /// Checks that every component below the root is still a directory
    /// and not a symbolic link.
    fn check_ancestors(&self) -> WasiResult {
        let mut p = (*self.root).clone();
        for c in &self.rel {
            p.push(c);
            match std::fs::symlink_metadata(&p) {
                Ok(m) if m.file_type().is_symlink() => return Err(Errno::PERM),
                Ok(m) if !m.is_dir() => return Err(Errno::NOTDIR),
                Ok(_) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }

    /// Resolves `path` relative to this directory. With `follow`, a
    /// symbolic link in the last component is followed (a trailing `/`
    /// always follows, as in POSIX).
    pub(crate) fn resolve(&self, path: &str, follow: bool) -> WasiResult<Resolved> {
        if path.is_empty() {
            return Err(Errno::NOENT);
        }
        if path.contains('\0') {
            return Err(Errno::INVAL);
        }
        if path.starts_with('/') {
            return Err(Errno::PERM);
        }
        self.check_ancestors()?;
        let trailing_slash = path.ends_with('/');
        let follow = follow || trailing_slash;
        let floor = self.rel.len();
        let mut stack = self.rel.clone();
        let mut queue: VecDeque<OsString> = path
            .split('/')
            .filter(|c| !c.is_empty())
            .map(OsString::from)
            .collect();
        let mut names_entry = true;
        let mut links = 0;
        let dot = OsStr::new(".");
        let dotdot = OsStr::new("..");
        while let Some(name) = queue.pop_front() {
            let is_last = queue.is_empty();
            if name == dot {
                if is_last {
                    names_entry = false;
                }
                continue;
            }
            if name == dotdot {
                if stack.len() <= floor {
                    return Err(Errno::PERM);
                }
                stack.pop();
                if is_last {
                    names_entry = false;
                }
                continue;
            }
            names_entry = true;
            if is_last && !follow {
                stack.push(name);
                break;
            }
            let mut candidate = (*self.root).clone();
            candidate.extend(&stack);
            candidate.push(&name);
            match std::fs::symlink_metadata(&candidate) {
                Ok(m) if m.file_type().is_symlink() => {
                    links += 1;
                    if links > MAX_SYMLINKS {
                        return Err(Errno::LOOP);
                    }
                    let target = std::fs::read_link(&candidate)?;
                    let mut parts = Vec::new();
                    for c in target.components() {
                        match c {
                            Component::RootDir | Component::Prefix(_) => {
                                return Err(Errno::PERM);
                            }
                            Component::CurDir => parts.push(OsString::from(".")),
                            Component::ParentDir => parts.push(OsString::from("..")),
                            Component::Normal(n) => parts.push(n.to_os_string()),
                        }
                    }
                    if parts.is_empty() {
                        return Err(Errno::NOENT);
                    }
                    for p in parts.into_iter().rev() {
                        queue.push_front(p);
                    }
                }
                Ok(m) => {
                    if !is_last && !m.is_dir() {
                        return Err(Errno::NOTDIR);
                    }
                    stack.push(name);
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    if !is_last {
                        return Err(Errno::NOENT);
                    }
                    stack.push(name);
                }
                Err(e) => return Err(e.into()),
            }
        }
        let mut host = (*self.root).clone();
        host.extend(&stack);
        if trailing_slash {
            host.push("");
        }
        Ok(Resolved {
            host,
            rel: stack,
            names_entry,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn sandbox(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("petrel-wasi-path-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("root/sub")).unwrap();
        std::fs::write(dir.join("root/file"), b"x").unwrap();
        std::fs::write(dir.join("secret"), b"s").unwrap();
        dir
    }

    fn handle(dir: &Path) -> DirHandle {
        DirHandle {
            root: Arc::new(dir.join("root")),
            rel: Vec::new(),
        }
    }

    #[test]
    fn resolves_inside_and_refuses_escapes() {
        let dir = sandbox("escape");
        let h = handle(&dir);
        assert_eq!(
            h.resolve("sub/../file", true).unwrap().host,
            dir.join("root/file")
        );
        assert!(!h.resolve(".", true).unwrap().names_entry);
        assert!(!h.resolve("sub/..", true).unwrap().names_entry);
        assert!(h.resolve("sub", true).unwrap().names_entry);
        assert_eq!(h.resolve("..", true).unwrap_err(), Errno::PERM);
        assert_eq!(
            h.resolve("sub/../../secret", true).unwrap_err(),
            Errno::PERM
        );
        assert_eq!(h.resolve("/etc/passwd", true).unwrap_err(), Errno::PERM);
        assert_eq!(h.resolve("file/x", true).unwrap_err(), Errno::NOTDIR);
        assert_eq!(h.resolve("none/x", true).unwrap_err(), Errno::NOENT);
        assert_eq!(h.resolve("", true).unwrap_err(), Errno::NOENT);

        std::os::unix::fs::symlink("../secret", dir.join("root/out")).unwrap();
        std::os::unix::fs::symlink("sub/../file", dir.join("root/in")).unwrap();
        std::os::unix::fs::symlink("/etc", dir.join("root/abs")).unwrap();
        std::os::unix::fs::symlink("loop", dir.join("root/loop")).unwrap();
        assert_eq!(h.resolve("out", true).unwrap_err(), Errno::PERM);
        assert_eq!(h.resolve("abs/passwd", false).unwrap_err(), Errno::PERM);
        assert_eq!(h.resolve("loop", true).unwrap_err(), Errno::LOOP);
        // Not following the last component leaves the link itself.
        assert_eq!(h.resolve("out", false).unwrap().host, dir.join("root/out"));
        assert_eq!(h.resolve("in", true).unwrap().host, dir.join("root/file"));

        // A descriptor for `sub` cannot climb out of `sub`.
        let sub = DirHandle {
            root: h.root.clone(),
            rel: vec![OsString::from("sub")],
        };
        assert_eq!(sub.resolve("../file", true).unwrap_err(), Errno::PERM);
        // Once `sub` is replaced by a link, its descriptor is refused.
        std::fs::remove_dir(dir.join("root/sub")).unwrap();
        std::os::unix::fs::symlink("..", dir.join("root/sub")).unwrap();
        assert_eq!(sub.resolve("secret", true).unwrap_err(), Errno::PERM);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
