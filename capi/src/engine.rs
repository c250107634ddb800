//! Configuration and engines.

use crate::error::petrel_error_t;
use crate::module::petrel_bytes_t;
use crate::util::{Out, guard, guard_void, obj, slice, str};
use anyhow::{Result, anyhow, bail};
use petrel::{
    CacheConfig, Config, Engine, InstanceAllocationStrategy, MODULE_KEY_LEN, OptLevel,
    PoolingAllocationConfig,
};
use std::ffi::c_char;
use std::sync::Mutex;

/// Engine settings. Create with `petrel_config_new`, free with
/// `petrel_config_delete`. Safe to use from several threads.
pub struct petrel_config_t(Mutex<Config>);

/// An engine: compiles modules and holds what they share. Safe to use
/// from several threads. Stores and modules keep what they need of it, so
/// it may be deleted before them.
pub struct petrel_engine_t(pub(crate) Engine);

/// Cranelift's optimisation level (see `PETREL_OPT_LEVEL_*`).
///
/// @enum OptLevel PETREL_OPT_LEVEL_*
pub type petrel_opt_level_t = u8;
/// No optimisation: the fastest compile.
pub const PETREL_OPT_LEVEL_NONE: petrel_opt_level_t = 0;
/// Optimise for speed (the default).
pub const PETREL_OPT_LEVEL_SPEED: petrel_opt_level_t = 1;
/// Optimise for speed and code size.
pub const PETREL_OPT_LEVEL_SPEED_AND_SIZE: petrel_opt_level_t = 2;

/// Creates the default configuration (WebAssembly 2.0, optimised for
/// speed, no fuel, no epochs) in `config_out`.
///
/// # Safety
/// `config_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_config_new(
    config_out: *mut *mut petrel_config_t,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `config_out` is writable.
        let out = unsafe { Out::new(config_out, "config_out")? };
        out.set(Box::into_raw(Box::new(petrel_config_t(Mutex::new(
            Config::new(),
        )))));
        Ok(())
    })
}

/// Frees a configuration. NULL is ignored.
///
/// # Safety
/// `config` is NULL or a live configuration not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_config_delete(config: *mut petrel_config_t) {
    guard_void(|| {
        if !config.is_null() {
            // SAFETY: made by `Box::into_raw` in `petrel_config_new`, freed once.
            drop(unsafe { Box::from_raw(config) });
        }
    });
}

/// Applies `f` to the configuration behind `config`.
///
/// # Safety
/// `config` is NULL or a live configuration.
unsafe fn with_config(
    config: *const petrel_config_t,
    f: impl FnOnce(&mut Config),
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: forwarded precondition.
        let c = unsafe { obj(config, "config")? };
        let mut c =
            c.0.lock()
                .map_err(|_| anyhow!("configuration lock poisoned"))?;
        f(&mut c);
        Ok(())
    })
}

/// Enables or disables 128-bit SIMD (on by default).
///
/// # Safety
/// `config` is a live configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_config_wasm_simd(
    config: *mut petrel_config_t,
    enable: bool,
) -> *mut petrel_error_t {
    // SAFETY: forwarded precondition.
    unsafe {
        with_config(config, |c| {
            c.wasm_simd(enable);
        })
    }
}

/// Enables or disables reference types (on by default).
///
/// # Safety
/// `config` is a live configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_config_wasm_reference_types(
    config: *mut petrel_config_t,
    enable: bool,
) -> *mut petrel_error_t {
    // SAFETY: forwarded precondition.
    unsafe {
        with_config(config, |c| {
            c.wasm_reference_types(enable);
        })
    }
}

/// Enables or disables bulk memory operations (on by default).
///
/// # Safety
/// `config` is a live configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_config_wasm_bulk_memory(
    config: *mut petrel_config_t,
    enable: bool,
) -> *mut petrel_error_t {
    // SAFETY: forwarded precondition.
    unsafe {
        with_config(config, |c| {
            c.wasm_bulk_memory(enable);
        })
    }
}

