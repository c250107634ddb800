//! Fuzz target `compile_valid`: every module `wasmparser` validates must
//! compile in Petrel, instantiate with dummy imports, and run without a
//! crash.
//!
//! The modules come from three sources, chosen by the first input byte:
//!
//! - `wasm-smith` with every feature Petrel supports (WebAssembly 2.0 with
//!   SIMD, multi-value, reference types, bulk memory), imports and
//!   exports included;
//! - the same with `allow_invalid_funcs` (some function bodies are
//!   arbitrary instructions) and then a few byte mutations: most of these
//!   are invalid, which checks the other direction (Petrel must refuse
//!   what the validator refuses);
//! - raw input bytes behind a module header.
//!
//! Each is compiled by one of four engines (default settings; no static
//! memory guard and no optimisation; epochs on and size optimisation;
//! every proposal off), and `wasmparser`, set up with that engine's
//! feature set, decides validity on its own. The properties:
//!
//! - a module is accepted by `Module::new` exactly when the validator
//!   accepts it, and `Module::validate` agrees (the [`documented
//!   limits`](DOCUMENTED_LIMITS) are the only exceptions);
//! - a compiled module instantiates with a dummy for each import (a
//!   function returning zeros, a memory, table or global of the import's
//!   type), or fails with a trap (segment initialisation, start function)
//!   or with the store's resource limit;
//! - each exported function, called with arguments from the input and a
//!   bounded amount of fuel, returns or traps: no other error, no crash;
//! - the same module, with the same arguments, behaves the same under
//!   another configuration with the same features (another optimisation
//!   level, explicit bounds checks instead of the guard region), and
//!   after serialization and loading: same results (floats and vectors
//!   with any NaN equal to any NaN: these modules are not canonicalised),
//!   same traps, until a call runs out of fuel or stack (whose depth
//!   depends on frame sizes).

use crate::{Input, Rng, describe};
use arbitrary::Unstructured;
use petrel::{
    Config, Engine, Extern, ExternType, Func, Global, Instance, Memory, Module, OptLevel, Ref,
    Store, StoreLimits, StoreLimitsBuilder, Table, Val, ValType,
};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use wasmparser::WasmFeatures;

/// Reasons Petrel may refuse a module the validator accepts, as
/// substrings of its error message. Each is a documented, deliberate
/// difference:
///
/// - `integer representation too long` / `invalid var_u32`: table and
///   memory limits written with a LEB128 encoding longer than 5 bytes.
///   `wasmparser` reads limits as 64-bit numbers (for memory64) and
///   accepts these; the Wasm 2.0 specification calls them malformed, and
///   so does Petrel (`core/src/environ/parse.rs`, `check_limits`).
pub const DOCUMENTED_LIMITS: &[&str] = &["integer representation too long", "invalid var_u32"];

/// Fuel for the calls of one module (shared by its exports).
const FUEL: u64 = 100_000;

/// Per-store caps: enough for every module wasm-smith makes here, small
/// enough that a mutated module's 4 GiB memory or million-element table
/// is refused instead of exhausting the fuzzer's memory.
fn limits() -> StoreLimits {
    StoreLimitsBuilder::new()
        .memory_size(64 << 20)
        .table_elements(100_000)
        .instances(10)
        .build()
}

/// What the target has done since the process started.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Modules given to Petrel.
    pub modules: u64,
    /// Of those, modules the validator accepted.
    pub valid: u64,
    /// Valid modules compiled (all of them, or the run failed).
    pub compiled: u64,
    /// Compiled modules instantiated.
    pub instantiated: u64,
    /// Instantiations that trapped or hit the store's limits.
    pub instantiation_traps: u64,
    /// Exported functions called.
    pub calls: u64,
    /// Calls that trapped.
    pub call_traps: u64,
    /// Modules serialized and loaded back.
    pub reloaded: u64,
    /// Modules run under two configurations and compared.
    pub cross_checked: u64,
}

static COUNTS: [AtomicU64; 9] = [const { AtomicU64::new(0) }; 9];

fn bump(i: usize) {
    COUNTS[i].fetch_add(1, Ordering::Relaxed);
}

