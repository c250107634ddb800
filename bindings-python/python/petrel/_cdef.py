# Generated from petrel.h by header-gen, do not edit.
"""The C declarations of petrel.h, for cffi."""

CDEF = """
typedef struct petrel_caller_t petrel_caller_t;
typedef struct petrel_config_t petrel_config_t;
typedef struct petrel_engine_t petrel_engine_t;
typedef struct petrel_error_t petrel_error_t;
typedef struct petrel_externtype_t petrel_externtype_t;
typedef struct petrel_functype_t petrel_functype_t;
typedef struct petrel_instance_pre_t petrel_instance_pre_t;
typedef struct petrel_linker_t petrel_linker_t;
typedef struct petrel_module_t petrel_module_t;
typedef struct petrel_store_t petrel_store_t;
typedef struct petrel_trap_t petrel_trap_t;
typedef struct petrel_wasi_config_t petrel_wasi_config_t;
typedef uint8_t petrel_opt_level_t;
typedef uint8_t petrel_trap_code_t;
typedef uint8_t petrel_extern_kind_t;
typedef uint8_t petrel_valkind_t;
typedef uint8_t petrel_mutability_t;
typedef uint8_t petrel_dir_perms_t;
typedef uint8_t petrel_file_perms_t;
typedef struct petrel_pooling_config_t {
    uint32_t total_memories;
    uint32_t total_tables;
    uint32_t total_core_instances;
    uint32_t max_memories_per_module;
    uint32_t max_tables_per_module;
    uint32_t table_elements;
    uint64_t max_memory_size;
} petrel_pooling_config_t;
typedef struct petrel_bytes_t {
    uint8_t * data;
    size_t len;
} petrel_bytes_t;
typedef struct petrel_str_t {
    const char * data;
    size_t len;
} petrel_str_t;
typedef struct petrel_frame_t {
    uint32_t func_index;
    petrel_str_t func_name;
    petrel_str_t module_name;
    size_t func_offset;
    bool has_func_offset;
    size_t module_offset;
    bool has_module_offset;
} petrel_frame_t;
typedef struct petrel_extern_t {
    petrel_extern_kind_t kind;
    uint64_t store_id;
    size_t index;
} petrel_extern_t;
typedef struct petrel_instance_t {
    uint64_t store_id;
    size_t index;
} petrel_instance_t;
typedef struct petrel_limits_t {
    uint64_t minimum;
    uint64_t maximum;
    bool has_maximum;
} petrel_limits_t;
typedef struct petrel_memorytype_t {
    petrel_limits_t limits;
    bool is_64;
    uint64_t page_size;
} petrel_memorytype_t;
typedef struct petrel_memory_t {
    uint64_t store_id;
    size_t index;
} petrel_memory_t;
typedef struct petrel_tabletype_t {
    petrel_valkind_t element;
    petrel_limits_t limits;
    bool is_64;
} petrel_tabletype_t;
typedef struct petrel_func_t {
    uint64_t store_id;
    size_t index;
} petrel_func_t;
typedef struct petrel_externref_t {
    uint64_t store_id;
    size_t index;
} petrel_externref_t;
typedef union petrel_valunion_t {
    int32_t i32;
    int64_t i64;
    float f32;
    double f64;
    uint8_t v128[16];
    petrel_func_t funcref;
    petrel_externref_t externref;
} petrel_valunion_t;
typedef struct petrel_val_t {
    petrel_valkind_t kind;
    petrel_valunion_t of;
} petrel_val_t;
typedef struct petrel_table_t {
    uint64_t store_id;
    size_t index;
} petrel_table_t;
typedef struct petrel_globaltype_t {
    petrel_valkind_t content;
    petrel_mutability_t mutability;
} petrel_globaltype_t;
typedef struct petrel_global_t {
    uint64_t store_id;
    size_t index;
} petrel_global_t;
typedef union petrel_valraw_t {
    int32_t i32;
    int64_t i64;
    float f32;
    double f64;
    uint8_t v128[16];
    uint64_t funcref;
    uint64_t externref;
} petrel_valraw_t;
typedef void (*petrel_finalizer_t)(void * data);
typedef petrel_error_t * (*petrel_callback_t)(void * env, petrel_caller_t * caller, petrel_valraw_t * args_and_results, size_t nargs, size_t nresults);
typedef int64_t (*petrel_output_callback_t)(void * env, const uint8_t * data, size_t len);
#define PETREL_OPT_LEVEL_NONE 0
#define PETREL_OPT_LEVEL_SPEED 1
#define PETREL_OPT_LEVEL_SPEED_AND_SIZE 2
#define PETREL_TRAP_STACK_OVERFLOW 0
#define PETREL_TRAP_MEMORY_OUT_OF_BOUNDS 1
#define PETREL_TRAP_TABLE_OUT_OF_BOUNDS 2
#define PETREL_TRAP_INDIRECT_CALL_TO_NULL 3
#define PETREL_TRAP_BAD_SIGNATURE 4
#define PETREL_TRAP_INTEGER_OVERFLOW 5
#define PETREL_TRAP_INTEGER_DIVISION_BY_ZERO 6
#define PETREL_TRAP_BAD_CONVERSION_TO_INTEGER 7
#define PETREL_TRAP_UNREACHABLE 8
#define PETREL_TRAP_INTERRUPT 9
#define PETREL_TRAP_OUT_OF_FUEL 10
#define PETREL_TRAP_NULL_REFERENCE 11
#define PETREL_TRAP_UNKNOWN 255
#define PETREL_EXTERN_FUNC 0
#define PETREL_EXTERN_GLOBAL 1
#define PETREL_EXTERN_TABLE 2
#define PETREL_EXTERN_MEMORY 3
#define PETREL_I32 0
#define PETREL_I64 1
#define PETREL_F32 2
#define PETREL_F64 3
#define PETREL_V128 4
#define PETREL_FUNCREF 5
#define PETREL_EXTERNREF 6
#define PETREL_CONST 0
#define PETREL_VAR 1
#define PETREL_DIR_PERMS_READ 1
#define PETREL_DIR_PERMS_WRITE 2
#define PETREL_FILE_PERMS_READ 1
#define PETREL_FILE_PERMS_WRITE 2
petrel_error_t * petrel_config_new(petrel_config_t * * config_out);
void petrel_config_delete(petrel_config_t * config);
petrel_error_t * petrel_config_wasm_simd(petrel_config_t * config, bool enable);
petrel_error_t * petrel_config_wasm_reference_types(petrel_config_t * config, bool enable);
petrel_error_t * petrel_config_wasm_bulk_memory(petrel_config_t * config, bool enable);
petrel_error_t * petrel_config_wasm_multi_value(petrel_config_t * config, bool enable);
petrel_error_t * petrel_config_wasm_sign_extension(petrel_config_t * config, bool enable);
petrel_error_t * petrel_config_wasm_extended_const(petrel_config_t * config, bool enable);
petrel_error_t * petrel_config_wasm_wide_arithmetic(petrel_config_t * config, bool enable);
petrel_error_t * petrel_config_wasm_relaxed_simd(petrel_config_t * config, bool enable);
petrel_error_t * petrel_config_wasm_tail_call(petrel_config_t * config, bool enable);
petrel_error_t * petrel_config_wasm_multi_memory(petrel_config_t * config, bool enable);
petrel_error_t * petrel_config_wasm_memory64(petrel_config_t * config, bool enable);
petrel_error_t * petrel_config_wasm_custom_page_sizes(petrel_config_t * config, bool enable);
petrel_error_t * petrel_config_wasm_saturating_float_to_int(petrel_config_t * config, bool enable);
petrel_error_t * petrel_config_consume_fuel(petrel_config_t * config, bool enable);
petrel_error_t * petrel_config_epoch_interruption(petrel_config_t * config, bool enable);
petrel_error_t * petrel_config_parallel_compilation(petrel_config_t * config, bool enable);
petrel_error_t * petrel_config_static_memory_guard(petrel_config_t * config, bool enable);
petrel_error_t * petrel_config_pooling_allocator(petrel_config_t * config, const petrel_pooling_config_t * pooling);
petrel_error_t * petrel_config_memory_init_cow(petrel_config_t * config, bool enable);
petrel_error_t * petrel_config_cranelift_nan_canonicalization(petrel_config_t * config, bool enable);
petrel_error_t * petrel_config_cranelift_debug_verifier(petrel_config_t * config, bool enable);
petrel_error_t * petrel_config_target(petrel_config_t * config, const char * triple, size_t triple_len);
petrel_error_t * petrel_config_opt_level(petrel_config_t * config, petrel_opt_level_t level);
petrel_error_t * petrel_config_max_wasm_stack(petrel_config_t * config, size_t bytes);
petrel_error_t * petrel_config_module_key(petrel_config_t * config, const uint8_t * key, size_t key_len);
petrel_error_t * petrel_config_generate_module_key(petrel_config_t * config, petrel_bytes_t * key_out);
petrel_error_t * petrel_config_cache(petrel_config_t * config, const char * directory, size_t directory_len, const char * key_file, size_t key_file_len);
petrel_error_t * petrel_engine_cache_statistics(const petrel_engine_t * engine, uint64_t * hits_out, uint64_t * misses_out, uint64_t * rejected_out, bool * enabled_out);
petrel_error_t * petrel_engine_new(const petrel_config_t * config, petrel_engine_t * * engine_out);
petrel_error_t * petrel_engine_increment_epoch(const petrel_engine_t * engine);
petrel_error_t * petrel_engine_max_wasm_stack(const petrel_engine_t * engine, size_t * bytes_out);
void petrel_engine_delete(petrel_engine_t * engine);
petrel_error_t * petrel_error_new(const char * message, size_t message_len);
petrel_error_t * petrel_error_new_host(const char * message, size_t message_len, uint64_t tag);
petrel_error_t * petrel_error_new_trap(petrel_trap_code_t code);
const char * petrel_error_message(const petrel_error_t * error);
const petrel_trap_t * petrel_error_as_trap(const petrel_error_t * error);
bool petrel_error_host_tag(const petrel_error_t * error, uint64_t * tag_out);
bool petrel_error_exit_status(const petrel_error_t * error, int * status_out);
void petrel_error_delete(petrel_error_t * error);
petrel_trap_code_t petrel_trap_code(const petrel_trap_t * trap);
size_t petrel_trap_frame_count(const petrel_trap_t * trap);
bool petrel_trap_frame(const petrel_trap_t * trap, size_t index, petrel_frame_t * frame_out);
petrel_error_t * petrel_instance_new(petrel_store_t * store, const petrel_module_t * module, const petrel_extern_t * imports, size_t imports_len, petrel_instance_t * instance_out);
petrel_error_t * petrel_instance_export_get(petrel_store_t * store, petrel_instance_t instance, const char * name, size_t name_len, petrel_extern_t * item_out, bool * found_out);
petrel_error_t * petrel_instance_export_count(petrel_store_t * store, petrel_instance_t instance, size_t * count_out);
petrel_error_t * petrel_instance_export_nth(petrel_store_t * store, petrel_instance_t instance, size_t index, petrel_str_t * name_out, petrel_extern_t * item_out);
petrel_error_t * petrel_extern_type(petrel_store_t * store, petrel_extern_t item, petrel_externtype_t * * type_out);
petrel_error_t * petrel_memory_new(petrel_store_t * store, petrel_memorytype_t memorytype, petrel_memory_t * memory_out);
petrel_error_t * petrel_memory_type(petrel_store_t * store, petrel_memory_t memory, petrel_memorytype_t * memorytype_out);
petrel_error_t * petrel_memory_size(petrel_store_t * store, petrel_memory_t memory, uint64_t * pages_out);
petrel_error_t * petrel_memory_data(petrel_store_t * store, petrel_memory_t memory, uint8_t * * data_out, size_t * len_out);
petrel_error_t * petrel_memory_grow(petrel_store_t * store, petrel_memory_t memory, uint64_t delta, uint64_t * old_pages_out);
petrel_error_t * petrel_memory_read(petrel_store_t * store, petrel_memory_t memory, size_t offset, uint8_t * buf, size_t buf_len);
petrel_error_t * petrel_memory_write(petrel_store_t * store, petrel_memory_t memory, size_t offset, const uint8_t * buf, size_t buf_len);
petrel_error_t * petrel_table_new(petrel_store_t * store, petrel_tabletype_t tabletype, const petrel_val_t * init, petrel_table_t * table_out);
petrel_error_t * petrel_table_type(petrel_store_t * store, petrel_table_t table, petrel_tabletype_t * tabletype_out);
petrel_error_t * petrel_table_size(petrel_store_t * store, petrel_table_t table, uint32_t * size_out);
petrel_error_t * petrel_table_get(petrel_store_t * store, petrel_table_t table, uint32_t index, petrel_val_t * value_out);
petrel_error_t * petrel_table_set(petrel_store_t * store, petrel_table_t table, uint32_t index, const petrel_val_t * value);
petrel_error_t * petrel_table_grow(petrel_store_t * store, petrel_table_t table, uint32_t delta, const petrel_val_t * init, uint32_t * old_size_out);
petrel_error_t * petrel_global_new(petrel_store_t * store, petrel_globaltype_t globaltype, const petrel_val_t * value, petrel_global_t * global_out);
petrel_error_t * petrel_global_type(petrel_store_t * store, petrel_global_t global, petrel_globaltype_t * globaltype_out);
petrel_error_t * petrel_global_get(petrel_store_t * store, petrel_global_t global, petrel_val_t * value_out);
petrel_error_t * petrel_global_set(petrel_store_t * store, petrel_global_t global, const petrel_val_t * value);
petrel_error_t * petrel_externref_new(petrel_store_t * store, void * data, petrel_finalizer_t finalizer, petrel_externref_t * externref_out);
petrel_error_t * petrel_externref_data(petrel_store_t * store, petrel_externref_t externref, void * * data_out);
petrel_error_t * petrel_functype_new(const petrel_valkind_t * params, size_t params_len, const petrel_valkind_t * results, size_t results_len, petrel_functype_t * * functype_out);
petrel_error_t * petrel_functype_params(const petrel_functype_t * functype, const petrel_valkind_t * * params_out, size_t * params_len_out);
petrel_error_t * petrel_functype_results(const petrel_functype_t * functype, const petrel_valkind_t * * results_out, size_t * results_len_out);
void petrel_functype_delete(petrel_functype_t * functype);
petrel_error_t * petrel_func_new(petrel_store_t * store, const petrel_functype_t * functype, petrel_callback_t callback, void * env, petrel_finalizer_t finalizer, petrel_func_t * func_out);
petrel_error_t * petrel_func_type(petrel_store_t * store, petrel_func_t func, petrel_functype_t * * functype_out);
petrel_error_t * petrel_func_call(petrel_store_t * store, petrel_func_t func, const petrel_val_t * args, size_t args_len, petrel_val_t * results, size_t results_len);
petrel_error_t * petrel_func_call_raw(petrel_store_t * store, const petrel_func_t * func, petrel_valraw_t * args_and_results, size_t len);
petrel_error_t * petrel_linker_new(const petrel_engine_t * engine, petrel_linker_t * * linker_out);
void petrel_linker_delete(petrel_linker_t * linker);
petrel_error_t * petrel_linker_allow_shadowing(petrel_linker_t * linker, bool allow);
petrel_error_t * petrel_linker_define(petrel_linker_t * linker, petrel_store_t * store, const char * module, size_t module_len, const char * name, size_t name_len, petrel_extern_t item);
petrel_error_t * petrel_linker_define_func(petrel_linker_t * linker, const char * module, size_t module_len, const char * name, size_t name_len, const petrel_functype_t * functype, petrel_callback_t callback, void * env, petrel_finalizer_t finalizer);
petrel_error_t * petrel_linker_define_instance(petrel_linker_t * linker, petrel_store_t * store, const char * module, size_t module_len, petrel_instance_t instance);
petrel_error_t * petrel_linker_instantiate(const petrel_linker_t * linker, petrel_store_t * store, const petrel_module_t * module, petrel_instance_t * instance_out);
petrel_error_t * petrel_linker_get(const petrel_linker_t * linker, petrel_store_t * store, const char * module, size_t module_len, const char * name, size_t name_len, petrel_extern_t * item_out, bool * found_out);
petrel_error_t * petrel_linker_module(petrel_linker_t * linker, petrel_store_t * store, const char * name, size_t name_len, const petrel_module_t * module);
petrel_error_t * petrel_linker_get_default(const petrel_linker_t * linker, petrel_store_t * store, const char * name, size_t name_len, petrel_func_t * func_out);
petrel_error_t * petrel_linker_define_unknown_imports_as_traps(petrel_linker_t * linker, const petrel_module_t * module);
petrel_error_t * petrel_linker_define_unknown_imports_as_default_values(petrel_linker_t * linker, petrel_store_t * store, const petrel_module_t * module);
petrel_error_t * petrel_linker_instantiate_pre(const petrel_linker_t * linker, const petrel_module_t * module, petrel_instance_pre_t * * pre_out);
petrel_error_t * petrel_instance_pre_instantiate(const petrel_instance_pre_t * pre, petrel_store_t * store, petrel_instance_t * instance_out);
petrel_error_t * petrel_instance_pre_module(const petrel_instance_pre_t * pre, petrel_module_t * * module_out);
void petrel_instance_pre_delete(petrel_instance_pre_t * pre);
void petrel_bytes_delete(petrel_bytes_t * bytes);
petrel_error_t * petrel_wat2wasm(const char * wat, size_t wat_len, petrel_bytes_t * wasm_out);
petrel_error_t * petrel_module_new(const petrel_engine_t * engine, const uint8_t * bytes, size_t bytes_len, petrel_module_t * * module_out);
petrel_error_t * petrel_module_validate(const petrel_engine_t * engine, const uint8_t * bytes, size_t bytes_len);
petrel_error_t * petrel_module_serialize(const petrel_module_t * module, petrel_bytes_t * bytes_out);
petrel_error_t * petrel_module_deserialize(const petrel_engine_t * engine, const uint8_t * bytes, size_t bytes_len, petrel_module_t * * module_out);
petrel_error_t * petrel_module_name(const petrel_module_t * module, petrel_str_t * name_out);
petrel_error_t * petrel_module_import_count(const petrel_module_t * module, size_t * count_out);
petrel_error_t * petrel_module_import(const petrel_module_t * module, size_t index, petrel_str_t * module_name_out, petrel_str_t * name_out, petrel_externtype_t * * type_out);
petrel_error_t * petrel_module_export_count(const petrel_module_t * module, size_t * count_out);
petrel_error_t * petrel_module_export(const petrel_module_t * module, size_t index, petrel_str_t * name_out, petrel_externtype_t * * type_out);
void petrel_module_delete(petrel_module_t * module);
petrel_error_t * petrel_externtype_kind(const petrel_externtype_t * externtype, petrel_extern_kind_t * kind_out);
petrel_error_t * petrel_externtype_functype(const petrel_externtype_t * externtype, petrel_functype_t * * functype_out);
petrel_error_t * petrel_externtype_globaltype(const petrel_externtype_t * externtype, petrel_globaltype_t * globaltype_out);
petrel_error_t * petrel_externtype_tabletype(const petrel_externtype_t * externtype, petrel_tabletype_t * tabletype_out);
petrel_error_t * petrel_externtype_memorytype(const petrel_externtype_t * externtype, petrel_memorytype_t * memorytype_out);
void petrel_externtype_delete(petrel_externtype_t * externtype);
petrel_error_t * petrel_store_new(const petrel_engine_t * engine, void * data, petrel_finalizer_t finalizer, petrel_store_t * * store_out);
petrel_error_t * petrel_store_close(petrel_store_t * store);
petrel_error_t * petrel_store_delete(petrel_store_t * store);
petrel_error_t * petrel_store_id(const petrel_store_t * store, uint64_t * id_out);
petrel_error_t * petrel_store_data(petrel_store_t * store, void * * data_out);
petrel_error_t * petrel_store_set_fuel(petrel_store_t * store, uint64_t fuel);
petrel_error_t * petrel_store_get_fuel(petrel_store_t * store, uint64_t * fuel_out);
petrel_error_t * petrel_store_set_epoch_deadline(petrel_store_t * store, uint64_t ticks);
petrel_error_t * petrel_store_limiter(petrel_store_t * store, int64_t memory_size, int64_t table_elements, int64_t instances);
petrel_error_t * petrel_store_limits(petrel_store_t * store, int64_t memory_size, int64_t table_elements, int64_t instances, int64_t tables, int64_t memories);
petrel_error_t * petrel_store_gc(petrel_store_t * store);
petrel_error_t * petrel_caller_data(petrel_caller_t * caller, void * * data_out);
petrel_error_t * petrel_caller_export_get(petrel_caller_t * caller, const char * name, size_t name_len, petrel_extern_t * item_out, bool * found_out);
petrel_error_t * petrel_caller_store(petrel_caller_t * caller, petrel_store_t * * store_out);
petrel_error_t * petrel_wasi_config_new(petrel_wasi_config_t * * config_out);
void petrel_wasi_config_delete(petrel_wasi_config_t * config);
petrel_error_t * petrel_wasi_config_set_argv(petrel_wasi_config_t * config, const char * * argv, size_t argc);
petrel_error_t * petrel_wasi_config_inherit_argv(petrel_wasi_config_t * config);
petrel_error_t * petrel_wasi_config_set_env(petrel_wasi_config_t * config, const char * * names, const char * * values, size_t envc);
petrel_error_t * petrel_wasi_config_inherit_env(petrel_wasi_config_t * config);
petrel_error_t * petrel_wasi_config_set_stdin_bytes(petrel_wasi_config_t * config, const uint8_t * bytes, size_t bytes_len);
petrel_error_t * petrel_wasi_config_set_stdin_file(petrel_wasi_config_t * config, const char * path);
petrel_error_t * petrel_wasi_config_inherit_stdin(petrel_wasi_config_t * config);
petrel_error_t * petrel_wasi_config_set_stdout_file(petrel_wasi_config_t * config, const char * path);
petrel_error_t * petrel_wasi_config_inherit_stdout(petrel_wasi_config_t * config);
petrel_error_t * petrel_wasi_config_set_stdout_capture(petrel_wasi_config_t * config, size_t capacity);
petrel_error_t * petrel_wasi_config_set_stderr_file(petrel_wasi_config_t * config, const char * path);
petrel_error_t * petrel_wasi_config_inherit_stderr(petrel_wasi_config_t * config);
petrel_error_t * petrel_wasi_config_set_stderr_capture(petrel_wasi_config_t * config, size_t capacity);
petrel_error_t * petrel_wasi_config_preopen_dir(petrel_wasi_config_t * config, const char * host_path, const char * guest_path);
petrel_error_t * petrel_wasi_config_set_stdout_custom(petrel_wasi_config_t * config, petrel_output_callback_t callback, void * env, petrel_finalizer_t finalizer);
petrel_error_t * petrel_wasi_config_set_stderr_custom(petrel_wasi_config_t * config, petrel_output_callback_t callback, void * env, petrel_finalizer_t finalizer);
petrel_error_t * petrel_wasi_config_preopen_dir_with_perms(petrel_wasi_config_t * config, const char * host_path, const char * guest_path, petrel_dir_perms_t dir_perms, petrel_file_perms_t file_perms);
petrel_error_t * petrel_store_set_wasi(petrel_store_t * store, petrel_wasi_config_t * config);
petrel_error_t * petrel_linker_define_wasi(petrel_linker_t * linker);
petrel_error_t * petrel_store_wasi_stdout(petrel_store_t * store, petrel_bytes_t * contents_out);
petrel_error_t * petrel_store_wasi_stderr(petrel_store_t * store, petrel_bytes_t * contents_out);
"""
