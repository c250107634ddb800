'use strict';
// The idiomatic Petrel API for Node.js, over the generated low level
// (native/src/lowlevel.rs) and the hand-written host part (native/src/host.rs).
// Every handle remembers its Store, so calls take no store argument.

const state = require('./native');
const { ValKind, TrapCode, ExternKind, Mutability, OptLevel } = require('./enums');

const ll = state.native;
const C = state.call;
const H = state.host;
const CTL = state.callCtl;

const KIND_NAMES = Object.fromEntries(Object.entries(ValKind).map(([k, v]) => [v, k.toLowerCase()]));
const TRAP_NAMES = Object.fromEntries(Object.entries(TrapCode).map(([k, v]) => [v, k.toLowerCase()]));

/** An error from Petrel that is not a trap. */
class PetrelError extends Error {
  constructor(message) {
    super(message);
    this.name = 'PetrelError';
  }
}

/** A wasm trap: `code` (a TrapCode value), `codeName`, and the wasm backtrace. */
class Trap extends Error {
  constructor(message, code, frames) {
    super(message);
    this.name = 'Trap';
    this.code = code;
    this.codeName = TRAP_NAMES[code] ?? 'unknown';
    this.frames = frames ?? [];
  }
}

/** A WASI program ended with `proc_exit(status)`. */
class WasiExit extends Error {
  constructor(status, message) {
    super(message ?? `exit status ${status}`);
    this.name = 'WasiExit';
    this.status = status;
  }
}

/** The store is busy with an async call (see Func.callAsync). */
class StoreBusyError extends PetrelError {
  constructor() {
    super('the store is in use by an async call (callAsync) that has not settled yet');
    this.name = 'StoreBusyError';
  }
}

// Values a host function threw, by the tag given to the C API.
const thrown = new Map();
let nextTag = 1;

/** Turns an error from the addon into the error the embedder sees. */
function convert(e) {
  if (e?.petrel !== true) return e;
  if (e.hostTag !== undefined && thrown.has(e.hostTag)) {
    const v = thrown.get(e.hostTag);
    thrown.delete(e.hostTag);
    return v;
  }
  if (e.exitStatus !== undefined) return new WasiExit(e.exitStatus, e.message);
  if (e.trapCode !== undefined) {
    const t = new Trap(e.message, e.trapCode, e.frames);
    // Rethrown by a host function, it passes through as itself.
    Object.defineProperty(t, '_fromWasm', { value: true });
    return t;
  }
  const err = new PetrelError(e.message);
  return err;
}

function wrap(f) {
  try {
    return f();
  } catch (e) {
    throw convert(e);
  }
}

function toBytes(x) {
  if (typeof x === 'string') return Buffer.from(x, 'utf8');
  if (x instanceof Uint8Array) return x;
  if (x instanceof ArrayBuffer) return new Uint8Array(x);
  if (ArrayBuffer.isView(x)) return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  throw new TypeError('expected bytes (Uint8Array, ArrayBuffer, Buffer) or text');
}

/** Translates WebAssembly text to the binary format. */
function wat2wasm(wat) {
  return wrap(() => ll.wat2wasm(String(wat)));
}

/** Engine settings (all optional; WebAssembly 2.0 defaults). */
class Config {
  constructor(options = {}) {
    this._raw = wrap(() => ll.config_new());
    const flags = {
      wasmSimd: 'config_wasm_simd',
      wasmReferenceTypes: 'config_wasm_reference_types',
      wasmBulkMemory: 'config_wasm_bulk_memory',
      wasmMultiValue: 'config_wasm_multi_value',
      wasmSignExtension: 'config_wasm_sign_extension',
      wasmSaturatingFloatToInt: 'config_wasm_saturating_float_to_int',
      wasmExtendedConst: 'config_wasm_extended_const',
      wasmWideArithmetic: 'config_wasm_wide_arithmetic',
      wasmRelaxedSimd: 'config_wasm_relaxed_simd',
      wasmTailCall: 'config_wasm_tail_call',
      wasmMultiMemory: 'config_wasm_multi_memory',
      wasmMemory64: 'config_wasm_memory64',
      wasmCustomPageSizes: 'config_wasm_custom_page_sizes',
      consumeFuel: 'config_consume_fuel',
      epochInterruption: 'config_epoch_interruption',
      parallelCompilation: 'config_parallel_compilation',
      staticMemoryGuard: 'config_static_memory_guard',
    };
    // Whether memories reserve a guard region (and so never move).
    this._staticMemoryGuard = true;
    for (const [k, v] of Object.entries(options)) {
      if (k === 'staticMemoryGuard') this.staticMemoryGuard = v;
      else if (k in flags) this._flag(flags[k], v);
      else if (k === 'maxWasmStack') this.maxWasmStack = v;
      else if (k === 'optLevel') this.optLevel = v;
      else if (k === 'moduleKey') this.moduleKey = v;
      else throw new TypeError(`unknown Config option ${k}`);
    }
  }
  _flag(fn, v) {
    wrap(() => ll[fn](this._raw, Boolean(v)));
  }
  set wasmSimd(v) { wrap(() => ll.config_wasm_simd(this._raw, Boolean(v))); }
  set wasmReferenceTypes(v) { wrap(() => ll.config_wasm_reference_types(this._raw, Boolean(v))); }
  set wasmBulkMemory(v) { wrap(() => ll.config_wasm_bulk_memory(this._raw, Boolean(v))); }
  set wasmMultiValue(v) { wrap(() => ll.config_wasm_multi_value(this._raw, Boolean(v))); }
  set wasmSignExtension(v) { wrap(() => ll.config_wasm_sign_extension(this._raw, Boolean(v))); }
  set wasmSaturatingFloatToInt(v) { wrap(() => ll.config_wasm_saturating_float_to_int(this._raw, Boolean(v))); }
  set wasmExtendedConst(v) { wrap(() => ll.config_wasm_extended_const(this._raw, Boolean(v))); }
  set wasmWideArithmetic(v) { wrap(() => ll.config_wasm_wide_arithmetic(this._raw, Boolean(v))); }
  set wasmRelaxedSimd(v) { wrap(() => ll.config_wasm_relaxed_simd(this._raw, Boolean(v))); }
  set wasmTailCall(v) { wrap(() => ll.config_wasm_tail_call(this._raw, Boolean(v))); }
  set wasmMultiMemory(v) { wrap(() => ll.config_wasm_multi_memory(this._raw, Boolean(v))); }
  set wasmMemory64(v) { wrap(() => ll.config_wasm_memory64(this._raw, Boolean(v))); }
  set wasmCustomPageSizes(v) { wrap(() => ll.config_wasm_custom_page_sizes(this._raw, Boolean(v))); }
  set consumeFuel(v) { wrap(() => ll.config_consume_fuel(this._raw, Boolean(v))); }
  set epochInterruption(v) { wrap(() => ll.config_epoch_interruption(this._raw, Boolean(v))); }
  set parallelCompilation(v) { wrap(() => ll.config_parallel_compilation(this._raw, Boolean(v))); }
  set staticMemoryGuard(v) {
    wrap(() => ll.config_static_memory_guard(this._raw, Boolean(v)));
    this._staticMemoryGuard = Boolean(v);
  }
  set maxWasmStack(bytes) { wrap(() => ll.config_max_wasm_stack(this._raw, Number(bytes))); }
  /**
   * The 32-byte secret key that seals serialized modules and authenticates
   * them when loaded: engines with the same key load each other's
   * serialized modules; without one each engine draws a random key.
   */
  set moduleKey(key) {
    if (!(key instanceof Uint8Array)) throw new TypeError('moduleKey must be a Uint8Array of 32 bytes');
    wrap(() => ll.config_module_key(this._raw, key));
  }
  /** Draws a fresh random module key, sets it, and returns it (to store for other processes). */
  generateModuleKey() {
    return wrap(() => ll.config_generate_module_key(this._raw));
  }
  /** 'none' | 'speed' | 'speed_and_size' */
  set optLevel(level) {
    const v = OptLevel[String(level).toUpperCase()];
    if (v === undefined) throw new TypeError(`unknown opt level ${level}`);
    wrap(() => ll.config_opt_level(this._raw, v));
  }
}

