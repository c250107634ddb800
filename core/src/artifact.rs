//! Sealed artifacts: compiled code that can be written out and loaded back
//! without turning a file write into code execution.
//!
//! # The problem
//!
//! A serialized module holds machine code that Petrel maps executable and
//! runs. Whoever can write the bytes that a host later loads can run native
//! code in that host, outside the sandbox. A checksum detects accidents; it
//! does nothing against intent. So every artifact Petrel writes, a `.cwasm`
//! from [`Module::serialize`](crate::Module::serialize) today and a
//! compilation-cache entry tomorrow, is *sealed*: it carries an
//! HMAC-SHA-256 over all of its bytes, under a 32-byte key the embedder
//! controls ([`Config::module_key`](crate::Config::module_key)). Without a
//! configured key each engine draws a random one, so only that engine (and
//! its clones) can open what it sealed.
//!
//! # Layout (format version 2; all integers little-endian)
//!
//! ```text
//! offset  size  field
//!      0    16  magic  "\0petrel-artifact"
//!     16     4  format version (2)
//!     20     4  kind: 1 = serialized module, 2 = compilation-cache entry
//!     24     8  total length of the artifact in bytes, MAC included
//!     32    32  subject: SHA-256 of the WebAssembly binary compiled
//!     64     4  fingerprint length F
//!     68     F  engine fingerprint (UTF-8): Petrel version and build,
//!               target, Cranelift flags, wasm features, fuel, epochs, ...
//! 68 + F     .  payload (the compiled module, postcard-encoded)
//! len - 32  32  HMAC-SHA-256(key, bytes[0 .. len - 32])
//! ```
//!
//! # Opening
//!
//! [`open`] refuses an artifact unless all of these hold, in this order:
//!
//! 1. The fixed 32-byte preamble (magic, format version, total length)
//!    matches: *before* authentication these fields are only compared, so
//!    that a foreign file, an artifact of another format version or a
//!    truncated one is refused with an error naming that reason. A forged
//!    preamble can only make the loader refuse, never accept.
//! 2. The MAC verifies, compared in constant time. Nothing else is parsed,
//!    allocated from or mapped before this point.
//! 3. The authenticated header names the expected kind, this engine's
//!    fingerprint (so a blob from another Petrel version, build or engine
//!    configuration is refused, and cannot be *downgraded*: the fingerprint
//!    and format version are under the MAC, and there is no unauthenticated
//!    format to fall back to), and, when the caller knows it, the expected
//!    subject (so a genuine artifact of module A cannot be presented as
//!    module B's: the compilation cache looks entries up by the module's
//!    hash and checks it here; *re-labelling* the subject field instead
//!    breaks the MAC).
//!
//! Only then is the payload handed back to be decoded and loaded.

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

/// Length in bytes of a module key.
pub const MODULE_KEY_LEN: usize = 32;

const MAGIC: &[u8; 16] = b"\0petrel-artifact";
/// The magic of format version 1 (unauthenticated, checksummed `.cwasm`).
const LEGACY_MAGIC: &[u8] = b"\0petrel-cwasm";
/// The format this Petrel writes and reads.
pub(crate) const FORMAT_VERSION: u32 = 2;
const PREAMBLE_LEN: usize = 32;
const SUBJECT_LEN: usize = 32;
const HEADER_FIXED_LEN: usize = PREAMBLE_LEN + SUBJECT_LEN + 4;
const MAC_LEN: usize = 32;
/// The smallest artifact: fixed header, empty fingerprint and payload, MAC.
const MIN_LEN: usize = HEADER_FIXED_LEN + MAC_LEN;

type HmacSha256 = Hmac<Sha256>;

/// The secret that seals and opens artifacts. Its `Debug` output never
/// shows the key.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub(crate) struct ModuleKey([u8; MODULE_KEY_LEN]);

impl ModuleKey {
    pub(crate) fn new(bytes: [u8; MODULE_KEY_LEN]) -> ModuleKey {
        ModuleKey(bytes)
    }

