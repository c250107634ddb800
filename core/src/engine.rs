//! The engine: compiler settings, the host ISA, the registry that gives
//! every function signature an engine-wide id, and the epoch counter.

use crate::artifact::ModuleKey;
use crate::cache::{Cache, CacheStatistics};
use crate::config::Config;
use crate::types::FuncType;
use anyhow::{Result, anyhow};
use cranelift_codegen::isa::OwnedTargetIsa;
use cranelift_codegen::settings::{self, Configurable};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};

/// Compiles modules and holds what they share. Cheap to clone, `Send +
/// Sync`: clones share one engine.
#[derive(Clone)]
pub struct Engine {
    pub(crate) inner: Arc<EngineInner>,
}

pub(crate) struct EngineInner {
    pub(crate) config: Config,
    pub(crate) isa: OwnedTargetIsa,
    signatures: Mutex<SignatureRegistry>,
    /// Incremented by `increment_epoch`; compiled code reads it.
    pub(crate) epoch: Box<AtomicU64>,
    /// Compiled wasm-to-host trampolines, one per signature.
    pub(crate) host_trampolines: Mutex<HashMap<FuncType, Arc<crate::vm::HostTrampoline>>>,
    /// Identifies the Petrel build and compiler settings; stored in
    /// serialized modules.
    pub(crate) fingerprint: String,
    /// Seals and opens serialized modules: the configured key, or a random
    /// one drawn for this engine.
    pub(crate) module_key: ModuleKey,
    /// The compilation cache, when configured.
    pub(crate) cache: Option<Cache>,
    /// The pooling allocator's slots, when configured.
    pub(crate) pool: Option<Arc<crate::vm::InstancePool>>,
    /// Copy-on-write memory images by their contents' hash: modules whose
    /// memories start out alike (the same module compiled or loaded again)
    /// share one image, and so the pages and slots that hold it.
    memory_images: Mutex<HashMap<[u8; 32], Weak<crate::vm::MemoryImage>>>,
    /// Static-memory reservations kept for reuse, when there is no pool.
    pub(crate) recycler: Arc<crate::vm::MemoryRecycler>,
}

#[derive(Default)]
struct SignatureRegistry {
    ids: HashMap<FuncType, u32>,
    /// The type of each id.
    types: Vec<FuncType>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("config", &self.inner.config)
            .finish()
    }
}

impl Default for Engine {
    fn default() -> Engine {
        Engine::new(&Config::default()).expect("the default configuration is valid on this host")
    }
}

impl Engine {
    /// Creates an engine for the host CPU.
    ///
    /// Without a [`Config::module_key`], the engine draws a random key, so
    /// the modules it serializes load only into this engine and its clones.
    ///
    /// # Errors
    /// Fails when the host CPU is not supported by Cranelift, or when no
    /// module key is configured and the operating system's random number
    /// generator fails.
    pub fn new(config: &Config) -> Result<Engine> {
        crate::vm::init_traps();
        let mut flags = settings::builder();
        let set = |b: &mut settings::Builder, k: &str, v: &str| {
            b.set(k, v).map_err(|e| anyhow!("setting {k}={v}: {e}"))
        };
        set(
            &mut flags,
            "opt_level",
            match config.opt_level {
                crate::OptLevel::None => "none",
                crate::OptLevel::Speed => "speed",
                crate::OptLevel::SpeedAndSize => "speed_and_size",
            },
        )?;
        // Backtraces walk the frame-pointer chain.
        set(&mut flags, "preserve_frame_pointers", "true")?;
        // Stack depth is bounded by the explicit stack limit check instead.
        set(&mut flags, "enable_probestack", "false")?;
        set(&mut flags, "unwind_info", "false")?;
        let on_off = |b: bool| if b { "true" } else { "false" };
        set(&mut flags, "enable_verifier", on_off(config.debug_verifier))?;
        // Wasm semantics are implemented by the translator; Cranelift's own
        // NaN canonicalisation only when asked for (deterministic NaNs).
        set(
            &mut flags,
            "enable_nan_canonicalization",
            on_off(config.nan_canonicalization),
        )?;
        // Functions may return any number of values: the ones that do not
        // fit in registers go through a return area the caller provides.
        set(&mut flags, "enable_multi_ret_implicit_sret", "true")?;
        let isa_builder =
            cranelift_native::builder().map_err(|e| anyhow!("unsupported host CPU: {e}"))?;
        let isa = isa_builder.finish(settings::Flags::new(flags))?;
        let fingerprint = format!(
            "petrel {} (build {}) | {} | {} | {:?} | fuel={} epoch={} static_memory={}",
            env!("CARGO_PKG_VERSION"),
            env!("PETREL_BUILD_ID"),
            isa.triple(),
            isa.flags(),
            config.features,
            config.consume_fuel,
            config.epoch_interruption,
            config.static_memory_guard,
        );
        let isa_flags: Vec<String> = isa.isa_flags().iter().map(|v| v.to_string()).collect();
        let fingerprint = format!("{fingerprint} | {}", isa_flags.join(","));
        let module_key = match &config.module_key {
            Some(key) => key.clone(),
            None => ModuleKey::generate()
                .map_err(|e| anyhow!("cannot generate the engine's module key: {e}"))?,
        };
        let cache = config.cache.as_ref().map(Cache::open).transpose()?;
        let pool = match &config.allocation {
            crate::InstanceAllocationStrategy::OnDemand => None,
            crate::InstanceAllocationStrategy::Pooling(p) => Some(crate::vm::InstancePool::new(p)?),
        };
        Ok(Engine {
            inner: Arc::new(EngineInner {
                config: config.clone(),
                isa,
                signatures: Mutex::new(SignatureRegistry::default()),
                epoch: Box::new(AtomicU64::new(0)),
                host_trampolines: Mutex::new(HashMap::new()),
                fingerprint,
                module_key,
                cache,
                pool,
                memory_images: Mutex::new(HashMap::new()),
                recycler: crate::vm::MemoryRecycler::new(),
            }),
        })
    }