/** Compiles modules; shareable. */
class Engine {
  constructor(config) {
    const c = config instanceof Config ? config : new Config(config ?? {});
    this._raw = wrap(() => ll.engine_new(c._raw));
    this._staticMemoryGuard = c._staticMemoryGuard;
  }
  /** Advances the epoch (see Store.setEpochDeadline). */
  incrementEpoch() {
    wrap(() => ll.engine_increment_epoch(this._raw));
  }
  /** Frees the engine now; stores and modules made with it keep working. */
  close() {
    this._raw.delete();
  }
}

function kindOf(k) {
  if (typeof k === 'number') return k;
  const v = ValKind[String(k).toUpperCase()];
  if (v === undefined) throw new TypeError(`unknown value type ${k}`);
  return v;
}

/** A function signature: value kinds of parameters and results. */
class FuncType {
  constructor(params = [], results = []) {
    this.params = params.map(kindOf);
    this.results = results.map(kindOf);
  }
  _raw() {
    return wrap(() => ll.functype_new(this.params, this.results));
  }
  static _of(raw) {
    const t = new FuncType(ll.functype_params(raw), ll.functype_results(raw));
    raw.delete();
    return t;
  }
  toString() {
    return `(${this.params.map((k) => KIND_NAMES[k]).join(', ')}) -> (${this.results.map((k) => KIND_NAMES[k]).join(', ')})`;
  }
}

function limitsOf(l) {
  return {
    min: Number(l.minimum),
    max: l.hasMaximum ? Number(l.maximum) : undefined,
  };
}

/** A memory type from C: limits in pages, `is64`, `pageSize` in bytes. */
function memoryTypeOf(mt) {
  return { ...limitsOf(mt.limits), is64: mt.is64, pageSize: Number(mt.pageSize) || 65536 };
}

/** A table type from C: element, limits, `is64`. */
function tableTypeOf(tt) {
  return { element: KIND_NAMES[tt.element], ...limitsOf(tt.limits), is64: tt.is64 };
}

function externType(raw) {
  const kind = ll.externtype_kind(raw);
  let t;
  switch (kind) {
    case ExternKind.FUNC:
      t = { kind: 'func', type: FuncType._of(ll.externtype_functype(raw)) };
      break;
    case ExternKind.GLOBAL: {
      const g = ll.externtype_globaltype(raw);
      t = { kind: 'global', type: { content: KIND_NAMES[g.content], mutable: g.mutability === Mutability.VAR } };
      break;
    }
    case ExternKind.TABLE:
      t = { kind: 'table', type: tableTypeOf(ll.externtype_tabletype(raw)) };
      break;
    default:
      t = { kind: 'memory', type: memoryTypeOf(ll.externtype_memorytype(raw)) };
  }
  raw.delete();
  return t;
}

/** A compiled module. */
class Module {
  /** Compiles binary or text (string) wasm. */
  constructor(engine, wasm) {
    this.engine = engine;
    this._raw = wrap(() => ll.module_new(engine._raw, toBytes(wasm)));
  }
  static fromFile(engine, file) {
    return new Module(engine, require('node:fs').readFileSync(file));
  }
  /** Throws when `wasm` (binary) is not a valid module. */
  static validate(engine, wasm) {
    wrap(() => ll.module_validate(engine._raw, toBytes(wasm)));
  }
  /** Loads bytes from `serialize()`. Only load bytes you trust: they are machine code. */
  static deserialize(engine, bytes) {
    const m = Object.create(Module.prototype);
    m.engine = engine;
    m._raw = wrap(() => ll.module_deserialize(engine._raw, toBytes(bytes)));
    return m;
  }
  serialize() {
    return wrap(() => ll.module_serialize(this._raw));
  }
  get name() {
    return wrap(() => ll.module_name(this._raw));
  }
  get imports() {
    return wrap(() => {
      const n = ll.module_import_count(this._raw);
      const out = [];
      for (let i = 0; i < n; i++) {
        const r = ll.module_import(this._raw, i);
        out.push({ module: r.moduleName, name: r.name, ...externType(r.ty) });
      }
      return out;
    });
  }
  get exports() {
    return wrap(() => {
      const n = ll.module_export_count(this._raw);
      const out = [];
      for (let i = 0; i < n; i++) {
        const r = ll.module_export(this._raw, i);
        out.push({ name: r.name, ...externType(r.ty) });
      }
      return out;
    });
  }
  /** Frees the compiled module now; its instances keep working. */
  close() {
    this._raw.delete();
  }
}

// Host functions and extern reference values, by the id the C side keeps.
const hostFuncs = new Map();
const externValues = new Map();
let nextId = 1;
function newId() {
  for (const id of ll.take_freed()) {
    hostFuncs.delete(id);
    externValues.delete(id);
  }
  return nextId++;
}

// The stores of the wasm calls running on the JS thread, innermost last.
const activeStores = [];

