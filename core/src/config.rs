//! Engine configuration: which proposals are on, how code is compiled, and
//! which runtime checks (fuel, epochs) the compiled code carries.

use crate::artifact::{MODULE_KEY_LEN, ModuleKey};
use crate::cache::CacheConfig;
use anyhow::{Result, anyhow};
use serde::{Deserialize, Serialize};

/// How hard Cranelift optimises.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OptLevel {
    /// No optimisation: fastest compile.
    None,
    /// Optimise for speed (the default).
    Speed,
    /// Optimise for speed and code size.
    SpeedAndSize,
}

/// The WebAssembly proposals a module may use.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub(crate) struct WasmFeatureSet {
    pub simd: bool,
    pub reference_types: bool,
    pub bulk_memory: bool,
    pub multi_value: bool,
    pub sign_extension: bool,
    pub saturating_float_to_int: bool,
    pub extended_const: bool,
    pub wide_arithmetic: bool,
    pub relaxed_simd: bool,
    pub tail_call: bool,
    pub multi_memory: bool,
    pub memory64: bool,
    pub custom_page_sizes: bool,
    /// Typed function references (`(ref $t)`, `call_ref`, ...).
    pub function_references: bool,
    /// Exception-handling tags (the instructions are refused).
    pub exceptions: bool,
}

/// Settings for an [`Engine`](crate::Engine). Every module compiled by an
/// engine obeys its settings; a serialized module only loads into an engine
/// with the same ones and the same module key. `Debug` never shows the key.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Config {
    pub(crate) features: WasmFeatureSet,
    pub(crate) opt_level: OptLevel,
    pub(crate) consume_fuel: bool,
    pub(crate) epoch_interruption: bool,
    pub(crate) max_wasm_stack: usize,
    pub(crate) parallel_compilation: bool,
    pub(crate) static_memory_guard: bool,
    pub(crate) memory_init_cow: bool,
    pub(crate) nan_canonicalization: bool,
    pub(crate) debug_verifier: bool,
    /// Never serialized: a configuration written out must not carry the
    /// secret.
    #[serde(skip)]
    pub(crate) module_key: Option<ModuleKey>,
    /// Where compiled modules are cached; not part of what a configuration
    /// serializes (a path of this machine).
    #[serde(skip)]
    pub(crate) cache: Option<CacheConfig>,
    /// How instances, memories and tables are allocated. Compiled code is
    /// the same either way, so it is not part of what a serialized module
    /// must match.
    #[serde(skip)]
    pub(crate) allocation: InstanceAllocationStrategy,
}

/// How an engine allocates instances and their memories and tables
/// ([`Config::allocation_strategy`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum InstanceAllocationStrategy {
    /// Each instance maps its memories and allocates its tables when it is
    /// created and frees them when its store is dropped (the default). The
    /// engine keeps up to 16 address-space reservations of dropped static
    /// memories, their pages discarded, and gives them to later memories
    /// of the same module (or of none with an image), which then cost no
    /// system call to make.
    #[default]
    OnDemand,
    /// Slots reserved when the engine is made and reused: see
    /// [`PoolingAllocationConfig`].
    Pooling(PoolingAllocationConfig),
}

/// The pooling instance allocator: the engine reserves address space for
/// `total_memories` linear memories up front, and counts instances and
/// tables against fixed totals. A store's memories, tables and instances
/// go back to the pool when the store is dropped; a memory slot is reset
/// with `madvise` (its pages read as zero, or as the module's data image,
/// again) and keeps its protection and image for the next instance, so
/// instantiating the same module again makes no system call for its
/// memory. Allocation beyond a total, or a module beyond a per-module
/// limit, is a clean error.
///
/// Memories that need bounds checks anyway (64-bit memories without a
/// small maximum, one-byte pages, or an engine with `static_memory_guard`
/// off) are not pooled; they are mapped on demand and count against
/// `total_memories` all the same.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PoolingAllocationConfig {
    pub(crate) total_memories: u32,
    pub(crate) total_tables: u32,
    pub(crate) total_core_instances: u32,
    pub(crate) max_memories_per_module: u32,
    pub(crate) max_tables_per_module: u32,
    pub(crate) max_memory_size: usize,
    pub(crate) table_elements: usize,
}

impl Default for PoolingAllocationConfig {
    fn default() -> PoolingAllocationConfig {
        PoolingAllocationConfig {
            total_memories: 1000,
            total_tables: 1000,
            total_core_instances: 1000,
            max_memories_per_module: 1,
            max_tables_per_module: 1,
            max_memory_size: 4 << 30,
            table_elements: 20_000,
        }
    }
}

