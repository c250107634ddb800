//! Compiled modules: validated, compiled once, instantiated many times,
//! and serializable.

use crate::artifact::{self, ArtifactError, ArtifactKind, Expect};
use crate::compiler::{self, CompiledArtifacts};
use crate::engine::Engine;
use crate::environ::parse::{module_error, parse, wasm_features};
use crate::environ::vmoffsets::VMLayout;
use crate::environ::{EntityIndex, MemoryPlan, ModuleInfo, VMOffsets};
use crate::trap::FrameInfo;
use crate::types::{ExportType, ImportType};
use crate::vm::{self, CodeMemory};
use anyhow::{Context, Result};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

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
    /// SHA-256 of the WebAssembly binary this module was compiled from.
    subject: [u8; 32],
    /// Copy-on-write images of the defined memories, built when the module
    /// is made.
    memory_images: OnceLock<MemoryImages>,
}

/// One entry per defined memory: its image, when its data segments allow
/// one (see [`Module::memory_images`]).
pub(crate) type MemoryImages = Vec<Option<Arc<vm::MemoryImage>>>;

impl std::fmt::Debug for Module {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Module")
            .field("name", &self.name())
            .finish_non_exhaustive()
    }
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
    ///
    /// With a compilation cache ([`Config::cache`](crate::Config::cache)),
    /// an authenticated entry for these bytes is loaded instead, and a
    /// module compiled here is stored for next time.
    pub fn from_binary(engine: &Engine, wasm: &[u8]) -> Result<Module> {
        let subject = artifact::subject_of(wasm);
        let fingerprint = &engine.inner.fingerprint;
        let cache = engine.inner.cache.as_ref();
        if let Some(cache) = cache {
            let hit = cache.load(fingerprint, &subject, |opened| {
                Module::load_opened(engine, opened)
            });
            if let Some(module) = hit {
                return Ok(module);
            }
        }
        let features = wasm_features(&engine.config().features);
        let parsed = parse(wasm, features).map_err(module_error)?;
        let artifacts = compiler::compile_module(engine, parsed).map_err(module_error)?;
        if let Some(cache) = cache
            && let Ok(payload) = postcard::to_allocvec(&artifacts)
        {
            cache.store(fingerprint, &subject, &payload);
        }
        Module::from_artifacts(engine, artifacts, subject)
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

    fn from_artifacts(
        engine: &Engine,
        artifacts: CompiledArtifacts,
        subject: [u8; 32],
    ) -> Result<Module> {
        let code = vm::load_code(&artifacts.text, &artifacts.libcall_relocs)?;
        let info = &artifacts.info;
        let offsets = VMOffsets::new(VMLayout::HOST, info);
        // In order: a type refers only to earlier ones (checked when
        // parsing), whose ids are known by then.
        let mut type_ids: Vec<u32> = Vec::with_capacity(info.types.len());
        for t in &info.types {
            let id = engine.signature_id(&t.to_public(&type_ids));
            type_ids.push(id);
        }
        let exports = info
            .exports
            .iter()
            .map(|e| (e.name.clone(), e.index))
            .collect();
        let module = Module {
            inner: Arc::new(ModuleInner {
                engine: engine.clone(),
                artifacts,
                code,
                offsets,
                type_ids,
                exports,
                subject,
                memory_images: OnceLock::new(),
            }),
        };
        // Built now, as part of compiling or loading, so that no
        // instantiation pays for it.
        module.memory_images();
        Ok(module)
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
            ty: info.entity_type(i.index, self.type_ids()),
        })
    }

    /// The module's exports, in order.
    pub fn exports(&self) -> impl ExactSizeIterator<Item = ExportType<'_>> {
        let info = self.info();
        info.exports.iter().map(move |e| ExportType {
            name: &e.name,
            ty: info.entity_type(e.index, self.type_ids()),
        })
    }

    /// The export called `name`.
    pub fn get_export(&self, name: &str) -> Option<crate::ExternType> {
        let index = self.inner.exports.get(name)?;
        Some(self.info().entity_type(*index, self.type_ids()))
    }

    /// Serializes the compiled module, sealed with the engine's module key
    /// (see [`Config::module_key`](crate::Config::module_key)):
    /// [`Module::deserialize`] loads it into this engine, or into any engine
    /// with the same Petrel build, settings and key.
    ///
    /// # Errors
    /// Encoding the compiled module failed.
    pub fn serialize(&self) -> Result<Vec<u8>> {
        let payload = postcard::to_allocvec(&self.inner.artifacts)?;
        let engine = &self.inner.engine.inner;
        Ok(artifact::seal(
            &engine.module_key,
            ArtifactKind::Module,
            &engine.fingerprint,
            &self.inner.subject,
            &payload,
        ))
    }

    /// Loads a module written by [`Module::serialize`].
    ///
    /// Safe for any input: before anything in `bytes` is decoded or mapped,
    /// their MAC is verified (in constant time) with this engine's module
    /// key, so only bytes sealed by this engine, or by one configured with
    /// the same key, load. The module must also come from the same Petrel
    /// build and engine configuration.
    ///
    /// # Errors
    /// Refused bytes give an error carrying an [`ArtifactError`] that names
    /// the reason: not a Petrel artifact, truncated, another artifact format,
    /// authentication failed (modified, or sealed with another key), or
    /// another Petrel build or engine configuration.
    pub fn deserialize(engine: &Engine, bytes: &[u8]) -> Result<Module> {
        let opened = artifact::open(&engine.inner.module_key, &expect(engine), bytes)?;
        Module::load_opened(engine, opened)
    }

    /// Loads a serialized module from a file, as [`Module::deserialize`]
    /// does.
    ///
    /// # Errors
    /// The file cannot be read, or [`Module::deserialize`] refuses it.
    pub fn deserialize_file(engine: &Engine, path: impl AsRef<Path>) -> Result<Module> {
        let path = path.as_ref();
        let bytes =
            std::fs::read(path).with_context(|| format!("failed to read {}", path.display()))?;
        Module::deserialize(engine, &bytes)
    }

    /// Loads a module written by [`Module::serialize`] *without*
    /// authenticating it: the MAC is not checked, so bytes sealed with any
    /// key (or none that is valid) are accepted as long as their header
    /// names this Petrel build and engine configuration. This saves one
    /// HMAC-SHA-256 pass over the bytes and lets an embedder load modules
    /// whose provenance it establishes another way (a signed package, a
    /// read-only image it built itself).
    ///
    /// # Safety
    /// `bytes` must be exactly what [`Module::serialize`] returned in a
    /// Petrel of the same build, for an engine with the same configuration.
    /// The bytes hold machine code that is mapped executable and run: any
    /// other bytes (a modified, truncated or forged artifact) can run
    /// arbitrary native code in this process, outside the sandbox. Some
    /// corruption is detected, but nothing is guaranteed.
    ///
    /// # Errors
    /// The bytes are not a Petrel artifact of this build and configuration,
    /// or they fail the loader's consistency checks.
    pub unsafe fn deserialize_unchecked(engine: &Engine, bytes: &[u8]) -> Result<Module> {
        let opened = artifact::open_unauthenticated(&expect(engine), bytes)?;
        Module::load_opened(engine, opened)
    }

    /// Decodes and loads the payload of an opened artifact.
    fn load_opened(engine: &Engine, opened: artifact::Opened<'_>) -> Result<Module> {
        let artifacts: CompiledArtifacts = postcard::from_bytes(opened.payload)
            .map_err(|_| ArtifactError::Corrupted("undecodable payload"))?;
        check_artifacts(&artifacts)?;
        Module::from_artifacts(engine, artifacts, opened.subject)
    }

    /// The copy-on-write image of each defined memory, built once per
    /// module (when it is made). A memory has one when the engine has
    /// `memory_init_cow`, the memory is static with 64 KiB pages (its
    /// initial size then covers whole host pages), every active data
    /// segment for it has a constant offset, and all of them fit in its
    /// initial size; otherwise (or when the image cannot be built) its
    /// segments are copied at instantiation.
    pub(crate) fn memory_images(&self) -> &MemoryImages {
        self.inner.memory_images.get_or_init(|| {
            let config = self.inner.engine.config();
            let info = self.info();
            let defined = info.num_imported_memories as usize..info.memories.len();
            if !config.static_memory_guard || !config.memory_init_cow {
                return defined.map(|_| None).collect();
            }
            defined
                .map(|m| {
                    let plan = MemoryPlan::new(&info.memories[m], config.static_memory_guard);
                    if !plan.guard_faults() {
                        return None;
                    }
                    let segments = info.static_data_segments(m as u32)?;
                    self.inner.engine.memory_image(&segments)
                })
                .collect()
        })
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
        let artifacts = &self.inner.artifacts;
        let map = &artifacts.address_map;
        let module_offset = map
            .partition_point(|r| r.start <= offset)
            .checked_sub(1)
            .map(|j| map[j])
            .filter(|r| offset < r.end && r.start >= f.start)
            .map(|r| r.wasm_offset as usize);
        let body = artifacts.body_offsets.get(i).copied().unwrap_or(0) as usize;
        Some(FrameInfo {
            func_index,
            func_name: info.func_names.get(&func_index).cloned(),
            module_name: info.name.clone(),
            func_offset: module_offset.map(|m| m.saturating_sub(body)),
            module_offset,
        })
    }
}