/** Owns every instance, function, memory, table and global made in it. */
class Store {
  constructor(engine, data) {
    this.engine = engine;
    this.data = data;
    this._raw = wrap(() => ll.store_new(engine._raw));
    this.id = wrap(() => ll.store_id(this._raw));
    this._busy = false;
    this._memories = new Set();
    // Memories with a live buffer that may move when they grow (see
    // Memory): their buffers are checked after every call and before every
    // host function, so JS never reads a mapping that is gone.
    this._moving = new Set();
  }
  _check() {
    if (this._busy) throw new StoreBusyError();
    return this._raw;
  }
  /** Sets the fuel left (needs Config consumeFuel). */
  setFuel(fuel) {
    wrap(() => ll.store_set_fuel(this._check(), BigInt(fuel)));
  }
  getFuel() {
    return wrap(() => ll.store_get_fuel(this._check()));
  }
  get fuel() {
    return this.getFuel();
  }
  set fuel(v) {
    this.setFuel(v);
  }
  /** Traps wasm once the engine's epoch is `ticks` beyond its current one. */
  setEpochDeadline(ticks) {
    wrap(() => ll.store_set_epoch_deadline(this._check(), BigInt(ticks)));
  }
  /** Caps resources: bytes of any one memory, elements of any one table, instances (-1 or undefined: no limit). */
  setLimits({ memorySize = -1, tableElements = -1, instances = -1 } = {}) {
    wrap(() => ll.store_limiter(this._check(), BigInt(memorySize), BigInt(tableElements), BigInt(instances)));
  }
  /** Gives the store a WASI configuration (the config is used up). */
  setWasi(config) {
    wrap(() => ll.store_set_wasi(this._check(), config._raw));
  }
  /** Captured standard output (Buffer). */
  wasiStdout() {
    return wrap(() => ll.store_wasi_stdout(this._check()));
  }
  wasiStderr() {
    return wrap(() => ll.store_wasi_stderr(this._check()));
  }
  /** Frees everything in the store; later uses throw. Memory buffers are detached first. */
  close() {
    wrap(() => {
      const raw = this._check();
      for (const m of this._memories) m._detach();
      ll.store_close(raw);
    });
  }
}

function handle(x) {
  return { storeId: x.storeId, index: x.index };
}

// ---- typed values ---------------------------------------------------------

// Floats to and from their IEEE bits. Bits only ever travel through
// integer views and BigInts, never through a JS number, because V8 may
// quiet a signalling NaN held in a number (storing it in a double array
// does). A Val keeps the bits; `value` is the lossy number view.
const FBITS = new ArrayBuffer(8);
const FBITS_F32 = new Float32Array(FBITS);
const FBITS_U32 = new Uint32Array(FBITS);
const FBITS_F64 = new Float64Array(FBITS);
const FBITS_U64 = new BigUint64Array(FBITS);
function f32ToBits(x) {
  FBITS_F32[0] = x;
  return FBITS_U32[0];
}
function bitsToF32(b) {
  FBITS_U32[0] = b;
  return FBITS_F32[0];
}
function f64ToBits(x) {
  FBITS_F64[0] = x;
  return FBITS_U64[0];
}
function bitsToF64(b) {
  FBITS_U64[0] = b;
  return FBITS_F64[0];
}

/** 16 bytes at `off` as an unsigned 128-bit integer, byte 0 least significant (lane order). */
function bytesToBig(u8, off) {
  let x = 0n;
  for (let j = 15; j >= 0; j--) x = (x << 8n) | BigInt(u8[off + j]);
  return x;
}
function bigToBytes(x, u8, off) {
  for (let j = 0; j < 16; j++) {
    u8[off + j] = Number(x & 0xffn);
    x >>= 8n;
  }
}

function checkInt(what, x, lo, hi) {
  if (typeof x !== 'number') throw new TypeError(`${what} expects a number, got ${typeof x}`);
  if (!Number.isInteger(x) || x < lo || x > hi) throw new RangeError(`${what}: ${x} is not an integer from ${lo} to ${hi}`);
}
function checkBig(what, x, bits) {
  if (typeof x !== 'bigint') throw new TypeError(`${what} expects a bigint, got ${typeof x}`);
  const n = BigInt(bits);
  if (x < -(1n << (n - 1n)) || x >= 1n << n) throw new RangeError(`${what}: ${x} does not fit in ${bits} bits`);
}

// Only the static constructors make Vals.
const MAKE = Symbol('Val');
const VAL_NAMES = ['i32', 'i64', 'f32', 'f64', 'v128', 'funcref', 'externref'];

/**
 * A wasm value with its type, immutable. Floats are held as their IEEE
 * bits, so NaN payloads (signalling NaNs too) and the sign of zero survive
 * every trip through Petrel. `Func.call` and friends accept Vals wherever
 * they accept plain values, and refuse (TypeError) a Val whose type is not
 * the one expected: no conversion between types.
 */
