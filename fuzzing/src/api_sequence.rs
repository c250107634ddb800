//! Fuzz target `api_sequence`: the input is a list of C API calls (the
//! `petrel_*` functions of `petrel-capi`, called directly), run over two
//! engine slots, two store slots, two linker slots and two threads.
//!
//! The calls: create and delete engines (one configuration with fuel;
//! one with fuel, epochs, no static memory guard and no optimisation;
//! a fixed module key per configuration),
//! create, close and delete stores, compile three template modules,
//! serialize and deserialize them (into the same engine, the other one,
//! and after corrupting a byte), instantiate them with imports picked
//! from everything created so far, create host functions (returning
//! zeros, a host error, a trap, re-entering the store through their
//! caller, or blocking), memories, tables, globals and extern references,
//! call functions (typed and raw, with right and wrong arguments), grow,
//! read and write memories (in bounds and not), get, set and grow tables
//! and globals, define items, host functions and instances in linkers and
//! instantiate through them, set fuel, epoch deadlines and limits, and
//! query modules, instances and types with good and bad indices. Handles
//! are used after their store was closed, with the other store, and
//! forged (a store's id with an index it never gave out).
//!
//! Two threads: a `worker` command runs the next few commands on a second
//! thread (a store moves between threads); a `busy` command makes the
//! second thread call into a store and block inside a host function, and
//! while it blocks the next few commands run on the first thread, where
//! every use of the busy store must be refused.
//!
//! The properties:
//! - no crash, and no undefined behaviour under AddressSanitizer (the
//!   cargo-fuzz build);
//! - an error wherever the header promises one: a closed store, an item
//!   of another store, a forged handle, a store busy on another thread,
//!   closing or deleting a store from its own callback, out-of-bounds
//!   memory and table accesses, a constant global set, a value of the
//!   wrong kind, the wrong number of arguments or results, a module of
//!   another engine, an artifact of another key or modified;
//! - no error where the operation is total (sizes, types and data of
//!   live items; deleting an idle store);
//! - no panic caught at the boundary (an "internal error" message);
//! - no leak: at the end everything is deleted and every finalizer of
//!   embedder data (store data, host function environments, extern
//!   references) has run exactly once. (AddressSanitizer's leak checker
//!   covers Petrel's own allocations in the cargo-fuzz build.)

use crate::capi::{Outcome, outcome};
use crate::{Input, Rng};
use petrel_capi::*;
use std::cell::Cell;
use std::ffi::c_void;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};

/// Template modules, compiled from text by `petrel_module_new`.
const TEMPLATES: [&str; 3] = [
    r#"(module
        (import "host" "f" (func $h (param i32) (result i32)))
        (memory (export "memory") 1 4)
        (table (export "table") 2 8 funcref)
        (global (export "g") (mut i32) (i32.const 5))
        (global (export "c") i64 (i64.const 9))
        (func $add (export "add") (param i32 i32) (result i32)
            local.get 0 local.get 1 i32.add)
        (func (export "call_host") (param i32) (result i32) local.get 0 call $h)
        (func (export "spin") (loop br 0))
        (func (export "grow") (param i32) (result i32) local.get 0 memory.grow)
        (func (export "load") (param i32) (result i32) local.get 0 i32.load)
        (func (export "indirect") (param i32) (result i32)
            i32.const 1 i32.const 2 local.get 0
            call_indirect (param i32 i32) (result i32))
        (func (export "many") (result i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
            i64.const 1 i64.const 2 i64.const 3 i64.const 4 i64.const 5
            i64.const 6 i64.const 7 i64.const 8 i64.const 9 i64.const 10)
        (func (export "refs") (param funcref externref) (result externref funcref)
            local.get 1 local.get 0)
        (func (export "trap") unreachable)
        (elem (i32.const 0) $add))"#,
    r#"(module
        (import "env" "memory" (memory 1))
        (import "env" "table" (table 1 funcref))
        (import "env" "g" (global (mut i32)))
        (func (export "peek") (param i32) (result i32) local.get 0 i32.load8_u)
        (func (export "bump") global.get 0 i32.const 1 i32.add global.set 0)
        (func (export "callt") (param i32) (result i32)
            i32.const 3 i32.const 4 local.get 0
            call_indirect (param i32 i32) (result i32)))"#,
    r#"(module
        (memory (export "m") 0 1)
        (global $n (mut i32) (i32.const 0))
        (func (export "f") (result i32) i32.const 7)
        (func $start global.get $n drop)
        (start $start))"#,
];

/// Host function types: (params, results).
const HOST_TYPES: [(&[u8], &[u8]); 4] = [
    (&[PETREL_I32], &[PETREL_I32]),
    (&[], &[]),
    (
        &[PETREL_I64, PETREL_F32, PETREL_F64, PETREL_V128],
        &[PETREL_I32, PETREL_I64],
    ),
    (&[PETREL_FUNCREF, PETREL_EXTERNREF], &[PETREL_EXTERNREF]),
];

/// Names the linker commands define and the templates import.
const LINK_NAMES: [(&str, &str); 5] = [
    ("host", "f"),
    ("env", "memory"),
    ("env", "table"),
    ("env", "g"),
    ("env", "other"),
];

/// What the target has done since the process started.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Sequences run.
    pub sequences: u64,
    /// C API calls made.
    pub calls: u64,
    /// Calls that returned an error (traps included).
    pub errors: u64,
    /// Calls that had to fail, and did.
    pub promised_errors: u64,
    /// Wasm or host functions called successfully.
    pub successful_calls: u64,
    /// Busy windows opened (a store blocked on the other thread).
    pub busy_windows: u64,
}

static COUNTS: [AtomicU64; 6] = [const { AtomicU64::new(0) }; 6];

fn bump(i: usize) {
    COUNTS[i].fetch_add(1, Ordering::Relaxed);
}

/// The counts so far.
pub fn counts() -> Counts {
    let c = |i: usize| COUNTS[i].load(Ordering::Relaxed);
    Counts {
        sequences: c(0),
        calls: c(1),
        errors: c(2),
        promised_errors: c(3),
        successful_calls: c(4),
        busy_windows: c(5),
    }
}

// ------------------------------------------------------- embedder data

/// Embedder data handed over with a finalizer; the finalizer frees it
/// and counts it, so the run can check that each ran exactly once.
struct Tracked {
    live: Arc<AtomicI64>,
    /// For host functions: what the callback does.
    behaviour: u8,
    block: Arc<BlockGate>,
}

unsafe extern "C" fn finalize(data: *mut c_void) {
    // SAFETY: made by `Box::into_raw` in `tracked`; the runtime calls the
    // finalizer once.
    let t = unsafe { Box::from_raw(data.cast::<Tracked>()) };
    let before = t.live.fetch_sub(1, Ordering::SeqCst);
    assert!(before > 0, "a finalizer ran twice");
}

/// Makes the blocking host function wait while the other thread's busy
/// window is open.
#[derive(Default)]
struct BlockGate {
    /// (armed, entered, released)
    state: Mutex<(bool, bool, bool)>,
    cv: Condvar,
}

thread_local! {
    /// Set on the second thread while it runs a busy call.
    static IS_WORKER: Cell<bool> = const { Cell::new(false) };
}

