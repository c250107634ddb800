// Petrel's WebAssembly-compatible namespace (lib/webassembly.js).

import type { Store, Frame } from './index';

/** Petrel's sandbox limits, for `create()` or per instantiation. */
export interface SandboxOptions {
  /** Units of wasm work before a RuntimeError (`codeName` 'out_of_fuel'). */
  fuel?: number | bigint;
  /** Cap on the bytes of any one memory. */
  maxMemoryBytes?: number;
  maxTableElements?: number;
  maxInstances?: number;
}

export type ImportValue = Function | Memory | Table | Global | number | bigint;
export type Imports = Record<string, Record<string, ImportValue>>;
export type ExportValue = ((...args: any[]) => any) | Memory | Table | Global;

export declare class CompileError extends Error {}
export declare class LinkError extends Error {}
export declare class RuntimeError extends Error {
  readonly code?: number;
  readonly codeName?: string;
  readonly frames?: Frame[];
}

export declare class Module {
  constructor(bytes: BufferSource, options?: SandboxOptions);
  static exports(module: Module): { name: string; kind: 'function' | 'table' | 'memory' | 'global' }[];
  static imports(module: Module): { module: string; name: string; kind: 'function' | 'table' | 'memory' | 'global' }[];
  static customSections(module: Module, name: string): ArrayBuffer[];
}

export declare class Instance {
  constructor(module: Module, importObject?: Imports, options?: SandboxOptions);
  readonly exports: Readonly<Record<string, ExportValue>>;
}

export declare class Memory {
  constructor(descriptor: { initial: number; maximum?: number });
  readonly buffer: ArrayBuffer;
  grow(delta: number): number;
}

export declare class Table {
  constructor(descriptor: { element: 'anyfunc' | 'funcref' | 'externref'; initial: number; maximum?: number }, value?: unknown);
  readonly length: number;
  get(index: number): unknown;
  set(index: number, value?: unknown): void;
  grow(delta: number, value?: unknown): number;
}

export declare class Global {
  constructor(descriptor: { value: 'i32' | 'i64' | 'f32' | 'f64' | 'externref' | 'anyfunc' | 'funcref'; mutable?: boolean }, value?: unknown);
  value: any;
  valueOf(): any;
}

export declare function validate(bytes: BufferSource): boolean;
export declare function compile(bytes: BufferSource): Promise<Module>;
export declare function instantiate(bytes: BufferSource, importObject?: Imports, options?: SandboxOptions): Promise<{ module: Module; instance: Instance }>;
export declare function instantiate(module: Module, importObject?: Imports, options?: SandboxOptions): Promise<Instance>;
/** A namespace with its own engine and store, under these limits. */
export declare function create(options?: SandboxOptions): typeof import('./webassembly');
/** The namespace's Petrel store. */
export declare const store: Store;