class Val {
  constructor(token, kind, x) {
    if (token !== MAKE) throw new TypeError('make a Val with Val.i32(), Val.f64Bits(), ... or Val.of(type, value)');
    // `_x`: i32 a signed 32-bit number; i64 a signed bigint; f32 the bits
    // as a number; f64 and v128 the bits as an unsigned bigint; a
    // reference its value (Func, any JS value, or null).
    this._k = kind;
    this._x = x;
    Object.freeze(this);
  }
  /** An i32 from an integer (signed or unsigned 32-bit). */
  static i32(n) {
    checkInt('Val.i32', n, -(2 ** 31), 2 ** 32 - 1);
    return new Val(MAKE, 0, n | 0);
  }
  /** An i64 from a bigint (signed or unsigned 64-bit). */
  static i64(n) {
    checkBig('Val.i64', n, 64);
    return new Val(MAKE, 1, BigInt.asIntN(64, n));
  }
  /** An f32 from a number (rounded to single precision). */
  static f32(x) {
    if (typeof x !== 'number') throw new TypeError(`Val.f32 expects a number, got ${typeof x}`);
    return new Val(MAKE, 2, f32ToBits(x));
  }
  /** An f64 from a number. */
  static f64(x) {
    if (typeof x !== 'number') throw new TypeError(`Val.f64 expects a number, got ${typeof x}`);
    return new Val(MAKE, 3, f64ToBits(x));
  }
  /** An f32 with exactly these IEEE bits (a number or bigint, 32 bits). */
  static f32Bits(b) {
    if (typeof b === 'bigint') {
      checkBig('Val.f32Bits', b, 32);
      return new Val(MAKE, 2, Number(BigInt.asUintN(32, b)));
    }
    checkInt('Val.f32Bits', b, -(2 ** 31), 2 ** 32 - 1);
    return new Val(MAKE, 2, b >>> 0);
  }
  /** An f64 with exactly these IEEE bits (a bigint, 64 bits). */
  static f64Bits(b) {
    checkBig('Val.f64Bits', b, 64);
    return new Val(MAKE, 3, BigInt.asUintN(64, b));
  }
  /** A v128 from a 128-bit bigint (lane byte 0 least significant) or 16 bytes. */
  static v128(x) {
    if (typeof x === 'bigint') {
      checkBig('Val.v128', x, 128);
      return new Val(MAKE, 4, BigInt.asUintN(128, x));
    }
    let b;
    try {
      b = toBytes(x);
    } catch {
      throw new TypeError(`Val.v128 expects a bigint or 16 bytes, got ${typeof x}`);
    }
    if (b.length !== 16) throw new RangeError(`Val.v128 expects 16 bytes, got ${b.length}`);
    return new Val(MAKE, 4, bytesToBig(b, 0));
  }
  /** A funcref: a Func or null. */
  static funcref(f) {
    if (f !== null && f !== undefined && !(f instanceof Func)) throw new TypeError('Val.funcref expects a Func or null');
    return new Val(MAKE, 5, f ?? null);
  }
  /** An externref: any JS value (held as is), or null. */
  static externref(x) {
    return new Val(MAKE, 6, x === undefined ? null : x);
  }
  /** A Val of type `type` from the plain value that type takes (number, bigint, 16 bytes, Func, anything). */
  static of(type, value) {
    switch (kindOf(type)) {
      case 0: return Val.i32(value);
      case 1: return Val.i64(value);
      case 2: return Val.f32(value);
      case 3: return Val.f64(value);
      case 4: return Val.v128(value);
      case 5: return Val.funcref(value);
      case 6: return Val.externref(value);
      default: throw new TypeError(`unknown value type ${type}`);
    }
  }
  /** 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref' */
  get kind() {
    return VAL_NAMES[this._k];
  }
  /**
   * The plain JS value: a number (i32, f32, f64: a float NaN's payload may
   * not survive a JS number, read `bits`), a bigint (i64, v128), a Func or
   * null (funcref), the JS value or null (externref).
   */
  get value() {
    switch (this._k) {
      case 2: return bitsToF32(this._x);
      case 3: return bitsToF64(this._x);
      default: return this._x;
    }
  }
  /**
   * The bits, unsigned: a number for i32 and f32, a bigint for i64, f64 and
   * v128. References have none (TypeError).
   */
  get bits() {
    switch (this._k) {
      case 0: return this._x >>> 0;
      case 1: return BigInt.asUintN(64, this._x);
      case 2:
      case 3:
      case 4:
        return this._x;
      default:
        throw new TypeError(`a ${this.kind} has no bits`);
    }
  }
  /** Same type and same bits (references: the same value). */
  equals(other) {
    return other instanceof Val && other._k === this._k && other._x === this._x;
  }
  /** The constructor call that makes this value: `Val.i32(7)`, `Val.f64(-0)`, `Val.f64Bits(0x7ff0000000000001n)` (a NaN, by its bits). */
  toString() {
    const num = (x) => (Object.is(x, -0) ? '-0' : String(x));
    switch (this._k) {
      case 0: return `Val.i32(${this._x})`;
      case 1: return `Val.i64(${this._x}n)`;
      case 2: {
        const x = bitsToF32(this._x);
        return Number.isNaN(x) ? `Val.f32Bits(0x${this._x.toString(16).padStart(8, '0')})` : `Val.f32(${num(x)})`;
      }
      case 3: {
        const x = bitsToF64(this._x);
        return Number.isNaN(x) ? `Val.f64Bits(0x${this._x.toString(16).padStart(16, '0')}n)` : `Val.f64(${num(x)})`;
      }
      case 4: return `Val.v128(0x${this._x.toString(16).padStart(32, '0')}n)`;
      case 5: return this._x === null ? 'Val.funcref(null)' : 'Val.funcref(<Func>)';
      default: return this._x === null ? 'Val.externref(null)' : `Val.externref(<${typeof this._x}>)`;
    }
  }
  [Symbol.for('nodejs.util.inspect.custom')]() {
    return this.toString();
  }
}

function kindError(kind, x) {
  return new TypeError(`expected a value of type ${KIND_NAMES[kind]}, got a Val of type ${x.kind} (Vals are not converted)`);
}

// ---- raw values ---------------------------------------------------------

function readValue(v, i, kind, store) {
  switch (kind) {
    case 0: return v.i32[i * 4];
    case 1: return v.i64[i * 2];
    case 2: return v.f32[i * 4];
    case 3: return v.f64[i * 2];
    case 4: return v.u8.slice(i * 16, i * 16 + 16);
    case 5: {
      const n = v.u32[i * 4] + v.u32[i * 4 + 1] * 2 ** 32;
      return n === 0 ? null : Func._make(store, { storeId: store.id, index: n - 1 });
    }
    default: {
      const n = v.u32[i * 4] + v.u32[i * 4 + 1] * 2 ** 32;
      if (n === 0) return null;
      const id = ll.externref_data(store._raw, { storeId: store.id, index: n - 1 });
      return externValues.get(id);
    }
  }
}

function refIndex(store, kind, x) {
  if (x === null || x === undefined) return 0;
  if (kind === 5) {
    if (!(x instanceof Func)) throw new TypeError('expected a Func or null for a funcref');
    if (x.store !== store) throw new PetrelError('the function is not in this store (wrong store)');
    return x._h.index + 1;
  }
  const id = newId();
  externValues.set(id, x);
  return ll.externref_new(store._raw, id).index + 1;
}

/** The raw value `i` of `v` as a Val of `kind` (bit-exact). */
function readVal(v, i, kind, store) {
  switch (kind) {
    case 0: return new Val(MAKE, 0, v.i32[i * 4]);
    case 1: return new Val(MAKE, 1, v.i64[i * 2]);
    case 2: return new Val(MAKE, 2, v.u32[i * 4]);
    case 3: return new Val(MAKE, 3, v.u64[i * 2]);
    case 4: return new Val(MAKE, 4, bytesToBig(v.u8, i * 16));
    default: return new Val(MAKE, kind, readValue(v, i, kind, store));
  }
}

/** Writes the Val `x` as raw value `i` of `v`; its type must be `kind`. */
function writeVal(v, i, kind, x, store) {
  if (x._k !== kind) throw kindError(kind, x);
  switch (kind) {
    case 0:
      v.i32[i * 4] = x._x;
      return;
    case 1:
      v.i64[i * 2] = x._x;
      return;
    case 2:
      v.u32[i * 4] = x._x;
      return;
    case 3:
      v.u64[i * 2] = x._x;
      return;
    case 4:
      bigToBytes(x._x, v.u8, i * 16);
      return;
    default:
      writeRef(v, i, kind, x._x, store);
  }
}

function writeRef(v, i, kind, x, store) {
  const n = refIndex(store, kind, x);
  v.u32[i * 4] = n % 2 ** 32;
  v.u32[i * 4 + 1] = Math.floor(n / 2 ** 32);
}

/** Writes a plain value or a Val as raw value `i` of `v`. */
function writeValue(v, i, kind, x, store) {
  if (x instanceof Val) {
    writeVal(v, i, kind, x, store);
    return;
  }
  switch (kind) {
    case 0:
      if (typeof x !== 'number') throw new TypeError(`expected a number for an i32, got ${typeof x}`);
      v.i32[i * 4] = x;
      return;
    case 1:
      if (typeof x !== 'bigint') throw new TypeError(`expected a bigint for an i64, got ${typeof x}`);
      v.i64[i * 2] = x;
      return;
    case 2:
      if (typeof x !== 'number') throw new TypeError(`expected a number for an f32, got ${typeof x}`);
      v.f32[i * 4] = x;
      return;
    case 3:
      if (typeof x !== 'number') throw new TypeError(`expected a number for an f64, got ${typeof x}`);
      v.f64[i * 2] = x;
      return;
    case 4: {
      const b = toBytes(x);
      if (b.length !== 16) throw new TypeError('expected 16 bytes for a v128');
      v.u8.set(b, i * 16);
      return;
    }
    default:
      writeRef(v, i, kind, x, store);
  }
}

