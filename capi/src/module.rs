//! Modules: compile (binary or text), validate, serialize, and the types
//! of imports and exports; plus `petrel_wat2wasm` and owned byte buffers.

use crate::engine::{engine_ref, petrel_engine_t};
use crate::error::{petrel_error_t, petrel_str_t};
use crate::func::petrel_functype_t;
use crate::util::{Out, guard, guard_void, obj, slice};
use crate::val::{
    PETREL_EXTERN_FUNC, PETREL_EXTERN_GLOBAL, PETREL_EXTERN_MEMORY, PETREL_EXTERN_TABLE,
    petrel_extern_kind_t, petrel_globaltype_t, petrel_memorytype_t, petrel_tabletype_t,
};
use anyhow::{Context, bail};
use petrel::{ExternType, Module};
use std::ffi::c_char;

/// A compiled module. Owned: free with `petrel_module_delete`. Safe to use
/// from several threads; instances keep what they need of it.
pub struct petrel_module_t(pub(crate) Module);

/// The type of an import or export. Owned: free with
/// `petrel_externtype_delete`.
pub struct petrel_externtype_t(pub(crate) ExternType);

/// Bytes owned by Petrel (a serialized module, a wasm binary): `len`
/// bytes at `data`. Free with `petrel_bytes_delete`.
#[repr(C)]
pub struct petrel_bytes_t {
    /// The first byte (NULL when empty or freed).
    pub data: *mut u8,
    /// Number of bytes.
    pub len: usize,
}

impl petrel_bytes_t {
    pub(crate) fn from_vec(v: Vec<u8>) -> petrel_bytes_t {
        let b = v.into_boxed_slice();
        let len = b.len();
        petrel_bytes_t {
            data: Box::into_raw(b).cast::<u8>(),
            len,
        }
    }
}

/// Frees the bytes of `bytes` and sets it to empty. NULL, or already
/// empty bytes, are ignored.
///
/// # Safety
/// `bytes` is NULL or bytes filled in by Petrel and not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_bytes_delete(bytes: *mut petrel_bytes_t) {
    guard_void(|| {
        // SAFETY: the caller guarantees `bytes` is NULL or Petrel's bytes.
        let Some(b) = (unsafe { bytes.as_mut() }) else {
            return;
        };
        if !b.data.is_null() {
            let slice = std::ptr::slice_from_raw_parts_mut(b.data, b.len);
            // SAFETY: made by `Box::into_raw` of a boxed slice of this
            // length in `from_vec`, freed once (then set to NULL).
            drop(unsafe { Box::from_raw(slice) });
        }
        b.data = std::ptr::null_mut();
        b.len = 0;
    });
}

/// Translates WebAssembly text to the binary format.
///
/// # Safety
/// `wat` points to `wat_len` bytes; `wasm_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_wat2wasm(
    wat: *const c_char,
    wat_len: usize,
    wasm_out: *mut petrel_bytes_t,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `wasm_out` is writable.
        let out = unsafe { Out::new(wasm_out, "wasm_out")? };
        // SAFETY: the caller guarantees the buffer.
        let text = unsafe { crate::util::str(wat, wat_len, "wat")? };
        let wasm = wat::parse_str(text).context("failed to parse WebAssembly text")?;
        out.set(petrel_bytes_t::from_vec(wasm));
        Ok(())
    })
}

/// Compiles a module from the binary or the text format.
///
/// # Safety
/// `engine` is a live engine; `bytes` points to `bytes_len` bytes;
/// `module_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_module_new(
    engine: *const petrel_engine_t,
    bytes: *const u8,
    bytes_len: usize,
    module_out: *mut *mut petrel_module_t,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `module_out` is writable.
        let out = unsafe { Out::new(module_out, "module_out")? };
        // SAFETY: live per the precondition.
        let engine = unsafe { engine_ref(engine)? };
        // SAFETY: the caller guarantees the buffer.
        let bytes = unsafe { slice(bytes, bytes_len, "bytes")? };
        let module = Module::new(engine, bytes)?;
        out.set(Box::into_raw(Box::new(petrel_module_t(module))));
        Ok(())
    })
}

/// Validates a module in the binary format without compiling it.
///
/// # Safety
/// `engine` is a live engine; `bytes` points to `bytes_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_module_validate(
    engine: *const petrel_engine_t,
    bytes: *const u8,
    bytes_len: usize,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: live per the precondition.
        let engine = unsafe { engine_ref(engine)? };
        // SAFETY: the caller guarantees the buffer.
        let bytes = unsafe { slice(bytes, bytes_len, "bytes")? };
        Module::validate(engine, bytes)
    })
}

