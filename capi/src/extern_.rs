//! Store items other than functions: instances, memories, tables,
//! globals and extern references, plus the type of any item.

use crate::error::{petrel_error_t, petrel_str_t};
use crate::module::{petrel_externtype_t, petrel_module_t};
use crate::store::{Finalized, petrel_finalizer_t, petrel_store_t, with_store};
use crate::util::{Out, guard, obj, slice, slice_mut};
use crate::val::*;
use anyhow::{Result, anyhow, bail};
use petrel::{ExternRef, Global, Instance, Memory, Table};
use std::ffi::{c_char, c_void};

/// Instantiates `module` in `store` with `imports` given in the module's
/// import order.
///
/// # Errors
/// A wrong number or type of imports, an item of another store, resource
/// limits, or a trap from the start function or segment initialisation.
///
/// # Safety
/// `store` is a live store, `module` a live module; `imports` points to
/// `imports_len` items; `instance_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_instance_new(
    store: *mut petrel_store_t,
    module: *const petrel_module_t,
    imports: *const petrel_extern_t,
    imports_len: usize,
    instance_out: *mut petrel_instance_t,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `instance_out` is writable.
        let out = unsafe { Out::new(instance_out, "instance_out")? };
        // SAFETY: live per the precondition.
        let module = unsafe { obj(module, "module")? };
        // SAFETY: the caller guarantees the buffer.
        let imports = unsafe { slice(imports, imports_len, "imports")? };
        // SAFETY: live per the precondition.
        let inst = unsafe {
            with_store(store, |mut cx| {
                let imports = imports
                    .iter()
                    .map(|i| i.to_core(&cx))
                    .collect::<Result<Vec<_>>>()?;
                Instance::new(&mut cx, &module.0, &imports)
            })?
        };
        out.set(inst.into());
        Ok(())
    })
}

/// The export `name` of `instance`; `found_out` is false when there is none.
///
/// # Safety
/// `store` is a live store; `name` points to `name_len` bytes; the
/// out-parameters are writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_instance_export_get(
    store: *mut petrel_store_t,
    instance: petrel_instance_t,
    name: *const c_char,
    name_len: usize,
    item_out: *mut petrel_extern_t,
    found_out: *mut bool,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees the out-parameters are writable.
        let (item_out, found_out) = unsafe {
            (
                Out::new(item_out, "item_out")?,
                Out::new(found_out, "found_out")?,
            )
        };
        // SAFETY: the caller guarantees the buffer.
        let name = unsafe { crate::util::str(name, name_len, "name")? };
        // SAFETY: live per the precondition.
        let item = unsafe {
            with_store(store, |mut cx| {
                let i = instance.get(&cx)?;
                Ok(i.get_export(&mut cx, name))
            })?
        };
        match item {
            Some(e) => {
                item_out.set(petrel_extern_t::from_core(e)?);
                found_out.set(true);
            }
            None => found_out.set(false),
        }
        Ok(())
    })
}

/// Number of exports of `instance`.
///
/// # Safety
/// `store` is a live store; `count_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_instance_export_count(
    store: *mut petrel_store_t,
    instance: petrel_instance_t,
    count_out: *mut usize,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `count_out` is writable.
        let out = unsafe { Out::new(count_out, "count_out")? };
        // SAFETY: live per the precondition.
        let n = unsafe {
            with_store(store, |cx| {
                Ok(instance.get(&cx)?.module(&cx)?.exports().len())
            })?
        };
        out.set(n);
        Ok(())
    })
}