/** The results in `v` of a call of type `t`: plain (one as is, several as an array) or as Vals (always an array). */
function resultsOf(v, t, store, asVals) {
  if (asVals) return t.results.map((k, i) => readVal(v, i, k, store));
  if (t.results.length === 0) return undefined;
  if (t.results.length === 1) return readValue(v, 0, t.results[0], store);
  return t.results.map((k, i) => readValue(v, i, k, store));
}

// The typed C value (`petrel_val_t`) crosses the addon as
// { kind, num (i32), big (i64), bits (f32, f64), v128, storeId, index }.
function valToC(store, kind, x) {
  const val = { kind };
  if (x instanceof Val) {
    if (x._k !== kind) throw kindError(kind, x);
    switch (kind) {
      case 0:
        val.num = x._x;
        return val;
      case 1:
        val.big = x._x;
        return val;
      case 2:
        val.bits = BigInt(x._x);
        return val;
      case 3:
        val.bits = x._x;
        return val;
      case 4:
        val.v128 = Buffer.alloc(16);
        bigToBytes(x._x, val.v128, 0);
        return val;
      default:
        x = x._x;
    }
  }
  switch (kind) {
    case 0:
    case 2:
    case 3:
      if (typeof x !== 'number') throw new TypeError(`expected a number for an ${KIND_NAMES[kind]}`);
      if (kind === 0) val.num = x;
      else val.bits = kind === 2 ? BigInt(f32ToBits(x)) : f64ToBits(x);
      break;
    case 1:
      if (typeof x !== 'bigint') throw new TypeError('expected a bigint for an i64');
      val.big = x;
      break;
    case 4:
      val.v128 = Buffer.from(toBytes(x));
      break;
    default:
      if (x !== null && x !== undefined) {
        if (kind === 5) {
          if (!(x instanceof Func)) throw new TypeError('expected a Func or null for a funcref');
          val.storeId = x._h.storeId;
          val.index = x._h.index;
        } else {
          const id = newId();
          externValues.set(id, x);
          const r = ll.externref_new(store._raw, id);
          val.storeId = r.storeId;
          val.index = r.index;
        }
      }
  }
  return val;
}

function valFromC(store, v) {
  switch (v.kind) {
    case 0:
      return v.num;
    case 2:
      return bitsToF32(Number(v.bits));
    case 3:
      return bitsToF64(v.bits);
    case 1:
      return v.big;
    case 4:
      return new Uint8Array(v.v128);
    case 5:
      return v.storeId === undefined || v.storeId === null ? null : Func._make(store, { storeId: v.storeId, index: v.index });
    default:
      if (v.storeId === undefined || v.storeId === null) return null;
      return externValues.get(ll.externref_data(store._raw, { storeId: v.storeId, index: v.index }));
  }
}

/** A typed C value as a Val (bit-exact). */
function valFromCVal(store, v) {
  switch (v.kind) {
    case 0: return new Val(MAKE, 0, v.num);
    case 1: return new Val(MAKE, 1, v.big);
    case 2: return new Val(MAKE, 2, Number(v.bits));
    case 3: return new Val(MAKE, 3, v.bits);
    case 4: return new Val(MAKE, 4, bytesToBig(v.v128, 0));
    default: return new Val(MAKE, v.kind, valFromC(store, v));
  }
}

// ---- host functions -----------------------------------------------------

/** What a host function sees of its caller (only while it runs). */
class Caller {
  constructor(token, store) {
    this._token = token;
    this.store = store;
  }
  /** The calling instance's export `name`, or undefined. */
  getExport(name) {
    const e = wrap(() => ll.caller_export_get(this._token, String(name)));
    return e ? externOf(this.store, e) : undefined;
  }
  get data() {
    return this.store.data;
  }
}

/** Detaches the buffers of `store`'s memories that grew (and may have moved). */
function refreshMoving(store) {
  for (const m of store._moving) m._refresh();
}

state.dispatch = (id, nargs, _nresults, token) => {
  try {
    const h = hostFuncs.get(id);
    const store = h.store ?? activeStores[activeStores.length - 1];
    if (store !== undefined && store._moving.size !== 0) refreshMoving(store);
    if (h.fast) {
      h.fast();
      return 0;
    }
    const args = new Array(nargs);
    const read = h.vals ? readVal : readValue;
    for (let i = 0; i < nargs; i++) args[i] = read(H, i, h.type.params[i], store);
    const r = h.withCaller ? h.fn(new Caller(token, store), ...args) : h.fn(...args);
    const results = h.type.results;
    if (results.length === 1) writeValue(H, 0, results[0], r, store);
    else if (results.length > 1) {
      if (!Array.isArray(r) || r.length !== results.length) {
        throw new TypeError(`a host function of type ${h.type} must return an array of ${results.length} values`);
      }
      for (let i = 0; i < results.length; i++) writeValue(H, i, results[i], r[i], store);
    }
    return 0;
  } catch (e) {
    // A thrown Trap makes the wasm call trap with its code.
    if (e instanceof Trap && !e._fromWasm) return (0x80000000 | (e.code & 0xff)) >>> 0;
    const tag = nextTag++;
    thrown.set(tag, e);
    return tag;
  }
};

function hostId(store, type, fn, options) {
  if (typeof fn !== 'function') throw new TypeError('a host function must be a function');
  const withCaller = Boolean(options.caller);
  const vals = Boolean(options.vals);
  const id = newId();
  hostFuncs.set(id, { store, type, fn, withCaller, vals, fast: withCaller || vals ? null : fastHost(type, fn) });
  return id;
}

// A host function of a numeric signature with at most one result: the
// arguments are read straight from the typed views (no array, no spread).
function fastHost(type, fn) {
  const { params, results } = type;
  if (!params.every((k) => k <= 3) || results.length > 1 || !results.every((k) => k <= 3)) return null;
  const views = ['i32', 'i64', 'f32', 'f64'];
  const stride = [4, 2, 4, 2];
  const args = params.map((k, i) => `H.${views[k]}[${i * stride[k]}]`).join(', ');
  let body = `const r = fn(${args});`;
  if (results.length === 1) {
    const k = results[0];
    const want = k === 1 ? 'bigint' : 'number';
    body += ` if (typeof r === '${want}') H.${views[k]}[0] = r; else if (r instanceof Val) writeVal(H, 0, ${k}, r, null); else throw new TypeError('a host function must return a ${want} or a Val, got ' + typeof r);`;
  }
  // eslint-disable-next-line no-new-func
  return new Function('H', 'fn', 'Val', 'writeVal', `return function fast() { ${body} };`)(H, fn, Val, writeVal);
}