/// Enables or disables multi-value (on by default).
///
/// # Safety
/// `config` is a live configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_config_wasm_multi_value(
    config: *mut petrel_config_t,
    enable: bool,
) -> *mut petrel_error_t {
    // SAFETY: forwarded precondition.
    unsafe {
        with_config(config, |c| {
            c.wasm_multi_value(enable);
        })
    }
}

/// Enables or disables the sign-extension operators (on by default).
///
/// # Safety
/// `config` is a live configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_config_wasm_sign_extension(
    config: *mut petrel_config_t,
    enable: bool,
) -> *mut petrel_error_t {
    // SAFETY: forwarded precondition.
    unsafe {
        with_config(config, |c| {
            c.wasm_sign_extension(enable);
        })
    }
}

/// Enables or disables extended constant expressions: `i32.add`, `i32.sub`,
/// `i32.mul` and their `i64` forms in global initialisers and segment
/// offsets (on by default, as in WebAssembly 3.0).
///
/// # Safety
/// `config` is a live configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_config_wasm_extended_const(
    config: *mut petrel_config_t,
    enable: bool,
) -> *mut petrel_error_t {
    // SAFETY: forwarded precondition.
    unsafe {
        with_config(config, |c| {
            c.wasm_extended_const(enable);
        })
    }
}

/// Enables or disables the wide-arithmetic operators: `i64.add128`,
/// `i64.sub128`, `i64.mul_wide_s` and `i64.mul_wide_u` (off by default).
///
/// # Safety
/// `config` is a live configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_config_wasm_wide_arithmetic(
    config: *mut petrel_config_t,
    enable: bool,
) -> *mut petrel_error_t {
    // SAFETY: forwarded precondition.
    unsafe {
        with_config(config, |c| {
            c.wasm_wide_arithmetic(enable);
        })
    }
}

/// Enables or disables the relaxed SIMD operators (on by default; they need
/// SIMD). Each has one fixed result on every machine (see
/// `Config::wasm_relaxed_simd` of the Rust API).
///
/// # Safety
/// `config` is a live configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_config_wasm_relaxed_simd(
    config: *mut petrel_config_t,
    enable: bool,
) -> *mut petrel_error_t {
    // SAFETY: forwarded precondition.
    unsafe {
        with_config(config, |c| {
            c.wasm_relaxed_simd(enable);
        })
    }
}

/// Enables or disables tail calls: `return_call` and `return_call_indirect`
/// (on by default). A tail call replaces the caller's frame, so tail
/// recursion of any depth runs in constant stack.
///
/// # Safety
/// `config` is a live configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_config_wasm_tail_call(
    config: *mut petrel_config_t,
    enable: bool,
) -> *mut petrel_error_t {
    // SAFETY: forwarded precondition.
    unsafe {
        with_config(config, |c| {
            c.wasm_tail_call(enable);
        })
    }
}

/// Enables or disables multi-memory: several memories per module, each
/// access naming its memory (on by default).
///
/// # Safety
/// `config` is a live configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_config_wasm_multi_memory(
    config: *mut petrel_config_t,
    enable: bool,
) -> *mut petrel_error_t {
    // SAFETY: forwarded precondition.
    unsafe {
        with_config(config, |c| {
            c.wasm_multi_memory(enable);
        })
    }
}

/// Enables or disables memory64: memories and tables indexed with i64 (on
/// by default, as in Wasmtime). Accesses to a 64-bit memory are checked
/// against its current size; 32-bit memories keep their guard region.
///
/// # Safety
/// `config` is a live configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_config_wasm_memory64(
    config: *mut petrel_config_t,
    enable: bool,
) -> *mut petrel_error_t {
    // SAFETY: forwarded precondition.
    unsafe {
        with_config(config, |c| {
            c.wasm_memory64(enable);
        })
    }
}

/// Enables or disables custom page sizes: memories declared with
/// `(pagesize 1)`, sized and grown in bytes (off by default, as in
/// Wasmtime).
///
/// # Safety
/// `config` is a live configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_config_wasm_custom_page_sizes(
    config: *mut petrel_config_t,
    enable: bool,
) -> *mut petrel_error_t {
    // SAFETY: forwarded precondition.
    unsafe {
        with_config(config, |c| {
            c.wasm_custom_page_sizes(enable);
        })
    }
}