/// Export `index` of `instance`: its name (borrowed: valid while the store
/// lives) and the item.
///
/// # Safety
/// `store` is a live store; the out-parameters are writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_instance_export_nth(
    store: *mut petrel_store_t,
    instance: petrel_instance_t,
    index: usize,
    name_out: *mut petrel_str_t,
    item_out: *mut petrel_extern_t,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees the out-parameters are writable.
        let (name_out, item_out) = unsafe {
            (
                Out::new(name_out, "name_out")?,
                Out::new(item_out, "item_out")?,
            )
        };
        // SAFETY: live per the precondition.
        let (name, item) = unsafe {
            with_store(store, |mut cx| {
                let i = instance.get(&cx)?;
                let module = i.module(&cx)?;
                let Some(e) = module.exports().nth(index) else {
                    bail!(
                        "export index {index} out of range ({} exports)",
                        module.exports().len()
                    );
                };
                // The module is kept alive by the instance, so its name
                // strings stay valid while the store lives.
                let name = petrel_str_t::from_str(e.name());
                let n = e.name().to_string();
                let item = i
                    .get_export(&mut cx, &n)
                    .ok_or_else(|| anyhow!("export `{n}` vanished"))?;
                Ok((name, item))
            })?
        };
        let item = petrel_extern_t::from_core(item)?;
        name_out.set(name);
        item_out.set(item);
        Ok(())
    })
}

/// The type of any item of `store`, in `type_out` (owned by the caller).
///
/// # Safety
/// `store` is a live store; `type_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_extern_type(
    store: *mut petrel_store_t,
    item: petrel_extern_t,
    type_out: *mut *mut petrel_externtype_t,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `type_out` is writable.
        let out = unsafe { Out::new(type_out, "type_out")? };
        // SAFETY: live per the precondition.
        let ty = unsafe { with_store(store, |cx| item.to_core(&cx)?.ty(&cx))? };
        out.set(Box::into_raw(Box::new(petrel_externtype_t(ty))));
        Ok(())
    })
}

/// Creates a memory of type `memorytype` in `store`.
///
/// # Safety
/// `store` is a live store; `memory_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_memory_new(
    store: *mut petrel_store_t,
    memorytype: petrel_memorytype_t,
    memory_out: *mut petrel_memory_t,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `memory_out` is writable.
        let out = unsafe { Out::new(memory_out, "memory_out")? };
        let ty = memorytype.to_core()?;
        // SAFETY: live per the precondition.
        let m = unsafe { with_store(store, |cx| Memory::new(cx, ty))? };
        out.set(m.into());
        Ok(())
    })
}

/// The memory's type, with its current size as the minimum.
///
/// # Safety
/// `store` is a live store; `memorytype_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_memory_type(
    store: *mut petrel_store_t,
    memory: petrel_memory_t,
    memorytype_out: *mut petrel_memorytype_t,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `memorytype_out` is writable.
        let out = unsafe { Out::new(memorytype_out, "memorytype_out")? };
        // SAFETY: live per the precondition.
        let ty = unsafe { with_store(store, |cx| memory.get(&cx)?.ty(&cx))? };
        out.set(petrel_memorytype_t::from_core(&ty));
        Ok(())
    })
}

/// The memory's size in pages of its page size (64 KiB, or one byte for a
/// memory of `page_size` 1).
///
/// # Safety
/// `store` is a live store; `pages_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_memory_size(
    store: *mut petrel_store_t,
    memory: petrel_memory_t,
    pages_out: *mut u64,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `pages_out` is writable.
        let out = unsafe { Out::new(pages_out, "pages_out")? };
        // SAFETY: live per the precondition.
        out.set(unsafe { with_store(store, |cx| Ok(memory.get(&cx)?.size(&cx)))? });
        Ok(())
    })
}