// ---- functions ----------------------------------------------------------

const NUMERIC = new Set([0, 1, 2, 3]);
const VIEW = ['i32', 'i64', 'f32', 'f64'];
const STRIDE = [4, 2, 4, 2];

/** Writes argument `i` of kind `k` of the fast path when it is not a plain number/bigint: a Val, or a TypeError. */
function putArg(i, k, x) {
  if (x instanceof Val) writeVal(C, i, k, x, null);
  else throw new TypeError(`argument ${i}: expected ${k === 1 ? 'a bigint' : 'a number'} or a Val, got ${typeof x}`);
}

/** Builds a call for a numeric signature: arguments straight into typed views. */
function fastCaller(params, results, invoke) {
  const body = [];
  body.push(`if (arguments.length !== ${params.length}) throw new TypeError('expected ${params.length} arguments, got ' + arguments.length);`);
  params.forEach((k, i) => {
    const plain = k === 1 ? `typeof a${i} === 'bigint'` : `typeof a${i} === 'number'`;
    body.push(`if (${plain}) C.${VIEW[k]}[${i * STRIDE[k]}] = a${i}; else putArg(${i}, ${k}, a${i});`);
  });
  body.push(`invoke(${Math.max(params.length, results.length)});`);
  if (results.length === 1) body.push(`return C.${VIEW[results[0]]}[0];`);
  else if (results.length > 1) body.push(`return [${results.map((k, i) => `C.${VIEW[k]}[${i * STRIDE[k]}]`).join(', ')}];`);
  const args = params.map((_, i) => `a${i}`).join(', ');
  // eslint-disable-next-line no-new-func
  return new Function('C', 'invoke', 'putArg', `return function call(${args}) { ${body.join(' ')} };`)(C, invoke, putArg);
}

const slots = new FinalizationRegistry((slot) => ll.func_slot_release(slot));

/** A function of a store (an export, or a host function). */
class Func {
  /**
   * A host function: `fn(...args)`, or `fn(caller, ...args)` with
   * `{ caller: true }`; with `{ vals: true }` the arguments are Vals
   * (bit-exact). It returns plain values or Vals.
   */
  constructor(store, type, fn, options = {}) {
    if (store === undefined) return; // internal (_make)
    const t = type instanceof FuncType ? type : new FuncType(type.params, type.results);
    const id = hostId(store, t, fn, options);
    const raw = t._raw();
    try {
      Func._init(this, store, wrap(() => ll.func_new(store._check(), raw, id)));
    } finally {
      raw.delete();
    }
    this._type = t;
  }
  static _make(store, h) {
    const f = new Func();
    Func._init(f, store, h);
    return f;
  }
  static _init(f, store, h) {
    f.store = store;
    f._h = handle(h);
    f._ref = null;
    f._call = null;
    f._invoke = null;
  }
  /** The function's type. */
  get type() {
    if (!this._type) this._type = wrap(() => FuncType._of(ll.func_type(this.store._check(), this._h)));
    return this._type;
  }
  _prepare() {
    const t = this.type;
    const store = this.store;
    const ref = this._funcRef();
    // The hot path: a prepared slot (store pointer + handle) in the addon,
    // so a call passes two integers. This object keeps the store alive;
    // the slot is released when it is collected.
    const slot = ll.func_slot(store._check(), ref);
    slots.register(this, slot);
    const invoke = (n) => {
      if (store._busy) throw new StoreBusyError();
      activeStores.push(store);
      try {
        CTL[0] = slot;
        CTL[1] = n;
        ll.func_call_slot();
      } catch (e) {
        throw convert(e);
      } finally {
        activeStores.pop();
        if (store._moving.size !== 0) refreshMoving(store);
      }
    };
    this._invoke = invoke;
    if (t.params.every((k) => NUMERIC.has(k)) && t.results.every((k) => NUMERIC.has(k))) {
      this._call = fastCaller(t.params, t.results, invoke);
    } else {
      this._call = (...args) => {
        this._writeArgs(C, args);
        invoke(Math.max(t.params.length, t.results.length, 1));
        return resultsOf(C, t, store, false);
      };
    }
    return this._call;
  }
  _writeArgs(v, args) {
    const t = this._type;
    if (args.length !== t.params.length) throw new TypeError(`expected ${t.params.length} arguments, got ${args.length}`);
    for (let i = 0; i < args.length; i++) writeValue(v, i, t.params[i], args[i], this.store);
  }
  /**
   * Calls the function. Arguments are plain values (numbers for i32, f32,
   * f64, bigint for i64, ...) or Vals of the parameter's type; one result
   * is returned as is, several as an array.
   */
  call(...args) {
    return (this._call ?? this._prepare())(...args);
  }
  /** Calls the function (arguments as for `call`); the results are always an array of Vals (bit-exact floats). */
  callVals(...args) {
    if (!this._invoke) this._prepare();
    const t = this._type;
    this._writeArgs(C, args);
    this._invoke(Math.max(t.params.length, t.results.length, 1));
    return resultsOf(C, t, this.store, true);
  }
  /** A plain JS function bound to this Func (the typed fast path). */
  get fn() {
    return this._call ?? this._prepare();
  }
  /** The handle prepared for the addon's raw calls. */
  _funcRef() {
    if (!this._ref) this._ref = wrap(() => ll.func_ref(this._h));
    return this._ref;
  }
  /** The arguments in a buffer of their own, for a call off the JS thread. */
  _argBuffer(args) {
    this.store._check();
    const t = this.type;
    this._funcRef();
    const v = state.views(new ArrayBuffer(16 * Math.max(t.params.length, t.results.length, 1)));
    this._writeArgs(v, args);
    return v;
  }
  /**
   * Runs the call on a worker thread; the Promise settles with the result.
   * The store refuses every other use (StoreBusyError) until it settles.
   * Host functions cannot run inside it (the call fails if wasm reaches one).
   */
  callAsync(...args) {
    return this._callAsync(args, false);
  }
  /** `callAsync`, settling with an array of Vals (as `callVals`). */
  callValsAsync(...args) {
    return this._callAsync(args, true);
  }
  _callAsync(args, asVals) {
    const store = this.store;
    try {
      const v = this._argBuffer(args);
      // The call may move a memory while JS runs: no buffer of a memory
      // that can move stays readable meanwhile.
      for (const m of store._moving) m._detach();
      const p = ll.func_call_async(store._raw, this._ref, v.u8);
      store._busy = true;
      return p.then(
        (out) => {
          store._busy = false;
          return resultsOf(state.views(copyBuffer(out)), this._type, store, asVals);
        },
        (e) => {
          store._busy = false;
          throw convert(e);
        },
      );
    } catch (e) {
      return Promise.reject(convert(e));
    }
  }
  /**
   * The call on a new OS thread, the JS thread blocked until it ends; the
   * results as Vals. For tests of the store's thread gate: see
   * `petrel/testing` (lib/testing.js).
   */
  _callOnNewThread(args) {
    const store = this.store;
    return wrap(() => {
      const v = this._argBuffer(args);
      for (const m of store._moving) m._detach();
      const out = ll.func_call_on_new_thread(store._raw, this._ref, v.u8);
      return resultsOf(state.views(copyBuffer(out)), this._type, store, true);
    });
  }
}