/// The counts so far.
pub fn counts() -> Counts {
    let c = |i: usize| COUNTS[i].load(Ordering::Relaxed);
    Counts {
        modules: c(0),
        valid: c(1),
        compiled: c(2),
        instantiated: c(3),
        instantiation_traps: c(4),
        calls: c(5),
        call_traps: c(6),
        reloaded: c(7),
        cross_checked: c(8),
    }
}

/// One engine and the validator features that match it.
struct Setup {
    engine: Engine,
    features: WasmFeatures,
    /// Whether wasm-smith may use everything Petrel supports.
    all_features: bool,
    /// For failure reports.
    name: String,
}

fn setups() -> &'static [Setup] {
    static SETUPS: OnceLock<Vec<Setup>> = OnceLock::new();
    SETUPS.get_or_init(|| {
        let make = |name: &str, f: &dyn Fn(&mut Config), all_features: bool| {
            let mut config = Config::new();
            config.consume_fuel(true).parallel_compilation(false);
            f(&mut config);
            // Petrel's default set: WebAssembly 2.0 plus the 3.0
            // proposals it turns on by default (a mutated module may use
            // any of them, and Petrel then compiles it).
            let mut features = WasmFeatures::WASM2
                | WasmFeatures::EXTENDED_CONST
                | WasmFeatures::MULTI_MEMORY
                | WasmFeatures::TAIL_CALL
                | WasmFeatures::RELAXED_SIMD
                | WasmFeatures::MEMORY64;
            if !all_features {
                features = WasmFeatures::WASM2;
                for feature in [
                    WasmFeatures::SIMD,
                    WasmFeatures::REFERENCE_TYPES,
                    WasmFeatures::BULK_MEMORY,
                    WasmFeatures::MULTI_VALUE,
                    WasmFeatures::SIGN_EXTENSION,
                    WasmFeatures::SATURATING_FLOAT_TO_INT,
                ] {
                    features.remove(feature);
                }
            }
            Setup {
                engine: Engine::new(&config).expect("an engine for the host"),
                features,
                all_features,
                name: name.to_string(),
            }
        };
        vec![
            make("default", &|_| {}, true),
            make(
                "no static guard, no optimisation",
                &|c| {
                    c.static_memory_guard(false)
                        .cranelift_opt_level(OptLevel::None);
                },
                true,
            ),
            make(
                "epochs, size optimisation",
                &|c| {
                    c.epoch_interruption(true)
                        .cranelift_opt_level(OptLevel::SpeedAndSize);
                },
                true,
            ),
            make(
                "every proposal off",
                &|c| {
                    c.wasm_simd(false)
                        .wasm_reference_types(false)
                        .wasm_bulk_memory(false)
                        .wasm_multi_value(false)
                        .wasm_sign_extension(false)
                        .wasm_saturating_float_to_int(false)
                        .wasm_extended_const(false)
                        .wasm_multi_memory(false)
                        .wasm_tail_call(false)
                        .wasm_relaxed_simd(false)
                        .wasm_memory64(false);
                },
                false,
            ),
        ]
    })
}

/// The wasm-smith configuration for an engine.
fn smith_config(all: bool, invalid_funcs: bool, export_everything: bool) -> wasm_smith::Config {
    wasm_smith::Config {
        allow_invalid_funcs: invalid_funcs,
        export_everything,
        min_funcs: 1,
        max_funcs: 20,
        max_imports: 12,
        max_memories: 1,
        max_tables: if all { 3 } else { 1 },
        max_memory32_bytes: 16 << 20,
        max_memory64_bytes: 16 << 20,
        max_table_elements: 10_000,
        max_instructions: 500,
        max_type_size: 1000,
        bulk_memory_enabled: all,
        reference_types_enabled: all,
        multi_value_enabled: all,
        saturating_float_to_int_enabled: all,
        sign_extension_ops_enabled: all,
        simd_enabled: all,
        relaxed_simd_enabled: false,
        exceptions_enabled: false,
        gc_enabled: false,
        // 64-bit memories and tables (on by default in Petrel): each
        // module also runs without guard regions, where every memory is
        // dynamic, and the two runs are compared.
        memory64_enabled: all,
        tail_call_enabled: false,
        threads_enabled: false,
        shared_everything_threads_enabled: false,
        wide_arithmetic_enabled: false,
        extended_const_enabled: false,
        custom_page_sizes_enabled: false,
        custom_descriptors_enabled: false,
        compact_imports_enabled: false,
        ..wasm_smith::Config::default()
    }
}