/// Enables or disables non-trapping float-to-int conversions (on by default).
///
/// # Safety
/// `config` is a live configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_config_wasm_saturating_float_to_int(
    config: *mut petrel_config_t,
    enable: bool,
) -> *mut petrel_error_t {
    // SAFETY: forwarded precondition.
    unsafe {
        with_config(config, |c| {
            c.wasm_saturating_float_to_int(enable);
        })
    }
}

/// Makes compiled code count fuel: stores then need
/// `petrel_store_set_fuel`, and running out traps with
/// `PETREL_TRAP_OUT_OF_FUEL` (off by default, free when off).
///
/// # Safety
/// `config` is a live configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_config_consume_fuel(
    config: *mut petrel_config_t,
    enable: bool,
) -> *mut petrel_error_t {
    // SAFETY: forwarded precondition.
    unsafe {
        with_config(config, |c| {
            c.consume_fuel(enable);
        })
    }
}

/// Makes compiled code check the engine's epoch against the store's
/// deadline (see `petrel_engine_increment_epoch`; off by default).
///
/// # Safety
/// `config` is a live configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_config_epoch_interruption(
    config: *mut petrel_config_t,
    enable: bool,
) -> *mut petrel_error_t {
    // SAFETY: forwarded precondition.
    unsafe {
        with_config(config, |c| {
            c.epoch_interruption(enable);
        })
    }
}

/// Compiles a module's functions on several threads (on by default).
///
/// # Safety
/// `config` is a live configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_config_parallel_compilation(
    config: *mut petrel_config_t,
    enable: bool,
) -> *mut petrel_error_t {
    // SAFETY: forwarded precondition.
    unsafe {
        with_config(config, |c| {
            c.parallel_compilation(enable);
        })
    }
}

/// Reserves each memory's whole 4 GiB index space plus a guard region so
/// accesses need no bounds checks (on by default); off, memories are
/// allocated to their size and every access is checked.
///
/// # Safety
/// `config` is a live configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_config_static_memory_guard(
    config: *mut petrel_config_t,
    enable: bool,
) -> *mut petrel_error_t {
    // SAFETY: forwarded precondition.
    unsafe {
        with_config(config, |c| {
            c.static_memory_guard(enable);
        })
    }
}

/// Limits of the pooling instance allocator
/// (`petrel_config_pooling_allocator`). A zero field keeps its default,
/// which are Wasmtime's: 1000 memories, tables and instances alive at once
/// across an engine's stores, one memory and one table per module,
/// memories up to 4 GiB, tables up to 20,000 elements.
#[repr(C)]
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct petrel_pooling_config_t {
    /// The most linear memories alive at once (each pooled one reserves
    /// 6 GiB of address space when the engine is made).
    pub total_memories: u32,
    /// The most tables alive at once.
    pub total_tables: u32,
    /// The most instances alive at once.
    pub total_core_instances: u32,
    /// The most memories one module may define.
    pub max_memories_per_module: u32,
    /// The most tables one module may define.
    pub max_tables_per_module: u32,
    /// The most elements a table may grow to.
    pub table_elements: u32,
    /// The most bytes a pooled memory may grow to (at most 4 GiB).
    pub max_memory_size: u64,
}