/** A Buffer's bytes in an ArrayBuffer of their own (aligned for the typed views). */
function copyBuffer(b) {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
}

// ---- memories, tables, globals -------------------------------------------

// Keeps a store alive while a buffer over its memory is reachable.
const bufferOwners = new WeakMap();

/**
 * A linear memory. `buffer` is an ArrayBuffer over the memory itself (no
 * copy). When the memory grows (here or in wasm) the old buffer is
 * detached (byteLength 0) the next time `buffer` is read or `grow` returns,
 * and `buffer` gives a new one; `Store.close()` detaches it too. A memory
 * that may move when it grows (an engine without `staticMemoryGuard`, or a
 * 64-bit memory without a maximum of at most 4 GiB) has its grown buffer
 * detached as soon as the wasm call that grew it returns or calls a host
 * function, and for the whole of an async call.
 */
class Memory {
  constructor(store, type) {
    if (store === undefined) return;
    const t = type ?? {};
    const mt = {
      limits: { minimum: BigInt(t.min ?? t.minimum ?? 0), maximum: BigInt(t.max ?? t.maximum ?? 0), hasMaximum: (t.max ?? t.maximum) !== undefined },
      is64: Boolean(t.is64),
      pageSize: BigInt(t.pageSize ?? 65536),
    };
    Memory._init(this, store, wrap(() => ll.memory_new(store._check(), mt)));
  }
  static _make(store, h) {
    const m = new Memory();
    Memory._init(m, store, h);
    return m;
  }
  static _init(m, store, h) {
    m.store = store;
    m._h = handle(h);
    m._buf = null;
    m._pageSize = undefined;
    m._moves = undefined;
  }
  /** Size in pages (of 64 KiB, or of one byte for a memory with `pageSize` 1). */
  get size() {
    return Number(wrap(() => ll.memory_size(this.store._check(), this._h)));
  }
  /** Limits in pages, `is64` (memory64) and `pageSize` in bytes. */
  get type() {
    return memoryTypeOf(wrap(() => ll.memory_type(this.store._check(), this._h)));
  }
  /** Grows by `delta` pages (of its page size); returns the old size in pages. */
  grow(delta) {
    const old = Number(wrap(() => ll.memory_grow(this.store._check(), this._h, BigInt(delta))));
    this._refresh();
    return old;
  }
  _detach() {
    if (this._buf) {
      ll.detach(this._buf);
      this._buf = null;
    }
    this.store._moving.delete(this);
  }
  /** Whether growth may move the memory (no guard region to grow into). */
  _mayMove() {
    if (this._moves === undefined) {
      const t = this.type;
      const bytes = t.max === undefined ? Infinity : t.max * t.pageSize;
      this._moves = !this.store.engine._staticMemoryGuard || (t.is64 && bytes > 2 ** 32);
    }
    return this._moves;
  }
  _refresh() {
    if (!this._buf) return;
    this._pageSize ??= this.type.pageSize;
    if (this._buf.byteLength !== this.size * this._pageSize) this._detach();
  }
  /** The memory's bytes, without copying (see the class documentation). */
  get buffer() {
    this._refresh();
    if (!this._buf) {
      this._buf = wrap(() => ll.memory_data(this.store._check(), this._h));
      bufferOwners.set(this._buf, this.store);
      this.store._memories.add(this);
      if (this._mayMove()) this.store._moving.add(this);
    }
    return this._buf;
  }
  /** Copies `length` bytes at `offset` out (bounds-checked). */
  read(offset, length) {
    const b = new Uint8Array(length);
    wrap(() => ll.memory_read(this.store._check(), this._h, offset, b));
    return b;
  }
  /** Copies `bytes` in at `offset` (bounds-checked). */
  write(offset, bytes) {
    wrap(() => ll.memory_write(this.store._check(), this._h, offset, toBytes(bytes)));
  }
}

/** A table of references. */
class Table {
  constructor(store, type, init = null) {
    if (store === undefined) return;
    const tt = {
      element: kindOf(type.element ?? 'funcref'),
      limits: { minimum: BigInt(type.min ?? 0), maximum: BigInt(type.max ?? 0), hasMaximum: type.max !== undefined },
      is64: Boolean(type.is64),
    };
    Table._init(this, store, wrap(() => ll.table_new(store._check(), tt, valToC(store, tt.element, init))));
  }
  static _make(store, h) {
    const t = new Table();
    Table._init(t, store, h);
    return t;
  }
  static _init(t, store, h) {
    t.store = store;
    t._h = handle(h);
  }
  get type() {
    return tableTypeOf(wrap(() => ll.table_type(this.store._check(), this._h)));
  }
  get size() {
    return wrap(() => ll.table_size(this.store._check(), this._h));
  }
  /** The element at `index` (a Func, a JS value, or null). */
  get(index) {
    return wrap(() => valFromC(this.store, ll.table_get(this.store._check(), this._h, index)));
  }
  /** The element at `index` as a Val. */
  getVal(index) {
    return wrap(() => valFromCVal(this.store, ll.table_get(this.store._check(), this._h, index)));
  }
  /** Sets the element at `index`: a plain reference or a Val of the table's element type. */
  set(index, value) {
    wrap(() => ll.table_set(this.store._check(), this._h, index, valToC(this.store, kindOf(this.type.element), value)));
  }
  /** Grows by `delta` elements set to `init`; returns the old size. */
  grow(delta, init = null) {
    return wrap(() => ll.table_grow(this.store._check(), this._h, delta, valToC(this.store, kindOf(this.type.element), init)));
  }
}

/** A global variable. */
class Global {
  constructor(store, type, value) {
    if (store === undefined) return;
    const gt = { content: kindOf(type.content ?? type.value), mutability: type.mutable ? Mutability.VAR : Mutability.CONST };
    Global._init(this, store, wrap(() => ll.global_new(store._check(), gt, valToC(store, gt.content, value))));
  }
  static _make(store, h) {
    const g = new Global();
    Global._init(g, store, h);
    return g;
  }
  static _init(g, store, h) {
    g.store = store;
    g._h = handle(h);
  }
  get type() {
    const t = wrap(() => ll.global_type(this.store._check(), this._h));
    return { content: KIND_NAMES[t.content], mutable: t.mutability === Mutability.VAR };
  }
  /** The value as a plain JS value (see `getVal` for bit-exact floats). */
  get value() {
    return wrap(() => valFromC(this.store, ll.global_get(this.store._check(), this._h)));
  }
  /** Sets the value: a plain JS value or a Val of the global's type. */
  set value(v) {
    wrap(() => ll.global_set(this.store._check(), this._h, valToC(this.store, kindOf(this.type.content), v)));
  }
  /** The value as a Val (floats bit-exact, signalling NaNs included). */
  getVal() {
    return wrap(() => valFromCVal(this.store, ll.global_get(this.store._check(), this._h)));
  }
  /** Sets the value from a Val of the global's type (TypeError for another type). */
  setVal(v) {
    if (!(v instanceof Val)) throw new TypeError('Global.setVal expects a Val');
    this.value = v;
  }
}