/// The host callback: `env` is a `Tracked`.
unsafe extern "C" fn host_callback(
    env: *mut c_void,
    caller: *mut petrel_caller_t,
    values: *mut petrel_valraw_t,
    nargs: usize,
    nresults: usize,
) -> *mut petrel_error_t {
    // SAFETY: the env given at creation, alive until its finalizer runs
    // (after every function using it is gone).
    let t = unsafe { &*env.cast::<Tracked>() };
    // SAFETY: the runtime passes max(nargs, nresults) values.
    let values = unsafe { std::slice::from_raw_parts_mut(values, nargs.max(nresults)) };
    match t.behaviour {
        1 => {
            let msg = "host error";
            // SAFETY: a buffer of its length.
            return unsafe { petrel_error_new_host(msg.as_ptr().cast(), msg.len(), 42) };
        }
        2 => return petrel_error_new_trap(PETREL_TRAP_UNREACHABLE),
        3 => {
            // Re-enter the store through the caller.
            let mut store = std::ptr::null_mut();
            // SAFETY: the running callback's caller; writable outs.
            unsafe {
                assert!(outcome(petrel_caller_store(caller, &mut store)).is_ok());
                let mut fuel = 0;
                let o = outcome(petrel_store_get_fuel(store, &mut fuel));
                assert!(!o.message().contains("panic"), "{o:?}");
                let o = outcome(petrel_store_close(store));
                assert!(!o.is_ok(), "a store closed from its own callback");
                let o = outcome(petrel_store_delete(store));
                assert!(!o.is_ok(), "a store deleted from its own callback");
                let mut item = petrel_extern_t {
                    kind: 0,
                    store_id: 0,
                    index: 0,
                };
                let mut found = false;
                let o = outcome(petrel_caller_export_get(
                    caller,
                    c"memory".as_ptr(),
                    6,
                    &mut item,
                    &mut found,
                ));
                assert!(o.is_ok(), "{o:?}");
                if found && item.kind == PETREL_EXTERN_MEMORY {
                    let mem = petrel_memory_t {
                        store_id: item.store_id,
                        index: item.index,
                    };
                    let mut old = 0;
                    let o = outcome(petrel_memory_grow(store, mem, 1, &mut old));
                    assert!(!o.message().contains("panic"), "{o:?}");
                }
            }
        }
        4 if IS_WORKER.with(Cell::get) => {
            let mut s = t.block.state.lock().expect("gate lock");
            if s.0 {
                s.1 = true;
                t.block.cv.notify_all();
                while !s.2 {
                    s = t.block.cv.wait(s).expect("gate lock");
                }
            }
        }
        _ => {}
    }
    for v in values.iter_mut().take(nresults) {
        *v = petrel_valraw_t { v128: [0; 16] };
    }
    std::ptr::null_mut()
}

// ---------------------------------------------------------------- state

struct EngineSlot {
    ptr: *mut petrel_engine_t,
    /// Unique per engine made in this run.
    serial: u64,
    /// 0: fuel. 1: fuel, epochs, no static guard, no optimisation, a
    /// fixed module key.
    kind: u8,
}

struct StoreSlot {
    ptr: *mut petrel_store_t,
    id: u64,
    closed: bool,
    engine_serial: u64,
}

struct ModuleSlot {
    ptr: *mut petrel_module_t,
    engine_serial: u64,
    engine_kind: u8,
    template: usize,
}

struct LinkerSlot {
    ptr: *mut petrel_linker_t,
}

/// A handle made in this run.
#[derive(Clone, Copy)]
struct Item {
    ext: petrel_extern_t,
}

/// A serialized module.
struct Artifact {
    bytes: Vec<u8>,
    engine_serial: u64,
    engine_kind: u8,
}

struct State {
    engines: [Option<EngineSlot>; 2],
    stores: [Option<StoreSlot>; 2],
    linkers: [Option<LinkerSlot>; 2],
    modules: Vec<ModuleSlot>,
    artifacts: Vec<Artifact>,
    items: Vec<Item>,
    instances: Vec<petrel_instance_t>,
    serial: u64,
    live: Arc<AtomicI64>,
    block: Arc<BlockGate>,
    /// The store slot whose store is blocked on the other thread.
    busy: Option<usize>,
    /// A description of the calls so far, for a failure report.
    log: Vec<String>,
}

// SAFETY: the raw pointers are C API objects; the header allows using a
// store from any one thread at a time (the target never uses one from two
// threads at once except where it checks the refusal), and engines,
// modules and linkers from any thread.
unsafe impl Send for State {}

const MAX_ITEMS: usize = 48;
const MAX_MODULES: usize = 8;
const MAX_ARTIFACTS: usize = 4;

/// Passes a value to the other thread.
struct SendPtr<T>(T);
// SAFETY: see `State`'s `Send`.
unsafe impl<T> Send for SendPtr<T> {}

impl State {
    fn new() -> State {
        State {
            engines: [None, None],
            stores: [None, None],
            linkers: [None, None],
            modules: Vec::new(),
            artifacts: Vec::new(),
            items: Vec::new(),
            instances: Vec::new(),
            serial: 0,
            live: Arc::new(AtomicI64::new(0)),
            block: Arc::new(BlockGate::default()),
            busy: None,
            log: Vec::new(),
        }
    }

    /// A boxed `Tracked`, counted live until its finalizer runs.
    fn tracked(&self, behaviour: u8) -> *mut c_void {
        self.live.fetch_add(1, Ordering::SeqCst);
        Box::into_raw(Box::new(Tracked {
            live: self.live.clone(),
            behaviour,
            block: self.block.clone(),
        }))
        .cast()
    }

    /// Checks a call's outcome: no caught panic, and an error when
    /// `must_fail`. Returns whether it succeeded.
    fn check(&self, o: &Outcome, must_fail: bool, what: &str) -> bool {
        bump(1);
        if let Outcome::Error(m) = o
            && (m.contains("panic") || m.contains("internal error"))
        {
            self.fail(&format!("{what}: a panic was caught at the boundary: {m}"));
        }
        if must_fail {
            if o.is_ok() {
                self.fail(&format!(
                    "{what}: succeeded where the header promises an error"
                ));
            }
            bump(3);
        }
        if !o.is_ok() {
            bump(2);
        }
        o.is_ok()
    }

    /// Like `check`, for calls that must succeed unless `must_fail`.
    fn check_total(&self, o: &Outcome, must_fail: bool, what: &str) -> bool {
        let ok = self.check(o, must_fail, what);
        if !must_fail && !ok {
            self.fail(&format!("{what}: failed where it cannot: {o:?}"));
        }
        ok
    }

    fn fail(&self, msg: &str) -> ! {
        panic!("{msg}\ncalls so far:\n  {}", self.log.join("\n  "))
    }

    /// The store slot's pointer (NULL when empty), and whether every
    /// operation through it must fail (closed, empty or busy).
    fn store(&self, slot: usize) -> (*mut petrel_store_t, bool) {
        match &self.stores[slot] {
            Some(s) => (s.ptr, s.closed || self.busy == Some(slot)),
            None => (std::ptr::null_mut(), true),
        }
    }

    fn store_id(&self, slot: usize) -> u64 {
        self.stores[slot].as_ref().map_or(u64::MAX, |s| s.id)
    }

    fn push_item(&mut self, ext: petrel_extern_t) {
        if self.items.len() >= MAX_ITEMS {
            self.items.remove(0);
        }
        self.items.push(Item { ext });
    }

    /// A handle of `kind`: one made in this run (mostly one of the store
    /// `prefer`), or a forged one (a live store's id with an index it
    /// never gave out).
    fn pick(&self, input: &mut Input<'_>, kind: u8, prefer: u64) -> (petrel_extern_t, bool) {
        let of_kind: Vec<&Item> = self.items.iter().filter(|i| i.ext.kind == kind).collect();
        if of_kind.is_empty() || input.byte() % 8 == 7 {
            let slot = input.below(2);
            let forged = petrel_extern_t {
                kind,
                store_id: self.store_id(slot),
                index: FORGED + input.below(1000),
            };
            return (forged, true);
        }
        let mine: Vec<&&Item> = of_kind
            .iter()
            .filter(|i| i.ext.store_id == prefer)
            .collect();
        if !mine.is_empty() && input.byte() % 4 != 3 {
            return (mine[input.below(mine.len())].ext, false);
        }
        (of_kind[input.below(of_kind.len())].ext, false)
    }
}

fn engine_new(kind: u8) -> *mut petrel_engine_t {
    // SAFETY: writable outs; the config is freed once.
    unsafe {
        let mut config = std::ptr::null_mut();
        assert!(outcome(petrel_config_new(&mut config)).is_ok());
        assert!(outcome(petrel_config_consume_fuel(config, true)).is_ok());
        assert!(outcome(petrel_config_parallel_compilation(config, false)).is_ok());
        if kind == 1 {
            assert!(outcome(petrel_config_epoch_interruption(config, true)).is_ok());
            assert!(outcome(petrel_config_static_memory_guard(config, false)).is_ok());
            let o = petrel_config_opt_level(config, PETREL_OPT_LEVEL_NONE);
            assert!(outcome(o).is_ok());
        }
        // A fixed key per kind: engines of one kind load each other's
        // artifacts (and the cached templates below).
        let key = [0x3c + kind; 32];
        assert!(outcome(petrel_config_module_key(config, key.as_ptr(), key.len())).is_ok());
        let mut engine = std::ptr::null_mut();
        assert!(outcome(petrel_engine_new(config, &mut engine)).is_ok());
        petrel_config_delete(config);
        engine
    }
}

