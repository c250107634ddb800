//! Fuzz target `differential`: a `wasm-smith` module runs in Petrel and in
//! the `wasmi` interpreter, an independent implementation, and everything
//! observable must agree.
//!
//! The module uses the features both support (WebAssembly 2.0 with SIMD;
//! NaNs canonicalised by wasm-smith so that the NaN bits the specification
//! leaves open cannot differ). It has no imports and exports everything.
//! Both runtimes count fuel so that every call ends; fuel is counted
//! differently by the two, so running out of it (and exhausting the
//! stack, whose depth differs too) ends the comparison of that module
//! rather than failing it. Otherwise, for instantiation and then for each
//! exported function called with arguments drawn from the input, in export
//! order:
//!
//! - both succeed with the same results (floats and vectors by bits,
//!   references by null-ness), or both trap with the same trap code;
//! - afterwards, every exported memory holds the same bytes and every
//!   exported global the same value.
//!
//! A module that Petrel refuses to compile while wasmparser validates it
//! is a failure too (the compile-everything-valid property); one that
//! `wasmi` refuses (its own limits) is skipped, and so is one on which
//! `wasmi`'s translator panics (a bug of the oracle, counted apart:
//! wasmi 2.0.0 reaches an `unreachable!` translating some `i32.store16`).
//! `wasmi` translates eagerly so that such a panic comes before any call.

use crate::{Input, Rng, describe};
use arbitrary::Unstructured;
use std::sync::atomic::{AtomicU64, Ordering};

/// Fuel each store gets: enough for real work, small enough that a loop
/// ends quickly in the interpreter.
const FUEL: u64 = 200_000;

/// What the target has done since the process started.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Modules wasm-smith generated.
    pub generated: u64,
    /// Modules both runtimes instantiated (or trapped alike while doing so).
    pub instantiated: u64,
    /// Exported functions called in both and compared.
    pub calls: u64,
    /// Modules whose comparison ended early: fuel or stack exhausted.
    pub inconclusive: u64,
    /// Of the calls compared, those that trapped (in both).
    pub traps: u64,
    /// Modules skipped because `wasmi` panicked translating them.
    pub oracle_panics: u64,
}

/// Counters of one target that uses this comparison (the differential
/// target and the operand-generation target keep their own).
pub(crate) struct Counters {
    pub(crate) generated: AtomicU64,
    pub(crate) instantiated: AtomicU64,
    pub(crate) calls: AtomicU64,
    pub(crate) inconclusive: AtomicU64,
    pub(crate) traps: AtomicU64,
    pub(crate) oracle_panics: AtomicU64,
}

impl Counters {
    pub(crate) const fn new() -> Counters {
        Counters {
            generated: AtomicU64::new(0),
            instantiated: AtomicU64::new(0),
            calls: AtomicU64::new(0),
            inconclusive: AtomicU64::new(0),
            traps: AtomicU64::new(0),
            oracle_panics: AtomicU64::new(0),
        }
    }

    /// A snapshot.
    pub(crate) fn get(&self) -> Counts {
        Counts {
            generated: self.generated.load(Ordering::Relaxed),
            instantiated: self.instantiated.load(Ordering::Relaxed),
            calls: self.calls.load(Ordering::Relaxed),
            inconclusive: self.inconclusive.load(Ordering::Relaxed),
            traps: self.traps.load(Ordering::Relaxed),
            oracle_panics: self.oracle_panics.load(Ordering::Relaxed),
        }
    }
}

static COUNTERS: Counters = Counters::new();

/// The counts so far (for the smoke test and the long-run report).
pub fn counts() -> Counts {
    COUNTERS.get()
}

/// The wasm-smith configuration: the features both runtimes implement.
fn smith_config() -> wasm_smith::Config {
    wasm_smith::Config {
        canonicalize_nans: true,
        export_everything: true,
        allow_start_export: true,
        min_funcs: 1,
        max_funcs: 12,
        max_imports: 0,
        max_memories: 1,
        max_tables: 2,
        max_memory32_bytes: 4 << 20,
        max_table_elements: 1_000,
        max_instructions: 1_000,
        bulk_memory_enabled: true,
        reference_types_enabled: true,
        multi_value_enabled: true,
        saturating_float_to_int_enabled: true,
        sign_extension_ops_enabled: true,
        simd_enabled: true,
        relaxed_simd_enabled: false,
        exceptions_enabled: false,
        gc_enabled: false,
        memory64_enabled: false,
        tail_call_enabled: false,
        threads_enabled: false,
        shared_everything_threads_enabled: false,
        wide_arithmetic_enabled: false,
        extended_const_enabled: false,
        custom_page_sizes_enabled: false,
        ..wasm_smith::Config::default()
    }
}