/// Runs one fuzz input; panics on a failure.
pub fn run(data: &[u8]) {
    let mut input = Input::new(data);
    let setups = setups();
    let setup = &setups[usize::from(input.byte()) % setups.len()];
    let mode = input.byte() % 8;
    let wasm = match mode {
        // Raw bytes behind the module header.
        0 => {
            let mut wasm = b"\0asm\x01\0\0\0".to_vec();
            wasm.extend_from_slice(input.rest());
            wasm
        }
        // Arbitrary function bodies, then mutations.
        1 | 2 => {
            let mut u = Unstructured::new(input.take(usize::MAX));
            let Ok(module) =
                wasm_smith::Module::new(smith_config(setup.all_features, true, false), &mut u)
            else {
                return;
            };
            let mut wasm = module.to_bytes();
            let mut rest = Input::new(u.take_rest());
            if mode == 2 {
                crate::deserialize::mutate(&mut wasm, &mut rest);
            }
            input = rest;
            wasm
        }
        _ => {
            let mut u = Unstructured::new(input.take(usize::MAX));
            let Ok(module) =
                wasm_smith::Module::new(smith_config(setup.all_features, false, mode != 3), &mut u)
            else {
                return;
            };
            input = Input::new(u.take_rest());
            module.to_bytes()
        }
    };
    check_module(setup, &wasm, &mut input);
}

fn check_module(setup: &Setup, wasm: &[u8], input: &mut Input<'_>) {
    bump(0);
    let engine = &setup.engine;
    let valid = wasmparser::Validator::new_with_features(setup.features).validate_all(wasm);
    let validated = Module::validate(engine, wasm);
    let module = Module::new(engine, wasm);
    let module = match (valid, module) {
        (Ok(_), Ok(m)) => {
            bump(1);
            bump(2);
            assert!(
                validated.is_ok(),
                "Module::validate refused a module that compiled: {:#}",
                validated.unwrap_err()
            );
            m
        }
        (Err(_), Err(_)) => {
            assert!(
                validated.is_err(),
                "Module::validate accepted a module the validator refuses"
            );
            return;
        }
        (Ok(_), Err(e)) => {
            bump(1);
            let msg = format!("{e:#}");
            if DOCUMENTED_LIMITS.iter().any(|l| msg.contains(l)) {
                return;
            }
            panic!(
                "petrel refused a module wasmparser validates: {msg}\n{}",
                describe(wasm)
            )
        }
        (Err(v), Ok(_)) => panic!(
            "petrel compiled a module wasmparser refuses ({v})\n{}",
            describe(wasm)
        ),
    };
    let saved = input.clone();
    let seen = run_module(&module, input, wasm);
    if setup.all_features {
        // The same module and arguments under another configuration with
        // the same features must behave the same.
        let others: Vec<&Setup> = setups()
            .iter()
            .filter(|s| s.all_features && !std::ptr::eq(*s, setup))
            .collect();
        let other = others[usize::from(input.byte()) % others.len()];
        let m = Module::new(&other.engine, wasm).unwrap_or_else(|e| {
            panic!(
                "one configuration compiled the module, another refused: {e:#}\n{}",
                describe(wasm)
            )
        });
        let seen_other = run_module(&m, &mut saved.clone(), wasm);
        compare_runs(&seen, &seen_other, (&setup.name, &other.name), wasm);
        bump(8);
    }
    if input.byte().is_multiple_of(4) {
        let bytes = module.serialize().expect("a compiled module serializes");
        let loaded = Module::deserialize(engine, &bytes).expect("its own artifact loads");
        bump(7);
        let seen_loaded = run_module(&loaded, &mut saved.clone(), wasm);
        compare_runs(&seen, &seen_loaded, ("compiled", "loaded"), wasm);
    }
}