/// Serializes the compiled module into `bytes_out` (free it with
/// `petrel_bytes_delete`), sealed with the engine's module key (see
/// `petrel_config_module_key`).
///
/// # Safety
/// `module` is a live module; `bytes_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_module_serialize(
    module: *const petrel_module_t,
    bytes_out: *mut petrel_bytes_t,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `bytes_out` is writable.
        let out = unsafe { Out::new(bytes_out, "bytes_out")? };
        // SAFETY: live per the precondition.
        let m = unsafe { obj(module, "module")? };
        out.set(petrel_bytes_t::from_vec(m.0.serialize()?));
        Ok(())
    })
}

/// Loads a module written by `petrel_module_serialize`. Safe for any
/// bytes: before anything is decoded or mapped, their MAC is verified with
/// the engine's module key (see `petrel_config_module_key`), so only bytes
/// sealed by this engine, or by one configured with the same key, load; the
/// Petrel build and engine settings must match too. The error of a refused
/// module names the reason: not a compiled Petrel module, truncated,
/// another artifact format version, "authentication failed" (modified, or
/// sealed with another key), or a different Petrel version or engine
/// configuration.
///
/// # Safety
/// `engine` is a live engine; `bytes` points to `bytes_len` bytes;
/// `module_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_module_deserialize(
    engine: *const petrel_engine_t,
    bytes: *const u8,
    bytes_len: usize,
    module_out: *mut *mut petrel_module_t,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `module_out` is writable.
        let out = unsafe { Out::new(module_out, "module_out")? };
        // SAFETY: live per the precondition.
        let engine = unsafe { engine_ref(engine)? };
        // SAFETY: the caller guarantees the buffer.
        let bytes = unsafe { slice(bytes, bytes_len, "bytes")? };
        let module = Module::deserialize(engine, bytes)?;
        out.set(Box::into_raw(Box::new(petrel_module_t(module))));
        Ok(())
    })
}

/// The module's name from its name section (data NULL when it has none),
/// borrowed from the module.
///
/// # Safety
/// `module` is a live module; `name_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_module_name(
    module: *const petrel_module_t,
    name_out: *mut petrel_str_t,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `name_out` is writable.
        let out = unsafe { Out::new(name_out, "name_out")? };
        // SAFETY: live per the precondition.
        let m = unsafe { obj(module, "module")? };
        out.set(petrel_str_t::from_opt(m.0.name()));
        Ok(())
    })
}

/// Number of imports of the module.
///
/// # Safety
/// `module` is a live module; `count_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_module_import_count(
    module: *const petrel_module_t,
    count_out: *mut usize,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `count_out` is writable.
        let out = unsafe { Out::new(count_out, "count_out")? };
        // SAFETY: live per the precondition.
        out.set(unsafe { obj(module, "module")? }.0.imports().len());
        Ok(())
    })
}

/// Import `index`: its module and field names (borrowed from the module)
/// and its type (owned by the caller).
///
/// # Safety
/// `module` is a live module; the out-parameters are writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_module_import(
    module: *const petrel_module_t,
    index: usize,
    module_name_out: *mut petrel_str_t,
    name_out: *mut petrel_str_t,
    type_out: *mut *mut petrel_externtype_t,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees the out-parameters are writable.
        let (a, b, c) = unsafe {
            (
                Out::new(module_name_out, "module_name_out")?,
                Out::new(name_out, "name_out")?,
                Out::new(type_out, "type_out")?,
            )
        };
        // SAFETY: live per the precondition.
        let m = unsafe { obj(module, "module")? };
        let Some(i) = m.0.imports().nth(index) else {
            bail!(
                "import index {index} out of range ({} imports)",
                m.0.imports().len()
            );
        };
        a.set(petrel_str_t::from_str(i.module()));
        b.set(petrel_str_t::from_str(i.name()));
        c.set(Box::into_raw(Box::new(petrel_externtype_t(i.ty()))));
        Ok(())
    })
}

/// Number of exports of the module.
///
/// # Safety
/// `module` is a live module; `count_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_module_export_count(
    module: *const petrel_module_t,
    count_out: *mut usize,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `count_out` is writable.
        let out = unsafe { Out::new(count_out, "count_out")? };
        // SAFETY: live per the precondition.
        out.set(unsafe { obj(module, "module")? }.0.exports().len());
        Ok(())
    })
}

/// Export `index`: its name (borrowed from the module) and its type
/// (owned by the caller).
///
/// # Safety
/// `module` is a live module; the out-parameters are writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_module_export(
    module: *const petrel_module_t,
    index: usize,
    name_out: *mut petrel_str_t,
    type_out: *mut *mut petrel_externtype_t,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees the out-parameters are writable.
        let (b, c) = unsafe {
            (
                Out::new(name_out, "name_out")?,
                Out::new(type_out, "type_out")?,
            )
        };
        // SAFETY: live per the precondition.
        let m = unsafe { obj(module, "module")? };
        let Some(e) = m.0.exports().nth(index) else {
            bail!(
                "export index {index} out of range ({} exports)",
                m.0.exports().len()
            );
        };
        b.set(petrel_str_t::from_str(e.name()));
        c.set(Box::into_raw(Box::new(petrel_externtype_t(e.ty()))));
        Ok(())
    })
}