/// The templates compiled once per process by an engine of each kind and
/// serialized: loading them is much cheaper than compiling (under
/// AddressSanitizer, compiling dominated the run time).
fn cached_templates() -> &'static [Vec<Vec<u8>>; 2] {
    static CACHE: OnceLock<[Vec<Vec<u8>>; 2]> = OnceLock::new();
    CACHE.get_or_init(|| {
        [0u8, 1].map(|kind| {
            let engine = engine_new(kind);
            let artifacts = TEMPLATES
                .iter()
                .map(|t| {
                    // SAFETY: a live engine; buffers of their lengths;
                    // writable outs; each object freed once.
                    unsafe {
                        let mut m = std::ptr::null_mut();
                        let o = outcome(petrel_module_new(engine, t.as_ptr(), t.len(), &mut m));
                        assert!(o.is_ok(), "a template compiles: {o:?}");
                        let mut bytes = petrel_bytes_t {
                            data: std::ptr::null_mut(),
                            len: 0,
                        };
                        assert!(outcome(petrel_module_serialize(m, &mut bytes)).is_ok());
                        let copy = std::slice::from_raw_parts(bytes.data, bytes.len).to_vec();
                        petrel_bytes_delete(&mut bytes);
                        petrel_module_delete(m);
                        copy
                    }
                })
                .collect();
            // SAFETY: made above, freed once.
            unsafe { petrel_engine_delete(engine) };
            artifacts
        })
    })
}

/// Template `template` for `engine`: compiled from text (`compile`) or
/// loaded from the cache.
///
/// # Safety
/// `engine.ptr` is live.
unsafe fn template_module(
    st: &State,
    engine: &EngineSlot,
    template: usize,
    compile: bool,
) -> Option<ModuleSlot> {
    let mut m = std::ptr::null_mut();
    // SAFETY: forwarded; buffers of their lengths; a writable out.
    let o = outcome(unsafe {
        if compile {
            let t = TEMPLATES[template];
            petrel_module_new(engine.ptr, t.as_ptr(), t.len(), &mut m)
        } else {
            let a = &cached_templates()[usize::from(engine.kind)][template];
            petrel_module_deserialize(engine.ptr, a.as_ptr(), a.len(), &mut m)
        }
    });
    st.check_total(&o, false, "petrel_module_new/deserialize (template)")
        .then_some(ModuleSlot {
            ptr: m,
            engine_serial: engine.serial,
            engine_kind: engine.kind,
            template,
        })
}

fn val(kind: u8, input: &mut Input<'_>, st: &State, prefer: u64) -> petrel_val_t {
    let bits = (u64::from(input.u32()) << 32) | u64::from(input.u32());
    // All 16 bytes initialised, so that a kind changed afterwards (the
    // wrong-kind cases) reads defined bytes.
    let mut of = petrel_valunion_t { v128: [0; 16] };
    match kind {
        PETREL_I32 => of.i32 = bits as i32,
        PETREL_I64 => of.i64 = bits as i64,
        PETREL_F32 => of.f32 = f32::from_bits(bits as u32),
        PETREL_F64 => of.f64 = f64::from_bits(bits),
        PETREL_V128 => of.v128 = (u128::from(bits) * 3).to_le_bytes(),
        PETREL_FUNCREF if !bits.is_multiple_of(3) => {
            let (e, _) = st.pick(input, PETREL_EXTERN_FUNC, prefer);
            of.funcref = petrel_func_t {
                store_id: e.store_id,
                index: e.index,
            };
        }
        _ => {}
    }
    petrel_val_t { kind, of }
}

/// Whether a value made by `val` certainly cannot be used with the store
/// `store_id`: a reference of another store, or a forged one.
fn bad_ref(v: &petrel_val_t, store_id: u64) -> bool {
    // SAFETY: all bytes are initialised (see `val`); the field matches
    // the kind.
    let (id, index) = unsafe {
        match v.kind {
            PETREL_FUNCREF => (v.of.funcref.store_id, v.of.funcref.index),
            PETREL_EXTERNREF => (v.of.externref.store_id, v.of.externref.index),
            _ => return false,
        }
    };
    id != 0 && (id != store_id || index >= FORGED)
}

/// Forged handles have indices from here up.
const FORGED: usize = 1_000_000;

/// The kinds of a function type's params or results.
///
/// # Safety
/// `ft` is a live function type.
unsafe fn kinds(ft: *const petrel_functype_t, results: bool) -> Vec<u8> {
    let mut ptr = std::ptr::null();
    let mut len = 0;
    // SAFETY: forwarded; writable outs; the kinds are borrowed from `ft`.
    unsafe {
        let o = if results {
            petrel_functype_results(ft, &mut ptr, &mut len)
        } else {
            petrel_functype_params(ft, &mut ptr, &mut len)
        };
        assert!(outcome(o).is_ok());
        if len == 0 {
            return Vec::new();
        }
        std::slice::from_raw_parts(ptr, len).to_vec()
    }
}

/// Runs one fuzz input; panics on a failure.
pub fn run(data: &[u8]) {
    bump(0);
    let mut input = Input::new(data);
    let mut st = State::new();
    prelude(&mut st, &mut input);
    let mut steps = 0;
    while !input.is_empty() && steps < 200 {
        steps += 1;
        command(&mut st, &mut input, true);
    }
    teardown(&mut st);
}

/// A starting state worth fuzzing: two engines, a store on each (or both
/// on the first), a host function in each store, the first template
/// compiled on each engine, and the first instantiated in each
/// store with that host function.
fn prelude(st: &mut State, input: &mut Input<'_>) {
    for slot in 0..2 {
        st.serial += 1;
        let kind = input.byte() % 2;
        st.engines[slot] = Some(EngineSlot {
            ptr: engine_new(kind),
            serial: st.serial,
            kind,
        });
    }
    let on = [0, usize::from(input.byte().is_multiple_of(2))];
    // SAFETY: every pointer is an object just made; buffers have their
    // lengths; outs are writable.
    unsafe {
        for e in 0..2 {
            let m = template_module(st, st.engines[e].as_ref().expect("made above"), 0, false);
            st.modules.extend(m);
        }
        for (slot, &e) in on.iter().enumerate() {
            let (engine, serial) = st.engines[e]
                .as_ref()
                .map(|e| (e.ptr, e.serial))
                .expect("made above");
            let data = st.tracked(0);
            let mut store = std::ptr::null_mut();
            let o = outcome(petrel_store_new(engine, data, Some(finalize), &mut store));
            st.check_total(&o, false, "petrel_store_new (prelude)");
            let mut id = 0;
            st.check_total(&outcome(petrel_store_id(store, &mut id)), false, "store_id");
            let o = outcome(petrel_store_set_fuel(store, 20_000));
            st.check_total(&o, false, "petrel_store_set_fuel (prelude)");
            let o = outcome(petrel_store_set_epoch_deadline(store, 1 << 20));
            st.check_total(&o, false, "petrel_store_set_epoch_deadline");
            st.stores[slot] = Some(StoreSlot {
                ptr: store,
                id,
                closed: false,
                engine_serial: serial,
            });
            let (params, results) = HOST_TYPES[0];
            let mut ft = std::ptr::null_mut();
            let o = outcome(petrel_functype_new(
                params.as_ptr(),
                params.len(),
                results.as_ptr(),
                results.len(),
                &mut ft,
            ));
            st.check_total(&o, false, "petrel_functype_new (prelude)");
            let env = st.tracked(input.byte() % 4);
            let mut f = petrel_func_t {
                store_id: 0,
                index: 0,
            };
            let o = outcome(petrel_func_new(
                store,
                ft,
                Some(host_callback),
                env,
                Some(finalize),
                &mut f,
            ));
            petrel_functype_delete(ft);
            st.check_total(&o, false, "petrel_func_new (prelude)");
            let import = petrel_extern_t {
                kind: PETREL_EXTERN_FUNC,
                store_id: f.store_id,
                index: f.index,
            };
            st.push_item(import);
            let module = st
                .modules
                .iter()
                .find(|m| m.engine_serial == serial && m.template == 0)
                .expect("compiled above")
                .ptr;
            let mut inst = petrel_instance_t {
                store_id: 0,
                index: 0,
            };
            let o = outcome(petrel_instance_new(store, module, &import, 1, &mut inst));
            st.check_total(&o, false, "petrel_instance_new (prelude)");
            collect_exports(st, store, inst);
        }
    }
    st.log.push("prelude".into());
}