/// The memory's bytes: `len_out` bytes at `data_out`, readable and
/// writable without copies. Valid until the memory grows (a memory with a
/// guard region, the default, never moves, but its length changes; a
/// 64-bit memory without a maximum of at most 4 GiB may move) or the store
/// is deleted; fetch them again after any call that may grow memory.
///
/// @borrowed data_out
///
/// # Safety
/// `store` is a live store; the out-parameters are writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_memory_data(
    store: *mut petrel_store_t,
    memory: petrel_memory_t,
    data_out: *mut *mut u8,
    len_out: *mut usize,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees the out-parameters are writable.
        let (d, l) = unsafe {
            (
                Out::new(data_out, "data_out")?,
                Out::new(len_out, "len_out")?,
            )
        };
        // SAFETY: live per the precondition.
        let (ptr, len) = unsafe {
            with_store(store, |cx| {
                let m = memory.get(&cx)?;
                Ok((m.data_ptr(&cx), m.data_size(&cx)))
            })?
        };
        d.set(ptr);
        l.set(len);
        Ok(())
    })
}

/// Grows the memory by `delta` pages (of its page size); the old size in
/// pages goes to `old_pages_out`.
///
/// # Errors
/// Beyond the maximum, refused by the store's limiter, or out of memory.
///
/// # Safety
/// `store` is a live store; `old_pages_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_memory_grow(
    store: *mut petrel_store_t,
    memory: petrel_memory_t,
    delta: u64,
    old_pages_out: *mut u64,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `old_pages_out` is writable.
        let out = unsafe { Out::new(old_pages_out, "old_pages_out")? };
        // SAFETY: live per the precondition.
        out.set(unsafe { with_store(store, |mut cx| memory.get(&cx)?.grow(&mut cx, delta))? });
        Ok(())
    })
}

/// Copies `buf_len` bytes from the memory at `offset` into `buf`.
///
/// # Errors
/// Out of bounds (a `PETREL_TRAP_MEMORY_OUT_OF_BOUNDS` trap).
///
/// # Safety
/// `store` is a live store; `buf` points to `buf_len` writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_memory_read(
    store: *mut petrel_store_t,
    memory: petrel_memory_t,
    offset: usize,
    buf: *mut u8,
    buf_len: usize,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees the buffer.
        let buf = unsafe { slice_mut(buf, buf_len, "buf")? };
        // SAFETY: live per the precondition.
        unsafe { with_store(store, |cx| memory.get(&cx)?.read(&cx, offset, buf)) }
    })
}

/// Copies `buf_len` bytes from `buf` into the memory at `offset`.
///
/// # Errors
/// Out of bounds (a `PETREL_TRAP_MEMORY_OUT_OF_BOUNDS` trap).
///
/// # Safety
/// `store` is a live store; `buf` points to `buf_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_memory_write(
    store: *mut petrel_store_t,
    memory: petrel_memory_t,
    offset: usize,
    buf: *const u8,
    buf_len: usize,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees the buffer.
        let buf = unsafe { slice(buf, buf_len, "buf")? };
        // SAFETY: live per the precondition.
        unsafe { with_store(store, |mut cx| memory.get(&cx)?.write(&mut cx, offset, buf)) }
    })
}

/// Creates a table of type `tabletype` with every element set to `*init`
/// (a reference of the table's element kind).
///
/// # Safety
/// `store` is a live store; `init` points to a value; `table_out` is
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_table_new(
    store: *mut petrel_store_t,
    tabletype: petrel_tabletype_t,
    init: *const petrel_val_t,
    table_out: *mut petrel_table_t,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `table_out` is writable.
        let out = unsafe { Out::new(table_out, "table_out")? };
        // SAFETY: the caller guarantees `init` points to a value.
        let init = unsafe { obj(init, "init")? };
        let ty = tabletype.to_core()?;
        // SAFETY: live per the precondition.
        let t = unsafe {
            with_store(store, |cx| {
                let init = init.to_ref(&cx)?;
                Table::new(cx, ty, init)
            })?
        };
        out.set(t.into());
        Ok(())
    })
}