/// Makes engines made with `config` allocate instances, memories and
/// tables from a pool reserved when the engine is made and reused after a
/// store is deleted (`pooling`), or on demand (NULL, the default). Going
/// past a limit is an error of the call that tried.
///
/// # Safety
/// `config` is a live configuration; `pooling` is NULL or readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_config_pooling_allocator(
    config: *mut petrel_config_t,
    pooling: *const petrel_pooling_config_t,
) -> *mut petrel_error_t {
    // SAFETY: the caller guarantees `pooling` is NULL or readable.
    let pooling = unsafe { pooling.as_ref() }.copied();
    // SAFETY: forwarded precondition.
    unsafe {
        with_config(config, |c| {
            let strategy = match pooling {
                None => InstanceAllocationStrategy::OnDemand,
                Some(p) => {
                    let mut pool = PoolingAllocationConfig::new();
                    let set = |v: u32, f: &mut dyn FnMut(u32)| {
                        if v != 0 {
                            f(v)
                        }
                    };
                    set(p.total_memories, &mut |v| {
                        pool.total_memories(v);
                    });
                    set(p.total_tables, &mut |v| {
                        pool.total_tables(v);
                    });
                    set(p.total_core_instances, &mut |v| {
                        pool.total_core_instances(v);
                    });
                    set(p.max_memories_per_module, &mut |v| {
                        pool.max_memories_per_module(v);
                    });
                    set(p.max_tables_per_module, &mut |v| {
                        pool.max_tables_per_module(v);
                    });
                    set(p.table_elements, &mut |v| {
                        pool.table_elements(v as usize);
                    });
                    if p.max_memory_size != 0 {
                        pool.max_memory_size(
                            usize::try_from(p.max_memory_size).unwrap_or(usize::MAX),
                        );
                    }
                    InstanceAllocationStrategy::Pooling(pool)
                }
            };
            c.allocation_strategy(strategy);
        })
    }
}

/// Whether a module's data segments become a copy-on-write memory image
/// that instances map rather than copy (on by default).
///
/// # Safety
/// `config` is a live configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_config_memory_init_cow(
    config: *mut petrel_config_t,
    enable: bool,
) -> *mut petrel_error_t {
    // SAFETY: forwarded precondition.
    unsafe {
        with_config(config, |c| {
            c.memory_init_cow(enable);
        })
    }
}

/// Makes every floating-point operation that can produce a NaN produce the
/// canonical one, so results are the same bits on every host (off by
/// default).
///
/// # Safety
/// `config` is a live configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_config_cranelift_nan_canonicalization(
    config: *mut petrel_config_t,
    enable: bool,
) -> *mut petrel_error_t {
    // SAFETY: forwarded precondition.
    unsafe {
        with_config(config, |c| {
            c.cranelift_nan_canonicalization(enable);
        })
    }
}

/// Runs Cranelift's IR verifier on every function before compiling it
/// (slower compilation, for finding compiler bugs; off in release builds).
///
/// # Safety
/// `config` is a live configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_config_cranelift_debug_verifier(
    config: *mut petrel_config_t,
    enable: bool,
) -> *mut petrel_error_t {
    // SAFETY: forwarded precondition.
    unsafe {
        with_config(config, |c| {
            c.cranelift_debug_verifier(enable);
        })
    }
}

/// Checks that the target triple `triple` (`triple_len` bytes of UTF-8,
/// such as `x86_64-unknown-linux-gnu`) is the host: Petrel compiles for the
/// machine it runs on only.
///
/// # Errors
/// When `triple` is not a target triple or names another architecture or
/// operating system than the host's.
///
/// # Safety
/// `config` is a live configuration; `triple` points to `triple_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_config_target(
    config: *mut petrel_config_t,
    triple: *const c_char,
    triple_len: usize,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees the buffer.
        let triple = unsafe { str(triple, triple_len, "triple")? };
        // SAFETY: live per the precondition.
        let c = unsafe { obj(config, "config")? };
        c.0.lock()
            .map_err(|_| anyhow!("configuration lock poisoned"))?
            .target(triple)?;
        Ok(())
    })
}

/// Sets Cranelift's optimisation level (`PETREL_OPT_LEVEL_*`).
///
/// # Safety
/// `config` is a live configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_config_opt_level(
    config: *mut petrel_config_t,
    level: petrel_opt_level_t,
) -> *mut petrel_error_t {
    let level = match level {
        PETREL_OPT_LEVEL_NONE => OptLevel::None,
        PETREL_OPT_LEVEL_SPEED => OptLevel::Speed,
        PETREL_OPT_LEVEL_SPEED_AND_SIZE => OptLevel::SpeedAndSize,
        other => return petrel_error_t::boxed(anyhow!("unknown optimisation level {other}")),
    };
    // SAFETY: forwarded precondition.
    unsafe {
        with_config(config, |c| {
            c.cranelift_opt_level(level);
        })
    }
}