/// Deletes everything and checks that every finalizer ran.
fn teardown(st: &mut State) {
    // SAFETY: each object is live and deleted once.
    unsafe {
        for slot in 0..2 {
            if let Some(s) = st.stores[slot].take() {
                let o = outcome(petrel_store_delete(s.ptr));
                st.check_total(&o, false, "final petrel_store_delete");
            }
        }
        for m in st.modules.drain(..) {
            petrel_module_delete(m.ptr);
        }
        for l in st.linkers.iter_mut().filter_map(Option::take) {
            petrel_linker_delete(l.ptr);
        }
        for e in st.engines.iter_mut().filter_map(Option::take) {
            petrel_engine_delete(e.ptr);
        }
    }
    let live = st.live.load(Ordering::SeqCst);
    if live != 0 {
        st.fail(&format!(
            "{live} finalizers did not run after everything was deleted"
        ));
    }
}

/// Runs one command from the input. `top` is false inside a worker or
/// busy window (which do not nest).
fn command(st: &mut State, input: &mut Input<'_>, top: bool) {
    let op = input.byte() % 40;
    st.log.push(format!("op {op}"));
    // SAFETY: for the whole match, every pointer passed is NULL, or an
    // object of this run that is live (deleted ones are removed from the
    // state first), and every buffer has its stated length; that is all
    // the header requires. Which calls must fail is the property checked.
    unsafe {
        match op {
            0 => {
                // Engine new (replacing, and deleting, the slot's engine).
                let slot = input.below(2);
                let kind = input.byte() % 2;
                st.serial += 1;
                let new = EngineSlot {
                    ptr: engine_new(kind),
                    serial: st.serial,
                    kind,
                };
                if let Some(old) = st.engines[slot].replace(new) {
                    petrel_engine_delete(old.ptr);
                }
            }
            1 => {
                // Engine delete: its modules and stores keep working.
                if let Some(old) = st.engines[input.below(2)].take() {
                    petrel_engine_delete(old.ptr);
                }
            }
            2 | 3 => {
                // Store new, on an engine slot (NULL when empty).
                let slot = input.below(2);
                if st.busy == Some(slot) {
                    return;
                }
                let (engine, serial) = match &st.engines[input.below(2)] {
                    Some(e) => (e.ptr, e.serial),
                    None => (std::ptr::null_mut(), 0),
                };
                let data = st.tracked(0);
                let mut store = std::ptr::null_mut();
                let o = outcome(petrel_store_new(engine, data, Some(finalize), &mut store));
                if !st.check_total(&o, engine.is_null(), "petrel_store_new") {
                    return;
                }
                let mut id = 0;
                st.check_total(&outcome(petrel_store_id(store, &mut id)), false, "store_id");
                let o = outcome(petrel_store_set_fuel(store, 20_000));
                st.check_total(&o, false, "petrel_store_set_fuel");
                let o = outcome(petrel_store_set_epoch_deadline(store, 1 << 20));
                st.check_total(&o, false, "petrel_store_set_epoch_deadline");
                if let Some(old) = st.stores[slot].replace(StoreSlot {
                    ptr: store,
                    id,
                    closed: false,
                    engine_serial: serial,
                }) {
                    let o = outcome(petrel_store_delete(old.ptr));
                    st.check_total(&o, false, "petrel_store_delete (replaced)");
                }
            }
            4 => {
                // Store close: later uses must fail.
                let slot = input.below(2);
                let (store, busy) = (st.store(slot).0, st.busy == Some(slot));
                let o = outcome(petrel_store_close(store));
                if st.check_total(&o, store.is_null() || busy, "petrel_store_close")
                    && let Some(s) = &mut st.stores[slot]
                {
                    s.closed = true;
                }
            }
            5 => {
                // Store delete: refused while busy (the store stays).
                let slot = input.below(2);
                let busy = st.busy == Some(slot);
                let Some(s) = &st.stores[slot] else {
                    let o = outcome(petrel_store_delete(std::ptr::null_mut()));
                    st.check_total(&o, false, "petrel_store_delete(NULL)");
                    return;
                };
                let o = outcome(petrel_store_delete(s.ptr));
                if st.check_total(&o, busy, "petrel_store_delete") {
                    st.stores[slot] = None;
                }
            }
            6 => {
                // A template on an engine slot: compiled from text one
                // time in eight, else loaded from the cache.
                let e = input.below(2);
                let template = input.below(TEMPLATES.len());
                let compile = input.byte() % 8 == 7;
                let Some(engine) = &st.engines[e] else {
                    let mut m = std::ptr::null_mut();
                    let t = TEMPLATES[template];
                    let o = outcome(petrel_module_new(
                        std::ptr::null(),
                        t.as_ptr(),
                        t.len(),
                        &mut m,
                    ));
                    st.check(&o, true, "petrel_module_new(NULL engine)");
                    return;
                };
                if let Some(m) = template_module(st, engine, template, compile) {
                    if st.modules.len() >= MAX_MODULES {
                        petrel_module_delete(st.modules.remove(0).ptr);
                    }
                    st.modules.push(m);
                }
            }
            // Module delete: instances made from it keep working.
            7 if !st.modules.is_empty() => {
                let i = input.below(st.modules.len());
                petrel_module_delete(st.modules.remove(i).ptr);
            }
            8 => {
                // Serialize.
                if st.modules.is_empty() {
                    return;
                }
                let m = &st.modules[input.below(st.modules.len())];
                let mut bytes = petrel_bytes_t {
                    data: std::ptr::null_mut(),
                    len: 0,
                };
                let o = outcome(petrel_module_serialize(m.ptr, &mut bytes));
                st.check_total(&o, false, "petrel_module_serialize");
                let copy = std::slice::from_raw_parts(bytes.data, bytes.len).to_vec();
                petrel_bytes_delete(&mut bytes);
                if st.artifacts.len() >= MAX_ARTIFACTS {
                    st.artifacts.remove(0);
                }
                st.artifacts.push(Artifact {
                    bytes: copy,
                    engine_serial: m.engine_serial,
                    engine_kind: m.engine_kind,
                });
            }
            9 => {
                // Deserialize, maybe after flipping a bit: loads exactly
                // when unmodified and sealed by an engine with the same
                // key and settings.
                if st.artifacts.is_empty() {
                    return;
                }
                let a = &st.artifacts[input.below(st.artifacts.len())];
                let Some(engine) = &st.engines[input.below(2)] else {
                    return;
                };
                let mut bytes = a.bytes.clone();
                let modified = input.byte() % 3 == 2;
                if modified {
                    let at = input.below(bytes.len());
                    bytes[at] ^= 1 << (input.byte() % 8);
                }
                // One key and configuration per kind.
                let same_key = a.engine_kind == engine.kind;
                let mut m = std::ptr::null_mut();
                let o = outcome(petrel_module_deserialize(
                    engine.ptr,
                    bytes.as_ptr(),
                    bytes.len(),
                    &mut m,
                ));
                let must_fail = modified || !same_key;
                if st.check_total(&o, must_fail, "petrel_module_deserialize") {
                    let template = st
                        .modules
                        .iter()
                        .find(|m| m.engine_serial == a.engine_serial)
                        .map_or(0, |m| m.template);
                    if st.modules.len() >= MAX_MODULES {
                        petrel_module_delete(st.modules.remove(0).ptr);
                    }
                    st.modules.push(ModuleSlot {
                        ptr: m,
                        engine_serial: engine.serial,
                        engine_kind: engine.kind,
                        template,
                    });
                }
            }
            10 | 11 => instance_new(st, input),
            12 => {
                // Host function.
                let slot = input.below(2);
                let (store, must_fail) = st.store(slot);
                let (params, results) = HOST_TYPES[input.below(HOST_TYPES.len())];
                let mut ft = std::ptr::null_mut();
                let o = outcome(petrel_functype_new(
                    params.as_ptr(),
                    params.len(),
                    results.as_ptr(),
                    results.len(),
                    &mut ft,
                ));
                st.check_total(&o, false, "petrel_functype_new");
                let env = st.tracked(input.byte() % 5);
                let mut f = petrel_func_t {
                    store_id: 0,
                    index: 0,
                };
                let o = outcome(petrel_func_new(
                    store,
                    ft,
                    Some(host_callback),
                    env,
                    Some(finalize),
                    &mut f,
                ));
                petrel_functype_delete(ft);
                if st.check_total(&o, must_fail, "petrel_func_new") {
                    st.push_item(petrel_extern_t {
                        kind: PETREL_EXTERN_FUNC,
                        store_id: f.store_id,
                        index: f.index,
                    });
                }
            }
            13..=15 => func_call(st, input),
            16 => {
                // Memory new.
                let slot = input.below(2);
                let (store, must_fail) = st.store(slot);
                let min = input.below(3) as u64;
                let max = min + input.below(3) as u64;
                let ty = petrel_memorytype_t {
                    limits: petrel_limits_t {
                        minimum: min,
                        maximum: if input.byte() % 8 == 7 {
                            min.wrapping_sub(1)
                        } else {
                            max
                        },
                        has_maximum: input.byte().is_multiple_of(2),
                    },
                    // 32-bit with 64 KiB pages (the zero values), so the
                    // corpora's bytes keep their meaning.
                    is_64: false,
                    page_size: 0,
                };
                let mut m = petrel_memory_t {
                    store_id: 0,
                    index: 0,
                };
                let o = outcome(petrel_memory_new(store, ty, &mut m));
                let bad = ty.limits.has_maximum && !(min..=65536).contains(&ty.limits.maximum);
                if st.check(&o, must_fail || bad, "petrel_memory_new") {
                    st.push_item(petrel_extern_t {
                        kind: PETREL_EXTERN_MEMORY,
                        store_id: m.store_id,
                        index: m.index,
                    });
                } else if !must_fail && !bad && !o.message().contains("resource limit exceeded") {
                    // (The store's limiter, set by `petrel_store_limiter`,
                    // may refuse it.)
                    st.fail(&format!("petrel_memory_new failed: {o:?}"));
                }
            }
            17..=19 => memory_op(st, input),
            20 => {
                // Table new.
                let slot = input.below(2);
                let (store, must_fail) = st.store(slot);
                let kind = if input.byte().is_multiple_of(2) {
                    PETREL_FUNCREF
                } else {
                    PETREL_EXTERNREF
                };
                let min = input.below(4) as u64;
                let ty = petrel_tabletype_t {
                    element: kind,
                    limits: petrel_limits_t {
                        minimum: min,
                        maximum: min + input.below(4) as u64,
                        has_maximum: input.byte().is_multiple_of(2),
                    },
                    is_64: false,
                };
                let init_kind = if input.byte() % 8 == 7 {
                    PETREL_I32
                } else {
                    kind
                };
                let init = val(init_kind, input, st, st.store_id(slot));
                let mut t = petrel_table_t {
                    store_id: 0,
                    index: 0,
                };
                let o = outcome(petrel_table_new(store, ty, &init, &mut t));
                let bad = init_kind != kind || bad_ref(&init, st.store_id(slot));
                if st.check(&o, must_fail || bad, "petrel_table_new") {
                    st.push_item(petrel_extern_t {
                        kind: PETREL_EXTERN_TABLE,
                        store_id: t.store_id,
                        index: t.index,
                    });
                }
            }
            21 | 22 => table_op(st, input),
            23 => {
                // Global new.
                let slot = input.below(2);
                let (store, must_fail) = st.store(slot);
                let kind = input.byte() % 7;
                let ty = petrel_globaltype_t {
                    content: kind,
                    mutability: input.byte() % 2,
                };
                let value_kind = if input.byte() % 8 == 7 {
                    (kind + 1) % 7
                } else {
                    kind
                };
                let v = val(value_kind, input, st, st.store_id(slot));
                let mut g = petrel_global_t {
                    store_id: 0,
                    index: 0,
                };
                let o = outcome(petrel_global_new(store, ty, &v, &mut g));
                let bad = value_kind != kind || bad_ref(&v, st.store_id(slot));
                if st.check(&o, must_fail || bad, "petrel_global_new") {
                    st.push_item(petrel_extern_t {
                        kind: PETREL_EXTERN_GLOBAL,
                        store_id: g.store_id,
                        index: g.index,
                    });
                }
            }
            24 | 25 => global_op(st, input),
            26 => {
                // Extern reference, then its data.
                let slot = input.below(2);
                let (store, must_fail) = st.store(slot);
                let data = st.tracked(0);
                let mut r = petrel_externref_t {
                    store_id: 0,
                    index: 0,
                };
                let o = outcome(petrel_externref_new(store, data, Some(finalize), &mut r));
                if st.check_total(&o, must_fail, "petrel_externref_new") {
                    let mut out = std::ptr::null_mut();
                    let o = outcome(petrel_externref_data(store, r, &mut out));
                    st.check_total(&o, false, "petrel_externref_data");
                    assert_eq!(out, data, "extern reference data");
                }
            }
            27 => {
                // Fuel, epochs, limits.
                let slot = input.below(2);
                let (store, must_fail) = st.store(slot);
                match input.byte() % 4 {
                    0 => {
                        // At most 200,000: with billions, a call of `spin`
                        // runs for seconds (the first run under ASan fell to
                        // 8 inputs a second on such inputs).
                        let fuel = u64::from(input.u32() % 200_000);
                        let o = outcome(petrel_store_set_fuel(store, fuel));
                        st.check_total(&o, must_fail, "petrel_store_set_fuel");
                    }
                    1 => {
                        let mut fuel = 0;
                        let o = outcome(petrel_store_get_fuel(store, &mut fuel));
                        st.check_total(&o, must_fail, "petrel_store_get_fuel");
                    }
                    2 => {
                        let o = outcome(petrel_store_set_epoch_deadline(
                            store,
                            u64::from(input.byte()),
                        ));
                        st.check_total(&o, must_fail, "petrel_store_set_epoch_deadline");
                        if let Some(e) = &st.engines[input.below(2)] {
                            let o = outcome(petrel_engine_increment_epoch(e.ptr));
                            st.check_total(&o, false, "petrel_engine_increment_epoch");
                        }
                    }
                    _ => {
                        let lim = |input: &mut Input<'_>| {
                            if input.byte().is_multiple_of(2) {
                                -1
                            } else {
                                i64::from(input.u32() % (1 << 20))
                            }
                        };
                        let (a, b, c) = (lim(input), lim(input), lim(input) % 8);
                        let o = outcome(petrel_store_limiter(store, a, b, c));
                        st.check_total(&o, must_fail, "petrel_store_limiter");
                    }
                }
            }
            28..=30 => linker_op(st, input),
            31 => module_query(st, input),
            32 => instance_query(st, input),
            33 => {
                // The type of any item.
                let slot = input.below(2);
                let (store, must_fail) = st.store(slot);
                let kind = input.byte() % 4;
                let (item, forged) = st.pick(input, kind, st.store_id(slot));
                let mut ty = std::ptr::null_mut();
                let o = outcome(petrel_extern_type(store, item, &mut ty));
                let foreign = item.store_id != st.store_id(slot);
                if st.check(&o, must_fail || foreign || forged, "petrel_extern_type") {
                    let mut kind = 0;
                    let o = outcome(petrel_externtype_kind(ty, &mut kind));
                    st.check_total(&o, false, "petrel_externtype_kind");
                    assert_eq!(kind, item.kind, "extern type kind");
                    let mut ft = std::ptr::null_mut();
                    let o = outcome(petrel_externtype_functype(ty, &mut ft));
                    st.check_total(&o, kind != PETREL_EXTERN_FUNC, "petrel_externtype_functype");
                    petrel_functype_delete(ft);
                    petrel_externtype_delete(ty);
                }
            }
            34 if top => worker(st, input),
            35 if top => busy(st, input),
            36 => {
                // Store data and id.
                let slot = input.below(2);
                let (store, must_fail) = st.store(slot);
                let mut data = std::ptr::null_mut();
                let o = outcome(petrel_store_data(store, &mut data));
                st.check_total(&o, must_fail, "petrel_store_data");
            }
            37 => {
                // Errors and traps made by the embedder.
                let e = petrel_error_new(std::ptr::null(), 0);
                assert!(!e.is_null());
                st.check(&outcome(e), false, "petrel_error_new");
                let t = petrel_error_new_trap(input.byte());
                let o = outcome(t);
                assert!(matches!(o, Outcome::Trap(_)), "{o:?}");
            }
            _ => {}
        }
    }
}

