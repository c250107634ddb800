// The public API of the `petrel` package (lib/index.js).

import { ExternKind, TrapCode, ValKind } from './enums';

export { ExternKind, TrapCode, ValKind };

/** A value kind by name or by `ValKind` number. */
export type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref' | ValKind;
/** A wasm value in JS: number (i32, f32, f64), bigint (i64), 16 bytes (v128), Func or null (funcref), anything or null (externref). */
export type Value = number | bigint | Uint8Array | Func | null | unknown;

/** The name of a value type, as `Val.kind` gives it. */
export type ValKindName = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref';

/** What `Val.value` is, by kind. */
export interface ValValues {
  i32: number;
  i64: bigint;
  f32: number;
  f64: number;
  v128: bigint;
  funcref: Func | null;
  externref: unknown;
}

/** What `Val.bits` is, by kind (references have no bits). */
export interface ValBits {
  i32: number;
  i64: bigint;
  f32: number;
  f64: bigint;
  v128: bigint;
  funcref: never;
  externref: never;
}

/**
 * A wasm value with its type, immutable. Floats are held as their IEEE
 * bits, so NaN payloads (signalling NaNs too) and the sign of zero
 * survive. Accepted wherever a plain value is (arguments, host function
 * results, globals, tables); a Val whose type differs from the one
 * expected is a TypeError, never converted.
 */
export declare class Val<K extends ValKindName = ValKindName> {
  private constructor();
  /** An i32 from an integer, signed or unsigned 32-bit (RangeError otherwise). */
  static i32(n: number): Val<'i32'>;
  /** An i64 from a bigint, signed or unsigned 64-bit. */
  static i64(n: bigint): Val<'i64'>;
  /** An f32 from a number (rounded to single precision). */
  static f32(x: number): Val<'f32'>;
  /** An f64 from a number. */
  static f64(x: number): Val<'f64'>;
  /** An f32 with exactly these IEEE bits (32 bits, signed or unsigned). */
  static f32Bits(bits: number | bigint): Val<'f32'>;
  /** An f64 with exactly these IEEE bits (64 bits, signed or unsigned). */
  static f64Bits(bits: bigint): Val<'f64'>;
  /** A v128 from a 128-bit integer (lane byte 0 least significant) or 16 bytes. */
  static v128(x: bigint | Uint8Array): Val<'v128'>;
  static funcref(f: Func | null): Val<'funcref'>;
  /** Any JS value (held as is), or null. */
  static externref(x: unknown): Val<'externref'>;
  /** A Val of `type` from the plain value that type takes. */
  static of(type: ValType, value: Value): Val;
  readonly kind: K;
  /** The plain value; for a float a JS number, which may not keep a NaN's payload (read `bits`). */
  readonly value: ValValues[K];
  /** The bits, unsigned; a TypeError for references. */
  readonly bits: ValBits[K];
  /** Same type and bits (references: the same value). */
  equals(other: Val): boolean;
  /** The constructor call that makes it: `Val.i32(7)`, `Val.f64Bits(0x7ff0000000000001n)`. */
  toString(): string;
}

/** An argument: a plain value or a Val of the parameter's type. */
export type Arg = Value | Val;

export interface ConfigOptions {
  wasmSimd?: boolean;
  wasmReferenceTypes?: boolean;
  wasmBulkMemory?: boolean;
  wasmMultiValue?: boolean;
  wasmSignExtension?: boolean;
  wasmSaturatingFloatToInt?: boolean;
  /** Extended constant expressions (on by default). */
  wasmExtendedConst?: boolean;
  /** i64.add128, i64.sub128, i64.mul_wide_s/u (off by default). */
  wasmWideArithmetic?: boolean;
  /** Relaxed SIMD, one deterministic result per operator (on by default). */
  wasmRelaxedSimd?: boolean;
  /** return_call and return_call_indirect (on by default). */
  wasmTailCall?: boolean;
  /** Several memories per module (on by default). */
  wasmMultiMemory?: boolean;
  /** 64-bit memories and tables (on by default). */
  wasmMemory64?: boolean;
  /** Memories with one-byte pages (off by default). */
  wasmCustomPageSizes?: boolean;
  /** Count fuel (Store.setFuel); running out traps with `out_of_fuel`. */
  consumeFuel?: boolean;
  /** Check epoch deadlines (Store.setEpochDeadline, Engine.incrementEpoch). */
  epochInterruption?: boolean;
  parallelCompilation?: boolean;
  staticMemoryGuard?: boolean;
  /** Bytes of stack wasm may use before a `stack_overflow` trap. */
  maxWasmStack?: number;
  optLevel?: 'none' | 'speed' | 'speed_and_size';
  /** The 32-byte key that seals and authenticates serialized modules. */
  moduleKey?: Uint8Array;
}