/// One runtime's view of a value, comparable across runtimes.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Value {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    V128(u128),
    /// A reference: only whether it is null can be compared.
    Ref {
        null: bool,
    },
}

/// How a call ended, comparably.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Outcome {
    Values(Vec<Value>),
    Trap(&'static str),
    /// Out of fuel or stack: the runtimes may legitimately differ.
    Exhausted,
}

fn petrel_trap(err: &petrel::Error) -> Outcome {
    use petrel::TrapCode as T;
    let Some(trap) = err.downcast_ref::<petrel::Trap>() else {
        panic!("petrel failed with an error that is not a trap: {err:#}");
    };
    Outcome::Trap(match trap.code() {
        T::StackOverflow | T::OutOfFuel => return Outcome::Exhausted,
        T::MemoryOutOfBounds => "memory out of bounds",
        T::TableOutOfBounds => "table out of bounds",
        T::IndirectCallToNull => "indirect call to null",
        T::BadSignature => "bad signature",
        T::IntegerOverflow => "integer overflow",
        T::IntegerDivisionByZero => "integer division by zero",
        T::BadConversionToInteger => "bad conversion to integer",
        T::UnreachableCodeReached => "unreachable",
        T::NullReference => "null reference",
        other => panic!("petrel trapped with an unexpected code: {other:?}"),
    })
}

fn wasmi_trap(err: &wasmi::Error) -> Outcome {
    use wasmi::TrapCode as T;
    use wasmi::errors::{ErrorKind, InstantiationError, MemoryError, TableError};
    let Some(code) = err.as_trap_code() else {
        // Instantiation reports segment initialisation out of bounds as a
        // table or memory error rather than a trap.
        return match err.kind() {
            ErrorKind::Table(TableError::InitOutOfBounds | TableError::SetOutOfBounds)
            | ErrorKind::Instantiation(InstantiationError::ElementSegmentDoesNotFit { .. }) => {
                Outcome::Trap("table out of bounds")
            }
            ErrorKind::Memory(MemoryError::OutOfBoundsAccess) => {
                Outcome::Trap("memory out of bounds")
            }
            ErrorKind::Memory(MemoryError::OutOfFuel { .. }) => Outcome::Exhausted,
            _ => panic!("wasmi failed with an error that is not a trap: {err}"),
        };
    };
    Outcome::Trap(match code {
        T::StackOverflow | T::OutOfFuel => return Outcome::Exhausted,
        T::MemoryOutOfBounds => "memory out of bounds",
        T::TableOutOfBounds => "table out of bounds",
        T::IndirectCallToNull => "indirect call to null",
        T::BadSignature => "bad signature",
        T::IntegerOverflow => "integer overflow",
        T::IntegerDivisionByZero => "integer division by zero",
        T::BadConversionToInteger => "bad conversion to integer",
        T::UnreachableCodeReached => "unreachable",
        other => panic!("wasmi trapped with an unexpected code: {other:?}"),
    })
}

fn from_petrel(v: &petrel::Val) -> Value {
    use petrel::Val as V;
    match v {
        V::I32(x) => Value::I32(*x),
        V::I64(x) => Value::I64(*x),
        V::F32(b) => Value::F32(*b),
        V::F64(b) => Value::F64(*b),
        V::V128(b) => Value::V128(*b),
        V::FuncRef(f) => Value::Ref { null: f.is_none() },
        V::ExternRef(r) => Value::Ref { null: r.is_none() },
    }
}

fn from_wasmi(v: &wasmi::Val) -> Value {
    use wasmi::Val as V;
    match v {
        V::I32(x) => Value::I32(*x),
        V::I64(x) => Value::I64(*x),
        V::F32(x) => Value::F32(x.to_bits()),
        V::F64(x) => Value::F64(x.to_bits()),
        V::V128(x) => Value::V128(x.as_u128()),
        V::FuncRef(f) => Value::Ref { null: f.is_null() },
        V::ExternRef(r) => Value::Ref { null: r.is_null() },
    }
}