/// The table's type, with its current size as the minimum.
///
/// # Safety
/// `store` is a live store; `tabletype_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_table_type(
    store: *mut petrel_store_t,
    table: petrel_table_t,
    tabletype_out: *mut petrel_tabletype_t,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `tabletype_out` is writable.
        let out = unsafe { Out::new(tabletype_out, "tabletype_out")? };
        // SAFETY: live per the precondition.
        let ty = unsafe { with_store(store, |cx| table.get(&cx)?.ty(&cx))? };
        out.set(petrel_tabletype_t::from_core(&ty)?);
        Ok(())
    })
}

/// The table's size in elements.
///
/// # Safety
/// `store` is a live store; `size_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_table_size(
    store: *mut petrel_store_t,
    table: petrel_table_t,
    size_out: *mut u32,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `size_out` is writable.
        let out = unsafe { Out::new(size_out, "size_out")? };
        // SAFETY: live per the precondition.
        let size = unsafe { with_store(store, |cx| Ok(table.get(&cx)?.size(&cx)))? };
        // A table has at most 10,000,000 elements, whatever its index type.
        out.set(u32::try_from(size)?);
        Ok(())
    })
}

/// Element `index` of the table.
///
/// # Errors
/// Out of bounds (a `PETREL_TRAP_TABLE_OUT_OF_BOUNDS` trap).
///
/// # Safety
/// `store` is a live store; `value_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_table_get(
    store: *mut petrel_store_t,
    table: petrel_table_t,
    index: u32,
    value_out: *mut petrel_val_t,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `value_out` is writable.
        let out = unsafe { Out::new(value_out, "value_out")? };
        // SAFETY: live per the precondition.
        let r = unsafe {
            with_store(store, |mut cx| {
                Ok(table.get(&cx)?.get(&mut cx, u64::from(index)))
            })?
        };
        match r {
            Some(r) => out.set(petrel_val_t::from_core(&r.into())),
            None => return Err(petrel::Trap::new(petrel::TrapCode::TableOutOfBounds).into()),
        }
        Ok(())
    })
}

/// Sets element `index` of the table to `*value`.
///
/// # Errors
/// Out of bounds, a value of the wrong kind, or of another store.
///
/// # Safety
/// `store` is a live store; `value` points to a value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_table_set(
    store: *mut petrel_store_t,
    table: petrel_table_t,
    index: u32,
    value: *const petrel_val_t,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `value` points to a value.
        let value = unsafe { obj(value, "value")? };
        // SAFETY: live per the precondition.
        unsafe {
            with_store(store, |mut cx| {
                let t = table.get(&cx)?;
                let r = value.to_ref(&cx)?;
                t.set(&mut cx, u64::from(index), r)
            })
        }
    })
}

/// Grows the table by `delta` elements set to `*init`; the old size goes
/// to `old_size_out`.
///
/// # Safety
/// `store` is a live store; `init` points to a value; `old_size_out` is
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_table_grow(
    store: *mut petrel_store_t,
    table: petrel_table_t,
    delta: u32,
    init: *const petrel_val_t,
    old_size_out: *mut u32,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `old_size_out` is writable.
        let out = unsafe { Out::new(old_size_out, "old_size_out")? };
        // SAFETY: the caller guarantees `init` points to a value.
        let init = unsafe { obj(init, "init")? };
        // SAFETY: live per the precondition.
        let old = unsafe {
            with_store(store, |mut cx| {
                let t = table.get(&cx)?;
                let r = init.to_ref(&cx)?;
                t.grow(&mut cx, u64::from(delta), r)
            })?
        };
        out.set(u32::try_from(old)?);
        Ok(())
    })
}

/// Creates a global of type `globaltype` holding `*value`.
///
/// # Safety
/// `store` is a live store; `value` points to a value; `global_out` is
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_global_new(
    store: *mut petrel_store_t,
    globaltype: petrel_globaltype_t,
    value: *const petrel_val_t,
    global_out: *mut petrel_global_t,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `global_out` is writable.
        let out = unsafe { Out::new(global_out, "global_out")? };
        // SAFETY: the caller guarantees `value` points to a value.
        let value = unsafe { obj(value, "value")? };
        let ty = globaltype.to_core()?;
        // SAFETY: live per the precondition.
        let g = unsafe {
            with_store(store, |cx| {
                let v = value.to_core(&cx)?;
                Global::new(cx, ty, v)
            })?
        };
        out.set(g.into());
        Ok(())
    })
}