/// A value of type `ty`: zero, or bits from the input.
fn value(ty: ValType, input: &mut Input<'_>) -> Val {
    let bits = (u64::from(input.u32()) << 32) | u64::from(input.u32());
    match ty {
        ValType::I32 => Val::I32(bits as i32),
        ValType::I64 => Val::I64(bits as i64),
        ValType::F32 => Val::F32(bits as u32),
        ValType::F64 => Val::F64(bits),
        ValType::V128 => Val::V128((u128::from(bits) << 64) | u128::from(!bits)),
        ValType::FuncRef | ValType::ExternRef | ValType::Ref(_) => Val::default_for(ty),
    }
}

/// A dummy for an import of type `ty`, made in `store`.
pub fn dummy<T: 'static>(store: &mut Store<T>, ty: &ExternType) -> petrel::Result<Extern> {
    Ok(match ty {
        ExternType::Func(f) => Extern::Func(Func::new(&mut *store, f.clone(), |_, _, results| {
            for r in results.iter_mut() {
                *r = Val::default_for(r.ty());
            }
            Ok(())
        })),
        ExternType::Global(g) => {
            Extern::Global(Global::new(&mut *store, *g, Val::default_for(g.content()))?)
        }
        ExternType::Table(t) => Extern::Table(Table::new(&mut *store, *t, Ref::null(t.element()))?),
        ExternType::Memory(m) => Extern::Memory(Memory::new(&mut *store, *m)?),
        ExternType::Tag(t) => Extern::Tag(petrel::Tag::new(&mut *store, t)),
    })
}

/// Whether `e` is a trap or a refusal by the store's limits (what
/// instantiation may legitimately fail with).
fn trap_or_limit(e: &petrel::Error) -> bool {
    e.downcast_ref::<petrel::Trap>().is_some()
        || format!("{e:#}").contains("resource limit exceeded")
}

/// What a run of a module showed, for comparing engine configurations.
#[derive(Clone, Debug)]
enum Seen {
    /// Instantiation failed: the trap code, or the store's limits.
    NotInstantiated(Option<petrel::TrapCode>),
    /// An export returned these values.
    Returned(Vec<Val>),
    /// An export trapped.
    Trapped(petrel::TrapCode),
    /// Out of fuel or stack: what follows depends on the configuration
    /// (frame sizes), so the comparison ends here.
    Exhausted,
}

fn trap_code(e: &petrel::Error) -> Option<petrel::TrapCode> {
    e.downcast_ref::<petrel::Trap>().map(|t| t.code())
}

/// Instantiates `module` with dummies and calls each exported function
/// with arguments from `input`; panics on an error that is neither a
/// trap nor a limit. Returns what it saw, in order.
fn run_module(module: &Module, input: &mut Input<'_>, wasm: &[u8]) -> Vec<Seen> {
    let mut store = Store::new(module.engine(), limits());
    store.limiter(|l: &mut StoreLimits| l as &mut dyn petrel::ResourceLimiter);
    store.set_fuel(FUEL).expect("fuel is on");
    // The epoch engine: a deadline far enough that it never interrupts.
    store.set_epoch_deadline(u64::MAX / 2);
    let mut imports = Vec::new();
    for import in module.imports() {
        match dummy(&mut store, &import.ty()) {
            Ok(e) => imports.push(e),
            Err(e) if trap_or_limit(&e) => {
                bump(4);
                return vec![Seen::NotInstantiated(trap_code(&e))];
            }
            Err(e) => panic!(
                "cannot make a dummy for import {}::{} of type {}: {e:#}\n{}",
                import.module(),
                import.name(),
                import.ty(),
                describe(wasm)
            ),
        }
    }
    let instance = match Instance::new(&mut store, module, &imports) {
        Ok(i) => i,
        Err(e) if trap_or_limit(&e) => {
            bump(4);
            return vec![match trap_code(&e) {
                Some(petrel::TrapCode::OutOfFuel | petrel::TrapCode::StackOverflow) => {
                    Seen::Exhausted
                }
                code => Seen::NotInstantiated(code),
            }];
        }
        Err(e) => panic!(
            "instantiation with matching dummies failed: {e:#}\n{}",
            describe(wasm)
        ),
    };
    bump(3);
    let mut seen = Vec::new();
    for (name, export) in instance.exports(&mut store) {
        let Extern::Func(func) = export else {
            continue;
        };
        let ty = func.ty(&store).expect("a function of its store");
        let args: Vec<Val> = ty.params().iter().map(|t| value(*t, input)).collect();
        let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
        bump(5);
        match func.call(&mut store, &args, &mut results) {
            Ok(()) => {
                for (r, t) in results.iter().zip(ty.results()) {
                    assert_eq!(
                        r.ty(),
                        *t,
                        "export `{name}` returned a value of the wrong type"
                    );
                }
                seen.push(Seen::Returned(results));
            }
            Err(e) if e.downcast_ref::<petrel::Trap>().is_some() => {
                bump(6);
                let code = trap_code(&e).expect("a trap");
                if matches!(
                    code,
                    petrel::TrapCode::OutOfFuel | petrel::TrapCode::StackOverflow
                ) {
                    seen.push(Seen::Exhausted);
                    break;
                }
                seen.push(Seen::Trapped(code));
            }
            Err(e) => panic!(
                "export `{name}` failed with an error that is not a trap: {e:#}\n{}",
                describe(wasm)
            ),
        }
    }
    seen
}

