//! Module keys for `petrel compile` and `petrel run`: where the key comes
//! from (`--key-file PATH`, else the file named by `PETREL_MODULE_KEY_FILE`),
//! the key file format, and `petrel keygen`.
//!
//! A key file holds the 32-byte key as 64 hexadecimal digits (what `petrel
//! keygen` writes, surrounding whitespace allowed) or as 32 raw bytes
//! (`head -c 32 /dev/urandom > key`). Anyone who can read it can make
//! `.cwasm` files that `petrel run` with that key will execute, so it
//! should be readable by its owner only; a key file that others can read is
//! used with a warning.

use anyhow::{Context, Result};
use petrel::MODULE_KEY_LEN;
use std::path::{Path, PathBuf};

/// The environment variable naming a key file, used when `--key-file` is
/// not given.
pub const KEY_FILE_ENV: &str = "PETREL_MODULE_KEY_FILE";

/// The key file to use: `--key-file` if given, else `$PETREL_MODULE_KEY_FILE`
/// if set and not empty.
pub fn key_file(option: Option<&Path>) -> Option<PathBuf> {
    if let Some(path) = option {
        return Some(path.to_path_buf());
    }
    std::env::var_os(KEY_FILE_ENV)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// Reads and decodes a key file; warns on standard error when other users
/// can read it.
///
/// # Errors
/// The file cannot be read or does not hold a key.
pub fn read_key_file(path: &Path) -> Result<[u8; MODULE_KEY_LEN]> {
    let bytes = std::fs::read(path)
        .with_context(|| format!("cannot read module key file {}", path.display()))?;
    let key = parse_key(&bytes)
        .with_context(|| format!("module key file {} holds no key", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path) {
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                eprintln!(
                    "warning: module key file {} can be read by other users (mode {mode:03o}): \
                     whoever reads it can make .cwasm files this key loads; run `chmod 600 {}`",
                    path.display(),
                    path.display()
                );
            }
        }
    }
    Ok(key)
}

/// Decodes a key file's contents: 32 raw bytes, or 64 hexadecimal digits
/// with optional surrounding whitespace.
///
/// # Errors
/// Anything else.
pub fn parse_key(bytes: &[u8]) -> Result<[u8; MODULE_KEY_LEN]> {
    petrel::parse_module_key(bytes)
}

/// The key as lowercase hexadecimal digits.
pub fn to_hex(key: &[u8; MODULE_KEY_LEN]) -> String {
    petrel::module_key_to_hex(key)
}

/// Writes a fresh random key to `path` as hexadecimal digits, readable and
/// writable by its owner only. Never overwrites an existing file.
///
/// # Errors
/// The file exists or cannot be written, or no random key could be drawn.
pub fn write_new_key_file(path: &Path) -> Result<()> {
    use std::io::Write;
    let key = petrel::Config::new().generate_module_key()?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).with_context(|| {
        format!(
            "cannot create module key file {} (an existing key file is never overwritten)",
            path.display()
        )
    })?;
    writeln!(file, "{}", to_hex(&key))
        .with_context(|| format!("cannot write module key file {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_formats() {
        let key: [u8; 32] = std::array::from_fn(|i| (i * 7) as u8);
        assert_eq!(parse_key(&key).unwrap(), key);
        let hex = to_hex(&key);
        assert_eq!(hex.len(), 64);
        assert_eq!(parse_key(hex.as_bytes()).unwrap(), key);
        assert_eq!(parse_key(format!("  {hex}\n").as_bytes()).unwrap(), key);
        assert_eq!(parse_key(hex.to_uppercase().as_bytes()).unwrap(), key);
        assert!(parse_key(b"").is_err());
        assert!(parse_key(&key[..31]).is_err());
        assert!(parse_key(&hex.as_bytes()[..62]).is_err());
        let bad = format!("{}zz", &hex[..62]);
        assert!(parse_key(bad.as_bytes()).is_err());
        assert!(parse_key(format!("+{}", &hex[..63]).as_bytes()).is_err());
    }
}
