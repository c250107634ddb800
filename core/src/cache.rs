//! The compilation cache: compiled modules kept on disk, so a module
//! compiled once loads in later processes without compiling again.
//!
//! A cache directory is a place where a file write turns into code
//! execution: whoever can put bytes there chooses the machine code a later
//! process maps executable. So every entry is a sealed artifact (see
//! [`crate::artifact`]) of kind `CacheEntry`, authenticated with a key kept
//! *outside* the directory in a file only its owner can read, and opened
//! only after its MAC, engine fingerprint and module hash all check out.
//! Anything else (a tampered, truncated or foreign entry, one for another
//! module or another engine configuration) is ignored, counted as
//! rejected, and replaced by a fresh compile. The directory must belong to
//! the user and not be writable by others; the key file must belong to the
//! user and be readable by nobody else. Both are checked when the engine is
//! created, and created (mode 0700 and 0600) when missing.
//!
//! Entries are named by SHA-256 of the engine fingerprint and the module's
//! SHA-256, and written to a temporary file then renamed, so readers never
//! see half an entry. Failing to write an entry is not an error: the module
//! was compiled, the next process compiles it again.

use crate::artifact::{self, ArtifactKind, Expect, MODULE_KEY_LEN, ModuleKey};
use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};
use std::fs;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Where compiled modules are cached and which key file authenticates
/// them. Set with [`Config::cache`](crate::Config::cache).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CacheConfig {
    directory: PathBuf,
    key_file: PathBuf,
}

impl CacheConfig {
    /// A cache in `directory`, authenticated with the key in `key_file`
    /// (which must not be inside `directory`; created when missing).
    pub fn new(directory: impl Into<PathBuf>, key_file: impl Into<PathBuf>) -> CacheConfig {
        CacheConfig {
            directory: directory.into(),
            key_file: key_file.into(),
        }
    }

    /// The per-user default: entries in `$XDG_CACHE_HOME/petrel/modules`
    /// (else `~/.cache/petrel/modules`), the key in
    /// `$XDG_CONFIG_HOME/petrel/cache-key` (else
    /// `~/.config/petrel/cache-key`).
    ///
    /// # Errors
    /// Neither the XDG variable nor `HOME` is set.
    pub fn user_default() -> Result<CacheConfig> {
        let base = |xdg: &str, fallback: &str| -> Result<PathBuf> {
            match std::env::var_os(xdg).filter(|v| !v.is_empty()) {
                Some(dir) => Ok(PathBuf::from(dir)),
                None => match std::env::var_os("HOME").filter(|v| !v.is_empty()) {
                    Some(home) => Ok(PathBuf::from(home).join(fallback)),
                    None => {
                        bail!("cannot place the compilation cache: neither {xdg} nor HOME is set")
                    }
                },
            }
        };
        Ok(CacheConfig::new(
            base("XDG_CACHE_HOME", ".cache")?
                .join("petrel")
                .join("modules"),
            base("XDG_CONFIG_HOME", ".config")?
                .join("petrel")
                .join("cache-key"),
        ))
    }

    /// The cache directory.
    pub fn directory(&self) -> &Path {
        &self.directory
    }

    /// The key file.
    pub fn key_file(&self) -> &Path {
        &self.key_file
    }
}

/// What the cache has done since its engine was created.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct CacheStatistics {
    /// Modules loaded from an entry.
    pub hits: u64,
    /// Modules compiled because no entry existed.
    pub misses: u64,
    /// Entries present but refused (tampered, truncated, foreign,
    /// unreadable); each was recompiled and replaced.
    pub rejected: u64,
    /// Entries that could not be written.
    pub write_errors: u64,
}

/// An open cache: its directory and key, checked.
pub(crate) struct Cache {
    directory: PathBuf,
    key: ModuleKey,
    hits: AtomicU64,
    misses: AtomicU64,
    rejected: AtomicU64,
    write_errors: AtomicU64,
}

impl Cache {
    /// Opens (creating when missing) the directory and key file of
    /// `config`, checking ownership and permissions.
    pub(crate) fn open(config: &CacheConfig) -> Result<Cache> {
        let uid = crate::vm::effective_uid();
        let dir = &config.directory;
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .with_context(|| format!("cannot create the cache directory {}", dir.display()))?;
        let dir = fs::canonicalize(dir)
            .with_context(|| format!("cannot resolve the cache directory {}", dir.display()))?;
        let meta = fs::metadata(&dir)?;
        if !meta.is_dir() {
            bail!("the cache directory {} is not a directory", dir.display());
        }
        if meta.uid() != uid {
            bail!(
                "the cache directory {} belongs to user {}, not to this user ({uid})",
                dir.display(),
                meta.uid()
            );
        }
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o022 != 0 {
            bail!(
                "the cache directory {} is writable by other users (mode {mode:03o}): anyone who \
                 can write there could plant code; run `chmod go-w {}`",
                dir.display(),
                dir.display()
            );
        }
        let key = read_or_create_key(&config.key_file, &dir, uid)?;
        Ok(Cache {
            directory: dir,
            key,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            rejected: AtomicU64::new(0),
            write_errors: AtomicU64::new(0),
        })
    }

    /// The path of the entry of module `subject` for `fingerprint`.
    pub(crate) fn entry_path(&self, fingerprint: &str, subject: &[u8; 32]) -> PathBuf {
        let mut h = Sha256::new();
        h.update((fingerprint.len() as u64).to_le_bytes());
        h.update(fingerprint.as_bytes());
        h.update(subject);
        self.directory.join(format!("{}.entry", hex(&h.finalize())))
    }