export declare class Config {
  constructor(options?: ConfigOptions);
  set wasmSimd(v: boolean);
  set wasmReferenceTypes(v: boolean);
  set wasmBulkMemory(v: boolean);
  set wasmMultiValue(v: boolean);
  set wasmSignExtension(v: boolean);
  set wasmSaturatingFloatToInt(v: boolean);
  set wasmExtendedConst(v: boolean);
  set wasmWideArithmetic(v: boolean);
  set wasmRelaxedSimd(v: boolean);
  set wasmTailCall(v: boolean);
  set wasmMultiMemory(v: boolean);
  set wasmMemory64(v: boolean);
  set wasmCustomPageSizes(v: boolean);
  set consumeFuel(v: boolean);
  set epochInterruption(v: boolean);
  set parallelCompilation(v: boolean);
  set staticMemoryGuard(v: boolean);
  set maxWasmStack(bytes: number);
  set optLevel(level: 'none' | 'speed' | 'speed_and_size');
  /** The 32-byte secret key that seals serialized modules and authenticates them when loaded. */
  set moduleKey(key: Uint8Array);
  /** Draws a fresh random module key, sets it, and returns it (to store for other processes). */
  generateModuleKey(): Buffer;
}

export declare class Engine {
  constructor(config?: Config | ConfigOptions);
  incrementEpoch(): void;
  close(): void;
}

export declare class FuncType {
  constructor(params?: ValType[], results?: ValType[]);
  readonly params: ValKind[];
  readonly results: ValKind[];
}

export interface Limits {
  min: number;
  max?: number;
}
export interface GlobalType {
  content: string;
  mutable: boolean;
}
export interface TableType extends Limits {
  element: string;
  /** A 64-bit table (memory64: indexed with i64). */
  is64: boolean;
}
/** A memory's type: limits in pages, index type, page size. */
export interface MemoryType extends Limits {
  /** A 64-bit memory (memory64: indexed with i64). */
  is64: boolean;
  /** Bytes per page: 65536, or 1 (custom page sizes). */
  pageSize: number;
}
/** What `new Memory` takes: limits in pages, optionally 64-bit or with 1-byte pages. */
export interface MemoryTypeInit extends Limits {
  is64?: boolean;
  pageSize?: number;
}
export type ExternType =
  | { kind: 'func'; type: FuncType }
  | { kind: 'global'; type: GlobalType }
  | { kind: 'table'; type: TableType }
  | { kind: 'memory'; type: MemoryType };
export type ImportType = { module: string | null; name: string | null } & ExternType;
export type ExportType = { name: string | null } & ExternType;

export declare class Module {
  /** Compiles binary wasm, or text when given a string. */
  constructor(engine: Engine, wasm: Uint8Array | ArrayBuffer | string);
  static fromFile(engine: Engine, path: string): Module;
  static validate(engine: Engine, wasm: Uint8Array | ArrayBuffer): void;
  /** Loads bytes written by `serialize()`; they are machine code: load only what you trust. */
  static deserialize(engine: Engine, bytes: Uint8Array): Module;
  readonly engine: Engine;
  serialize(): Buffer;
  readonly name: string | null;
  readonly imports: ImportType[];
  readonly exports: ExportType[];
  close(): void;
}

export interface StoreLimits {
  /** Bytes of any one memory (-1: no limit). */
  memorySize?: number | bigint;
  /** Elements of any one table (-1: no limit). */
  tableElements?: number | bigint;
  /** Number of instances (-1: no limit). */
  instances?: number | bigint;
}

export declare class Store<T = unknown> {
  constructor(engine: Engine, data?: T);
  readonly engine: Engine;
  readonly id: bigint;
  data: T;
  setFuel(fuel: number | bigint): void;
  getFuel(): bigint;
  fuel: bigint;
  setEpochDeadline(ticks: number | bigint): void;
  setLimits(limits?: StoreLimits): void;
  /** Takes the configuration (it cannot be used again). */
  setWasi(config: WasiConfig): void;
  wasiStdout(): Buffer;
  wasiStderr(): Buffer;
  /** Frees everything in the store; memory buffers are detached; later uses throw. */
  close(): void;
}

export declare class Caller<T = unknown> {
  readonly store: Store<T>;
  readonly data: T;
  getExport(name: string): Extern | undefined;
}