/// The global's type.
///
/// # Safety
/// `store` is a live store; `globaltype_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_global_type(
    store: *mut petrel_store_t,
    global: petrel_global_t,
    globaltype_out: *mut petrel_globaltype_t,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `globaltype_out` is writable.
        let out = unsafe { Out::new(globaltype_out, "globaltype_out")? };
        // SAFETY: live per the precondition.
        let ty = unsafe { with_store(store, |cx| global.get(&cx)?.ty(&cx))? };
        out.set(petrel_globaltype_t::from_core(&ty)?);
        Ok(())
    })
}

/// The global's value.
///
/// # Safety
/// `store` is a live store; `value_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_global_get(
    store: *mut petrel_store_t,
    global: petrel_global_t,
    value_out: *mut petrel_val_t,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `value_out` is writable.
        let out = unsafe { Out::new(value_out, "value_out")? };
        // SAFETY: live per the precondition.
        let v = unsafe { with_store(store, |mut cx| global.get(&cx)?.get(&mut cx))? };
        out.set(petrel_val_t::from_core(&v));
        Ok(())
    })
}

/// Sets the global's value.
///
/// # Errors
/// An immutable global, a value of the wrong kind, or of another store.
///
/// # Safety
/// `store` is a live store; `value` points to a value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_global_set(
    store: *mut petrel_store_t,
    global: petrel_global_t,
    value: *const petrel_val_t,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `value` points to a value.
        let value = unsafe { obj(value, "value")? };
        // SAFETY: live per the precondition.
        unsafe {
            with_store(store, |mut cx| {
                let g = global.get(&cx)?;
                let v = value.to_core(&cx)?;
                g.set(&mut cx, v)
            })
        }
    })
}

/// Creates a reference to host `data` in `store`; `finalizer` (may be
/// NULL) is called with `data` when the store is deleted, or earlier when
/// `petrel_store_gc` finds no global or table holding the reference (the
/// handle is invalid then).
///
/// # Safety
/// `store` is a live store; `externref_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_externref_new(
    store: *mut petrel_store_t,
    data: *mut c_void,
    finalizer: petrel_finalizer_t,
    externref_out: *mut petrel_externref_t,
) -> *mut petrel_error_t {
    let value = Finalized { data, finalizer };
    guard(move || {
        // SAFETY: the caller guarantees `externref_out` is writable.
        let out = unsafe { Out::new(externref_out, "externref_out")? };
        // SAFETY: live per the precondition.
        let r = unsafe { with_store(store, |cx| Ok(ExternRef::new(cx, value)))? };
        out.set(r.into());
        Ok(())
    })
}

/// The data pointer of an extern reference made by `petrel_externref_new`.
///
/// @borrowed data_out
///
/// # Safety
/// `store` is a live store; `data_out` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn petrel_externref_data(
    store: *mut petrel_store_t,
    externref: petrel_externref_t,
    data_out: *mut *mut c_void,
) -> *mut petrel_error_t {
    guard(|| {
        // SAFETY: the caller guarantees `data_out` is writable.
        let out = unsafe { Out::new(data_out, "data_out")? };
        // SAFETY: live per the precondition.
        let data = unsafe {
            with_store(store, |cx| {
                let r = externref.get(&cx)?;
                let any = r.data(&cx)?;
                match any.downcast_ref::<Finalized>() {
                    Some(f) => Ok(f.data),
                    None => bail!("this extern reference was not made by the C API"),
                }
            })?
        };
        out.set(data);
        Ok(())
    })
}