/// Whether two values agree: floats by bits except that any NaN equals
/// any NaN (NaN payloads are left open by the specification and these
/// modules are not canonicalised), vectors likewise lane by lane (as
/// 32-bit or as 64-bit lanes), references by null-ness.
fn same(a: &Val, b: &Val) -> bool {
    let nan32 = |x: u32| f32::from_bits(x).is_nan();
    let nan64 = |x: u64| f64::from_bits(x).is_nan();
    match (a, b) {
        (Val::F32(x), Val::F32(y)) => x == y || (nan32(*x) && nan32(*y)),
        (Val::F64(x), Val::F64(y)) => x == y || (nan64(*x) && nan64(*y)),
        (Val::V128(x), Val::V128(y)) => {
            let lanes32 = (0..4).all(|i| {
                let (p, q) = ((x >> (32 * i)) as u32, (y >> (32 * i)) as u32);
                p == q || (nan32(p) && nan32(q))
            });
            let lanes64 = (0..2).all(|i| {
                let (p, q) = ((x >> (64 * i)) as u64, (y >> (64 * i)) as u64);
                p == q || (nan64(p) && nan64(q))
            });
            lanes32 || lanes64
        }
        (Val::FuncRef(x), Val::FuncRef(y)) => x.is_none() == y.is_none(),
        (Val::ExternRef(x), Val::ExternRef(y)) => x.is_none() == y.is_none(),
        (Val::I32(x), Val::I32(y)) => x == y,
        (Val::I64(x), Val::I64(y)) => x == y,
        _ => false,
    }
}

/// Compares the runs of one module under two engine configurations.
fn compare_runs(a: &[Seen], b: &[Seen], names: (&str, &str), wasm: &[u8]) {
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        let agree = match (x, y) {
            (Seen::Exhausted, _) | (_, Seen::Exhausted) => return,
            (Seen::NotInstantiated(p), Seen::NotInstantiated(q)) => p == q,
            (Seen::Trapped(p), Seen::Trapped(q)) => p == q,
            (Seen::Returned(p), Seen::Returned(q)) => {
                p.len() == q.len() && p.iter().zip(q).all(|(u, v)| same(u, v))
            }
            _ => false,
        };
        assert!(
            agree,
            "engine configurations disagree at call {i}: {}: {x:?}, {}: {y:?}\n{}",
            names.0,
            names.1,
            describe(wasm)
        );
    }
    assert_eq!(
        a.len(),
        b.len(),
        "engine configurations made different numbers of calls\n{}",
        describe(wasm)
    );
}

/// Runs `cases` deterministic inputs from `seed`; returns the counts of
/// this process (which include earlier runs in it).
pub fn smoke(seed: u64, cases: usize) -> Counts {
    let mut rng = Rng::new(seed);
    for _ in 0..cases {
        let len = 16 + rng.below(4096);
        run(&rng.bytes(len));
    }
    counts()
}