export interface FuncOptions {
  /** Pass a Caller as the first argument. */
  caller?: boolean;
  /** Pass the arguments as Vals (bit-exact floats). Results may be plain values or Vals either way. */
  vals?: boolean;
}

export declare class Func {
  constructor(
    store: Store,
    type: FuncType | { params: ValType[]; results: ValType[] },
    fn: (...args: any[]) => any,
    options?: FuncOptions,
  );
  readonly store: Store;
  readonly type: FuncType;
  /** Arguments plain or Vals; one result as is, several as an array, none as undefined. */
  call(...args: Arg[]): any;
  /** The results as Vals (always an array; floats bit-exact). */
  callVals(...args: Arg[]): Val[];
  /** The call as a plain function (typed fast path for numeric signatures). */
  readonly fn: (...args: Arg[]) => any;
  /** Runs off the main thread; the store refuses other use until it settles. */
  callAsync(...args: Arg[]): Promise<any>;
  /** `callAsync` settling with Vals, as `callVals`. */
  callValsAsync(...args: Arg[]): Promise<Val[]>;
}

export declare class Memory {
  constructor(store: Store, type: MemoryTypeInit);
  readonly store: Store;
  readonly size: number;
  readonly type: MemoryType;
  /** The memory itself (no copy); detached after growth or Store.close(), then read it again. */
  readonly buffer: ArrayBuffer;
  grow(delta: number): number;
  read(offset: number, length: number): Uint8Array;
  write(offset: number, bytes: Uint8Array | string): void;
}

export declare class Table {
  constructor(store: Store, type: { element?: ValType; min?: number; max?: number; is64?: boolean }, init?: Arg);
  readonly store: Store;
  readonly type: TableType;
  readonly size: number;
  get(index: number): Value;
  /** The element as a Val. */
  getVal(index: number): Val;
  /** A plain reference or a Val of the element type. */
  set(index: number, value: Arg): void;
  grow(delta: number, init?: Arg): number;
}

export declare class Global {
  constructor(store: Store, type: { content: ValType; mutable?: boolean }, value: Arg);
  readonly store: Store;
  readonly type: GlobalType;
  /** Plain on reading; a plain value or a Val of the global's type on writing. */
  value: Value;
  /** The value as a Val (floats bit-exact). */
  getVal(): Val;
  /** Sets it from a Val of the global's type (TypeError for another type). */
  setVal(value: Val): void;
}

export type Extern = Func | Memory | Table | Global;

export declare class Instance {
  constructor(store: Store, module: Module, imports?: Extern[]);
  readonly store: Store;
  getExport(name: string): Extern | undefined;
  readonly exports: Readonly<Record<string, Extern>>;
}

export declare class Linker {
  constructor(engine: Engine);
  readonly engine: Engine;
  set allowShadowing(v: boolean);
  define(store: Store, module: string, name: string, item: Extern): void;
  defineFunc(
    module: string,
    name: string,
    type: FuncType | { params: ValType[]; results: ValType[] },
    fn: (...args: any[]) => any,
    options?: FuncOptions,
  ): void;
  defineInstance(store: Store, module: string, instance: Instance): void;
  defineWasi(): void;
  instantiate(store: Store, module: Module): Instance;
  get(store: Store, module: string, name: string): Extern | undefined;
}

export declare class WasiConfig {
  constructor();
  set argv(args: string[]);
  set env(env: [string, string][] | Record<string, string>);
  set stdin(bytes: Uint8Array | string);
  inheritArgv(): void;
  inheritEnv(): void;
  stdinFile(path: string): void;
  inheritStdin(): void;
  stdoutFile(path: string): void;
  inheritStdout(): void;
  captureStdout(capacity?: number): void;
  stderrFile(path: string): void;
  inheritStderr(): void;
  captureStderr(capacity?: number): void;
  preopenDir(hostPath: string, guestPath: string): void;
}

export interface Frame {
  funcIndex: number;
  funcName: string | null;
  moduleName: string | null;
  /** Offset of the wasm instruction from the start of the function's body in the module (as in Wasmtime), or null. */
  funcOffset: number | null;
}

export declare class PetrelError extends Error {}
export declare class StoreBusyError extends PetrelError {}
export declare class Trap extends Error {
  /** A `TrapCode` value. */
  readonly code: TrapCode;
  /** The code's name in lower case (`unreachable`, `out_of_fuel`, ...). */
  readonly codeName: string;
  /** The wasm backtrace, innermost first. */
  readonly frames: Frame[];
}
export declare class WasiExit extends Error {
  readonly status: number;
}

export declare function wat2wasm(wat: string): Buffer;

export declare const WebAssembly: typeof import('./webassembly');