/// Instantiates a module with imports picked from the items (or right
/// ones made for it).
///
/// # Safety
/// As for `command`.
unsafe fn instance_new(st: &mut State, input: &mut Input<'_>) {
    if st.modules.is_empty() {
        return;
    }
    let slot = input.below(2);
    let (store, must_fail) = st.store(slot);
    let mi = input.below(st.modules.len());
    let (module, template, m_engine) = {
        let m = &st.modules[mi];
        (m.ptr, m.template, m.engine_serial)
    };
    let same_engine = st.stores[slot]
        .as_ref()
        .is_some_and(|s| s.engine_serial == m_engine);
    // SAFETY: forwarded.
    unsafe {
        let mut count = 0;
        let o = outcome(petrel_module_import_count(module, &mut count));
        st.check_total(&o, false, "petrel_module_import_count");
        let mut imports = Vec::new();
        let mut foreign = false;
        for i in 0..count {
            let mut mname = petrel_str_t {
                data: std::ptr::null(),
                len: 0,
            };
            let mut name = mname;
            let mut ty = std::ptr::null_mut();
            let o = outcome(petrel_module_import(
                module, i, &mut mname, &mut name, &mut ty,
            ));
            st.check_total(&o, false, "petrel_module_import");
            let mut kind = 0;
            let o = outcome(petrel_externtype_kind(ty, &mut kind));
            st.check_total(&o, false, "petrel_externtype_kind");
            petrel_externtype_delete(ty);
            let (item, forged) = st.pick(input, kind, st.store_id(slot));
            foreign |= forged || item.store_id != st.store_id(slot);
            imports.push(item);
        }
        if input.byte() % 16 == 15 && !imports.is_empty() {
            imports.pop();
            foreign = true;
        }
        let mut inst = petrel_instance_t {
            store_id: 0,
            index: 0,
        };
        let o = outcome(petrel_instance_new(
            store,
            module,
            imports.as_ptr(),
            imports.len(),
            &mut inst,
        ));
        st.log.push(format!(
            "instance_new template {template} imports {} -> {o:?}",
            imports.len()
        ));
        if st.check(
            &o,
            must_fail || foreign || !same_engine,
            "petrel_instance_new",
        ) {
            collect_exports(st, store, inst);
        }
    }
}