impl PoolingAllocationConfig {
    /// Wasmtime's defaults: 1000 memories, tables and instances, one memory
    /// and one table per module, memories up to 4 GiB, tables up to 20,000
    /// elements.
    pub fn new() -> PoolingAllocationConfig {
        PoolingAllocationConfig::default()
    }

    /// The most linear memories alive at once across the engine's stores
    /// (each pooled one reserves 6 GiB of address space when the engine is
    /// made).
    pub fn total_memories(&mut self, n: u32) -> &mut Self {
        self.total_memories = n;
        self
    }

    /// The most tables alive at once across the engine's stores.
    pub fn total_tables(&mut self, n: u32) -> &mut Self {
        self.total_tables = n;
        self
    }

    /// The most instances alive at once across the engine's stores.
    pub fn total_core_instances(&mut self, n: u32) -> &mut Self {
        self.total_core_instances = n;
        self
    }

    /// The most memories one module may define.
    pub fn max_memories_per_module(&mut self, n: u32) -> &mut Self {
        self.max_memories_per_module = n;
        self
    }

    /// The most tables one module may define.
    pub fn max_tables_per_module(&mut self, n: u32) -> &mut Self {
        self.max_tables_per_module = n;
        self
    }

    /// The most bytes a pooled memory may grow to (at most 4 GiB, the
    /// static reservation; rounded down to 64 KiB).
    pub fn max_memory_size(&mut self, bytes: usize) -> &mut Self {
        self.max_memory_size = bytes;
        self
    }

    /// The most elements a table may grow to.
    pub fn table_elements(&mut self, n: usize) -> &mut Self {
        self.table_elements = n;
        self
    }
}

impl Default for Config {
    fn default() -> Config {
        Config {
            features: WasmFeatureSet {
                simd: true,
                reference_types: true,
                bulk_memory: true,
                multi_value: true,
                sign_extension: true,
                saturating_float_to_int: true,
                extended_const: true,
                wide_arithmetic: false,
                relaxed_simd: true,
                tail_call: true,
                multi_memory: true,
                memory64: true,
                custom_page_sizes: false,
                function_references: false,
                exceptions: false,
            },
            opt_level: OptLevel::Speed,
            consume_fuel: false,
            epoch_interruption: false,
            max_wasm_stack: 512 * 1024,
            parallel_compilation: true,
            static_memory_guard: true,
            memory_init_cow: true,
            nan_canonicalization: false,
            debug_verifier: cfg!(debug_assertions),
            module_key: None,
            cache: None,
            allocation: InstanceAllocationStrategy::OnDemand,
        }
    }
}

impl Config {
    /// The default configuration: WebAssembly 2.0, optimised for speed.
    pub fn new() -> Config {
        Config::default()
    }

    /// Sets Cranelift's optimisation level.
    pub fn cranelift_opt_level(&mut self, level: OptLevel) -> &mut Self {
        self.opt_level = level;
        self
    }

    /// Enables or disables 128-bit SIMD.
    pub fn wasm_simd(&mut self, enable: bool) -> &mut Self {
        self.features.simd = enable;
        self
    }

    /// Enables or disables reference types.
    pub fn wasm_reference_types(&mut self, enable: bool) -> &mut Self {
        self.features.reference_types = enable;
        self
    }

    /// Enables or disables bulk memory operations.
    pub fn wasm_bulk_memory(&mut self, enable: bool) -> &mut Self {
        self.features.bulk_memory = enable;
        self
    }

    /// Enables or disables multi-value.
    pub fn wasm_multi_value(&mut self, enable: bool) -> &mut Self {
        self.features.multi_value = enable;
        self
    }

    /// Enables or disables the sign-extension operators.
    pub fn wasm_sign_extension(&mut self, enable: bool) -> &mut Self {
        self.features.sign_extension = enable;
        self
    }

    /// Enables or disables extended constant expressions (`i32.add`,
    /// `i32.sub`, `i32.mul` and their `i64` forms in global initialisers
    /// and segment offsets; on by default, as in WebAssembly 3.0).
    pub fn wasm_extended_const(&mut self, enable: bool) -> &mut Self {
        self.features.extended_const = enable;
        self
    }

    /// Enables or disables the wide-arithmetic operators (`i64.add128`,
    /// `i64.sub128`, `i64.mul_wide_s`, `i64.mul_wide_u`; off by default,
    /// as in Wasmtime).
    pub fn wasm_wide_arithmetic(&mut self, enable: bool) -> &mut Self {
        self.features.wide_arithmetic = enable;
        self
    }