/// What [`Module::deserialize`] expects of an artifact for `engine`.
fn expect(engine: &Engine) -> Expect<'_> {
    Expect {
        kind: ArtifactKind::Module,
        fingerprint: &engine.inner.fingerprint,
        subject: None,
    }
}

/// Consistency checks on decoded artifacts, so that the loader never
/// indexes out of bounds (a defence in depth behind the MAC, and the only
/// check [`Module::deserialize_unchecked`] makes of the payload).
fn check_artifacts(a: &CompiledArtifacts) -> Result<(), ArtifactError> {
    let len = a.text.len() as u64;
    let in_text = |start: u32, n: u32| u64::from(start) + u64::from(n) <= len;
    let info = &a.info;
    if info
        .functions
        .len()
        .checked_sub(info.num_imported_funcs as usize)
        != Some(a.functions.len())
        || a.array_trampolines.len() != info.types.len()
        || a.functions
            .iter()
            .chain(&a.array_trampolines)
            .any(|f| !in_text(f.start, f.len))
        || a.traps.iter().any(|t| !in_text(t.offset, 1))
        || a.body_offsets.len() != a.functions.len()
        || a.address_map
            .iter()
            .any(|r| r.end < r.start || !in_text(r.start, r.end - r.start))
        || a.libcall_relocs.iter().any(|(o, _)| !in_text(*o, 8))
        || info
            .functions
            .iter()
            .any(|t| *t as usize >= info.types.len())
    {
        return Err(ArtifactError::Corrupted("inconsistent layout"));
    }
    Ok(())
}
