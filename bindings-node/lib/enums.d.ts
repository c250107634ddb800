// Generated from petrel.h by header-gen, do not edit.

/** Cranelift's optimisation level (see `PETREL_OPT_LEVEL_*`). */
export declare const OptLevel: {
  /** No optimisation: the fastest compile. */
  readonly NONE: 0;
  /** Optimise for speed (the default). */
  readonly SPEED: 1;
  /** Optimise for speed and code size. */
  readonly SPEED_AND_SIZE: 2;
};
export type OptLevel = (typeof OptLevel)[keyof typeof OptLevel];

/** Why wasm trapped (see `PETREL_TRAP_*`). */
export declare const TrapCode: {
  /** Wasm used more stack than the configured maximum. */
  readonly STACK_OVERFLOW: 0;
  /** A load or store outside linear memory. */
  readonly MEMORY_OUT_OF_BOUNDS: 1;
  /** An access outside a table. */
  readonly TABLE_OUT_OF_BOUNDS: 2;
  /** `call_indirect` of a null table entry. */
  readonly INDIRECT_CALL_TO_NULL: 3;
  /** `call_indirect` of a function of the wrong type. */
  readonly BAD_SIGNATURE: 4;
  /** Integer overflow. */
  readonly INTEGER_OVERFLOW: 5;
  /** Integer division by zero. */
  readonly INTEGER_DIVISION_BY_ZERO: 6;
  /** NaN converted to an integer. */
  readonly BAD_CONVERSION_TO_INTEGER: 7;
  /** The `unreachable` instruction. */
  readonly UNREACHABLE: 8;
  /** The epoch deadline was reached. */
  readonly INTERRUPT: 9;
  /** The store's fuel ran out. */
  readonly OUT_OF_FUEL: 10;
  /** A null reference was dereferenced. */
  readonly NULL_REFERENCE: 11;
  /** A trap code this version of the C API does not know. */
  readonly UNKNOWN: 255;
};
export type TrapCode = (typeof TrapCode)[keyof typeof TrapCode];

/** The kind of an importable or exportable item (see `PETREL_EXTERN_*`). */
export declare const ExternKind: {
  /** A function. */
  readonly FUNC: 0;
  /** A global. */
  readonly GLOBAL: 1;
  /** A table. */
  readonly TABLE: 2;
  /** A linear memory. */
  readonly MEMORY: 3;
};
export type ExternKind = (typeof ExternKind)[keyof typeof ExternKind];

/** The kind of a wasm value (see `PETREL_I32` ...). */
export declare const ValKind: {
  /** 32-bit integer. */
  readonly I32: 0;
  /** 64-bit integer. */
  readonly I64: 1;
  /** 32-bit float. */
  readonly F32: 2;
  /** 64-bit float. */
  readonly F64: 3;
  /** 128-bit vector. */
  readonly V128: 4;
  /** Nullable function reference. */
  readonly FUNCREF: 5;
  /** Nullable reference to a host value. */
  readonly EXTERNREF: 6;
};
export type ValKind = (typeof ValKind)[keyof typeof ValKind];

/** Whether a global can be written (see `PETREL_CONST` and `PETREL_VAR`). */
export declare const Mutability: {
  /** Immutable. */
  readonly CONST: 0;
  /** Mutable. */
  readonly VAR: 1;
};
export type Mutability = (typeof Mutability)[keyof typeof Mutability];

/** What a program may do with a preopened directory and those below it */
export declare const DirPerms: {
  /** List entries, open files and directories, read links and metadata. */
  readonly READ: 1;
  /** Create, remove, rename and link entries; change sizes and times. */
  readonly WRITE: 2;
};
export type DirPerms = (typeof DirPerms)[keyof typeof DirPerms];

/** What a program may do with the files it opens below a preopened */
export declare const FilePerms: {
  /** Read. */
  readonly READ: 1;
  /** Write (and allocate, truncate, set times). */
  readonly WRITE: 2;
};
export type FilePerms = (typeof FilePerms)[keyof typeof FilePerms];