    /// Enables or disables typed function references (the
    /// function-references proposal: reference types `(ref $t)`,
    /// `(ref null $t)`, `(ref func)`; `call_ref`, `return_call_ref`,
    /// `ref.as_non_null`, `br_on_null`, `br_on_non_null`; non-nullable
    /// locals; table initialiser expressions). Off by default, as in
    /// Wasmtime. A null reference where a function is needed traps with
    /// [`TrapCode::NullReference`](crate::TrapCode::NullReference).
    pub fn wasm_function_references(&mut self, enable: bool) -> &mut Self {
        self.features.function_references = enable;
        self
    }

    /// Enables or disables the exception-handling proposal's module
    /// entities: modules may define, import and export tags
    /// ([`TagType`](crate::TagType), [`Tag`](crate::Tag)). Its
    /// instructions (`throw`, `throw_ref`, `try_table` and the legacy
    /// `try`, `catch`, `delegate`, `rethrow`) are not supported yet: a
    /// function using one fails to compile with an error naming it. Off by
    /// default.
    pub fn wasm_exceptions(&mut self, enable: bool) -> &mut Self {
        self.features.exceptions = enable;
        self
    }

    /// Enables or disables the relaxed SIMD operators (on by default, as in
    /// Wasmtime; they need SIMD). Petrel gives each one fixed result on
    /// every machine: the non-relaxed counterpart where one exists
    /// (swizzle, saturating truncation, bitselect, NaN-propagating min and
    /// max, saturating q15 multiply), unfused multiply-add, and wrapping
    /// signed-by-signed dot products.
    pub fn wasm_relaxed_simd(&mut self, enable: bool) -> &mut Self {
        self.features.relaxed_simd = enable;
        self
    }

    /// Enables or disables tail calls (`return_call`,
    /// `return_call_indirect`; on by default, as in Wasmtime). A tail call
    /// replaces the caller's frame, so tail recursion of any depth runs in
    /// constant stack.
    pub fn wasm_tail_call(&mut self, enable: bool) -> &mut Self {
        self.features.tail_call = enable;
        self
    }

    /// Enables or disables multi-memory: several memories per module,
    /// defined or imported, each access naming its memory (on by default,
    /// as in Wasmtime).
    pub fn wasm_multi_memory(&mut self, enable: bool) -> &mut Self {
        self.features.multi_memory = enable;
        self
    }

    /// Enables or disables memory64: memories and tables indexed with
    /// `i64` (on by default, as in Wasmtime, whose `Config::wasm_memory64`
    /// switch this mirrors; WebAssembly 3.0 includes it). A 64-bit memory
    /// checks every access against its current size (a 32-bit one keeps
    /// relying on its guard region; see `notes/WASM3.md`).
    pub fn wasm_memory64(&mut self, enable: bool) -> &mut Self {
        self.features.memory64 = enable;
        self
    }

    /// Enables or disables the custom-page-sizes proposal: memories whose
    /// type says `(pagesize 1)` grow and are measured in bytes instead of
    /// 64 KiB pages (off by default, as in Wasmtime). Such a memory's
    /// accesses are checked explicitly, since its size need not be a
    /// multiple of the host's page.
    pub fn wasm_custom_page_sizes(&mut self, enable: bool) -> &mut Self {
        self.features.custom_page_sizes = enable;
        self
    }

    /// Enables or disables non-trapping float-to-int conversions.
    pub fn wasm_saturating_float_to_int(&mut self, enable: bool) -> &mut Self {
        self.features.saturating_float_to_int = enable;
        self
    }

    /// Makes compiled code count fuel: each store then needs
    /// [`Store::set_fuel`](crate::Store::set_fuel), and running out traps
    /// with [`TrapCode::OutOfFuel`](crate::TrapCode::OutOfFuel). Off by
    /// default, and free when off.
    pub fn consume_fuel(&mut self, enable: bool) -> &mut Self {
        self.consume_fuel = enable;
        self
    }

    /// Makes compiled code check the engine's epoch against the store's
    /// deadline at function entries and loop headers. Off by default, and
    /// free when off.
    pub fn epoch_interruption(&mut self, enable: bool) -> &mut Self {
        self.epoch_interruption = enable;
        self
    }

    /// The most stack, in bytes, wasm may use in one call from the host;
    /// deeper recursion traps with `StackOverflow`.
    pub fn max_wasm_stack(&mut self, bytes: usize) -> &mut Self {
        self.max_wasm_stack = bytes;
        self
    }