/// Adds an instance and its exports to the state.
///
/// # Safety
/// `store` is live and `inst` one of its instances.
unsafe fn collect_exports(st: &mut State, store: *mut petrel_store_t, inst: petrel_instance_t) {
    if st.instances.len() >= 16 {
        st.instances.remove(0);
    }
    st.instances.push(inst);
    let mut n = 0;
    // SAFETY: forwarded; writable outs.
    unsafe {
        let o = outcome(petrel_instance_export_count(store, inst, &mut n));
        st.check_total(&o, false, "petrel_instance_export_count");
        for i in 0..n {
            let mut name = petrel_str_t {
                data: std::ptr::null(),
                len: 0,
            };
            let mut item = petrel_extern_t {
                kind: 0,
                store_id: 0,
                index: 0,
            };
            let o = outcome(petrel_instance_export_nth(
                store, inst, i, &mut name, &mut item,
            ));
            st.check_total(&o, false, "petrel_instance_export_nth");
            st.push_item(item);
        }
    }
}

/// Calls a function, typed or raw, with right or wrong arguments.
///
/// # Safety
/// As for `command`.
unsafe fn func_call(st: &mut State, input: &mut Input<'_>) {
    let slot = input.below(2);
    let (store, must_fail) = st.store(slot);
    let (item, forged) = st.pick(input, PETREL_EXTERN_FUNC, st.store_id(slot));
    let f = petrel_func_t {
        store_id: item.store_id,
        index: item.index,
    };
    let foreign = forged || item.store_id != st.store_id(slot);
    // SAFETY: forwarded; buffers of their lengths.
    unsafe {
        let mut ft = std::ptr::null_mut();
        let o = outcome(petrel_func_type(store, f, &mut ft));
        if !st.check(&o, must_fail || foreign, "petrel_func_type") {
            if !must_fail && !foreign {
                st.fail(&format!("petrel_func_type failed: {o:?}"));
            }
            // Call anyway: it must fail the same way.
            let mut vals = [petrel_valraw_t { v128: [0; 16] }; 4];
            let o = outcome(petrel_func_call_raw(
                store,
                &f,
                vals.as_mut_ptr(),
                vals.len(),
            ));
            st.check(&o, true, "petrel_func_call_raw (bad handle)");
            return;
        }
        let params = kinds(ft, false);
        let results = kinds(ft, true);
        petrel_functype_delete(ft);
        if input.byte().is_multiple_of(4) {
            // Raw: sometimes too short.
            let need = params.len().max(results.len());
            let len = if input.byte() % 4 == 3 {
                need.saturating_sub(1)
            } else {
                need + input.below(2)
            };
            let mut vals: Vec<petrel_valraw_t> = (0..len)
                .map(|i| {
                    let mut v = petrel_valraw_t { v128: [0; 16] };
                    if params.get(i).is_some_and(|k| *k == PETREL_FUNCREF) {
                        // Any index: references are validated.
                        v.funcref = u64::from(input.byte() % 8);
                    } else if params.get(i).is_some_and(|k| *k != PETREL_EXTERNREF) {
                        v.i64 = i64::from(input.u32() % 70_000);
                    }
                    v
                })
                .collect();
            // Half the time at an address that is 8 but not 16 bytes
            // aligned (enough for `petrel_valraw_t`): the C API then
            // calls through an aligned copy.
            let mut words = vec![0u64; 2 * len + 2];
            let base = words.as_mut_ptr();
            let shift = if (base as usize).is_multiple_of(16) {
                1
            } else {
                0
            };
            let shift = if input.byte() % 2 == 1 {
                shift
            } else {
                1 - shift
            };
            let at = base.add(shift).cast::<petrel_valraw_t>();
            std::ptr::copy_nonoverlapping(vals.as_ptr(), at, len);
            let o = outcome(petrel_func_call_raw(store, &f, at, len));
            std::ptr::copy_nonoverlapping(at, vals.as_mut_ptr(), len);
            if st.check(&o, len < need, "petrel_func_call_raw") {
                bump(4);
            }
        } else {
            let wrong = input.byte() % 8 == 7;
            let mut args: Vec<petrel_val_t> = params
                .iter()
                .map(|k| val(*k, input, st, st.store_id(slot)))
                .collect();
            if wrong {
                match input.byte() % 3 {
                    0 => {
                        args.push(val(PETREL_I32, input, st, st.store_id(slot)));
                    }
                    1 if !args.is_empty() => {
                        args[0].kind = (args[0].kind + 1) % 7;
                    }
                    _ => {
                        args.pop();
                        if params.is_empty() {
                            args.push(val(PETREL_I64, input, st, st.store_id(slot)));
                        }
                    }
                }
            }
            let bad_refs = args.iter().any(|a| bad_ref(a, st.store_id(slot)));
            let mut nres = results.len();
            let short = input.byte() % 16 == 15;
            if short {
                nres = nres.wrapping_sub(1).min(64);
            }
            let mut out = vec![val(PETREL_I32, input, st, st.store_id(slot)); nres];
            let o = outcome(petrel_func_call(
                store,
                f,
                args.as_ptr(),
                args.len(),
                out.as_mut_ptr(),
                out.len(),
            ));
            let must = wrong || bad_refs || (short && nres != results.len());
            if st.check(&o, must, "petrel_func_call") {
                bump(4);
                for (v, k) in out.iter().zip(&results) {
                    assert_eq!(v.kind, *k, "result kind");
                }
            }
        }
    }
}

