// Generated from petrel.h by header-gen, do not edit.
'use strict';

/** Cranelift's optimisation level (see `PETREL_OPT_LEVEL_*`). */
const OptLevel = Object.freeze({
  NONE: 0,
  SPEED: 1,
  SPEED_AND_SIZE: 2,
});

/** Why wasm trapped (see `PETREL_TRAP_*`). */
const TrapCode = Object.freeze({
  STACK_OVERFLOW: 0,
  MEMORY_OUT_OF_BOUNDS: 1,
  TABLE_OUT_OF_BOUNDS: 2,
  INDIRECT_CALL_TO_NULL: 3,
  BAD_SIGNATURE: 4,
  INTEGER_OVERFLOW: 5,
  INTEGER_DIVISION_BY_ZERO: 6,
  BAD_CONVERSION_TO_INTEGER: 7,
  UNREACHABLE: 8,
  INTERRUPT: 9,
  OUT_OF_FUEL: 10,
  NULL_REFERENCE: 11,
  UNKNOWN: 255,
});

/** The kind of an importable or exportable item (see `PETREL_EXTERN_*`). */
const ExternKind = Object.freeze({
  FUNC: 0,
  GLOBAL: 1,
  TABLE: 2,
  MEMORY: 3,
});

/** The kind of a wasm value (see `PETREL_I32` ...). */
const ValKind = Object.freeze({
  I32: 0,
  I64: 1,
  F32: 2,
  F64: 3,
  V128: 4,
  FUNCREF: 5,
  EXTERNREF: 6,
});

/** Whether a global can be written (see `PETREL_CONST` and `PETREL_VAR`). */
const Mutability = Object.freeze({
  CONST: 0,
  VAR: 1,
});

/** What a program may do with a preopened directory and those below it */
const DirPerms = Object.freeze({
  READ: 1,
  WRITE: 2,
});

/** What a program may do with the files it opens below a preopened */
const FilePerms = Object.freeze({
  READ: 1,
  WRITE: 2,
});

module.exports = { OptLevel, TrapCode, ExternKind, ValKind, Mutability, DirPerms, FilePerms };
