/*
 * petrel.h: the C API of the Petrel WebAssembly runtime.
 *
 * Conventions: every fallible function returns a petrel_error_t * (NULL on
 * success; free it with petrel_error_delete) and writes its results
 * through out-parameters whose names end in `_out`. An input buffer is a
 * pointer X followed by its length X_len. Store items (petrel_func_t, ...)
 * are {store_id, index} values passed by value and need no freeing.
 *
 * Doc-comment lines that start with `@` are machine-readable facts for
 * header-gen (enum groups, ownership, array lengths); their grammar is in
 * header-gen/src/model.rs.
 */

#ifndef PETREL_H
#define PETREL_H

/* Generated from the petrel-capi crate by cbindgen (cargo run -p petrel-gen-header). Do not edit. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// What a host callback sees of its caller: the store (through
// `petrel_caller_store`), the store's data, and the calling instance's
// exports. Valid only during the callback it was passed to.
typedef struct petrel_caller_t petrel_caller_t;

// Engine settings. Create with `petrel_config_new`, free with
// `petrel_config_delete`. Safe to use from several threads.
typedef struct petrel_config_t petrel_config_t;

// An engine: compiles modules and holds what they share. Safe to use
// from several threads. Stores and modules keep what they need of it, so
// it may be deleted before them.
typedef struct petrel_engine_t petrel_engine_t;

// An error: why a call failed. Owned by the caller; free it with
// `petrel_error_delete`.
typedef struct petrel_error_t petrel_error_t;

// The type of an import or export. Owned: free with
// `petrel_externtype_delete`.
typedef struct petrel_externtype_t petrel_externtype_t;

// A function signature. Owned: free with `petrel_functype_delete`.
typedef struct petrel_functype_t petrel_functype_t;

// A module whose imports a linker has resolved: instantiates it in any
// store of the engine without looking names up again (later definitions
// in the linker do not change it). Owned: free with
// `petrel_instance_pre_delete`. Safe to share between threads.
typedef struct petrel_instance_pre_t petrel_instance_pre_t;

// A linker: resolves a module's imports by `(module, name)`. Owned: free
// with `petrel_linker_delete`. Safe to share between threads (one
// operation at a time; a re-entrant use, e.g. from a host function run
// by `petrel_linker_instantiate`, is refused with an error).
typedef struct petrel_linker_t petrel_linker_t;

// A compiled module. Owned: free with `petrel_module_delete`. Safe to use
// from several threads; instances keep what they need of it.
typedef struct petrel_module_t petrel_module_t;

// A store: owns every instance, function, memory, table and global
// created in it, plus the embedder's data pointer. Used by one thread at
// a time (another thread gets an error while it is in use). Free with
// `petrel_store_delete`.
typedef struct petrel_store_t petrel_store_t;

// A trap: the code and the wasm backtrace of an error that is a trap.
// Borrowed from its error (see `petrel_error_as_trap`).
typedef struct petrel_trap_t petrel_trap_t;

// The configuration of a WASI program: arguments, environment, standard
// streams and preopened directories. Owned: free with
// `petrel_wasi_config_delete`, unless it was given to
// `petrel_store_set_wasi` (which takes it). The defaults: no arguments,
// no environment, empty standard input, standard output and error
// discarded, no preopened directory. Each setter replaces what an
// earlier call set for the same thing, except
// `petrel_wasi_config_preopen_dir`, which adds a directory.
typedef struct petrel_wasi_config_t petrel_wasi_config_t;

// Limits of the pooling instance allocator
// (`petrel_config_pooling_allocator`). A zero field keeps its default,
// which are Wasmtime's: 1000 memories, tables and instances alive at once
// across an engine's stores, one memory and one table per module,
// memories up to 4 GiB, tables up to 20,000 elements.
typedef struct petrel_pooling_config_t {
  // The most linear memories alive at once (each pooled one reserves
  // 6 GiB of address space when the engine is made).
  uint32_t total_memories;
  // The most tables alive at once.
  uint32_t total_tables;
  // The most instances alive at once.
  uint32_t total_core_instances;
  // The most memories one module may define.
  uint32_t max_memories_per_module;
  // The most tables one module may define.
  uint32_t max_tables_per_module;
  // The most elements a table may grow to.
  uint32_t table_elements;
  // The most bytes a pooled memory may grow to (at most 4 GiB).
  uint64_t max_memory_size;
} petrel_pooling_config_t;

// Cranelift's optimisation level (see `PETREL_OPT_LEVEL_*`).
//
// @enum OptLevel PETREL_OPT_LEVEL_*
typedef uint8_t petrel_opt_level_t;

// Bytes owned by Petrel (a serialized module, a wasm binary): `len`
// bytes at `data`. Free with `petrel_bytes_delete`.
typedef struct petrel_bytes_t {
  // The first byte (NULL when empty or freed).
  uint8_t *data;
  // Number of bytes.
  size_t len;
} petrel_bytes_t;

// Why wasm trapped (see `PETREL_TRAP_*`).
//
// @enum TrapCode PETREL_TRAP_*
typedef uint8_t petrel_trap_code_t;

// A borrowed UTF-8 string: `len` bytes at `data` (not NUL-terminated).
// `data` is NULL when there is no string. Valid as long as the object it
// was borrowed from (stated by each function).
//
// @borrowed
typedef struct petrel_str_t {
  // The first byte, or NULL.
  const char *data;
  // Number of bytes.
  size_t len;
} petrel_str_t;

// One frame of a wasm backtrace.
typedef struct petrel_frame_t {
  // The function's index in its module.
  uint32_t func_index;
  // The function's name from the name section (data NULL when absent).
  struct petrel_str_t func_name;
  // The module's name from the name section (data NULL when absent).
  struct petrel_str_t module_name;
  // Offset of the wasm instruction from the start of the function's body
  // (its locals) in the module, as in Wasmtime.
  size_t func_offset;
  // Whether `func_offset` is known (not in code that has no wasm
  // instruction, such as a prologue).
  bool has_func_offset;
  // Offset of the wasm instruction in the module's bytes.
  size_t module_offset;
  // Whether `module_offset` is known.
  bool has_module_offset;
} petrel_frame_t;

// The kind of an importable or exportable item (see `PETREL_EXTERN_*`).
//
// @enum ExternKind PETREL_EXTERN_*
typedef uint8_t petrel_extern_kind_t;

// Any importable or exportable item: its kind and its `{store_id, index}`
// (which, with the kind, is a `petrel_func_t`, `petrel_global_t`,
// `petrel_table_t` or `petrel_memory_t`).
typedef struct petrel_extern_t {
  // `PETREL_EXTERN_*`.
  petrel_extern_kind_t kind;
  // The owning store's id.
  uint64_t store_id;
  // Index among the store's items of this kind.
  size_t index;
} petrel_extern_t;

// An instance of a store.
//
// A plain `{store_id, index}` value: copy it freely, it needs no
// freeing, and every use checks it against the store.
typedef struct petrel_instance_t {
  // The owning store's id (never 0 for a real item).
  uint64_t store_id;
  // Index among the store's items of this kind.
  size_t index;
} petrel_instance_t;

// Size limits: of a memory in pages (of its page size), of a table in
// elements.
typedef struct petrel_limits_t {
  // The minimum (initial) size.
  uint64_t minimum;
  // The maximum size; meaningful only when `has_maximum`.
  uint64_t maximum;
  // Whether there is a maximum.
  bool has_maximum;
} petrel_limits_t;

// The type of a linear memory. A zero-initialised record (but for its
// limits) is a 32-bit memory with 64 KiB pages.
typedef struct petrel_memorytype_t {
  // Limits in pages of `page_size` (32-bit memories: at most 2^32
  // bytes' worth; 64-bit memories: 2^64 bytes' worth).
  struct petrel_limits_t limits;
  // Whether the memory is indexed with i64 (memory64; false, the zero
  // value, is a 32-bit memory).
  bool is_64;
  // The page size in bytes: 65536 (0 is read as 65536, so a zeroed
  // field means the default) or 1 (custom-page-sizes; modules need
  // `petrel_config_wasm_custom_page_sizes` to declare such memories).
  // Written as 65536 or 1.
  uint64_t page_size;
} petrel_memorytype_t;

// A linear memory of a store.
//
// A plain `{store_id, index}` value: copy it freely, it needs no
// freeing, and every use checks it against the store.
typedef struct petrel_memory_t {
  // The owning store's id (never 0 for a real item).
  uint64_t store_id;
  // Index among the store's items of this kind.
  size_t index;
} petrel_memory_t;

// The kind of a wasm value (see `PETREL_I32` ...).
//
// @enum ValKind PETREL_{I32,I64,F32,F64,V128,FUNCREF,EXTERNREF}
typedef uint8_t petrel_valkind_t;

// The type of a table.
typedef struct petrel_tabletype_t {
  // `PETREL_FUNCREF` or `PETREL_EXTERNREF`.
  petrel_valkind_t element;
  // Limits in elements (at most 2^32-1 unless `is_64`).
  struct petrel_limits_t limits;
  // Whether the table is indexed with i64 (memory64's 64-bit tables;
  // false, the zero value, is a 32-bit table).
  bool is_64;
} petrel_tabletype_t;

// A function of a store.
//
// A plain `{store_id, index}` value: copy it freely, it needs no
// freeing, and every use checks it against the store.
typedef struct petrel_func_t {
  // The owning store's id (never 0 for a real item).
  uint64_t store_id;
  // Index among the store's items of this kind.
  size_t index;
} petrel_func_t;

// A reference to a host value, owned by a store.
//
// A plain `{store_id, index}` value: copy it freely, it needs no
// freeing, and every use checks it against the store.
typedef struct petrel_externref_t {
  // The owning store's id (never 0 for a real item).
  uint64_t store_id;
  // Index among the store's items of this kind.
  size_t index;
} petrel_externref_t;

// The payload of a `petrel_val_t`, selected by its kind.
typedef union petrel_valunion_t {
  // `PETREL_I32`.
  int32_t i32;
  // `PETREL_I64`.
  int64_t i64;
  // `PETREL_F32`.
  float f32;
  // `PETREL_F64`.
  double f64;
  // `PETREL_V128`, little-endian.
  uint8_t v128[16];
  // `PETREL_FUNCREF`; `store_id` 0 is the null reference.
  struct petrel_func_t funcref;
  // `PETREL_EXTERNREF`; `store_id` 0 is the null reference.
  struct petrel_externref_t externref;
} petrel_valunion_t;

// A typed wasm value: a kind and its payload.
typedef struct petrel_val_t {
  // `PETREL_I32` ... `PETREL_EXTERNREF`.
  petrel_valkind_t kind;
  // The value.
  union petrel_valunion_t of;
} petrel_val_t;

// A table of a store.
//
// A plain `{store_id, index}` value: copy it freely, it needs no
// freeing, and every use checks it against the store.
typedef struct petrel_table_t {
  // The owning store's id (never 0 for a real item).
  uint64_t store_id;
  // Index among the store's items of this kind.
  size_t index;
} petrel_table_t;

// Whether a global can be written (see `PETREL_CONST` and `PETREL_VAR`).
//
// @enum Mutability PETREL_{CONST,VAR}
typedef uint8_t petrel_mutability_t;

// The type of a global.
typedef struct petrel_globaltype_t {
  // Type of the value held (`PETREL_I32` ...).
  petrel_valkind_t content;
  // `PETREL_CONST` or `PETREL_VAR`.
  petrel_mutability_t mutability;
} petrel_globaltype_t;

// A global of a store.
//
// A plain `{store_id, index}` value: copy it freely, it needs no
// freeing, and every use checks it against the store.
typedef struct petrel_global_t {
  // The owning store's id (never 0 for a real item).
  uint64_t store_id;
  // Index among the store's items of this kind.
  size_t index;
} petrel_global_t;

// A function the runtime calls once with a pointer the embedder handed
// over, when the object owning it is freed.
typedef void (*petrel_finalizer_t)(void *data);

// One untyped wasm value in 16 bytes, as `petrel_func_call_raw` and host
// callbacks exchange them. Which field is meaningful is given by the
// function's type. A reference is 0 for null, otherwise the index of the
// `petrel_func_t` / `petrel_externref_t` in its store plus one.
typedef union petrel_valraw_t {
  // `i32` (also read as unsigned).
  int32_t i32;
  // `i64`.
  int64_t i64;
  // `f32`.
  float f32;
  // `f64`.
  double f64;
  // `v128`, little-endian.
  uint8_t v128[16];
  // `funcref`: 0 or function index + 1.
  uint64_t funcref;
  // `externref`: 0 or extern reference index + 1.
  uint64_t externref;
} petrel_valraw_t;

// A host function: called with the `env` given at creation, the caller,
// and one array holding the `nargs` arguments on entry; the function
// writes its `nresults` results to the start of the same array (which
// has room for max(nargs, nresults) values). Return NULL on success, or
// an error (from `petrel_error_new`, `petrel_error_new_host` or
// `petrel_error_new_trap`) that the wasm call reaching this function then
// fails with; the runtime takes ownership of it. Reference results must
// name items of the caller's store.
typedef struct petrel_error_t *(*petrel_callback_t)(void *env,
                                                    struct petrel_caller_t *caller,
                                                    union petrel_valraw_t *args_and_results,
                                                    size_t nargs,
                                                    size_t nresults);

// Called with each buffer a WASI program writes to a standard output
// stream set with `petrel_wasi_config_set_stdout_custom` or
// `petrel_wasi_config_set_stderr_custom`: `data` points to `len` bytes
// (valid during the call only). Returns how many bytes it took (at most
// `len`; fewer is a short write), or a negative errno value (`-EIO`...)
// that the program gets as the write's error. May be called from any
// thread that runs the program.
typedef int64_t (*petrel_output_callback_t)(void *env, const uint8_t *data, size_t len);

// What a program may do with a preopened directory and those below it
// (`PETREL_DIR_PERMS_*`, combined with `|`).
//
// @enum DirPerms PETREL_DIR_PERMS_*
typedef uint8_t petrel_dir_perms_t;

// What a program may do with the files it opens below a preopened
// directory (`PETREL_FILE_PERMS_*`, combined with `|`).
//
// @enum FilePerms PETREL_FILE_PERMS_*
typedef uint8_t petrel_file_perms_t;

// No optimisation: the fastest compile.
#define PETREL_OPT_LEVEL_NONE 0

// Optimise for speed (the default).
#define PETREL_OPT_LEVEL_SPEED 1

// Optimise for speed and code size.
#define PETREL_OPT_LEVEL_SPEED_AND_SIZE 2

// Wasm used more stack than the configured maximum.
#define PETREL_TRAP_STACK_OVERFLOW 0

// A load or store outside linear memory.
#define PETREL_TRAP_MEMORY_OUT_OF_BOUNDS 1

// An access outside a table.
#define PETREL_TRAP_TABLE_OUT_OF_BOUNDS 2

// `call_indirect` of a null table entry.
#define PETREL_TRAP_INDIRECT_CALL_TO_NULL 3

// `call_indirect` of a function of the wrong type.
#define PETREL_TRAP_BAD_SIGNATURE 4

// Integer overflow.
#define PETREL_TRAP_INTEGER_OVERFLOW 5

// Integer division by zero.
#define PETREL_TRAP_INTEGER_DIVISION_BY_ZERO 6

// NaN converted to an integer.
#define PETREL_TRAP_BAD_CONVERSION_TO_INTEGER 7

// The `unreachable` instruction.
#define PETREL_TRAP_UNREACHABLE 8

// The epoch deadline was reached.
#define PETREL_TRAP_INTERRUPT 9

// The store's fuel ran out.
#define PETREL_TRAP_OUT_OF_FUEL 10

// A null reference was dereferenced.
#define PETREL_TRAP_NULL_REFERENCE 11

// A trap code this version of the C API does not know.
#define PETREL_TRAP_UNKNOWN 255

// 32-bit integer.
#define PETREL_I32 0

// 64-bit integer.
#define PETREL_I64 1

// 32-bit float.
#define PETREL_F32 2

// 64-bit float.
#define PETREL_F64 3

// 128-bit vector.
#define PETREL_V128 4

// Nullable function reference.
#define PETREL_FUNCREF 5

// Nullable reference to a host value.
#define PETREL_EXTERNREF 6

// Immutable.
#define PETREL_CONST 0

// Mutable.
#define PETREL_VAR 1

// A function.
#define PETREL_EXTERN_FUNC 0

// A global.
#define PETREL_EXTERN_GLOBAL 1

// A table.
#define PETREL_EXTERN_TABLE 2

// A linear memory.
#define PETREL_EXTERN_MEMORY 3

// List entries, open files and directories, read links and metadata.
#define PETREL_DIR_PERMS_READ 1

// Create, remove, rename and link entries; change sizes and times.
#define PETREL_DIR_PERMS_WRITE 2

// Read.
#define PETREL_FILE_PERMS_READ 1

// Write (and allocate, truncate, set times).
#define PETREL_FILE_PERMS_WRITE 2

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

// Creates the default configuration (WebAssembly 2.0, optimised for
// speed, no fuel, no epochs) in `config_out`.
//
// # Safety
// `config_out` is writable.
struct petrel_error_t *petrel_config_new(struct petrel_config_t **config_out);

// Frees a configuration. NULL is ignored.
//
// # Safety
// `config` is NULL or a live configuration not used afterwards.
void petrel_config_delete(struct petrel_config_t *config);

// Enables or disables 128-bit SIMD (on by default).
//
// # Safety
// `config` is a live configuration.
struct petrel_error_t *petrel_config_wasm_simd(struct petrel_config_t *config, bool enable);

// Enables or disables reference types (on by default).
//
// # Safety
// `config` is a live configuration.
struct petrel_error_t *petrel_config_wasm_reference_types(struct petrel_config_t *config,
                                                          bool enable);

// Enables or disables bulk memory operations (on by default).
//
// # Safety
// `config` is a live configuration.
struct petrel_error_t *petrel_config_wasm_bulk_memory(struct petrel_config_t *config, bool enable);

// Enables or disables multi-value (on by default).
//
// # Safety
// `config` is a live configuration.
struct petrel_error_t *petrel_config_wasm_multi_value(struct petrel_config_t *config, bool enable);

// Enables or disables the sign-extension operators (on by default).
//
// # Safety
// `config` is a live configuration.
struct petrel_error_t *petrel_config_wasm_sign_extension(struct petrel_config_t *config,
                                                         bool enable);

// Enables or disables extended constant expressions: `i32.add`, `i32.sub`,
// `i32.mul` and their `i64` forms in global initialisers and segment
// offsets (on by default, as in WebAssembly 3.0).
//
// # Safety
// `config` is a live configuration.
struct petrel_error_t *petrel_config_wasm_extended_const(struct petrel_config_t *config,
                                                         bool enable);

// Enables or disables the wide-arithmetic operators: `i64.add128`,
// `i64.sub128`, `i64.mul_wide_s` and `i64.mul_wide_u` (off by default).
//
// # Safety
// `config` is a live configuration.
struct petrel_error_t *petrel_config_wasm_wide_arithmetic(struct petrel_config_t *config,
                                                          bool enable);

// Enables or disables the relaxed SIMD operators (on by default; they need
// SIMD). Each has one fixed result on every machine (see
// `Config::wasm_relaxed_simd` of the Rust API).
//
// # Safety
// `config` is a live configuration.
struct petrel_error_t *petrel_config_wasm_relaxed_simd(struct petrel_config_t *config, bool enable);

// Enables or disables tail calls: `return_call` and `return_call_indirect`
// (on by default). A tail call replaces the caller's frame, so tail
// recursion of any depth runs in constant stack.
//
// # Safety
// `config` is a live configuration.
struct petrel_error_t *petrel_config_wasm_tail_call(struct petrel_config_t *config, bool enable);

// Enables or disables multi-memory: several memories per module, each
// access naming its memory (on by default).
//
// # Safety
// `config` is a live configuration.
struct petrel_error_t *petrel_config_wasm_multi_memory(struct petrel_config_t *config, bool enable);

// Enables or disables memory64: memories and tables indexed with i64 (on
// by default, as in Wasmtime). Accesses to a 64-bit memory are checked
// against its current size; 32-bit memories keep their guard region.
//
// # Safety
// `config` is a live configuration.
struct petrel_error_t *petrel_config_wasm_memory64(struct petrel_config_t *config, bool enable);

// Enables or disables custom page sizes: memories declared with
// `(pagesize 1)`, sized and grown in bytes (off by default, as in
// Wasmtime).
//
// # Safety
// `config` is a live configuration.
struct petrel_error_t *petrel_config_wasm_custom_page_sizes(struct petrel_config_t *config,
                                                            bool enable);

// Enables or disables non-trapping float-to-int conversions (on by default).
//
// # Safety
// `config` is a live configuration.
struct petrel_error_t *petrel_config_wasm_saturating_float_to_int(struct petrel_config_t *config,
                                                                  bool enable);

// Makes compiled code count fuel: stores then need
// `petrel_store_set_fuel`, and running out traps with
// `PETREL_TRAP_OUT_OF_FUEL` (off by default, free when off).
//
// # Safety
// `config` is a live configuration.
struct petrel_error_t *petrel_config_consume_fuel(struct petrel_config_t *config, bool enable);

// Makes compiled code check the engine's epoch against the store's
// deadline (see `petrel_engine_increment_epoch`; off by default).
//
// # Safety
// `config` is a live configuration.
struct petrel_error_t *petrel_config_epoch_interruption(struct petrel_config_t *config,
                                                        bool enable);

// Compiles a module's functions on several threads (on by default).
//
// # Safety
// `config` is a live configuration.
struct petrel_error_t *petrel_config_parallel_compilation(struct petrel_config_t *config,
                                                          bool enable);

// Reserves each memory's whole 4 GiB index space plus a guard region so
// accesses need no bounds checks (on by default); off, memories are
// allocated to their size and every access is checked.
//
// # Safety
// `config` is a live configuration.
struct petrel_error_t *petrel_config_static_memory_guard(struct petrel_config_t *config,
                                                         bool enable);

// Makes engines made with `config` allocate instances, memories and
// tables from a pool reserved when the engine is made and reused after a
// store is deleted (`pooling`), or on demand (NULL, the default). Going
// past a limit is an error of the call that tried.
//
// # Safety
// `config` is a live configuration; `pooling` is NULL or readable.
struct petrel_error_t *petrel_config_pooling_allocator(struct petrel_config_t *config,
                                                       const struct petrel_pooling_config_t *pooling);

// Whether a module's data segments become a copy-on-write memory image
// that instances map rather than copy (on by default).
//
// # Safety
// `config` is a live configuration.
struct petrel_error_t *petrel_config_memory_init_cow(struct petrel_config_t *config, bool enable);

// Makes every floating-point operation that can produce a NaN produce the
// canonical one, so results are the same bits on every host (off by
// default).
//
// # Safety
// `config` is a live configuration.
struct petrel_error_t *petrel_config_cranelift_nan_canonicalization(struct petrel_config_t *config,
                                                                    bool enable);

// Runs Cranelift's IR verifier on every function before compiling it
// (slower compilation, for finding compiler bugs; off in release builds).
//
// # Safety
// `config` is a live configuration.
struct petrel_error_t *petrel_config_cranelift_debug_verifier(struct petrel_config_t *config,
                                                              bool enable);

// Checks that the target triple `triple` (`triple_len` bytes of UTF-8,
// such as `x86_64-unknown-linux-gnu`) is the host: Petrel compiles for the
// machine it runs on only.
//
// # Errors
// When `triple` is not a target triple or names another architecture or
// operating system than the host's.
//
// # Safety
// `config` is a live configuration; `triple` points to `triple_len` bytes.
struct petrel_error_t *petrel_config_target(struct petrel_config_t *config,
                                            const char *triple,
                                            size_t triple_len);

// Sets Cranelift's optimisation level (`PETREL_OPT_LEVEL_*`).
//
// # Safety
// `config` is a live configuration.
struct petrel_error_t *petrel_config_opt_level(struct petrel_config_t *config,
                                               petrel_opt_level_t level);

// The most stack, in bytes, wasm may use in one call from the host;
// deeper recursion traps with `PETREL_TRAP_STACK_OVERFLOW`.
//
// # Safety
// `config` is a live configuration.
struct petrel_error_t *petrel_config_max_wasm_stack(struct petrel_config_t *config, size_t bytes);

// Sets the 32-byte secret key that seals serialized modules
// (`petrel_module_serialize`) and authenticates them when they are loaded
// (`petrel_module_deserialize`). Engines configured with the same key load
// each other's serialized modules; anyone who knows the key can make
// modules they will load and run, so keep it where only the embedder can
// read it. Without a key, each engine draws a random one: its serialized
// modules load only into that engine. `key_len` must be 32.
//
// # Safety
// `config` is a live configuration; `key` points to `key_len` bytes.
struct petrel_error_t *petrel_config_module_key(struct petrel_config_t *config,
                                                const uint8_t *key,
                                                size_t key_len);

// Draws a fresh random module key from the operating system, sets it on
// `config` (as `petrel_config_module_key` does) and writes a copy to
// `key_out` (32 bytes; free with `petrel_bytes_delete`) so that it can be
// stored for the engines of other processes.
//
// # Safety
// `config` is a live configuration; `key_out` is writable.
struct petrel_error_t *petrel_config_generate_module_key(struct petrel_config_t *config,
                                                         struct petrel_bytes_t *key_out);

// Turns the compilation cache on: modules compiled by engines made with
// this configuration are stored in `directory` and loaded from there by
// later engines (of any process of this user with the same Petrel build
// and settings) instead of being compiled again. Entries are authenticated
// with the key in `key_file`, which must lie outside `directory`; both are
// created when missing (modes 0700 and 0600) and their ownership and
// permissions are checked by `petrel_engine_new`. A tampered, truncated or
// foreign entry is ignored and replaced. `directory` NULL (and `key_file`
// NULL) chooses the user's default: `$XDG_CACHE_HOME/petrel/modules` and
// `$XDG_CONFIG_HOME/petrel/cache-key` (else under `~/.cache` and
// `~/.config`).
//
// # Safety
// `config` is a live configuration; `directory` and `key_file` point to
// `directory_len` and `key_file_len` bytes of UTF-8 (or are NULL).
struct petrel_error_t *petrel_config_cache(struct petrel_config_t *config,
                                           const char *directory,
                                           size_t directory_len,
                                           const char *key_file,
                                           size_t key_file_len);

// What the engine's compilation cache has done: modules loaded from it
// (`hits_out`), compiled because no entry existed (`misses_out`), and
// entries refused and replaced (`rejected_out`). `enabled_out` is false,
// and the counts zero, when the engine has no cache.
//
// # Safety
// `engine` is a live engine; the out-pointers are writable.
struct petrel_error_t *petrel_engine_cache_statistics(const struct petrel_engine_t *engine,
                                                      uint64_t *hits_out,
                                                      uint64_t *misses_out,
                                                      uint64_t *rejected_out,
                                                      bool *enabled_out);

// Creates an engine for the host CPU with `config` (NULL: the defaults).
// The configuration is copied: the caller still owns and frees it.
//
// # Safety
// `config` is NULL or a live configuration; `engine_out` is writable.
struct petrel_error_t *petrel_engine_new(const struct petrel_config_t *config,
                                         struct petrel_engine_t **engine_out);

// Advances the engine's epoch by one: stores whose deadline this reaches
// are interrupted with `PETREL_TRAP_INTERRUPT`. Safe from any thread,
// also while wasm runs.
//
// # Safety
// `engine` is a live engine.
struct petrel_error_t *petrel_engine_increment_epoch(const struct petrel_engine_t *engine);

// The most stack, in bytes, wasm may use in one call from the host
// (`petrel_config_max_wasm_stack`; 512 KiB by default). An embedder that
// calls wasm on a stack of its own makes it at least this large, plus room
// for the host's own frames.
//
// # Safety
// `engine` is a live engine; `bytes_out` is writable.
struct petrel_error_t *petrel_engine_max_wasm_stack(const struct petrel_engine_t *engine,
                                                    size_t *bytes_out);

// Frees an engine. Modules and stores made with it keep working. NULL
// is ignored.
//
// # Safety
// `engine` is NULL or a live engine not used afterwards.
void petrel_engine_delete(struct petrel_engine_t *engine);

// Creates an error with `message` (UTF-8, `message_len` bytes; invalid
// UTF-8 is replaced). A host callback returns it to make the wasm call
// that reached it fail with this error. Never NULL.
//
// @owned return
//
// # Safety
// `message` points to `message_len` readable bytes (or is NULL with
// `message_len` 0).
struct petrel_error_t *petrel_error_new(const char *message, size_t message_len);

// Creates an error with `message` and a `tag` the embedder chooses (for
// example the key of an exception object it keeps). The error comes back
// unchanged out of the wasm call, where `petrel_error_host_tag` reads the
// tag. Never NULL.
//
// @owned return
//
// # Safety
// As for `petrel_error_new`.
struct petrel_error_t *petrel_error_new_host(const char *message, size_t message_len, uint64_t tag);

// Creates an error that is a trap with `code` (no backtrace), so a host
// callback can trap. An unknown code gives `PETREL_TRAP_UNREACHABLE`.
// Never NULL.
//
// @owned return
struct petrel_error_t *petrel_error_new_trap(petrel_trap_code_t code);

// The error's message (with its chain of causes), NUL-terminated. Valid
// until the error is deleted. A NULL `error` gives an empty string.
//
// @borrowed return
//
// # Safety
// `error` is NULL or a live error.
const char *petrel_error_message(const struct petrel_error_t *error);

// The trap inside `error`, or NULL when the error is not a trap (or
// `error` is NULL). Borrowed: valid until the error is deleted.
//
// @borrowed return
//
// # Safety
// `error` is NULL or a live error.
const struct petrel_trap_t *petrel_error_as_trap(const struct petrel_error_t *error);

// Whether `error` was raised by a host function with
// `petrel_error_new_host`; if so its tag is written to `tag_out`.
//
// # Safety
// `error` is NULL or a live error; `tag_out` is NULL or writable.
bool petrel_error_host_tag(const struct petrel_error_t *error, uint64_t *tag_out);

// Whether `error` is the end of a WASI program by `proc_exit` (not a
// trap: `petrel_error_as_trap` is NULL for it); if so the program's exit
// status is written to `status_out`.
//
// # Safety
// `error` is NULL or a live error; `status_out` is NULL or writable.
bool petrel_error_exit_status(const struct petrel_error_t *error, int *status_out);

// Frees an error. NULL is ignored.
//
// # Safety
// `error` is NULL or a live error not used afterwards.
void petrel_error_delete(struct petrel_error_t *error);

// The trap's code (`PETREL_TRAP_*`); `PETREL_TRAP_UNKNOWN` for NULL.
//
// # Safety
// `trap` is NULL or a live trap.
petrel_trap_code_t petrel_trap_code(const struct petrel_trap_t *trap);

// Number of wasm frames in the trap's backtrace (0 for NULL).
//
// # Safety
// `trap` is NULL or a live trap.
size_t petrel_trap_frame_count(const struct petrel_trap_t *trap);

// Writes frame `index` (0 is the innermost) of the trap's backtrace to
// `frame_out`; false when `index` is out of range or `trap` is NULL. The
// frame's strings are borrowed from the trap.
//
// # Safety
// `trap` is NULL or a live trap; `frame_out` is NULL or writable.
bool petrel_trap_frame(const struct petrel_trap_t *trap,
                       size_t index,
                       struct petrel_frame_t *frame_out);

// Instantiates `module` in `store` with `imports` given in the module's
// import order.
//
// # Errors
// A wrong number or type of imports, an item of another store, resource
// limits, or a trap from the start function or segment initialisation.
//
// # Safety
// `store` is a live store, `module` a live module; `imports` points to
// `imports_len` items; `instance_out` is writable.
struct petrel_error_t *petrel_instance_new(struct petrel_store_t *store,
                                           const struct petrel_module_t *module,
                                           const struct petrel_extern_t *imports,
                                           size_t imports_len,
                                           struct petrel_instance_t *instance_out);

// The export `name` of `instance`; `found_out` is false when there is none.
//
// # Safety
// `store` is a live store; `name` points to `name_len` bytes; the
// out-parameters are writable.
struct petrel_error_t *petrel_instance_export_get(struct petrel_store_t *store,
                                                  struct petrel_instance_t instance,
                                                  const char *name,
                                                  size_t name_len,
                                                  struct petrel_extern_t *item_out,
                                                  bool *found_out);

// Number of exports of `instance`.
//
// # Safety
// `store` is a live store; `count_out` is writable.
struct petrel_error_t *petrel_instance_export_count(struct petrel_store_t *store,
                                                    struct petrel_instance_t instance,
                                                    size_t *count_out);

// Export `index` of `instance`: its name (borrowed: valid while the store
// lives) and the item.
//
// # Safety
// `store` is a live store; the out-parameters are writable.
struct petrel_error_t *petrel_instance_export_nth(struct petrel_store_t *store,
                                                  struct petrel_instance_t instance,
                                                  size_t index,
                                                  struct petrel_str_t *name_out,
                                                  struct petrel_extern_t *item_out);

// The type of any item of `store`, in `type_out` (owned by the caller).
//
// # Safety
// `store` is a live store; `type_out` is writable.
struct petrel_error_t *petrel_extern_type(struct petrel_store_t *store,
                                          struct petrel_extern_t item,
                                          struct petrel_externtype_t **type_out);

// Creates a memory of type `memorytype` in `store`.
//
// # Safety
// `store` is a live store; `memory_out` is writable.
struct petrel_error_t *petrel_memory_new(struct petrel_store_t *store,
                                         struct petrel_memorytype_t memorytype,
                                         struct petrel_memory_t *memory_out);

// The memory's type, with its current size as the minimum.
//
// # Safety
// `store` is a live store; `memorytype_out` is writable.
struct petrel_error_t *petrel_memory_type(struct petrel_store_t *store,
                                          struct petrel_memory_t memory,
                                          struct petrel_memorytype_t *memorytype_out);

// The memory's size in pages of its page size (64 KiB, or one byte for a
// memory of `page_size` 1).
//
// # Safety
// `store` is a live store; `pages_out` is writable.
struct petrel_error_t *petrel_memory_size(struct petrel_store_t *store,
                                          struct petrel_memory_t memory,
                                          uint64_t *pages_out);

// The memory's bytes: `len_out` bytes at `data_out`, readable and
// writable without copies. Valid until the memory grows (a memory with a
// guard region, the default, never moves, but its length changes; a
// 64-bit memory without a maximum of at most 4 GiB may move) or the store
// is deleted; fetch them again after any call that may grow memory.
//
// @borrowed data_out
//
// # Safety
// `store` is a live store; the out-parameters are writable.
struct petrel_error_t *petrel_memory_data(struct petrel_store_t *store,
                                          struct petrel_memory_t memory,
                                          uint8_t **data_out,
                                          size_t *len_out);

// Grows the memory by `delta` pages (of its page size); the old size in
// pages goes to `old_pages_out`.
//
// # Errors
// Beyond the maximum, refused by the store's limiter, or out of memory.
//
// # Safety
// `store` is a live store; `old_pages_out` is writable.
struct petrel_error_t *petrel_memory_grow(struct petrel_store_t *store,
                                          struct petrel_memory_t memory,
                                          uint64_t delta,
                                          uint64_t *old_pages_out);

// Copies `buf_len` bytes from the memory at `offset` into `buf`.
//
// # Errors
// Out of bounds (a `PETREL_TRAP_MEMORY_OUT_OF_BOUNDS` trap).
//
// # Safety
// `store` is a live store; `buf` points to `buf_len` writable bytes.
struct petrel_error_t *petrel_memory_read(struct petrel_store_t *store,
                                          struct petrel_memory_t memory,
                                          size_t offset,
                                          uint8_t *buf,
                                          size_t buf_len);

// Copies `buf_len` bytes from `buf` into the memory at `offset`.
//
// # Errors
// Out of bounds (a `PETREL_TRAP_MEMORY_OUT_OF_BOUNDS` trap).
//
// # Safety
// `store` is a live store; `buf` points to `buf_len` bytes.
struct petrel_error_t *petrel_memory_write(struct petrel_store_t *store,
                                           struct petrel_memory_t memory,
                                           size_t offset,
                                           const uint8_t *buf,
                                           size_t buf_len);

// Creates a table of type `tabletype` with every element set to `*init`
// (a reference of the table's element kind).
//
// # Safety
// `store` is a live store; `init` points to a value; `table_out` is
// writable.
struct petrel_error_t *petrel_table_new(struct petrel_store_t *store,
                                        struct petrel_tabletype_t tabletype,
                                        const struct petrel_val_t *init,
                                        struct petrel_table_t *table_out);

// The table's type, with its current size as the minimum.
//
// # Safety
// `store` is a live store; `tabletype_out` is writable.
struct petrel_error_t *petrel_table_type(struct petrel_store_t *store,
                                         struct petrel_table_t table,
                                         struct petrel_tabletype_t *tabletype_out);

// The table's size in elements.
//
// # Safety
// `store` is a live store; `size_out` is writable.
struct petrel_error_t *petrel_table_size(struct petrel_store_t *store,
                                         struct petrel_table_t table,
                                         uint32_t *size_out);

// Element `index` of the table.
//
// # Errors
// Out of bounds (a `PETREL_TRAP_TABLE_OUT_OF_BOUNDS` trap).
//
// # Safety
// `store` is a live store; `value_out` is writable.
struct petrel_error_t *petrel_table_get(struct petrel_store_t *store,
                                        struct petrel_table_t table,
                                        uint32_t index,
                                        struct petrel_val_t *value_out);

// Sets element `index` of the table to `*value`.
//
// # Errors
// Out of bounds, a value of the wrong kind, or of another store.
//
// # Safety
// `store` is a live store; `value` points to a value.
struct petrel_error_t *petrel_table_set(struct petrel_store_t *store,
                                        struct petrel_table_t table,
                                        uint32_t index,
                                        const struct petrel_val_t *value);

// Grows the table by `delta` elements set to `*init`; the old size goes
// to `old_size_out`.
//
// # Safety
// `store` is a live store; `init` points to a value; `old_size_out` is
// writable.
struct petrel_error_t *petrel_table_grow(struct petrel_store_t *store,
                                         struct petrel_table_t table,
                                         uint32_t delta,
                                         const struct petrel_val_t *init,
                                         uint32_t *old_size_out);

// Creates a global of type `globaltype` holding `*value`.
//
// # Safety
// `store` is a live store; `value` points to a value; `global_out` is
// writable.
struct petrel_error_t *petrel_global_new(struct petrel_store_t *store,
                                         struct petrel_globaltype_t globaltype,
                                         const struct petrel_val_t *value,
                                         struct petrel_global_t *global_out);

// The global's type.
//
// # Safety
// `store` is a live store; `globaltype_out` is writable.
struct petrel_error_t *petrel_global_type(struct petrel_store_t *store,
                                          struct petrel_global_t global,
                                          struct petrel_globaltype_t *globaltype_out);

// The global's value.
//
// # Safety
// `store` is a live store; `value_out` is writable.
struct petrel_error_t *petrel_global_get(struct petrel_store_t *store,
                                         struct petrel_global_t global,
                                         struct petrel_val_t *value_out);

// Sets the global's value.
//
// # Errors
// An immutable global, a value of the wrong kind, or of another store.
//
// # Safety
// `store` is a live store; `value` points to a value.
struct petrel_error_t *petrel_global_set(struct petrel_store_t *store,
                                         struct petrel_global_t global,
                                         const struct petrel_val_t *value);

// Creates a reference to host `data` in `store`; `finalizer` (may be
// NULL) is called with `data` when the store is deleted, or earlier when
// `petrel_store_gc` finds no global or table holding the reference (the
// handle is invalid then).
//
// # Safety
// `store` is a live store; `externref_out` is writable.
struct petrel_error_t *petrel_externref_new(struct petrel_store_t *store,
                                            void *data,
                                            petrel_finalizer_t finalizer,
                                            struct petrel_externref_t *externref_out);

// The data pointer of an extern reference made by `petrel_externref_new`.
//
// @borrowed data_out
//
// # Safety
// `store` is a live store; `data_out` is writable.
struct petrel_error_t *petrel_externref_data(struct petrel_store_t *store,
                                             struct petrel_externref_t externref,
                                             void **data_out);

// Creates a function type from its parameter and result kinds.
//
// # Safety
// `params` and `results` point to `params_len` and `results_len` kinds;
// `functype_out` is writable.
struct petrel_error_t *petrel_functype_new(const petrel_valkind_t *params,
                                           size_t params_len,
                                           const petrel_valkind_t *results,
                                           size_t results_len,
                                           struct petrel_functype_t **functype_out);

// The parameter kinds: `params_len_out` values at `params_out`, borrowed
// from the function type.
//
// @borrowed params_out
//
// # Safety
// `functype` is a live function type; the out-parameters are writable.
struct petrel_error_t *petrel_functype_params(const struct petrel_functype_t *functype,
                                              const petrel_valkind_t **params_out,
                                              size_t *params_len_out);

// The result kinds: `results_len_out` values at `results_out`, borrowed
// from the function type.
//
// @borrowed results_out
//
// # Safety
// `functype` is a live function type; the out-parameters are writable.
struct petrel_error_t *petrel_functype_results(const struct petrel_functype_t *functype,
                                               const petrel_valkind_t **results_out,
                                               size_t *results_len_out);

// Frees a function type. NULL is ignored.
//
// # Safety
// `functype` is NULL or a live function type not used afterwards.
void petrel_functype_delete(struct petrel_functype_t *functype);

// Creates a host function of type `functype` in `store`. `callback` is
// called with `env` on every call; `finalizer` (may be NULL) is called
// with `env` when the store is deleted.
//
// # Safety
// `store` is a live store; `functype` a live function type; `func_out`
// is writable; `callback` follows `petrel_callback_t`'s contract.
struct petrel_error_t *petrel_func_new(struct petrel_store_t *store,
                                       const struct petrel_functype_t *functype,
                                       petrel_callback_t callback,
                                       void *env,
                                       petrel_finalizer_t finalizer,
                                       struct petrel_func_t *func_out);

// The function's type, in `functype_out` (owned by the caller).
//
// # Safety
// `store` is a live store; `functype_out` is writable.
struct petrel_error_t *petrel_func_type(struct petrel_store_t *store,
                                        struct petrel_func_t func,
                                        struct petrel_functype_t **functype_out);

// Calls `func` with typed arguments and results, checking their count,
// kinds and stores. A trap is an error for which `petrel_error_as_trap`
// is non-NULL; an error a host function raised comes back unchanged.
//
// # Safety
// `store` is a live store; `args` points to `args_len` values and
// `results` to `results_len` writable values.
struct petrel_error_t *petrel_func_call(struct petrel_store_t *store,
                                        struct petrel_func_t func,
                                        const struct petrel_val_t *args,
                                        size_t args_len,
                                        struct petrel_val_t *results,
                                        size_t results_len);

// The fast path: calls `*func` with arguments and results in one flat
// array of `len` raw values (arguments on entry, results on return). One
// store check, one length check (`len` must be at least the larger of
// the parameter and result counts), no allocation. The values' kinds are
// not checked (any bits are a valid number); references are validated.
// The function is passed by pointer so that bindings can keep one
// prepared handle.
//
// @array args_and_results len
//
// # Safety
// `store` is a live store; `func` points to a function handle;
// `args_and_results` points to `len` values whose 16 bytes are all
// initialised (for example zeroed), writable.
struct petrel_error_t *petrel_func_call_raw(struct petrel_store_t *store,
                                            const struct petrel_func_t *func,
                                            union petrel_valraw_t *args_and_results,
                                            size_t len);

// Creates an empty linker for `engine`.
//
// # Safety
// `engine` is a live engine; `linker_out` is writable.
struct petrel_error_t *petrel_linker_new(const struct petrel_engine_t *engine,
                                         struct petrel_linker_t **linker_out);

// Frees a linker (and, once no store uses them, its host functions'
// environments). NULL is ignored.
//
// # Safety
// `linker` is NULL or a live linker not used afterwards.
void petrel_linker_delete(struct petrel_linker_t *linker);

// Whether a later definition may replace an earlier one of the same name
// (off by default: redefining is an error).
//
// # Safety
// `linker` is a live linker.
struct petrel_error_t *petrel_linker_allow_shadowing(struct petrel_linker_t *linker, bool allow);

// Defines `module::name` as `item`, an item of `store`.
//
// # Safety
// `linker` is a live linker, `store` a live store; `module` and `name`
// point to `module_len` and `name_len` bytes.
struct petrel_error_t *petrel_linker_define(struct petrel_linker_t *linker,
                                            struct petrel_store_t *store,
                                            const char *module,
                                            size_t module_len,
                                            const char *name,
                                            size_t name_len,
                                            struct petrel_extern_t item);

// Defines `module::name` as a host function of type `functype`, placed in
// each store that instantiates a module importing it. `callback` is
// called with `env`; `finalizer` (may be NULL) is called with `env` once
// the linker and every store using the function are freed.
//
// # Safety
// `linker` is a live linker, `functype` a live function type; `module`
// and `name` point to `module_len` and `name_len` bytes; `callback`
// follows `petrel_callback_t`'s contract.
struct petrel_error_t *petrel_linker_define_func(struct petrel_linker_t *linker,
                                                 const char *module,
                                                 size_t module_len,
                                                 const char *name,
                                                 size_t name_len,
                                                 const struct petrel_functype_t *functype,
                                                 petrel_callback_t callback,
                                                 void *env,
                                                 petrel_finalizer_t finalizer);

// Defines every export of `instance` (an instance of `store`) as
// `module::<export name>`.
//
// # Safety
// `linker` is a live linker, `store` a live store; `module` points to
// `module_len` bytes.
struct petrel_error_t *petrel_linker_define_instance(struct petrel_linker_t *linker,
                                                     struct petrel_store_t *store,
                                                     const char *module,
                                                     size_t module_len,
                                                     struct petrel_instance_t instance);

// Instantiates `module` in `store`, resolving every import by name.
//
// # Errors
// An undefined import, a type mismatch, or instantiation's own errors.
//
// # Safety
// `linker` is a live linker, `store` a live store, `module` a live
// module; `instance_out` is writable.
struct petrel_error_t *petrel_linker_instantiate(const struct petrel_linker_t *linker,
                                                 struct petrel_store_t *store,
                                                 const struct petrel_module_t *module,
                                                 struct petrel_instance_t *instance_out);

// The item defined as `module::name`, placed in `store`; `found_out` is
// false when nothing is defined under that name.
//
// # Safety
// `linker` is a live linker, `store` a live store; `module` and `name`
// point to `module_len` and `name_len` bytes; the out-parameters are
// writable.
struct petrel_error_t *petrel_linker_get(const struct petrel_linker_t *linker,
                                         struct petrel_store_t *store,
                                         const char *module,
                                         size_t module_len,
                                         const char *name,
                                         size_t name_len,
                                         struct petrel_extern_t *item_out,
                                         bool *found_out);

// Defines the exports of `module` under the module name `name`, as
// Wasmtime's `Linker::module` does for WASI commands and reactors: a
// reactor (a module without `_start`) is instantiated in `store` now, its
// `_initialize` called, and its exports defined; each exported function
// of a command (a module exporting `_start`) is defined as a function of
// `store` that instantiates the module afresh for every call.
//
// # Errors
// An unresolved import, instantiation's errors, a trap of
// `_initialize`, a command exporting something other than functions (and
// `memory`-like toolchain exports), or a name already defined.
//
// # Safety
// `linker` is a live linker, `store` a live store, `module` a live
// module; `name` points to `name_len` bytes.
struct petrel_error_t *petrel_linker_module(struct petrel_linker_t *linker,
                                            struct petrel_store_t *store,
                                            const char *name,
                                            size_t name_len,
                                            const struct petrel_module_t *module);

// The default export of module `name`: its function `""`, else its
// function `_start`, else a new function of `store` that does nothing.
//
// # Errors
// When `""` or `_start` is defined as something other than a function.
//
// # Safety
// `linker` is a live linker, `store` a live store; `name` points to
// `name_len` bytes; `func_out` is writable.
struct petrel_error_t *petrel_linker_get_default(const struct petrel_linker_t *linker,
                                                 struct petrel_store_t *store,
                                                 const char *name,
                                                 size_t name_len,
                                                 struct petrel_func_t *func_out);

// Defines every function import of `module` that `linker` does not define
// yet as a function that fails with an "unknown import" error when
// called (other kinds of imports stay undefined).
//
// # Safety
// `linker` is a live linker, `module` a live module.
struct petrel_error_t *petrel_linker_define_unknown_imports_as_traps(struct petrel_linker_t *linker,
                                                                     const struct petrel_module_t *module);

// Defines every import of `module` that `linker` does not define yet as a
// default item of `store`: a function returning zeros and null
// references, a global holding zero or null, a table of null references,
// a memory of the import's minimum size.
//
// # Errors
// When a table or memory cannot be made (the store's limits).
//
// # Safety
// `linker` is a live linker, `store` a live store, `module` a live module.
struct petrel_error_t *petrel_linker_define_unknown_imports_as_default_values(struct petrel_linker_t *linker,
                                                                              struct petrel_store_t *store,
                                                                              const struct petrel_module_t *module);

// Resolves every import of `module` from `linker`'s definitions now.
//
// # Errors
// An import the linker does not define, or a module of another engine.
//
// # Safety
// `linker` is a live linker, `module` a live module; `pre_out` is
// writable.
struct petrel_error_t *petrel_linker_instantiate_pre(const struct petrel_linker_t *linker,
                                                     const struct petrel_module_t *module,
                                                     struct petrel_instance_pre_t **pre_out);

// Instantiates the module of `pre` in `store`.
//
// # Errors
// An import defined as an item of another store, or instantiation's own
// errors (a trap of the start function included).
//
// # Safety
// `pre` is a live pre-instantiated module, `store` a live store;
// `instance_out` is writable.
struct petrel_error_t *petrel_instance_pre_instantiate(const struct petrel_instance_pre_t *pre,
                                                       struct petrel_store_t *store,
                                                       struct petrel_instance_t *instance_out);

// The module `pre` instantiates, as a new module object (free it with
// `petrel_module_delete`; it shares the compiled code).
//
// # Safety
// `pre` is a live pre-instantiated module; `module_out` is writable.
struct petrel_error_t *petrel_instance_pre_module(const struct petrel_instance_pre_t *pre,
                                                  struct petrel_module_t **module_out);

// Frees a pre-instantiated module. NULL is ignored.
//
// # Safety
// `pre` is NULL or a live pre-instantiated module not used afterwards.
void petrel_instance_pre_delete(struct petrel_instance_pre_t *pre);

// Frees the bytes of `bytes` and sets it to empty. NULL, or already
// empty bytes, are ignored.
//
// # Safety
// `bytes` is NULL or bytes filled in by Petrel and not freed yet.
void petrel_bytes_delete(struct petrel_bytes_t *bytes);

// Translates WebAssembly text to the binary format.
//
// # Safety
// `wat` points to `wat_len` bytes; `wasm_out` is writable.
struct petrel_error_t *petrel_wat2wasm(const char *wat,
                                       size_t wat_len,
                                       struct petrel_bytes_t *wasm_out);

// Compiles a module from the binary or the text format.
//
// # Safety
// `engine` is a live engine; `bytes` points to `bytes_len` bytes;
// `module_out` is writable.
struct petrel_error_t *petrel_module_new(const struct petrel_engine_t *engine,
                                         const uint8_t *bytes,
                                         size_t bytes_len,
                                         struct petrel_module_t **module_out);

// Validates a module in the binary format without compiling it.
//
// # Safety
// `engine` is a live engine; `bytes` points to `bytes_len` bytes.
struct petrel_error_t *petrel_module_validate(const struct petrel_engine_t *engine,
                                              const uint8_t *bytes,
                                              size_t bytes_len);

// Serializes the compiled module into `bytes_out` (free it with
// `petrel_bytes_delete`), sealed with the engine's module key (see
// `petrel_config_module_key`).
//
// # Safety
// `module` is a live module; `bytes_out` is writable.
struct petrel_error_t *petrel_module_serialize(const struct petrel_module_t *module,
                                               struct petrel_bytes_t *bytes_out);

// Loads a module written by `petrel_module_serialize`. Safe for any
// bytes: before anything is decoded or mapped, their MAC is verified with
// the engine's module key (see `petrel_config_module_key`), so only bytes
// sealed by this engine, or by one configured with the same key, load; the
// Petrel build and engine settings must match too. The error of a refused
// module names the reason: not a compiled Petrel module, truncated,
// another artifact format version, "authentication failed" (modified, or
// sealed with another key), or a different Petrel version or engine
// configuration.
//
// # Safety
// `engine` is a live engine; `bytes` points to `bytes_len` bytes;
// `module_out` is writable.
struct petrel_error_t *petrel_module_deserialize(const struct petrel_engine_t *engine,
                                                 const uint8_t *bytes,
                                                 size_t bytes_len,
                                                 struct petrel_module_t **module_out);

// The module's name from its name section (data NULL when it has none),
// borrowed from the module.
//
// # Safety
// `module` is a live module; `name_out` is writable.
struct petrel_error_t *petrel_module_name(const struct petrel_module_t *module,
                                          struct petrel_str_t *name_out);

// Number of imports of the module.
//
// # Safety
// `module` is a live module; `count_out` is writable.
struct petrel_error_t *petrel_module_import_count(const struct petrel_module_t *module,
                                                  size_t *count_out);

// Import `index`: its module and field names (borrowed from the module)
// and its type (owned by the caller).
//
// # Safety
// `module` is a live module; the out-parameters are writable.
struct petrel_error_t *petrel_module_import(const struct petrel_module_t *module,
                                            size_t index,
                                            struct petrel_str_t *module_name_out,
                                            struct petrel_str_t *name_out,
                                            struct petrel_externtype_t **type_out);

// Number of exports of the module.
//
// # Safety
// `module` is a live module; `count_out` is writable.
struct petrel_error_t *petrel_module_export_count(const struct petrel_module_t *module,
                                                  size_t *count_out);

// Export `index`: its name (borrowed from the module) and its type
// (owned by the caller).
//
// # Safety
// `module` is a live module; the out-parameters are writable.
struct petrel_error_t *petrel_module_export(const struct petrel_module_t *module,
                                            size_t index,
                                            struct petrel_str_t *name_out,
                                            struct petrel_externtype_t **type_out);

// Frees a module. Instances made from it keep working. NULL is ignored.
//
// # Safety
// `module` is NULL or a live module not used afterwards.
void petrel_module_delete(struct petrel_module_t *module);

// The kind of the item (`PETREL_EXTERN_*`).
//
// # Safety
// `externtype` is a live extern type; `kind_out` is writable.
struct petrel_error_t *petrel_externtype_kind(const struct petrel_externtype_t *externtype,
                                              petrel_extern_kind_t *kind_out);

// The function type of a function item (owned by the caller); an error
// for another kind.
//
// # Safety
// `externtype` is a live extern type; `functype_out` is writable.
struct petrel_error_t *petrel_externtype_functype(const struct petrel_externtype_t *externtype,
                                                  struct petrel_functype_t **functype_out);

// The global type of a global item; an error for another kind.
//
// # Safety
// `externtype` is a live extern type; `globaltype_out` is writable.
struct petrel_error_t *petrel_externtype_globaltype(const struct petrel_externtype_t *externtype,
                                                    struct petrel_globaltype_t *globaltype_out);

// The table type of a table item; an error for another kind.
//
// # Safety
// `externtype` is a live extern type; `tabletype_out` is writable.
struct petrel_error_t *petrel_externtype_tabletype(const struct petrel_externtype_t *externtype,
                                                   struct petrel_tabletype_t *tabletype_out);

// The memory type of a memory item; an error for another kind.
//
// # Safety
// `externtype` is a live extern type; `memorytype_out` is writable.
struct petrel_error_t *petrel_externtype_memorytype(const struct petrel_externtype_t *externtype,
                                                    struct petrel_memorytype_t *memorytype_out);

// Frees an extern type. NULL is ignored.
//
// # Safety
// `externtype` is NULL or a live extern type not used afterwards.
void petrel_externtype_delete(struct petrel_externtype_t *externtype);

// Creates a store for `engine` holding `data`; `finalizer` (may be NULL)
// is called with `data` when the store is deleted.
//
// # Safety
// `engine` is a live engine; `store_out` is writable.
struct petrel_error_t *petrel_store_new(const struct petrel_engine_t *engine,
                                        void *data,
                                        petrel_finalizer_t finalizer,
                                        struct petrel_store_t **store_out);

// Closes a store: frees everything in it (calling the finalizers of its
// data, host functions and extern references) but keeps the
// `petrel_store_t` itself, so that any later use is a clean "the store
// is closed" error instead of a dangling pointer. Free it with
// `petrel_store_delete`. Refused (with an error, the store left intact)
// while the store is in use: from a host callback or another thread.
// Closing a closed store does nothing.
//
// # Safety
// `store` is a live (possibly closed) store.
struct petrel_error_t *petrel_store_close(struct petrel_store_t *store);

// Frees a store (closing it first, see `petrel_store_close`). Refused
// (with an error, the store left intact) while the store is in use.
// NULL is ignored.
//
// # Safety
// `store` is NULL or a live (possibly closed) store; not used afterwards
// unless an error is returned.
struct petrel_error_t *petrel_store_delete(struct petrel_store_t *store);

// The id of the store: the `store_id` of every item it owns.
//
// # Safety
// `store` is a live store; `id_out` is writable.
struct petrel_error_t *petrel_store_id(const struct petrel_store_t *store, uint64_t *id_out);

// The data pointer given to `petrel_store_new`.
//
// @borrowed data_out
//
// # Safety
// `store` is a live store; `data_out` is writable.
struct petrel_error_t *petrel_store_data(struct petrel_store_t *store, void **data_out);

// Sets the fuel available to wasm in this store.
//
// # Errors
// When the engine was not configured with `petrel_config_consume_fuel`.
//
// # Safety
// `store` is a live store.
struct petrel_error_t *petrel_store_set_fuel(struct petrel_store_t *store, uint64_t fuel);

// The fuel left in this store.
//
// # Errors
// When the engine was not configured with `petrel_config_consume_fuel`.
//
// # Safety
// `store` is a live store; `fuel_out` is writable.
struct petrel_error_t *petrel_store_get_fuel(struct petrel_store_t *store, uint64_t *fuel_out);

// Sets the epoch deadline `ticks` beyond the engine's current epoch:
// wasm in this store traps with `PETREL_TRAP_INTERRUPT` once the engine's
// epoch reaches it (with `petrel_config_epoch_interruption` on).
//
// # Safety
// `store` is a live store.
struct petrel_error_t *petrel_store_set_epoch_deadline(struct petrel_store_t *store,
                                                       uint64_t ticks);

// Caps the store's resources: the bytes of any one memory, the elements
// of any one table, and the number of instances. A negative value means
// no limit. Growth beyond a cap fails (`memory.grow` returns -1), and
// creation beyond it is an error.
//
// # Safety
// `store` is a live store.
struct petrel_error_t *petrel_store_limiter(struct petrel_store_t *store,
                                            int64_t memory_size,
                                            int64_t table_elements,
                                            int64_t instances);

// Caps the store's resources like `petrel_store_limiter`, plus the number
// of tables and of memories the store may hold (Wasmtime's
// `wasmtime_store_limiter`). A negative value means no limit.
//
// # Safety
// `store` is a live store.
struct petrel_error_t *petrel_store_limits(struct petrel_store_t *store,
                                           int64_t memory_size,
                                           int64_t table_elements,
                                           int64_t instances,
                                           int64_t tables,
                                           int64_t memories);

// Frees the extern references that no global or table of the store holds
// any more, calling their finalizers. A `petrel_externref_t` of a
// collected reference is invalid afterwards (using it is an error). From
// inside a host callback (wasm on the stack, whose references this cannot
// see) it collects nothing.
//
// # Safety
// `store` is a live store.
struct petrel_error_t *petrel_store_gc(struct petrel_store_t *store);

// The store's data pointer (as given to `petrel_store_new`).
//
// @borrowed data_out
//
// # Safety
// `caller` is the caller passed to the running callback; `data_out` is
// writable.
struct petrel_error_t *petrel_caller_data(struct petrel_caller_t *caller, void **data_out);

// The export `name` of the instance that called the host function;
// `found_out` is false when there is no such export (or the function was
// called from the host rather than from wasm).
//
// # Safety
// `caller` is the caller passed to the running callback; `name` points
// to `name_len` bytes; the out-parameters are writable.
struct petrel_error_t *petrel_caller_export_get(struct petrel_caller_t *caller,
                                                const char *name,
                                                size_t name_len,
                                                struct petrel_extern_t *item_out,
                                                bool *found_out);

// The store the running callback belongs to: pass it to any store
// function while the callback runs (those calls reach the store through
// the caller).
//
// @borrowed store_out
//
// # Safety
// `caller` is the caller passed to the running callback; `store_out` is
// writable.
struct petrel_error_t *petrel_caller_store(struct petrel_caller_t *caller,
                                           struct petrel_store_t **store_out);

// Creates a WASI configuration with the defaults (see
// `petrel_wasi_config_t`) in `config_out`.
//
// # Safety
// `config_out` is writable.
struct petrel_error_t *petrel_wasi_config_new(struct petrel_wasi_config_t **config_out);

// Frees a WASI configuration (closing the files it opened). NULL is
// ignored.
//
// # Safety
// `config` is NULL or a live WASI configuration, not used afterwards
// (and not given to `petrel_store_set_wasi`, which frees it itself).
void petrel_wasi_config_delete(struct petrel_wasi_config_t *config);

// Sets the program's arguments (`argv[0]` is conventionally its name):
// the `argc` NUL-terminated UTF-8 strings of `argv`, copied.
//
// @array argv argc
//
// # Safety
// `config` is a live WASI configuration; `argv` points to `argc`
// pointers to NUL-terminated strings (`argv` may be NULL when `argc` is
// 0).
struct petrel_error_t *petrel_wasi_config_set_argv(struct petrel_wasi_config_t *config,
                                                   const char *const *argv,
                                                   size_t argc);

// Gives the program the host process's own arguments.
//
// # Safety
// `config` is a live WASI configuration.
struct petrel_error_t *petrel_wasi_config_inherit_argv(struct petrel_wasi_config_t *config);

// Sets the program's environment: variable `names[i]` has the value
// `values[i]`, for the `envc` NUL-terminated UTF-8 strings of each array
// (copied; a later duplicate name replaces an earlier one).
//
// # Errors
// A name that is empty or contains `=`, or a string that is not UTF-8.
//
// @array names envc
// @array values envc
//
// # Safety
// `config` is a live WASI configuration; `names` and `values` each point
// to `envc` pointers to NUL-terminated strings (either may be NULL when
// `envc` is 0).
struct petrel_error_t *petrel_wasi_config_set_env(struct petrel_wasi_config_t *config,
                                                  const char *const *names,
                                                  const char *const *values,
                                                  size_t envc);

// Gives the program the host process's environment (variables whose
// name or value is not UTF-8 are left out).
//
// # Safety
// `config` is a live WASI configuration.
struct petrel_error_t *petrel_wasi_config_inherit_env(struct petrel_wasi_config_t *config);

// Standard input yields the `bytes_len` bytes at `bytes` (copied), then
// end of file.
//
// # Safety
// `config` is a live WASI configuration; `bytes` points to `bytes_len`
// readable bytes (or is NULL with `bytes_len` 0).
struct petrel_error_t *petrel_wasi_config_set_stdin_bytes(struct petrel_wasi_config_t *config,
                                                          const uint8_t *bytes,
                                                          size_t bytes_len);

// Standard input reads the host file `path` (NUL-terminated), opened
// now.
//
// # Errors
// When the file cannot be opened for reading.
//
// # Safety
// `config` is a live WASI configuration; `path` is a NUL-terminated
// string.
struct petrel_error_t *petrel_wasi_config_set_stdin_file(struct petrel_wasi_config_t *config,
                                                         const char *path);

// Standard input reads the host process's standard input.
//
// # Safety
// `config` is a live WASI configuration.
struct petrel_error_t *petrel_wasi_config_inherit_stdin(struct petrel_wasi_config_t *config);

// Standard output goes to the host file `path` (NUL-terminated), created
// or truncated now.
//
// # Errors
// When the file cannot be opened for writing.
//
// # Safety
// `config` is a live WASI configuration; `path` is a NUL-terminated
// string.
struct petrel_error_t *petrel_wasi_config_set_stdout_file(struct petrel_wasi_config_t *config,
                                                          const char *path);

// Standard output goes to the host process's standard output.
//
// # Safety
// `config` is a live WASI configuration.
struct petrel_error_t *petrel_wasi_config_inherit_stdout(struct petrel_wasi_config_t *config);

// Standard output is captured in memory, at most `capacity` bytes (a
// write beyond is short, then fails with `ENOSPC`); read it with
// `petrel_store_wasi_stdout`.
//
// # Safety
// `config` is a live WASI configuration.
struct petrel_error_t *petrel_wasi_config_set_stdout_capture(struct petrel_wasi_config_t *config,
                                                             size_t capacity);

// Standard error goes to the host file `path` (NUL-terminated), created
// or truncated now.
//
// # Errors
// When the file cannot be opened for writing.
//
// # Safety
// `config` is a live WASI configuration; `path` is a NUL-terminated
// string.
struct petrel_error_t *petrel_wasi_config_set_stderr_file(struct petrel_wasi_config_t *config,
                                                          const char *path);

// Standard error goes to the host process's standard error.
//
// # Safety
// `config` is a live WASI configuration.
struct petrel_error_t *petrel_wasi_config_inherit_stderr(struct petrel_wasi_config_t *config);

// Standard error is captured in memory, at most `capacity` bytes; read
// it with `petrel_store_wasi_stderr`.
//
// # Safety
// `config` is a live WASI configuration.
struct petrel_error_t *petrel_wasi_config_set_stderr_capture(struct petrel_wasi_config_t *config,
                                                             size_t capacity);

// Gives the program the host directory `host_path` under the name
// `guest_path` (both NUL-terminated; the guest path UTF-8). Descriptors
// 3, 4, ... go to the directories in the order of these calls. Paths
// the program opens through one cannot leave it (`..` or a symbolic link
// out of it fails with an errno).
//
// # Errors
// When `host_path` is not a directory the host can resolve.
//
// # Safety
// `config` is a live WASI configuration; `host_path` and `guest_path`
// are NUL-terminated strings.
struct petrel_error_t *petrel_wasi_config_preopen_dir(struct petrel_wasi_config_t *config,
                                                      const char *host_path,
                                                      const char *guest_path);

// Standard output goes to `callback` (see `petrel_output_callback_t`),
// called with `env`; `finalizer` (may be NULL) is called with `env` when
// the configuration, or the store it was given to, no longer needs it
// (also when this call fails).
//
// # Safety
// `config` is a live WASI configuration; `callback` follows
// `petrel_output_callback_t`'s contract.
struct petrel_error_t *petrel_wasi_config_set_stdout_custom(struct petrel_wasi_config_t *config,
                                                            petrel_output_callback_t callback,
                                                            void *env,
                                                            petrel_finalizer_t finalizer);

// Standard error goes to `callback`, as `petrel_wasi_config_set_stdout_custom`.
//
// # Safety
// As for `petrel_wasi_config_set_stdout_custom`.
struct petrel_error_t *petrel_wasi_config_set_stderr_custom(struct petrel_wasi_config_t *config,
                                                            petrel_output_callback_t callback,
                                                            void *env,
                                                            petrel_finalizer_t finalizer);

// `petrel_wasi_config_preopen_dir` with permissions: what the program may
// do with the directory and those below it (`dir_perms`) and with the
// files it opens there (`file_perms`); an operation they do not allow
// fails with `ENOTCAPABLE` in the program.
//
// # Errors
// When `host_path` is not a directory the host can open, or a permission
// value has bits other than read and write.
//
// # Safety
// `config` is a live WASI configuration; `host_path` and `guest_path`
// are NUL-terminated strings.
struct petrel_error_t *petrel_wasi_config_preopen_dir_with_perms(struct petrel_wasi_config_t *config,
                                                                 const char *host_path,
                                                                 const char *guest_path,
                                                                 petrel_dir_perms_t dir_perms,
                                                                 petrel_file_perms_t file_perms);

// Makes `config` the WASI configuration of `store`, replacing an earlier
// one (and its captured output). The store's WASI functions (see
// `petrel_linker_define_wasi`) use it from now on.
//
// Ownership: `config` is taken in every case, success or error; do not
// use or delete it afterwards.
//
// @consumes config
//
// # Safety
// `store` is a live store; `config` is NULL or a live WASI configuration
// not in use by another thread.
struct petrel_error_t *petrel_store_set_wasi(struct petrel_store_t *store,
                                             struct petrel_wasi_config_t *config);

// Defines every function of `wasi_snapshot_preview1` in `linker`. Each
// works on the WASI context of the store it runs in (see
// `petrel_store_set_wasi`; a store without one gets the defaults of
// `petrel_wasi_config_t`). A program's `proc_exit(code)` ends the wasm
// call with an error for which `petrel_error_exit_status` gives `code`;
// other WASI failures are errno values returned to the program.
//
// # Errors
// When one of the names is already defined and shadowing is off (the
// functions before it stay defined).
//
// # Safety
// `linker` is a live linker.
struct petrel_error_t *petrel_linker_define_wasi(struct petrel_linker_t *linker);

// A copy of everything the program wrote so far to its standard output,
// when the store's WASI configuration captures it
// (`petrel_wasi_config_set_stdout_capture`).
//
// Ownership: the bytes written to `contents_out` belong to the caller,
// who frees them with `petrel_bytes_delete`; the captured output itself
// stays in the store (a later call copies it again, with what was
// written since).
//
// # Errors
// When standard output is not captured.
//
// # Safety
// `store` is a live store; `contents_out` is writable.
struct petrel_error_t *petrel_store_wasi_stdout(struct petrel_store_t *store,
                                                struct petrel_bytes_t *contents_out);

// Like `petrel_store_wasi_stdout`, for standard error
// (`petrel_wasi_config_set_stderr_capture`).
//
// # Errors
// When standard error is not captured.
//
// # Safety
// `store` is a live store; `contents_out` is writable.
struct petrel_error_t *petrel_store_wasi_stderr(struct petrel_store_t *store,
                                                struct petrel_bytes_t *contents_out);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* PETREL_H */