    /// Looks module `subject` up and hands an authenticated entry's payload
    /// to `load`. `None` on a miss, or when the entry is refused or `load`
    /// fails (counted as rejected).
    pub(crate) fn load<T>(
        &self,
        fingerprint: &str,
        subject: &[u8; 32],
        load: impl FnOnce(artifact::Opened<'_>) -> Result<T>,
    ) -> Option<T> {
        let bytes = match fs::read(self.entry_path(fingerprint, subject)) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                self.misses.fetch_add(1, Ordering::Relaxed);
                return None;
            }
            Err(_) => {
                self.rejected.fetch_add(1, Ordering::Relaxed);
                return None;
            }
        };
        let expect = Expect {
            kind: ArtifactKind::CacheEntry,
            fingerprint,
            subject: Some(subject),
        };
        let loaded = artifact::open(&self.key, &expect, &bytes)
            .map_err(anyhow::Error::from)
            .and_then(load);
        match loaded {
            Ok(value) => {
                self.hits.fetch_add(1, Ordering::Relaxed);
                Some(value)
            }
            Err(_) => {
                self.rejected.fetch_add(1, Ordering::Relaxed);
                None
            }
        }
    }

    /// Stores the payload of module `subject`; failures are only counted.
    pub(crate) fn store(&self, fingerprint: &str, subject: &[u8; 32], payload: &[u8]) {
        let sealed = artifact::seal(
            &self.key,
            ArtifactKind::CacheEntry,
            fingerprint,
            subject,
            payload,
        );
        let path = self.entry_path(fingerprint, subject);
        if write_atomically(&path, &sealed).is_err() {
            self.write_errors.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The counters so far.
    pub(crate) fn statistics(&self) -> CacheStatistics {
        CacheStatistics {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            rejected: self.rejected.load(Ordering::Relaxed),
            write_errors: self.write_errors.load(Ordering::Relaxed),
        }
    }
}

/// Writes `bytes` to a fresh owner-only temporary file beside `path`, then
/// renames it over `path`.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut nonce = [0u8; 8];
    getrandom::fill(&mut nonce).map_err(|e| anyhow::anyhow!("{e}"))?;
    let tmp = path.with_extension(format!("tmp-{}", hex(&nonce)));
    let result = (|| {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_data()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    Ok(result?)
}

/// Reads the cache key from `path`, or creates the file (mode 0600, its
/// directory 0700) with a fresh random key when it does not exist.
fn read_or_create_key(path: &Path, cache_dir: &Path, uid: u32) -> Result<ModuleKey> {
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
    if let Some(parent) = parent {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(parent)
            .with_context(|| format!("cannot create the directory of {}", path.display()))?;
        let parent = fs::canonicalize(parent)?;
        if parent.starts_with(cache_dir) {
            bail!(
                "the cache key file {} is inside the cache directory {}: keep it outside, where \
                 writing an entry does not also reveal the key",
                path.display(),
                cache_dir.display()
            );
        }
    }
    match fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(mut file) => {
            let key = ModuleKey::generate()
                .map_err(|e| anyhow::anyhow!("cannot generate a cache key: {e}"))?;
            writeln!(file, "{}", key_to_hex(&key.bytes()))
                .with_context(|| format!("cannot write the cache key file {}", path.display()))?;
            return Ok(key);
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => {
            return Err(e)
                .with_context(|| format!("cannot create the cache key file {}", path.display()));
        }
    }
    let meta = fs::metadata(path)?;
    if meta.uid() != uid {
        bail!(
            "the cache key file {} belongs to user {}, not to this user ({uid})",
            path.display(),
            meta.uid()
        );
    }
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        bail!(
            "the cache key file {} can be accessed by other users (mode {mode:03o}); run `chmod \
             600 {}`",
            path.display(),
            path.display()
        );
    }
    let bytes = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let key = parse_key(&bytes)
        .with_context(|| format!("the cache key file {} holds no key", path.display()))?;
    Ok(ModuleKey::new(key))
}

/// Decodes a key file's contents: 32 raw bytes, or 64 hexadecimal digits
/// with optional surrounding whitespace (as `petrel keygen` writes).
///
/// # Errors
/// Anything else.
pub fn parse_key(bytes: &[u8]) -> Result<[u8; MODULE_KEY_LEN]> {
    if let Ok(raw) = <[u8; MODULE_KEY_LEN]>::try_from(bytes) {
        return Ok(raw);
    }
    let text = bytes.trim_ascii();
    if text.len() != 2 * MODULE_KEY_LEN {
        bail!(
            "expected {} hexadecimal digits (as `petrel keygen` writes) or {MODULE_KEY_LEN} raw \
             bytes, found {} bytes",
            2 * MODULE_KEY_LEN,
            bytes.len()
        );
    }
    if !text.iter().all(u8::is_ascii_hexdigit) {
        bail!("expected hexadecimal digits 0-9, a-f");
    }
    let mut key = [0u8; MODULE_KEY_LEN];
    for (out, pair) in key.iter_mut().zip(text.chunks_exact(2)) {
        let digit = |c: u8| (c as char).to_digit(16).expect("checked above") as u8;
        *out = digit(pair[0]) << 4 | digit(pair[1]);
    }
    Ok(key)
}

/// A key as lowercase hexadecimal digits.
pub fn key_to_hex(key: &[u8; MODULE_KEY_LEN]) -> String {
    hex(key)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