    /// The pooling allocator's slots, when the engine has them.
    pub(crate) fn pool(&self) -> Option<&Arc<crate::vm::InstancePool>> {
        self.inner.pool.as_ref()
    }

    /// The image of a memory whose initial contents are `segments`
    /// (offset and bytes, applied in order): one this engine already has
    /// for the same segments, else a new one. `None` when they hold no
    /// bytes or the image cannot be built (the caller copies them).
    pub(crate) fn memory_image(
        &self,
        segments: &[(usize, &[u8])],
    ) -> Option<Arc<crate::vm::MemoryImage>> {
        use sha2::Digest;
        let mut hash = sha2::Sha256::new();
        for (offset, bytes) in segments {
            hash.update((*offset as u64).to_le_bytes());
            hash.update((bytes.len() as u64).to_le_bytes());
            hash.update(bytes);
        }
        let key: [u8; 32] = hash.finalize().into();
        let lock = || {
            self.inner
                .memory_images
                .lock()
                .unwrap_or_else(|e| e.into_inner())
        };
        if let Some(image) = lock().get(&key).and_then(Weak::upgrade) {
            return Some(image);
        }
        let image = Arc::new(crate::vm::MemoryImage::new(segments.iter().copied()).ok()??);
        let mut images = lock();
        images.retain(|_, i| i.strong_count() > 0);
        images.insert(key, Arc::downgrade(&image));
        Some(image)
    }

    /// The recycler of static-memory reservations (used without a pool).
    pub(crate) fn recycler(&self) -> &Arc<crate::vm::MemoryRecycler> {
        &self.inner.recycler
    }

    /// What the compilation cache has done so far (`None` without a
    /// cache; see [`Config::cache`]).
    pub fn cache_statistics(&self) -> Option<CacheStatistics> {
        self.inner.cache.as_ref().map(Cache::statistics)
    }

    /// The configuration this engine was made with.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The most stack, in bytes, wasm may use in one call from the host
    /// ([`Config::max_wasm_stack`]). An embedder that runs calls on a stack
    /// of its own makes that stack at least this large, plus room for the
    /// host's frames.
    pub fn max_wasm_stack(&self) -> usize {
        self.inner.config.max_wasm_stack
    }

    /// Advances the epoch by one. Stores whose deadline this reaches are
    /// interrupted at the next function entry or loop header (when
    /// [`Config::epoch_interruption`] is on). Safe from any thread.
    pub fn increment_epoch(&self) {
        self.inner.epoch.fetch_add(1, Ordering::Release);
    }

    /// The current epoch.
    pub fn current_epoch(&self) -> u64 {
        self.inner.epoch.load(Ordering::Acquire)
    }

    /// Whether two handles refer to the same engine.
    pub fn same(a: &Engine, b: &Engine) -> bool {
        Arc::ptr_eq(&a.inner, &b.inner)
    }

    /// The engine-wide id of a signature, registering it on first use.
    pub(crate) fn signature_id(&self, ty: &FuncType) -> u32 {
        let mut reg = self
            .inner
            .signatures
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(id) = reg.ids.get(ty) {
            return *id;
        }
        let id = reg.types.len() as u32;
        reg.ids.insert(ty.clone(), id);
        reg.types.push(ty.clone());
        id
    }

    /// The engine-wide id of function type `ty`, the heap type of typed
    /// references to functions of that type (`(ref $t)`); registers the
    /// type on first use. Equal types have equal ids in one engine.
    pub fn func_type_id(&self, ty: &FuncType) -> crate::FuncTypeId {
        crate::FuncTypeId(self.signature_id(ty))
    }

    /// The function type of an id from [`Engine::func_type_id`] or from a
    /// type this engine reported; `None` for an id it never gave out.
    pub fn func_type(&self, id: crate::FuncTypeId) -> Option<FuncType> {
        let reg = self
            .inner
            .signatures
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        reg.types.get(id.0 as usize).cloned()
    }

    /// Whether `pc` lies in one of this engine's host trampolines.
    pub(crate) fn is_host_trampoline_pc(&self, pc: usize) -> bool {
        let cache = self
            .inner
            .host_trampolines
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        cache.values().any(|t| t.contains(pc))
    }
}