    /// A fresh key from the operating system's random number generator.
    pub(crate) fn generate() -> Result<ModuleKey, getrandom::Error> {
        let mut bytes = [0u8; MODULE_KEY_LEN];
        getrandom::fill(&mut bytes)?;
        Ok(ModuleKey(bytes))
    }

    pub(crate) fn bytes(&self) -> [u8; MODULE_KEY_LEN] {
        self.0
    }

    fn mac(&self) -> HmacSha256 {
        <HmacSha256 as Mac>::new_from_slice(&self.0).expect("HMAC takes keys of any length")
    }
}

impl fmt::Debug for ModuleKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ModuleKey(<secret>)")
    }
}

/// What an artifact holds; part of the authenticated header, so an
/// artifact of one kind cannot be passed off as another.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum ArtifactKind {
    /// Written by `Module::serialize`.
    Module,
    /// An entry of the compilation cache (`crate::cache`).
    CacheEntry,
}

impl ArtifactKind {
    fn code(self) -> u32 {
        match self {
            ArtifactKind::Module => 1,
            ArtifactKind::CacheEntry => 2,
        }
    }

    fn name(code: u32) -> &'static str {
        match code {
            1 => "serialized module",
            2 => "compilation-cache entry",
            _ => "unknown kind of artifact",
        }
    }
}

/// SHA-256 of `wasm`: the subject recorded in an artifact.
pub(crate) fn subject_of(wasm: &[u8]) -> [u8; SUBJECT_LEN] {
    Sha256::digest(wasm).into()
}

/// Why an artifact (a serialized module) was refused. Returned inside the
/// [`anyhow::Error`] of [`Module::deserialize`](crate::Module::deserialize)
/// and friends; `error.downcast_ref::<ArtifactError>()` recovers it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ArtifactError {
    /// The bytes do not start like a Petrel artifact.
    NotAnArtifact,
    /// Fewer bytes than the artifact's header announces (or than any
    /// artifact has).
    Truncated {
        /// Bytes the header announces (or the minimum).
        expected: u64,
        /// Bytes present.
        actual: u64,
    },
    /// More bytes than the artifact's header announces.
    TrailingBytes {
        /// Bytes the header announces.
        expected: u64,
        /// Bytes present.
        actual: u64,
    },
    /// An artifact format this Petrel does not read (1 is the
    /// unauthenticated format of earlier versions).
    FormatVersion {
        /// The artifact's format version.
        found: u32,
        /// The version this Petrel reads.
        supported: u32,
    },
    /// The MAC did not verify: the bytes were modified, or sealed with
    /// another key.
    AuthenticationFailed,
    /// Sealed by a different Petrel version or build, or by an engine with
    /// a different configuration.
    EngineMismatch {
        /// The artifact's engine fingerprint.
        artifact: String,
        /// This engine's fingerprint.
        engine: String,
    },
    /// An authentic artifact of another kind (a cache entry given as a
    /// serialized module, or the reverse).
    WrongKind {
        /// What the artifact holds.
        found: &'static str,
        /// What the caller asked for.
        expected: &'static str,
    },
    /// An authentic artifact compiled from a different WebAssembly module
    /// than the one asked for.
    WrongModule,
    /// Authentic but internally inconsistent: only a bug in the Petrel
    /// that sealed it can produce this.
    Corrupted(&'static str),
}