    /// Compiles a module's functions on several threads.
    pub fn parallel_compilation(&mut self, enable: bool) -> &mut Self {
        self.parallel_compilation = enable;
        self
    }

    /// Reserves each 32-bit memory's whole 4 GiB index space plus a guard
    /// region, so loads and stores need no bounds checks (the default).
    /// When off, memories are allocated to their current size and every
    /// access is checked explicitly.
    pub fn static_memory_guard(&mut self, enable: bool) -> &mut Self {
        self.static_memory_guard = enable;
        self
    }

    /// How instances, memories and tables are allocated: on demand (the
    /// default) or from a pool reserved when the engine is made.
    pub fn allocation_strategy(&mut self, strategy: InstanceAllocationStrategy) -> &mut Self {
        self.allocation = strategy;
        self
    }

    /// Whether a module's data segments become a copy-on-write memory
    /// image that instances map rather than copy (the default, for static
    /// memories whose segments all have constant offsets). Instances then
    /// share unwritten pages and instantiation touches no memory. When off,
    /// every instantiation copies the segments.
    pub fn memory_init_cow(&mut self, enable: bool) -> &mut Self {
        self.memory_init_cow = enable;
        self
    }

    /// Makes every floating-point operation that can produce a NaN produce
    /// the canonical one (Cranelift's NaN canonicalisation), so results are
    /// the same bits on every host (off by default; costs a compare and a
    /// select per operation).
    pub fn cranelift_nan_canonicalization(&mut self, enable: bool) -> &mut Self {
        self.nan_canonicalization = enable;
        self
    }

    /// Runs Cranelift's IR verifier on every function before compiling it
    /// (on in debug builds of Petrel, off in release builds): slower
    /// compilation, for finding compiler bugs.
    pub fn cranelift_debug_verifier(&mut self, enable: bool) -> &mut Self {
        self.debug_verifier = enable;
        self
    }

    /// Checks that `triple` (such as `x86_64-unknown-linux-gnu`) names the
    /// host: Petrel compiles for the machine it runs on only, so any other
    /// target is refused.
    ///
    /// # Errors
    /// When `triple` is not a target triple, or names another architecture
    /// or operating system than the host's.
    pub fn target(&mut self, triple: &str) -> Result<&mut Self> {
        let wanted: target_lexicon::Triple = triple
            .parse()
            .map_err(|e| anyhow!("invalid target `{triple}`: {e}"))?;
        let host = target_lexicon::Triple::host();
        if wanted.architecture != host.architecture
            || wanted.operating_system != host.operating_system
        {
            return Err(anyhow!(
                "Petrel compiles for the host only: target `{triple}` is not the host ({host})"
            ));
        }
        Ok(self)
    }

    /// Turns the compilation cache on (`Some`) or off (`None`, the
    /// default). With a cache, [`Module::new`](crate::Module::new) loads a
    /// module compiled before, by any process of this user with the same
    /// Petrel build and engine settings, instead of compiling it; entries
    /// are authenticated with the key in the cache's key file before
    /// anything in them is used (see [`CacheConfig`]). The engine checks
    /// the directory and key file when it is created.
    pub fn cache(&mut self, cache: Option<CacheConfig>) -> &mut Self {
        self.cache = cache;
        self
    }

    /// Sets the secret key that seals serialized modules
    /// ([`Module::serialize`](crate::Module::serialize)) and authenticates
    /// them when they are loaded
    /// ([`Module::deserialize`](crate::Module::deserialize)). Engines that
    /// share this key load each other's serialized modules; anyone who knows
    /// it can make modules those engines will load and run, so keep it
    /// where only the embedder can read it (never next to the `.cwasm`
    /// files, never in the program's image).
    ///
    /// Without a key, each engine draws a random one when it is created:
    /// its serialized modules load only into that engine and its clones.
    pub fn module_key(&mut self, key: [u8; MODULE_KEY_LEN]) -> &mut Self {
        self.module_key = Some(ModuleKey::new(key));
        self
    }

    /// Draws a fresh random module key from the operating system, sets it
    /// (as [`Config::module_key`] does) and returns it so that it can be
    /// stored for the engines of other processes.
    ///
    /// # Errors
    /// The operating system's random number generator failed.
    pub fn generate_module_key(&mut self) -> Result<[u8; MODULE_KEY_LEN]> {
        let key =
            ModuleKey::generate().map_err(|e| anyhow!("cannot generate a module key: {e}"))?;
        let bytes = key.bytes();
        self.module_key = Some(key);
        Ok(bytes)
    }
}
