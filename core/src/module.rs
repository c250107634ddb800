//! Compiled modules: validated, compiled once, instantiated many times,
//! and serializable.

use crate::compiler::{self, CompiledArtifacts};
use crate::engine::Engine;
use crate::environ::parse::{module_error, parse, wasm_features};
use crate::environ::{EntityIndex, ModuleInfo, VMOffsets};
use crate::trap::FrameInfo;
use crate::types::{ExportType, ImportType};
use crate::vm::{self, CodeMemory};
use anyhow::{Context, Result, bail};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

/// A compiled WebAssembly module. Cheap to clone; clones share the code.
#[derive(Clone)]
pub struct Module {
    inner: Arc<ModuleInner>,
}

struct ModuleInner {
    engine: Engine,
    artifacts: CompiledArtifacts,
    code: CodeMemory,
    offsets: VMOffsets,
    /// Engine-wide signature id of each type index.
    type_ids: Vec<u32>,
    exports: HashMap<String, EntityIndex>,
}

impl std::fmt::Debug for Module {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Module")
            .field("name", &self.name())
            .finish_non_exhaustive()
    }
}

const MAGIC: &[u8] = b"\0petrel-cwasm\x01";

/// FNV-1a, 64 bits: detects corrupted serialized modules.
fn checksum(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

impl Module {
    /// Compiles a module from the binary or text format.
    ///
    /// # Errors
    /// Malformed or invalid input, naming the function and offset at fault.
    pub fn new(engine: &Engine, bytes: impl AsRef<[u8]>) -> Result<Module> {
        let bytes = bytes.as_ref();
        if bytes.starts_with(b"\0asm") {
            return Module::from_binary(engine, bytes);
        }
        let wasm = wat::parse_bytes(bytes).context("failed to parse WebAssembly text")?;
        Module::from_binary(engine, &wasm)
    }

    /// Compiles a module from a file in the binary or text format.
    pub fn from_file(engine: &Engine, path: impl AsRef<Path>) -> Result<Module> {
        let path = path.as_ref();
        let bytes =
            std::fs::read(path).with_context(|| format!("failed to read {}", path.display()))?;
        Module::new(engine, bytes).with_context(|| format!("failed to compile {}", path.display()))
    }

    /// Compiles a module from the binary format.
    pub fn from_binary(engine: &Engine, wasm: &[u8]) -> Result<Module> {
        let features = wasm_features(&engine.config().features);
        let parsed = parse(wasm, features).map_err(module_error)?;
        let artifacts = compiler::compile_module(engine, parsed).map_err(module_error)?;
        Module::from_artifacts(engine, artifacts)
    }

    /// Checks that `wasm` is a valid module for this engine without
    /// compiling it.
    pub fn validate(engine: &Engine, wasm: &[u8]) -> Result<()> {
        let features = wasm_features(&engine.config().features);
        wasmparser::Validator::new_with_features(features)
            .validate_all(wasm)
            .map_err(|e| module_error(e.into()))?;
        Ok(())
    }

    fn from_artifacts(engine: &Engine, artifacts: CompiledArtifacts) -> Result<Module> {
        let code = vm::load_code(&artifacts.text, &artifacts.libcall_relocs)?;
        let info = &artifacts.info;
        let offsets = VMOffsets::new(info);
        let type_ids = info.types.iter().map(|t| engine.signature_id(t)).collect();
        let exports = info
            .exports
            .iter()
            .map(|e| (e.name.clone(), e.index))
            .collect();
        Ok(Module {
            inner: Arc::new(ModuleInner {
                engine: engine.clone(),
                artifacts,
                code,
                offsets,
                type_ids,
                exports,
            }),
        })
    }

    /// The engine that compiled this module.
    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// The module's name from its name section.
    pub fn name(&self) -> Option<&str> {
        self.info().name.as_deref()
    }

    /// The module's imports, in order.
    pub fn imports(&self) -> impl ExactSizeIterator<Item = ImportType<'_>> {
        let info = self.info();
        info.imports.iter().map(move |i| ImportType {
            module: &i.module,
            name: &i.name,
            ty: info.entity_type(i.index),
        })
    }

    /// The module's exports, in order.
    pub fn exports(&self) -> impl ExactSizeIterator<Item = ExportType<'_>> {
        let info = self.info();
        info.exports.iter().map(move |e| ExportType {
            name: &e.name,
            ty: info.entity_type(e.index),
        })
    }

    /// The export called `name`.
    pub fn get_export(&self, name: &str) -> Option<crate::ExternType> {
        let index = self.inner.exports.get(name)?;
        Some(self.info().entity_type(*index))
    }

    /// Serializes the compiled module; [`Module::deserialize`] loads it
    /// into an engine with the same version and settings.
    pub fn serialize(&self) -> Result<Vec<u8>> {
        let payload = postcard::to_allocvec(&self.inner.artifacts)?;
        let fp = self.inner.engine.inner.fingerprint.as_bytes();
        let mut out = Vec::with_capacity(payload.len() + fp.len() + 64);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(fp.len() as u32).to_le_bytes());
        out.extend_from_slice(fp);
        out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        out.extend_from_slice(&payload);
        out.extend_from_slice(&checksum(&payload).to_le_bytes());
        Ok(out)
    }

    /// Loads a module written by [`Module::serialize`].
    ///
    /// The bytes contain machine code that will run: load only what this
    /// program (or one you trust) serialized. Corruption is detected by a
    /// checksum; a blob from another Petrel version or engine configuration
    /// is rejected.
    pub fn deserialize(engine: &Engine, bytes: &[u8]) -> Result<Module> {
        let rest = bytes
            .strip_prefix(MAGIC)
            .context("not a serialized Petrel module (bad magic)")?;
        let take = |rest: &mut &[u8], n: usize| -> Result<Vec<u8>> {
            if rest.len() < n {
                bail!("serialized module is truncated");
            }
            let (a, b) = rest.split_at(n);
            *rest = b;
            Ok(a.to_vec())
        };
        let mut rest = rest;
        let fp_len = u32::from_le_bytes(take(&mut rest, 4)?.try_into().expect("4 bytes")) as usize;
        let fp = take(&mut rest, fp_len)?;
        let expected = engine.inner.fingerprint.as_bytes();
        if fp != expected {
            bail!(
                "serialized module was compiled by a different Petrel version or engine \
                 configuration\n  module: {}\n  engine: {}",
                String::from_utf8_lossy(&fp),
                engine.inner.fingerprint
            );
        }
        let len = u64::from_le_bytes(take(&mut rest, 8)?.try_into().expect("8 bytes"));
        let len = usize::try_from(len).context("serialized module is corrupted")?;
        let payload = take(&mut rest, len)?;
        let sum = u64::from_le_bytes(take(&mut rest, 8)?.try_into().expect("8 bytes"));
        if !rest.is_empty() || sum != checksum(&payload) {
            bail!("serialized module is corrupted (checksum mismatch)");
        }
        let artifacts: CompiledArtifacts =
            postcard::from_bytes(&payload).context("serialized module is corrupted")?;
        check_artifacts(&artifacts)?;
        Module::from_artifacts(engine, artifacts)
    }

    /// Loads a serialized module from a file.
    pub fn deserialize_file(engine: &Engine, path: impl AsRef<Path>) -> Result<Module> {
        let path = path.as_ref();
        let bytes =
            std::fs::read(path).with_context(|| format!("failed to read {}", path.display()))?;
        Module::deserialize(engine, &bytes)
    }

    pub(crate) fn info(&self) -> &ModuleInfo {
        &self.inner.artifacts.info
    }

    pub(crate) fn artifacts(&self) -> &CompiledArtifacts {
        &self.inner.artifacts
    }

    pub(crate) fn offsets(&self) -> &VMOffsets {
        &self.inner.offsets
    }

    pub(crate) fn type_ids(&self) -> &[u32] {
        &self.inner.type_ids
    }

    pub(crate) fn export_index(&self, name: &str) -> Option<EntityIndex> {
        self.inner.exports.get(name).copied()
    }

    /// Address of defined function `defined_index`'s code.
    pub(crate) fn function_address(&self, defined_index: usize) -> usize {
        self.inner.code.base() + self.inner.artifacts.functions[defined_index].start as usize
    }

    /// Address of the array-call trampoline of type `type_index`.
    pub(crate) fn trampoline_address(&self, type_index: u32) -> usize {
        self.inner.code.base()
            + self.inner.artifacts.array_trampolines[type_index as usize].start as usize
    }

    /// Offset of `pc` in this module's text, if it lies there.
    pub(crate) fn text_offset(&self, pc: usize) -> Option<u32> {
        if self.inner.code.contains(pc) {
            Some((pc - self.inner.code.base()) as u32)
        } else {
            None
        }
    }

    /// Which wasm function `pc` is in.
    pub(crate) fn frame_info(&self, pc: usize) -> Option<FrameInfo> {
        let offset = self.text_offset(pc)?;
        let funcs = &self.inner.artifacts.functions;
        let i = funcs
            .partition_point(|f| f.start <= offset)
            .checked_sub(1)?;
        let f = funcs[i];
        if offset >= f.start + f.len {
            return None;
        }
        let info = self.info();
        let func_index = info.num_imported_funcs + i as u32;
        Some(FrameInfo {
            func_index,
            func_name: info.func_names.get(&func_index).cloned(),
            module_name: info.name.clone(),
            func_offset: Some((offset - f.start) as usize),
        })
    }
}

/// Sanity checks on deserialized artifacts, so a corrupted but
/// checksum-valid blob cannot make the loader index out of bounds.
fn check_artifacts(a: &CompiledArtifacts) -> Result<()> {
    let len = a.text.len() as u64;
    let in_text = |start: u32, n: u32| u64::from(start) + u64::from(n) <= len;
    let info = &a.info;
    if a.functions.len() != (info.functions.len() - info.num_imported_funcs as usize)
        || a.array_trampolines.len() != info.types.len()
        || a.functions
            .iter()
            .chain(&a.array_trampolines)
            .any(|f| !in_text(f.start, f.len))
        || a.traps.iter().any(|t| !in_text(t.offset, 1))
        || a.libcall_relocs.iter().any(|(o, _)| !in_text(*o, 8))
        || info
            .functions
            .iter()
            .any(|t| *t as usize >= info.types.len())
    {
        bail!("serialized module is corrupted (inconsistent layout)");
    }
    Ok(())
}