impl fmt::Display for ArtifactError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArtifactError::NotAnArtifact => {
                f.write_str("not a compiled Petrel module (no Petrel artifact header)")
            }
            ArtifactError::Truncated { expected, actual } => write!(
                f,
                "the compiled module is truncated: {actual} bytes, expected {expected}"
            ),
            ArtifactError::TrailingBytes { expected, actual } => write!(
                f,
                "the compiled module has trailing bytes: {actual} bytes, expected {expected}"
            ),
            ArtifactError::FormatVersion { found, supported } => {
                write!(
                    f,
                    "the compiled module uses artifact format version {found} but this Petrel \
                     ({}) reads version {supported}",
                    env!("CARGO_PKG_VERSION")
                )?;
                if *found == 1 {
                    f.write_str(" (version 1 was not authenticated)")?;
                }
                f.write_str(": compile it again with this version")
            }
            ArtifactError::AuthenticationFailed => f.write_str(
                "authentication failed: the compiled module was modified, or sealed with a \
                 different module key (an engine without a configured module key uses a random \
                 one of its own: configure the same key in the engine that serializes and the \
                 one that loads)",
            ),
            ArtifactError::EngineMismatch { artifact, engine } => write!(
                f,
                "the compiled module was made by a different Petrel version or engine \
                 configuration\n  module: {artifact}\n  engine: {engine}"
            ),
            ArtifactError::WrongKind { found, expected } => {
                write!(f, "the artifact is a {found}, not a {expected}")
            }
            ArtifactError::WrongModule => {
                f.write_str("the artifact was compiled from a different WebAssembly module")
            }
            ArtifactError::Corrupted(what) => {
                write!(f, "the compiled module is corrupted ({what})")
            }
        }
    }
}

impl std::error::Error for ArtifactError {}

/// What [`open`] checks besides the MAC.
pub(crate) struct Expect<'a> {
    /// The kind of artifact wanted.
    pub kind: ArtifactKind,
    /// The opening engine's fingerprint.
    pub fingerprint: &'a str,
    /// The SHA-256 of the module wanted, when the caller knows it.
    pub subject: Option<&'a [u8; SUBJECT_LEN]>,
}

/// An opened artifact: its authenticated subject and payload.
#[derive(Debug)]
pub(crate) struct Opened<'a> {
    /// SHA-256 of the WebAssembly binary the payload was compiled from.
    pub subject: [u8; SUBJECT_LEN],
    /// The compiled module.
    pub payload: &'a [u8],
}

/// Seals `payload`: header, payload, MAC under `key`.
pub(crate) fn seal(
    key: &ModuleKey,
    kind: ArtifactKind,
    fingerprint: &str,
    subject: &[u8; SUBJECT_LEN],
    payload: &[u8],
) -> Vec<u8> {
    let total = HEADER_FIXED_LEN + fingerprint.len() + payload.len() + MAC_LEN;
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&kind.code().to_le_bytes());
    out.extend_from_slice(&(total as u64).to_le_bytes());
    out.extend_from_slice(subject);
    let fp_len = u32::try_from(fingerprint.len()).expect("fingerprints are short");
    out.extend_from_slice(&fp_len.to_le_bytes());
    out.extend_from_slice(fingerprint.as_bytes());
    out.extend_from_slice(payload);
    let mut mac = key.mac();
    mac.update(&out);
    out.extend_from_slice(&mac.finalize().into_bytes());
    debug_assert_eq!(out.len(), total);
    out
}

/// Opens an artifact sealed by [`seal`]: checks the preamble, verifies the
/// MAC in constant time, then checks the authenticated header against
/// `expect`.
///
/// # Errors
/// An [`ArtifactError`] naming the first check that failed.
pub(crate) fn open<'a>(
    key: &ModuleKey,
    expect: &Expect<'_>,
    bytes: &'a [u8],
) -> Result<Opened<'a>, ArtifactError> {
    check_preamble(bytes)?;
    let (body, tag) = bytes.split_at(bytes.len() - MAC_LEN);
    let mut mac = key.mac();
    mac.update(body);
    // `verify_slice` compares in constant time.
    mac.verify_slice(tag)
        .map_err(|_| ArtifactError::AuthenticationFailed)?;
    parse_header(expect, body)
}

/// Opens an artifact *without* verifying its MAC: the preamble and header
/// checks of [`open`] only. For callers that establish the bytes'
/// provenance themselves ([`Module::deserialize_unchecked`]).
///
/// [`Module::deserialize_unchecked`]: crate::Module::deserialize_unchecked
pub(crate) fn open_unauthenticated<'a>(
    expect: &Expect<'_>,
    bytes: &'a [u8],
) -> Result<Opened<'a>, ArtifactError> {
    check_preamble(bytes)?;
    parse_header(expect, &bytes[..bytes.len() - MAC_LEN])
}