/// Memory size, type, data, grow, read and write.
///
/// # Safety
/// As for `command`.
unsafe fn memory_op(st: &mut State, input: &mut Input<'_>) {
    let slot = input.below(2);
    let (store, must_fail) = st.store(slot);
    let (item, forged) = st.pick(input, PETREL_EXTERN_MEMORY, st.store_id(slot));
    let m = petrel_memory_t {
        store_id: item.store_id,
        index: item.index,
    };
    let bad = must_fail || forged || item.store_id != st.store_id(slot);
    // SAFETY: forwarded; buffers of their lengths.
    unsafe {
        let mut pages = 0;
        let o = outcome(petrel_memory_size(store, m, &mut pages));
        if !st.check_total(&o, bad, "petrel_memory_size") {
            return;
        }
        let size = pages * 65536;
        match input.byte() % 5 {
            0 => {
                let mut ty = petrel_memorytype_t {
                    limits: petrel_limits_t {
                        minimum: 0,
                        maximum: 0,
                        has_maximum: false,
                    },
                    is_64: false,
                    page_size: 0,
                };
                let o = outcome(petrel_memory_type(store, m, &mut ty));
                st.check_total(&o, false, "petrel_memory_type");
                assert_eq!(ty.limits.minimum, pages, "memory type minimum");
            }
            1 => {
                let mut data = std::ptr::null_mut();
                let mut len = 0;
                let o = outcome(petrel_memory_data(store, m, &mut data, &mut len));
                st.check_total(&o, false, "petrel_memory_data");
                assert_eq!(len as u64, size, "memory data length");
                if len > 0 {
                    // The whole range is ours to touch.
                    *data = data.read().wrapping_add(1);
                    *data.add(len - 1) = 0x5a;
                }
            }
            2 => {
                let delta =
                    u64::from(input.byte() % 4) + (u64::from(input.byte() % 16 == 15) << 20);
                let mut old = 0;
                let o = outcome(petrel_memory_grow(store, m, delta, &mut old));
                if st.check(&o, false, "petrel_memory_grow") {
                    assert_eq!(old, pages, "memory grow's old size");
                }
            }
            op => {
                let len = input.below(64);
                let offset = match input.byte() % 3 {
                    0 => (size as usize).saturating_sub(len),
                    1 => (size as usize + input.below(2)).saturating_sub(len),
                    _ => input.u32() as usize | (usize::from(input.byte() % 16 == 15) << 63),
                };
                let oob = offset.checked_add(len).is_none_or(|end| end as u64 > size);
                let mut buf = vec![0xa5u8; len];
                let o = if op == 3 {
                    outcome(petrel_memory_read(store, m, offset, buf.as_mut_ptr(), len))
                } else {
                    outcome(petrel_memory_write(store, m, offset, buf.as_ptr(), len))
                };
                st.check_total(&o, oob, "petrel_memory_read/write");
            }
        }
    }
}

/// Table size, type, get, set and grow.
///
/// # Safety
/// As for `command`.
unsafe fn table_op(st: &mut State, input: &mut Input<'_>) {
    let slot = input.below(2);
    let (store, must_fail) = st.store(slot);
    let (item, forged) = st.pick(input, PETREL_EXTERN_TABLE, st.store_id(slot));
    let t = petrel_table_t {
        store_id: item.store_id,
        index: item.index,
    };
    let bad = must_fail || forged || item.store_id != st.store_id(slot);
    // SAFETY: forwarded; writable outs.
    unsafe {
        let mut size = 0;
        let o = outcome(petrel_table_size(store, t, &mut size));
        if !st.check_total(&o, bad, "petrel_table_size") {
            return;
        }
        let mut ty = petrel_tabletype_t {
            element: 0,
            limits: petrel_limits_t {
                minimum: 0,
                maximum: 0,
                has_maximum: false,
            },
            is_64: false,
        };
        let o = outcome(petrel_table_type(store, t, &mut ty));
        st.check_total(&o, false, "petrel_table_type");
        let index = match input.byte() % 3 {
            0 => size.saturating_sub(1),
            1 => size,
            _ => input.u32(),
        };
        match input.byte() % 3 {
            0 => {
                let mut v = val(PETREL_I32, input, st, st.store_id(slot));
                let o = outcome(petrel_table_get(store, t, index, &mut v));
                st.check_total(&o, index >= size, "petrel_table_get");
            }
            1 => {
                let kind = if input.byte() % 8 == 7 {
                    PETREL_I64
                } else {
                    ty.element
                };
                let v = val(kind, input, st, st.store_id(slot));
                let o = outcome(petrel_table_set(store, t, index, &v));
                let must = index >= size || kind != ty.element || bad_ref(&v, st.store_id(slot));
                st.check(&o, must, "petrel_table_set");
            }
            _ => {
                let v = val(ty.element, input, st, st.store_id(slot));
                let delta = u32::from(input.byte() % 4);
                let mut old = 0;
                let o = outcome(petrel_table_grow(store, t, delta, &v, &mut old));
                if st.check(&o, bad_ref(&v, st.store_id(slot)), "petrel_table_grow") {
                    assert_eq!(old, size, "table grow's old size");
                }
            }
        }
    }
}

/// Global type, get and set.
///
/// # Safety
/// As for `command`.
unsafe fn global_op(st: &mut State, input: &mut Input<'_>) {
    let slot = input.below(2);
    let (store, must_fail) = st.store(slot);
    let (item, forged) = st.pick(input, PETREL_EXTERN_GLOBAL, st.store_id(slot));
    let g = petrel_global_t {
        store_id: item.store_id,
        index: item.index,
    };
    let bad = must_fail || forged || item.store_id != st.store_id(slot);
    // SAFETY: forwarded; writable outs.
    unsafe {
        let mut ty = petrel_globaltype_t {
            content: 0,
            mutability: 0,
        };
        let o = outcome(petrel_global_type(store, g, &mut ty));
        if !st.check_total(&o, bad, "petrel_global_type") {
            return;
        }
        let mut v = val(PETREL_I32, input, st, st.store_id(slot));
        let o = outcome(petrel_global_get(store, g, &mut v));
        st.check_total(&o, false, "petrel_global_get");
        assert_eq!(v.kind, ty.content, "global value kind");
        let kind = if input.byte() % 8 == 7 {
            (ty.content + 1) % 7
        } else {
            ty.content
        };
        let v = val(kind, input, st, st.store_id(slot));
        let o = outcome(petrel_global_set(store, g, &v));
        let must =
            ty.mutability == PETREL_CONST || kind != ty.content || bad_ref(&v, st.store_id(slot));
        st.check(&o, must, "petrel_global_set");
    }
}

/// Linker new, delete, define (items, host functions, instances, WASI),
/// get and instantiate.
///
/// # Safety
/// As for `command`.
unsafe fn linker_op(st: &mut State, input: &mut Input<'_>) {
    let l = input.below(2);
    // SAFETY: forwarded; buffers of their lengths.
    unsafe {
        let Some(linker) = st.linkers[l].as_ref().map(|x| x.ptr) else {
            if let Some(e) = &st.engines[input.below(2)] {
                let mut p = std::ptr::null_mut();
                let o = outcome(petrel_linker_new(e.ptr, &mut p));
                st.check_total(&o, false, "petrel_linker_new");
                st.linkers[l] = Some(LinkerSlot { ptr: p });
            }
            return;
        };
        let slot = input.below(2);
        let (store, must_fail) = st.store(slot);
        let (module, name) = LINK_NAMES[input.below(LINK_NAMES.len())];
        match input.byte() % 8 {
            0 => {
                petrel_linker_delete(linker);
                st.linkers[l] = None;
            }
            1 => {
                let o = outcome(petrel_linker_allow_shadowing(
                    linker,
                    input.byte().is_multiple_of(2),
                ));
                st.check_total(&o, false, "petrel_linker_allow_shadowing");
            }
            2 => {
                let kind = input.byte() % 4;
                let (item, forged) = st.pick(input, kind, st.store_id(slot));
                let o = outcome(petrel_linker_define(
                    linker,
                    store,
                    module.as_ptr().cast(),
                    module.len(),
                    name.as_ptr().cast(),
                    name.len(),
                    item,
                ));
                let foreign = forged || item.store_id != st.store_id(slot);
                st.check(&o, must_fail || foreign, "petrel_linker_define");
            }
            3 => {
                let (params, results) = HOST_TYPES[input.below(HOST_TYPES.len())];
                let mut ft = std::ptr::null_mut();
                let o = outcome(petrel_functype_new(
                    params.as_ptr(),
                    params.len(),
                    results.as_ptr(),
                    results.len(),
                    &mut ft,
                ));
                st.check_total(&o, false, "petrel_functype_new");
                let env = st.tracked(input.byte() % 5);
                let o = outcome(petrel_linker_define_func(
                    linker,
                    module.as_ptr().cast(),
                    module.len(),
                    name.as_ptr().cast(),
                    name.len(),
                    ft,
                    Some(host_callback),
                    env,
                    Some(finalize),
                ));
                petrel_functype_delete(ft);
                st.check(&o, false, "petrel_linker_define_func");
            }
            4 => {
                if st.instances.is_empty() {
                    return;
                }
                let inst = st.instances[input.below(st.instances.len())];
                let o = outcome(petrel_linker_define_instance(
                    linker,
                    store,
                    c"env".as_ptr(),
                    3,
                    inst,
                ));
                let foreign = inst.store_id != st.store_id(slot);
                st.check(&o, must_fail || foreign, "petrel_linker_define_instance");
            }
            5 => {
                let mut item = petrel_extern_t {
                    kind: 0,
                    store_id: 0,
                    index: 0,
                };
                let mut found = false;
                let o = outcome(petrel_linker_get(
                    linker,
                    store,
                    module.as_ptr().cast(),
                    module.len(),
                    name.as_ptr().cast(),
                    name.len(),
                    &mut item,
                    &mut found,
                ));
                if st.check(&o, must_fail, "petrel_linker_get") && found {
                    // "The item defined as `module::name`, placed in
                    // `store`": an item of that store.
                    if item.store_id != st.store_id(slot) {
                        st.fail(&format!(
                            "petrel_linker_get gave an item of store {} for store {}",
                            item.store_id,
                            st.store_id(slot)
                        ));
                    }
                    st.push_item(item);
                }
            }
            6 => {
                let o = outcome(petrel_linker_define_wasi(linker));
                st.check(&o, false, "petrel_linker_define_wasi");
            }
            _ => {
                if st.modules.is_empty() {
                    return;
                }
                let m = &st.modules[input.below(st.modules.len())];
                let (module, m_engine) = (m.ptr, m.engine_serial);
                let same_engine = st.stores[slot]
                    .as_ref()
                    .is_some_and(|s| s.engine_serial == m_engine);
                let mut inst = petrel_instance_t {
                    store_id: 0,
                    index: 0,
                };
                let o = outcome(petrel_linker_instantiate(linker, store, module, &mut inst));
                if st.check(&o, must_fail || !same_engine, "petrel_linker_instantiate") {
                    collect_exports(st, store, inst);
                }
            }
        }
    }
}