function externOf(store, e) {
  const h = { storeId: e.storeId, index: e.index };
  switch (e.kind) {
    case ExternKind.FUNC: return Func._make(store, h);
    case ExternKind.GLOBAL: return Global._make(store, h);
    case ExternKind.TABLE: return Table._make(store, h);
    default: return Memory._make(store, h);
  }
}

function externToC(x) {
  const kind = x instanceof Func ? ExternKind.FUNC
    : x instanceof Global ? ExternKind.GLOBAL
      : x instanceof Table ? ExternKind.TABLE
        : x instanceof Memory ? ExternKind.MEMORY : undefined;
  if (kind === undefined) throw new TypeError('expected a Func, Global, Table or Memory');
  return { kind, storeId: x._h.storeId, index: x._h.index };
}

/** An instance of a module. */
class Instance {
  /** Instantiates with `imports` in the module's import order. */
  constructor(store, module, imports = []) {
    if (store === undefined) return;
    Instance._init(this, store, wrap(() => ll.instance_new(store._check(), module._raw, imports.map(externToC))));
  }
  static _make(store, h) {
    const i = new Instance();
    Instance._init(i, store, h);
    return i;
  }
  static _init(i, store, h) {
    i.store = store;
    i._h = handle(h);
    i._exports = null;
  }
  /** The export `name` (Func, Memory, Table, Global), or undefined. */
  getExport(name) {
    const r = wrap(() => ll.instance_export_get(this.store._check(), this._h, String(name)));
    return r.found ? externOf(this.store, r.item) : undefined;
  }
  /** Every export by name. */
  get exports() {
    if (!this._exports) {
      const out = Object.create(null);
      wrap(() => {
        const n = ll.instance_export_count(this.store._check(), this._h);
        for (let i = 0; i < n; i++) {
          const r = ll.instance_export_nth(this.store._raw, this._h, i);
          out[r.name] = externOf(this.store, r.item);
        }
      });
      this._exports = Object.freeze(out);
    }
    return this._exports;
  }
}

/** Resolves imports by name. */
class Linker {
  constructor(engine) {
    this.engine = engine;
    this._raw = wrap(() => ll.linker_new(engine._raw));
  }
  set allowShadowing(v) {
    wrap(() => ll.linker_allow_shadowing(this._raw, Boolean(v)));
  }
  /** Defines `module.name` as an item of `store`. */
  define(store, module, name, item) {
    wrap(() => ll.linker_define(this._raw, store._check(), String(module), String(name), externToC(item)));
  }
  /** Defines a host function usable from any store; options as for `new Func` (`caller`, `vals`). */
  defineFunc(module, name, type, fn, options = {}) {
    const t = type instanceof FuncType ? type : new FuncType(type.params, type.results);
    const id = hostId(null, t, fn, options);
    const raw = t._raw();
    try {
      wrap(() => ll.linker_define_func(this._raw, String(module), String(name), raw, id));
    } finally {
      raw.delete();
    }
  }
  /** Defines every export of `instance` under `module`. */
  defineInstance(store, module, instance) {
    wrap(() => ll.linker_define_instance(this._raw, store._check(), String(module), instance._h));
  }
  /** Defines every `wasi_snapshot_preview1` function. */
  defineWasi() {
    wrap(() => ll.linker_define_wasi(this._raw));
  }
  instantiate(store, module) {
    return Instance._make(store, wrap(() => ll.linker_instantiate(this._raw, store._check(), module._raw)));
  }
  /** The item defined as `module.name`, placed in `store`, or undefined. */
  get(store, module, name) {
    const r = wrap(() => ll.linker_get(this._raw, store._check(), String(module), String(name)));
    return r.found ? externOf(store, r.item) : undefined;
  }
}

/** The configuration of a WASI program. */
class WasiConfig {
  constructor() {
    this._raw = wrap(() => ll.wasi_config_new());
  }
  set argv(args) {
    wrap(() => ll.wasi_config_set_argv(this._raw, args.map(String)));
  }
  /** `[[name, value], ...]` or an object. */
  set env(env) {
    const pairs = Array.isArray(env) ? env : Object.entries(env);
    wrap(() => ll.wasi_config_set_env(this._raw, pairs.map((p) => String(p[0])), pairs.map((p) => String(p[1]))));
  }
  inheritArgv() { wrap(() => ll.wasi_config_inherit_argv(this._raw)); }
  inheritEnv() { wrap(() => ll.wasi_config_inherit_env(this._raw)); }
  set stdin(bytes) { wrap(() => ll.wasi_config_set_stdin_bytes(this._raw, toBytes(bytes))); }
  stdinFile(path) { wrap(() => ll.wasi_config_set_stdin_file(this._raw, String(path))); }
  inheritStdin() { wrap(() => ll.wasi_config_inherit_stdin(this._raw)); }
  stdoutFile(path) { wrap(() => ll.wasi_config_set_stdout_file(this._raw, String(path))); }
  inheritStdout() { wrap(() => ll.wasi_config_inherit_stdout(this._raw)); }
  /** Captures standard output in memory (read it with Store.wasiStdout()). */
  captureStdout(capacity = 1 << 20) { wrap(() => ll.wasi_config_set_stdout_capture(this._raw, capacity)); }
  stderrFile(path) { wrap(() => ll.wasi_config_set_stderr_file(this._raw, String(path))); }
  inheritStderr() { wrap(() => ll.wasi_config_inherit_stderr(this._raw)); }
  captureStderr(capacity = 1 << 20) { wrap(() => ll.wasi_config_set_stderr_capture(this._raw, capacity)); }
  /** Gives the program the host directory `hostPath` as `guestPath`. */
  preopenDir(hostPath, guestPath) { wrap(() => ll.wasi_config_preopen_dir(this._raw, String(hostPath), String(guestPath))); }
}

module.exports = {
  Config,
  Engine,
  Module,
  Store,
  Linker,
  Instance,
  Func,
  FuncType,
  Caller,
  Memory,
  Table,
  Global,
  Val,
  WasiConfig,
  Trap,
  WasiExit,
  PetrelError,
  StoreBusyError,
  ValKind,
  TrapCode,
  ExternKind,
  wat2wasm,
};
Object.defineProperty(module.exports, 'WebAssembly', { enumerable: true, get: () => require('./webassembly') });