/// Refusal-only checks of the fixed preamble, so that the error names why
/// a foreign, old or cut-off file is refused. On success `bytes` is at
/// least [`MIN_LEN`] long and exactly as long as its header says.
fn check_preamble(bytes: &[u8]) -> Result<(), ArtifactError> {
    if !bytes.starts_with(MAGIC) {
        if bytes.starts_with(LEGACY_MAGIC) {
            return Err(ArtifactError::FormatVersion {
                found: 1,
                supported: FORMAT_VERSION,
            });
        }
        if MAGIC.starts_with(bytes) && !bytes.is_empty() {
            return Err(ArtifactError::Truncated {
                expected: MIN_LEN as u64,
                actual: bytes.len() as u64,
            });
        }
        return Err(ArtifactError::NotAnArtifact);
    }
    if bytes.len() < PREAMBLE_LEN {
        return Err(ArtifactError::Truncated {
            expected: MIN_LEN as u64,
            actual: bytes.len() as u64,
        });
    }
    let version = u32_at(bytes, 16);
    if version != FORMAT_VERSION {
        return Err(ArtifactError::FormatVersion {
            found: version,
            supported: FORMAT_VERSION,
        });
    }
    let announced = u64_at(bytes, 24);
    let actual = bytes.len() as u64;
    if actual < announced || actual < MIN_LEN as u64 {
        return Err(ArtifactError::Truncated {
            expected: announced.max(MIN_LEN as u64),
            actual,
        });
    }
    if actual > announced {
        return Err(ArtifactError::TrailingBytes {
            expected: announced,
            actual,
        });
    }
    Ok(())
}