/// Module queries with good and bad indices.
///
/// # Safety
/// As for `command`.
unsafe fn module_query(st: &mut State, input: &mut Input<'_>) {
    if st.modules.is_empty() {
        return;
    }
    let module = st.modules[input.below(st.modules.len())].ptr;
    // SAFETY: forwarded; writable outs.
    unsafe {
        let mut name = petrel_str_t {
            data: std::ptr::null(),
            len: 0,
        };
        st.check_total(
            &outcome(petrel_module_name(module, &mut name)),
            false,
            "name",
        );
        let mut n = 0;
        let o = outcome(petrel_module_export_count(module, &mut n));
        st.check_total(&o, false, "petrel_module_export_count");
        let i = n + input.below(2) - input.below(2).min(n);
        let mut ty = std::ptr::null_mut();
        let o = outcome(petrel_module_export(module, i, &mut name, &mut ty));
        if st.check_total(&o, i >= n, "petrel_module_export") {
            let mut k = 0;
            st.check_total(&outcome(petrel_externtype_kind(ty, &mut k)), false, "kind");
            let mut gt = petrel_globaltype_t {
                content: 0,
                mutability: 0,
            };
            let o = outcome(petrel_externtype_globaltype(ty, &mut gt));
            st.check_total(
                &o,
                k != PETREL_EXTERN_GLOBAL,
                "petrel_externtype_globaltype",
            );
            petrel_externtype_delete(ty);
        }
        let mut n = 0;
        let o = outcome(petrel_module_import_count(module, &mut n));
        st.check_total(&o, false, "petrel_module_import_count");
        let mut mname = name;
        let mut ty = std::ptr::null_mut();
        let o = outcome(petrel_module_import(
            module, n, &mut mname, &mut name, &mut ty,
        ));
        st.check(&o, true, "petrel_module_import (index past the end)");
    }
}

/// Instance queries, by name and index.
///
/// # Safety
/// As for `command`.
unsafe fn instance_query(st: &mut State, input: &mut Input<'_>) {
    if st.instances.is_empty() {
        return;
    }
    let inst = st.instances[input.below(st.instances.len())];
    let slot = input.below(2);
    let (store, must_fail) = st.store(slot);
    let bad = must_fail || inst.store_id != st.store_id(slot);
    // SAFETY: forwarded; writable outs.
    unsafe {
        let mut n = 0;
        let o = outcome(petrel_instance_export_count(store, inst, &mut n));
        if !st.check_total(&o, bad, "petrel_instance_export_count") {
            return;
        }
        let mut item = petrel_extern_t {
            kind: 0,
            store_id: 0,
            index: 0,
        };
        let mut name = petrel_str_t {
            data: std::ptr::null(),
            len: 0,
        };
        let o = outcome(petrel_instance_export_nth(
            store, inst, n, &mut name, &mut item,
        ));
        st.check(&o, true, "petrel_instance_export_nth (index past the end)");
        let mut found = true;
        let o = outcome(petrel_instance_export_get(
            store,
            inst,
            c"memory".as_ptr(),
            6,
            &mut item,
            &mut found,
        ));
        st.check_total(&o, false, "petrel_instance_export_get");
    }
}

/// Runs the next few commands on a second thread.
fn worker(st: &mut State, input: &mut Input<'_>) {
    let n = input.below(6) + 1;
    let state = SendPtr(st as *mut State);
    let inp = SendPtr(input as *mut Input<'_>);
    std::thread::scope(|s| {
        let h = s.spawn(move || {
            let (state, inp) = (state, inp);
            // SAFETY: the first thread waits in `scope` until this one
            // ends, so these are exclusive borrows for the duration.
            let (st, input) = unsafe { (&mut *state.0, &mut *inp.0) };
            for _ in 0..n {
                command(st, input, false);
            }
        });
        // Joined explicitly: `scope` alone returns once the closure is
        // done, possibly before the thread has run its thread-local
        // destructors, which LeakSanitizer's per-input check then reports
        // as leaked.
        if let Err(panic) = h.join() {
            std::panic::resume_unwind(panic);
        }
    });
}

/// Makes the second thread call into a store and block in a host
/// function; meanwhile the next commands run here, where every use of
/// that store must fail.
fn busy(st: &mut State, input: &mut Input<'_>) {
    let slot = input.below(2);
    let (store, must_fail) = st.store(slot);
    if must_fail {
        return;
    }
    // A blocking host function in that store.
    let env = st.tracked(4);
    let mut f = petrel_func_t {
        store_id: 0,
        index: 0,
    };
    // SAFETY: a live store; writable outs; the functype is freed once.
    unsafe {
        let mut ft = std::ptr::null_mut();
        assert!(
            outcome(petrel_functype_new(
                std::ptr::null(),
                0,
                std::ptr::null(),
                0,
                &mut ft
            ))
            .is_ok()
        );
        let o = outcome(petrel_func_new(
            store,
            ft,
            Some(host_callback),
            env,
            Some(finalize),
            &mut f,
        ));
        petrel_functype_delete(ft);
        if !st.check_total(&o, false, "petrel_func_new (blocking)") {
            return;
        }
    }
    {
        let mut s = st.block.state.lock().expect("gate lock");
        *s = (true, false, false);
    }
    let block = st.block.clone();
    let done = Arc::new(Mutex::new(false));
    let target = SendPtr((store, f));
    std::thread::scope(|scope| {
        let done2 = done.clone();
        let block2 = block.clone();
        let h = scope.spawn(move || {
            let target = target;
            IS_WORKER.with(|w| w.set(true));
            // SAFETY: a live store, used on this thread only until the
            // call returns (other uses from the first thread are refused
            // by the store's gate, which is the property tested).
            let o = outcome(unsafe {
                petrel_func_call(
                    target.0.0,
                    target.0.1,
                    std::ptr::null(),
                    0,
                    std::ptr::null_mut(),
                    0,
                )
            });
            IS_WORKER.with(|w| w.set(false));
            *done2.lock().expect("done lock") = true;
            let _g = block2.state.lock().expect("gate lock");
            block2.cv.notify_all();
            o
        });
        // Wait until the call blocks (or ended without blocking).
        let mut s = block.state.lock().expect("gate lock");
        while !s.1 && !*done.lock().expect("done lock") {
            s = block.cv.wait(s).expect("gate lock");
        }
        let entered = s.1;
        drop(s);
        if entered {
            bump(5);
            st.busy = Some(slot);
            st.log.push(format!("busy window on store slot {slot}"));
            for _ in 0..input.below(6) + 1 {
                command(st, input, false);
            }
            st.busy = None;
            st.log.push("busy window closed".into());
        }
        {
            let mut s = block.state.lock().expect("gate lock");
            s.0 = false;
            s.2 = true;
            block.cv.notify_all();
        }
        let o = h.join().expect("the worker thread");
        st.check_total(&o, false, "petrel_func_call (blocking, other thread)");
    });
}

/// Runs `cases` deterministic inputs from `seed`; returns the counts of
/// this process.
pub fn smoke(seed: u64, cases: usize) -> Counts {
    let mut rng = Rng::new(seed);
    for _ in 0..cases {
        let len = 16 + rng.below(512);
        run(&rng.bytes(len));
    }
    counts()
}