/// The most stack, in bytes, wasm may use in one call from the host;
/// deeper recursion traps with `PETREL_TRAP_STACK_OVERFLOW`.
///
/// # Safety
/// `config` is a live configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_config_max_wasm_stack(
    config: *mut petrel_config_t,
    bytes: usize,
) -> *mut petrel_error_t {
    // SAFETY: forwarded precondition.
    unsafe {
        with_config(config, |c| {
            c.max_wasm_stack(bytes);
        })
    }
}

/// Sets the 32-byte secret key that seals serialized modules
/// (`petrel_module_serialize`) and authenticates them when they are loaded
/// (`petrel_module_deserialize`). Engines configured with the same key load
/// each other's serialized modules; anyone who knows the key can make
/// modules they will load and run, so keep it where only the embedder can
/// read it. Without a key, each engine draws a random one: its serialized
/// modules load only into that engine. `key_len` must be 32.
///
/// # Safety
/// `config` is a live configuration; `key` points to `key_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_config_module_key(
    config: *mut petrel_config_t,
    key: *const u8,
    key_len: usize,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees the buffer.
        let key = unsafe { slice(key, key_len, "key")? };
        let key: [u8; MODULE_KEY_LEN] = key
            .try_into()
            .map_err(|_| anyhow!("a module key is {MODULE_KEY_LEN} bytes, not {key_len}"))?;
        // SAFETY: live per the precondition.
        let c = unsafe { obj(config, "config")? };
        c.0.lock()
            .map_err(|_| anyhow!("configuration lock poisoned"))?
            .module_key(key);
        Ok(())
    })
}

/// Draws a fresh random module key from the operating system, sets it on
/// `config` (as `petrel_config_module_key` does) and writes a copy to
/// `key_out` (32 bytes; free with `petrel_bytes_delete`) so that it can be
/// stored for the engines of other processes.
///
/// # Safety
/// `config` is a live configuration; `key_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_config_generate_module_key(
    config: *mut petrel_config_t,
    key_out: *mut petrel_bytes_t,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `key_out` is writable.
        let out = unsafe { Out::new(key_out, "key_out")? };
        // SAFETY: live per the precondition.
        let c = unsafe { obj(config, "config")? };
        let key =
            c.0.lock()
                .map_err(|_| anyhow!("configuration lock poisoned"))?
                .generate_module_key()?;
        out.set(petrel_bytes_t::from_vec(key.to_vec()));
        Ok(())
    })
}

/// Turns the compilation cache on: modules compiled by engines made with
/// this configuration are stored in `directory` and loaded from there by
/// later engines (of any process of this user with the same Petrel build
/// and settings) instead of being compiled again. Entries are authenticated
/// with the key in `key_file`, which must lie outside `directory`; both are
/// created when missing (modes 0700 and 0600) and their ownership and
/// permissions are checked by `petrel_engine_new`. A tampered, truncated or
/// foreign entry is ignored and replaced. `directory` NULL (and `key_file`
/// NULL) chooses the user's default: `$XDG_CACHE_HOME/petrel/modules` and
/// `$XDG_CONFIG_HOME/petrel/cache-key` (else under `~/.cache` and
/// `~/.config`).
///
/// # Safety
/// `config` is a live configuration; `directory` and `key_file` point to
/// `directory_len` and `key_file_len` bytes of UTF-8 (or are NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_config_cache(
    config: *mut petrel_config_t,
    directory: *const c_char,
    directory_len: usize,
    key_file: *const c_char,
    key_file_len: usize,
) -> *mut petrel_error_t {
    guard(|| {
        let cache = if directory.is_null() && key_file.is_null() {
            CacheConfig::user_default()?
        } else {
            // SAFETY: the caller guarantees both buffers.
            let (dir, key) = unsafe {
                (
                    str(directory, directory_len, "directory")?,
                    str(key_file, key_file_len, "key_file")?,
                )
            };
            if dir.is_empty() || key.is_empty() {
                bail!("`directory` and `key_file` must both be given, or both be NULL");
            }
            CacheConfig::new(dir, key)
        };
        // SAFETY: live per the precondition.
        let c = unsafe { obj(config, "config")? };
        c.0.lock()
            .map_err(|_| anyhow!("configuration lock poisoned"))?
            .cache(Some(cache));
        Ok(())
    })
}