/// Checks the header of `body` (the artifact less its MAC) against
/// `expect` and splits off the payload.
fn parse_header<'a>(expect: &Expect<'_>, body: &'a [u8]) -> Result<Opened<'a>, ArtifactError> {
    let kind = u32_at(body, 20);
    if kind != expect.kind.code() {
        return Err(ArtifactError::WrongKind {
            found: ArtifactKind::name(kind),
            expected: ArtifactKind::name(expect.kind.code()),
        });
    }
    let subject: [u8; SUBJECT_LEN] = body[PREAMBLE_LEN..PREAMBLE_LEN + SUBJECT_LEN]
        .try_into()
        .expect("32 bytes");
    let fp_len = u32_at(body, PREAMBLE_LEN + SUBJECT_LEN) as usize;
    let fingerprint = body
        .get(HEADER_FIXED_LEN..)
        .and_then(|rest| rest.get(..fp_len))
        .ok_or(ArtifactError::Corrupted("fingerprint length"))?;
    if fingerprint != expect.fingerprint.as_bytes() {
        return Err(ArtifactError::EngineMismatch {
            artifact: String::from_utf8_lossy(fingerprint).into_owned(),
            engine: expect.fingerprint.to_string(),
        });
    }
    if let Some(want) = expect.subject
        && *want != subject
    {
        return Err(ArtifactError::WrongModule);
    }
    Ok(Opened {
        subject,
        payload: &body[HEADER_FIXED_LEN + fp_len..],
    })
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"))
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FP: &str = "petrel test | x86_64 | flags";

    fn key(b: u8) -> ModuleKey {
        ModuleKey::new([b; MODULE_KEY_LEN])
    }

    fn expect(subject: Option<&[u8; 32]>) -> Expect<'_> {
        Expect {
            kind: ArtifactKind::Module,
            fingerprint: FP,
            subject,
        }
    }

    fn sealed() -> (Vec<u8>, [u8; 32]) {
        let subject = subject_of(b"\0asm\x01\0\0\0");
        let blob = seal(&key(1), ArtifactKind::Module, FP, &subject, b"payload");
        (blob, subject)
    }

    #[test]
    fn round_trip() {
        let (blob, subject) = sealed();
        let opened = open(&key(1), &expect(Some(&subject)), &blob).unwrap();
        assert_eq!(opened.payload, b"payload");
        assert_eq!(opened.subject, subject);
        assert_eq!(blob.len(), MIN_LEN + FP.len() + 7);
    }

    #[test]
    fn every_flipped_bit_is_refused() {
        let (blob, _) = sealed();
        // Under Miri, where each try is slow, one bit of every 7th byte.
        let (step, bits) = if cfg!(miri) { (7, 1) } else { (1, 8) };
        for at in (0..blob.len()).step_by(step) {
            for bit in (0..8).cycle().skip(at % 8).take(bits) {
                let mut bad = blob.clone();
                bad[at] ^= 1 << bit;
                assert!(open(&key(1), &expect(None), &bad).is_err(), "{at}:{bit}");
            }
        }
    }

    #[test]
    fn reasons_are_named() {
        let (blob, subject) = sealed();
        let e = |b: &[u8]| open(&key(1), &expect(None), b).unwrap_err();
        assert_eq!(e(b"\0asm\x01\0\0\0"), ArtifactError::NotAnArtifact);
        assert_eq!(e(b""), ArtifactError::NotAnArtifact);
        assert!(matches!(e(&blob[..10]), ArtifactError::Truncated { .. }));
        assert!(matches!(
            e(&blob[..blob.len() - 1]),
            ArtifactError::Truncated { .. }
        ));
        let mut longer = blob.clone();
        longer.push(0);
        assert!(matches!(e(&longer), ArtifactError::TrailingBytes { .. }));
        assert!(matches!(
            e(b"\0petrel-cwasm\x01rest"),
            ArtifactError::FormatVersion { found: 1, .. }
        ));
        let mut future = blob.clone();
        future[16] = 3;
        assert!(matches!(
            e(&future),
            ArtifactError::FormatVersion { found: 3, .. }
        ));
        // Another key.
        assert_eq!(
            open(&key(2), &expect(None), &blob).unwrap_err(),
            ArtifactError::AuthenticationFailed
        );
        // Another version or configuration, same key: authentic, refused.
        let other = seal(&key(1), ArtifactKind::Module, "petrel 9.9", &subject, b"p");
        assert!(matches!(e(&other), ArtifactError::EngineMismatch { .. }));
        // Another kind.
        let entry = seal(&key(1), ArtifactKind::CacheEntry, FP, &subject, b"p");
        assert!(matches!(e(&entry), ArtifactError::WrongKind { .. }));
    }

    #[test]
    fn relabelled_and_swapped_artifacts_are_refused() {
        let (a, subject_a) = sealed();
        let subject_b = subject_of(b"another module");
        // Re-labelled: A's bytes claiming B's subject.
        let mut relabelled = a.clone();
        relabelled[PREAMBLE_LEN..PREAMBLE_LEN + SUBJECT_LEN].copy_from_slice(&subject_b);
        assert_eq!(
            open(&key(1), &expect(Some(&subject_b)), &relabelled).unwrap_err(),
            ArtifactError::AuthenticationFailed
        );
        // Swapped: a genuine artifact of A where B's is expected.
        assert_eq!(
            open(&key(1), &expect(Some(&subject_b)), &a).unwrap_err(),
            ArtifactError::WrongModule
        );
        assert!(open(&key(1), &expect(Some(&subject_a)), &a).is_ok());
    }

    #[test]
    fn unauthenticated_open_skips_only_the_mac() {
        let (blob, _) = sealed();
        let foreign = open_unauthenticated(&expect(None), &blob).unwrap();
        assert_eq!(foreign.payload, b"payload");
        assert!(open_unauthenticated(&expect(None), &blob[1..]).is_err());
    }

    #[test]
    fn keys_are_random_and_secret() {
        let a = ModuleKey::generate().unwrap();
        let b = ModuleKey::generate().unwrap();
        assert_ne!(a.bytes(), b.bytes());
        assert_eq!(format!("{a:?}"), "ModuleKey(<secret>)");
    }
}