/// An argument of type `ty` drawn from the input, in both runtimes' forms.
fn argument(ty: &petrel::ValType, input: &mut Input) -> (petrel::Val, wasmi::Val) {
    use petrel::ValType as T;
    let wide = (u64::from(input.u32()) << 32) | u64::from(input.u32());
    match ty {
        T::I32 => (petrel::Val::I32(wide as i32), wasmi::Val::I32(wide as i32)),
        T::I64 => (petrel::Val::I64(wide as i64), wasmi::Val::I64(wide as i64)),
        T::F32 => (
            petrel::Val::F32(wide as u32),
            wasmi::Val::F32(wasmi::F32::from_bits(wide as u32)),
        ),
        T::F64 => (
            petrel::Val::F64(wide),
            wasmi::Val::F64(wasmi::F64::from_bits(wide)),
        ),
        T::V128 => {
            let v = (u128::from(wide) << 64) | u128::from(wide.rotate_left(17));
            (petrel::Val::V128(v), wasmi::Val::V128(wasmi::V128::from(v)))
        }
        T::FuncRef => (
            petrel::Val::FuncRef(None),
            wasmi::Val::FuncRef(wasmi::Nullable::Null),
        ),
        T::ExternRef => (
            petrel::Val::ExternRef(None),
            wasmi::Val::ExternRef(wasmi::Nullable::Null),
        ),
        // Typed function references (off in the fuzzed configurations):
        // null, which the call refuses cleanly for a non-nullable type.
        T::Ref(_) => (
            petrel::Val::default_for(*ty),
            wasmi::Val::FuncRef(wasmi::Nullable::Null),
        ),
    }
}

/// The two runtimes with one instance each of the same module.
struct Pair {
    p_store: petrel::Store<()>,
    p_instance: petrel::Instance,
    w_store: wasmi::Store<()>,
    w_instance: wasmi::Instance,
}

impl Pair {
    /// Checks that every exported memory and global agrees.
    fn compare_state(&mut self, wasm: &[u8]) {
        for (name, export) in self.p_instance.exports(&mut self.p_store) {
            match export {
                petrel::Extern::Memory(m) => {
                    let w = self
                        .w_instance
                        .get_memory(&self.w_store, &name)
                        .expect("wasmi has the same memory export");
                    let (a, b) = (m.data(&self.p_store), w.data(&self.w_store));
                    if a != b {
                        let at = a.iter().zip(b).position(|(x, y)| x != y);
                        panic!(
                            "memory `{name}` differs (sizes {} and {}, first difference at {at:?})\n{}",
                            a.len(),
                            b.len(),
                            describe(wasm)
                        );
                    }
                }
                petrel::Extern::Global(g) => {
                    let w = self
                        .w_instance
                        .get_global(&self.w_store, &name)
                        .expect("wasmi has the same global export");
                    let a = from_petrel(&g.get(&mut self.p_store).expect("a global of its store"));
                    let b = from_wasmi(&w.get(&self.w_store));
                    assert_eq!(a, b, "global `{name}` differs\n{}", describe(wasm));
                }
                _ => {}
            }
        }
    }
}

/// Runs one fuzz input; panics on a divergence.
pub fn run(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Ok(module) = wasm_smith::Module::new(smith_config(), &mut u) else {
        return;
    };
    let wasm = module.to_bytes();
    COUNTERS.generated.fetch_add(1, Ordering::Relaxed);
    let mut input = Input::new(u.take_rest());
    compare(&wasm, &mut input, &COUNTERS);
}