/// Frees a module. Instances made from it keep working. NULL is ignored.
///
/// # Safety
/// `module` is NULL or a live module not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_module_delete(module: *mut petrel_module_t) {
    guard_void(|| {
        if !module.is_null() {
            // SAFETY: made by `Box::into_raw` in this file, freed once.
            drop(unsafe { Box::from_raw(module) });
        }
    });
}

/// The kind of the item (`PETREL_EXTERN_*`).
///
/// # Safety
/// `externtype` is a live extern type; `kind_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_externtype_kind(
    externtype: *const petrel_externtype_t,
    kind_out: *mut petrel_extern_kind_t,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `kind_out` is writable.
        let out = unsafe { Out::new(kind_out, "kind_out")? };
        // SAFETY: live per the precondition.
        let t = unsafe { obj(externtype, "externtype")? };
        out.set(match t.0 {
            ExternType::Func(_) => PETREL_EXTERN_FUNC,
            ExternType::Global(_) => PETREL_EXTERN_GLOBAL,
            ExternType::Table(_) => PETREL_EXTERN_TABLE,
            ExternType::Memory(_) => PETREL_EXTERN_MEMORY,
            ExternType::Tag(_) => {
                bail!("the C API cannot represent an exception-handling tag yet")
            }
        });
        Ok(())
    })
}

/// The function type of a function item (owned by the caller); an error
/// for another kind.
///
/// # Safety
/// `externtype` is a live extern type; `functype_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_externtype_functype(
    externtype: *const petrel_externtype_t,
    functype_out: *mut *mut petrel_functype_t,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `functype_out` is writable.
        let out = unsafe { Out::new(functype_out, "functype_out")? };
        // SAFETY: live per the precondition.
        let t = unsafe { obj(externtype, "externtype")? };
        match t.0.func() {
            Some(f) => out.set(petrel_functype_t::boxed(f.clone())?),
            None => bail!("not a function type but a {}", t.0.kind_name()),
        }
        Ok(())
    })
}

/// The global type of a global item; an error for another kind.
///
/// # Safety
/// `externtype` is a live extern type; `globaltype_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_externtype_globaltype(
    externtype: *const petrel_externtype_t,
    globaltype_out: *mut petrel_globaltype_t,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `globaltype_out` is writable.
        let out = unsafe { Out::new(globaltype_out, "globaltype_out")? };
        // SAFETY: live per the precondition.
        let t = unsafe { obj(externtype, "externtype")? };
        match t.0.global() {
            Some(g) => out.set(petrel_globaltype_t::from_core(g)?),
            None => bail!("not a global type but a {}", t.0.kind_name()),
        }
        Ok(())
    })
}

/// The table type of a table item; an error for another kind.
///
/// # Safety
/// `externtype` is a live extern type; `tabletype_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_externtype_tabletype(
    externtype: *const petrel_externtype_t,
    tabletype_out: *mut petrel_tabletype_t,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `tabletype_out` is writable.
        let out = unsafe { Out::new(tabletype_out, "tabletype_out")? };
        // SAFETY: live per the precondition.
        let t = unsafe { obj(externtype, "externtype")? };
        match t.0.table() {
            Some(x) => out.set(petrel_tabletype_t::from_core(x)?),
            None => bail!("not a table type but a {}", t.0.kind_name()),
        }
        Ok(())
    })
}

/// The memory type of a memory item; an error for another kind.
///
/// # Safety
/// `externtype` is a live extern type; `memorytype_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_externtype_memorytype(
    externtype: *const petrel_externtype_t,
    memorytype_out: *mut petrel_memorytype_t,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `memorytype_out` is writable.
        let out = unsafe { Out::new(memorytype_out, "memorytype_out")? };
        // SAFETY: live per the precondition.
        let t = unsafe { obj(externtype, "externtype")? };
        match t.0.memory() {
            Some(x) => out.set(petrel_memorytype_t::from_core(x)),
            None => bail!("not a memory type but a {}", t.0.kind_name()),
        }
        Ok(())
    })
}

/// Frees an extern type. NULL is ignored.
///
/// # Safety
/// `externtype` is NULL or a live extern type not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_externtype_delete(externtype: *mut petrel_externtype_t) {
    guard_void(|| {
        if !externtype.is_null() {
            // SAFETY: made by `Box::into_raw` in this crate, freed once.
            drop(unsafe { Box::from_raw(externtype) });
        }
    });
}