/// What the engine's compilation cache has done: modules loaded from it
/// (`hits_out`), compiled because no entry existed (`misses_out`), and
/// entries refused and replaced (`rejected_out`). `enabled_out` is false,
/// and the counts zero, when the engine has no cache.
///
/// # Safety
/// `engine` is a live engine; the out-pointers are writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_engine_cache_statistics(
    engine: *const petrel_engine_t,
    hits_out: *mut u64,
    misses_out: *mut u64,
    rejected_out: *mut u64,
    enabled_out: *mut bool,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees the out-pointers are writable.
        let (hits, misses, rejected, enabled) = unsafe {
            (
                Out::new(hits_out, "hits_out")?,
                Out::new(misses_out, "misses_out")?,
                Out::new(rejected_out, "rejected_out")?,
                Out::new(enabled_out, "enabled_out")?,
            )
        };
        // SAFETY: live per the precondition.
        let stats = unsafe { engine_ref(engine)? }.cache_statistics();
        let s = stats.unwrap_or_default();
        hits.set(s.hits);
        misses.set(s.misses);
        rejected.set(s.rejected);
        enabled.set(stats.is_some());
        Ok(())
    })
}

/// Creates an engine for the host CPU with `config` (NULL: the defaults).
/// The configuration is copied: the caller still owns and frees it.
///
/// # Safety
/// `config` is NULL or a live configuration; `engine_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_engine_new(
    config: *const petrel_config_t,
    engine_out: *mut *mut petrel_engine_t,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `engine_out` is writable.
        let out = unsafe { Out::new(engine_out, "engine_out")? };
        let config = if config.is_null() {
            Config::new()
        } else {
            // SAFETY: non-null, live per the precondition.
            let c = unsafe { obj(config, "config")? };
            c.0.lock()
                .map_err(|_| anyhow!("configuration lock poisoned"))?
                .clone()
        };
        let engine = Engine::new(&config)?;
        out.set(Box::into_raw(Box::new(petrel_engine_t(engine))));
        Ok(())
    })
}

/// Advances the engine's epoch by one: stores whose deadline this reaches
/// are interrupted with `PETREL_TRAP_INTERRUPT`. Safe from any thread,
/// also while wasm runs.
///
/// # Safety
/// `engine` is a live engine.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_engine_increment_epoch(
    engine: *const petrel_engine_t,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: live per the precondition.
        unsafe { engine_ref(engine)? }.increment_epoch();
        Ok(())
    })
}

/// The most stack, in bytes, wasm may use in one call from the host
/// (`petrel_config_max_wasm_stack`; 512 KiB by default). An embedder that
/// calls wasm on a stack of its own makes it at least this large, plus room
/// for the host's own frames.
///
/// # Safety
/// `engine` is a live engine; `bytes_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_engine_max_wasm_stack(
    engine: *const petrel_engine_t,
    bytes_out: *mut usize,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `bytes_out` is writable.
        let out = unsafe { Out::new(bytes_out, "bytes_out")? };
        // SAFETY: live per the precondition.
        out.set(unsafe { engine_ref(engine)? }.max_wasm_stack());
        Ok(())
    })
}

/// Frees an engine. Modules and stores made with it keep working. NULL
/// is ignored.
///
/// # Safety
/// `engine` is NULL or a live engine not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_engine_delete(engine: *mut petrel_engine_t) {
    guard_void(|| {
        if !engine.is_null() {
            // SAFETY: made by `Box::into_raw` in `petrel_engine_new`, freed once.
            drop(unsafe { Box::from_raw(engine) });
        }
    });
}

/// The engine behind `engine`.
///
/// # Safety
/// `engine` is NULL or a live engine.
pub(crate) unsafe fn engine_ref<'a>(engine: *const petrel_engine_t) -> Result<&'a Engine> {
    if engine.is_null() {
        bail!("`engine` must not be NULL");
    }
    // SAFETY: forwarded precondition.
    Ok(&unsafe { obj(engine, "engine")? }.0)
}