/// Runs `wasm` (a module without imports) in both runtimes, calling each
/// exported function in export order with arguments drawn from `input`,
/// and panics on any divergence. `counters` counts the instantiations,
/// calls and inconclusive ends.
pub(crate) fn compare(wasm: &[u8], input: &mut Input<'_>, counters: &Counters) {
    let mut w_config = wasmi::Config::default();
    w_config.consume_fuel(true);
    w_config.compilation_mode(wasmi::CompilationMode::Eager);
    let w_engine = wasmi::Engine::new(&w_config);
    // After a panic the engine is dropped unused, so a broken invariant
    // inside it cannot matter.
    let translated = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        wasmi::Module::new(&w_engine, wasm)
    }));
    let Ok(translated) = translated else {
        counters.oracle_panics.fetch_add(1, Ordering::Relaxed);
        return;
    };
    let Ok(w_module) = translated else {
        // wasmi's own limits; wasmparser validation is checked below.
        return;
    };
    let p_engine = engine();
    let p_module = match petrel::Module::new(p_engine, wasm) {
        Ok(m) => m,
        Err(e) => panic!(
            "petrel refused a module that wasmi and wasmparser accept: {e:#}\n{}",
            describe(wasm)
        ),
    };

    let mut p_store = petrel::Store::new(p_engine, ());
    p_store.set_fuel(FUEL).expect("fuel is enabled");
    let mut w_store = wasmi::Store::new(&w_engine, ());
    w_store.set_fuel(FUEL).expect("fuel is enabled");
    let p_instance = petrel::Instance::new(&mut p_store, &p_module, &[]);
    let w_instance =
        wasmi::Linker::<()>::new(&w_engine).instantiate_and_start(&mut w_store, &w_module);
    let (p_instance, w_instance) = match (p_instance, w_instance) {
        (Ok(p), Ok(w)) => (p, w),
        (Err(p), Err(w)) => {
            let (p, w) = (petrel_trap(&p), wasmi_trap(&w));
            if p == Outcome::Exhausted || w == Outcome::Exhausted {
                counters.inconclusive.fetch_add(1, Ordering::Relaxed);
                return;
            }
            assert_eq!(
                p,
                w,
                "instantiation trapped differently\n{}",
                describe(wasm)
            );
            counters.instantiated.fetch_add(1, Ordering::Relaxed);
            return;
        }
        (Ok(_), Err(w)) => {
            if wasmi_trap(&w) == Outcome::Exhausted {
                counters.inconclusive.fetch_add(1, Ordering::Relaxed);
                return;
            }
            panic!("only wasmi failed to instantiate: {w}\n{}", describe(wasm))
        }
        (Err(p), Ok(_)) => {
            if petrel_trap(&p) == Outcome::Exhausted {
                counters.inconclusive.fetch_add(1, Ordering::Relaxed);
                return;
            }
            panic!(
                "only petrel failed to instantiate: {p:#}\n{}",
                describe(wasm)
            )
        }
    };
    counters.instantiated.fetch_add(1, Ordering::Relaxed);
    let mut pair = Pair {
        p_store,
        p_instance,
        w_store,
        w_instance,
    };
    pair.compare_state(wasm);

    let exports = pair.p_instance.exports(&mut pair.p_store);
    for (name, export) in exports {
        let petrel::Extern::Func(p_func) = export else {
            continue;
        };
        let ty = p_func.ty(&pair.p_store).expect("a function of its store");
        let w_func = pair
            .w_instance
            .get_func(&pair.w_store, &name)
            .expect("wasmi has the same function export");
        let (p_args, w_args): (Vec<_>, Vec<_>) =
            ty.params().iter().map(|t| argument(t, input)).unzip();
        let mut p_results: Vec<petrel::Val> = ty
            .results()
            .iter()
            .map(|t| petrel::Val::default_for(*t))
            .collect();
        let mut w_results: Vec<wasmi::Val> = w_func
            .ty(&pair.w_store)
            .results()
            .iter()
            .map(|t| wasmi::Val::default_for_ty(*t))
            .collect();
        let p = match p_func.call(&mut pair.p_store, &p_args, &mut p_results) {
            Ok(()) => Outcome::Values(p_results.iter().map(from_petrel).collect()),
            Err(e) => petrel_trap(&e),
        };
        let w = match w_func.call(&mut pair.w_store, &w_args, &mut w_results) {
            Ok(()) => Outcome::Values(w_results.iter().map(from_wasmi).collect()),
            Err(e) => wasmi_trap(&e),
        };
        if p == Outcome::Exhausted || w == Outcome::Exhausted {
            // Fuel and stack depth are counted differently: the states may
            // now differ, so this module's comparison ends here.
            counters.inconclusive.fetch_add(1, Ordering::Relaxed);
            return;
        }
        counters.calls.fetch_add(1, Ordering::Relaxed);
        if matches!(p, Outcome::Trap(_)) {
            counters.traps.fetch_add(1, Ordering::Relaxed);
        }
        assert_eq!(
            p,
            w,
            "export `{name}` differs (left: petrel, right: wasmi)\n{}",
            describe(wasm)
        );
        pair.compare_state(wasm);
    }
}

/// Petrel's engine for the target: fuel on, one compile thread (the fuzzer
/// runs many small modules; threads would only add overhead).
fn engine() -> &'static petrel::Engine {
    static ENGINE: std::sync::OnceLock<petrel::Engine> = std::sync::OnceLock::new();
    ENGINE.get_or_init(|| {
        let mut config = petrel::Config::new();
        config.consume_fuel(true).parallel_compilation(false);
        petrel::Engine::new(&config).expect("an engine for the host")
    })
}

/// Runs `cases` deterministic inputs from `seed`; returns the counts of
/// this process (which include earlier runs in it).
pub fn smoke(seed: u64, cases: usize) -> Counts {
    let mut rng = Rng::new(seed);
    for _ in 0..cases {
        let len = 64 + rng.below(4096);
        run(&rng.bytes(len));
    }
    counts()
}
