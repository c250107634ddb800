//! Memories, tables and globals as the embedder sees them, and [`Extern`],
//! any importable item.

use crate::func::Func;
use crate::store::{AsContext, AsContextMut, GlobalData, StoreContext, Stored};
use crate::trap::{Trap, TrapCode};
use crate::types::{GlobalType, MemoryType, Mutability, TableType, TagType};
use crate::values::{Ref, Val};
use crate::vm::{self, GlobalStorage, VMStore};
use anyhow::{Context, Result, bail};

/// Any item an instance can import or export.
#[derive(Copy, Clone, Debug, PartialEq)]
pub enum Extern {
    /// A function.
    Func(Func),
    /// A global.
    Global(Global),
    /// A table.
    Table(Table),
    /// A memory.
    Memory(Memory),
    /// An exception-handling tag.
    Tag(Tag),
}

impl Extern {
    /// The function, if this is one.
    pub fn into_func(self) -> Option<Func> {
        if let Extern::Func(f) = self {
            Some(f)
        } else {
            None
        }
    }
    /// The global, if this is one.
    pub fn into_global(self) -> Option<Global> {
        if let Extern::Global(g) = self {
            Some(g)
        } else {
            None
        }
    }
    /// The table, if this is one.
    pub fn into_table(self) -> Option<Table> {
        if let Extern::Table(t) = self {
            Some(t)
        } else {
            None
        }
    }
    /// The memory, if this is one.
    pub fn into_memory(self) -> Option<Memory> {
        if let Extern::Memory(m) = self {
            Some(m)
        } else {
            None
        }
    }
    /// The tag, if this is one.
    pub fn into_tag(self) -> Option<Tag> {
        if let Extern::Tag(t) = self {
            Some(t)
        } else {
            None
        }
    }
    /// The item's type.
    ///
    /// # Errors
    /// When the item belongs to another store.
    pub fn ty(&self, store: impl AsContext) -> Result<crate::ExternType> {
        crate::instance::extern_type(&store.as_context().0.opaque, self)
    }
}

impl From<Func> for Extern {
    fn from(f: Func) -> Extern {
        Extern::Func(f)
    }
}
impl From<Global> for Extern {
    fn from(g: Global) -> Extern {
        Extern::Global(g)
    }
}
impl From<Table> for Extern {
    fn from(t: Table) -> Extern {
        Extern::Table(t)
    }
}
impl From<Memory> for Extern {
    fn from(m: Memory) -> Extern {
        Extern::Memory(m)
    }
}
impl From<Tag> for Extern {
    fn from(t: Tag) -> Extern {
        Extern::Tag(t)
    }
}

/// An exception-handling tag owned by a store: an identity with a type.
/// Modules define, import and export tags (with
/// [`Config::wasm_exceptions`](crate::Config::wasm_exceptions)); an import
/// of a tag takes exactly a tag of the same type, and two tags of one type
/// are still different tags.
#[repr(C)]
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Tag(pub(crate) Stored);

impl Tag {
    /// Creates a new tag of type `ty`.
    pub fn new(mut store: impl AsContextMut, ty: &TagType) -> Tag {
        let o = &mut store.as_context_mut().0.opaque;
        o.tags.push(ty.clone());
        Tag(Stored::new(o.id, o.tags.len() - 1))
    }

    /// The tag's type.
    ///
    /// # Errors
    /// When the handle belongs to another store.
    pub fn ty(&self, store: impl AsContext) -> Result<TagType> {
        let s = store.as_context();
        let o = &s.0.opaque;
        Ok(o.tags[o.check(self.0)?].clone())
    }
}

/// A linear memory owned by a store.
#[repr(C)]
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Memory(pub(crate) Stored);

/// Grows memory `index` by `delta` pages, consulting the limiter; the old
/// size in pages, or None when the growth is refused.
pub(crate) fn grow_memory(
    store: &mut dyn VMStore,
    index: usize,
    delta: u64,
) -> Result<Option<u64>> {
    let mem = &store.opaque_mut().memories[index];
    let ty = mem.ty();
    let old = mem.pages();
    let max = ty
        .maximum()
        .unwrap_or(u64::MAX)
        .min(ty.absolute_maximum_pages());
    let Some(new) = old.checked_add(delta) else {
        return Ok(None);
    };
    if new > max {
        return Ok(None);
    }
    if delta == 0 {
        return Ok(Some(old));
    }
    let bytes = |pages: u64| {
        ty.pages_to_bytes(pages)
            .and_then(|b| usize::try_from(b).ok())
    };
    let Some(want) = bytes(new) else {
        return Ok(None);
    };
    let declared_max = ty.maximum().map(|m| bytes(m).unwrap_or(usize::MAX));
    if let Some(limiter) = store.limiter() {
        let cur = mem_bytes(old, &ty);
        if !limiter.memory_growing(cur, want, declared_max)? {
            return Ok(None);
        }
    }
    match store.opaque_mut().memories[index].grow_to(new) {
        Ok(()) => Ok(Some(old)),
        Err(_) => Ok(None),
    }
}

/// `pages` of memory type `ty` in bytes (saturating: only sizes that
/// exist are passed).
fn mem_bytes(pages: u64, ty: &MemoryType) -> usize {
    ty.pages_to_bytes(pages)
        .and_then(|b| usize::try_from(b).ok())
        .unwrap_or(usize::MAX)
}

impl Memory {
    /// Creates a memory of `ty.minimum()` pages.
    ///
    /// # Errors
    /// Invalid limits (a maximum below the minimum, beyond the index
    /// space) or page size, refused by the limiter, or out of host memory.
    pub fn new<S>(mut store: S, ty: MemoryType) -> Result<Memory>
    where
        S: AsContextMut,
        S::Data: 'static,
    {
        let inner = store.as_context_mut().0;
        if let Some(max) = ty.maximum()
            && max < ty.minimum()
        {
            bail!("memory maximum is below its minimum");
        }
        // The builder checks page size and limits against the index type.
        let ty = MemoryType::builder()
            .min(ty.minimum())
            .max(ty.maximum())
            .memory64(ty.is_64())
            .page_size_log2(ty.page_size_log2())
            .build()?;
        let bytes = mem_bytes(ty.minimum(), &ty);
        let max = ty.maximum().map(|m| mem_bytes(m, &ty));
        let count = inner.opaque.memories.len();
        if let Some(limiter) = VMStore::limiter(inner) {
            let most = limiter.memories();
            if count >= most {
                bail!("resource limit exceeded: memory count too high (at most {most})");
            }
            if !limiter.memory_growing(0, bytes, max)? {
                bail!("resource limit exceeded: memory of {bytes} bytes refused by the limiter");
            }
        }
        let opaque = &mut inner.opaque;
        let guard = opaque.engine.config().static_memory_guard;
        let m = match opaque.engine.pool() {
            Some(pool) => {
                vm::LinearMemory::from_source(vm::MemorySource::Pool(pool), ty, guard, None)?
            }
            None => vm::LinearMemory::new(ty, guard)?,
        };
        opaque.memories.push(m);
        Ok(Memory(Stored::new(opaque.id, opaque.memories.len() - 1)))
    }

    fn get<'a, T: 'a>(&self, store: &'a StoreContext<'_, T>) -> Result<&'a vm::LinearMemory> {
        let o = &store.0.opaque;
        Ok(&o.memories[o.check(self.0)?])
    }

    /// The memory's type (index type, page size, maximum), with its
    /// current size as minimum.
    pub fn ty(&self, store: impl AsContext) -> Result<MemoryType> {
        let s = store.as_context();
        let m = self.get(&s)?;
        Ok(m.ty().with_minimum(m.pages()))
    }

    /// Current size in pages of the memory's page size (0 for a handle of
    /// another store).
    pub fn size(&self, store: impl AsContext) -> u64 {
        let s = store.as_context();
        self.get(&s).map(|m| m.pages()).unwrap_or(0)
    }

    /// The memory's page size in bytes: 65536, or 1 for byte-sized pages
    /// (0 for a handle of another store).
    pub fn page_size(&self, store: impl AsContext) -> u64 {
        let s = store.as_context();
        self.get(&s).map(|m| m.ty().page_size()).unwrap_or(0)
    }

    /// Current size in bytes (0 for a handle of another store).
    pub fn data_size(&self, store: impl AsContext) -> usize {
        let s = store.as_context();
        self.get(&s).map(|m| m.byte_size()).unwrap_or(0)
    }

    /// Grows by `delta` pages (of the memory's page size) and returns the
    /// old size in pages.
    ///
    /// # Errors
    /// Beyond the maximum, refused by the limiter, or out of host memory.
    /// Growth may move a memory created without a guard region, and a
    /// 64-bit memory whose maximum is absent or above 4 GiB: re-fetch
    /// [`Memory::data`] or [`Memory::data_ptr`] after growing.
    pub fn grow<S>(&self, mut store: S, delta: u64) -> Result<u64>
    where
        S: AsContextMut,
        S::Data: 'static,
    {
        let inner = store.as_context_mut().0;
        let index = inner.opaque.check(self.0)?;
        match grow_memory(inner, index, delta)? {
            Some(old) => Ok(old),
            None => bail!("failed to grow memory by {delta} pages"),
        }
    }

    /// The memory's bytes (empty for a handle of another store).
    pub fn data<'a, T: 'a>(&self, store: impl Into<StoreContext<'a, T>>) -> &'a [u8] {
        let store = store.into().0;
        match store.opaque.check(self.0) {
            Ok(i) => store.opaque.memories[i].as_slice(),
            Err(_) => &[],
        }
    }

    /// The memory's bytes, writable (empty for a handle of another store).
    pub fn data_mut<'a, T: 'a>(
        &self,
        store: impl Into<crate::StoreContextMut<'a, T>>,
    ) -> &'a mut [u8] {
        let store = store.into().0;
        match store.opaque.check(self.0) {
            Ok(i) => store.opaque.memories[i].as_mut_slice(),
            Err(_) => &mut [],
        }
    }

    /// The memory's bytes, writable, together with the store's data: a
    /// host function can then read and write guest memory while updating
    /// its own state (empty bytes for a handle of another store).
    pub fn data_and_store_mut<'a, T: 'a>(
        &self,
        store: impl Into<crate::StoreContextMut<'a, T>>,
    ) -> (&'a mut [u8], &'a mut T) {
        let store = store.into().0;
        let bytes: &'a mut [u8] = match store.opaque.check(self.0) {
            Ok(i) => store.opaque.memories[i].as_mut_slice(),
            Err(_) => &mut [],
        };
        (bytes, &mut store.data)
    }

    /// Address of byte 0. Valid until the memory grows (a memory with a
    /// guard region never moves, unless it is 64-bit without a maximum of
    /// at most 4 GiB) or the store is dropped.
    pub fn data_ptr(&self, store: impl AsContext) -> *mut u8 {
        let s = store.as_context();
        self.get(&s)
            .map(|m| m.base())
            .unwrap_or(std::ptr::null_mut())
    }

    /// Copies `buf.len()` bytes from `offset` into `buf`.
    ///
    /// # Errors
    /// Out of bounds, or a handle of another store.
    pub fn read(&self, store: impl AsContext, offset: usize, buf: &mut [u8]) -> Result<()> {
        let s = store.as_context();
        let data = self.get(&s)?.as_slice();
        let end = offset.checked_add(buf.len());
        match end.and_then(|e| data.get(offset..e)) {
            Some(src) => {
                buf.copy_from_slice(src);
                Ok(())
            }
            None => Err(Trap::new(TrapCode::MemoryOutOfBounds).into()),
        }
    }

    /// Copies `buf` into memory at `offset`.
    ///
    /// # Errors
    /// Out of bounds, or a handle of another store.
    pub fn write(&self, mut store: impl AsContextMut, offset: usize, buf: &[u8]) -> Result<()> {
        let inner = store.as_context_mut().0;
        let index = inner.opaque.check(self.0)?;
        let data = inner.opaque.memories[index].as_mut_slice();
        let end = offset.checked_add(buf.len());
        match end.and_then(|e| data.get_mut(offset..e)) {
            Some(dst) => {
                dst.copy_from_slice(buf);
                Ok(())
            }
            None => Err(Trap::new(TrapCode::MemoryOutOfBounds).into()),
        }
    }
}

impl<'a, T> From<&'a mut crate::Store<T>> for crate::StoreContextMut<'a, T> {
    fn from(s: &'a mut crate::Store<T>) -> Self {
        crate::StoreContextMut(&mut s.inner)
    }
}
impl<'a, T> From<&'a mut crate::Caller<'_, T>> for crate::StoreContextMut<'a, T> {
    fn from(s: &'a mut crate::Caller<'_, T>) -> Self {
        crate::StoreContextMut(s.store)
    }
}
impl<'a, 'b, T> From<&'a mut crate::StoreContextMut<'b, T>> for crate::StoreContextMut<'a, T> {
    fn from(s: &'a mut crate::StoreContextMut<'b, T>) -> Self {
        crate::StoreContextMut(s.0)
    }
}

/// A table owned by a store.
#[repr(C)]
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Table(pub(crate) Stored);

/// Converts a reference to a table element, checking its type and store.
fn ref_to_elem(store: &crate::store::StoreOpaque, ty: crate::RefType, r: &Ref) -> Result<usize> {
    let val = Val::from(*r);
    store
        .check_val(&val, ty.into())
        .with_context(|| format!("table of {ty}"))?;
    Ok(store.val_to_raw(&val)?.get_u64() as usize)
}

/// Grows table `index` by `delta`, consulting the limiter; the old size,
/// or None when refused.
pub(crate) fn grow_table(
    store: &mut dyn VMStore,
    index: usize,
    delta: u64,
    init: usize,
) -> Result<Option<u64>> {
    let table = &store.opaque_mut().tables[index];
    let old = table.size();
    let max = table
        .ty()
        .maximum()
        .unwrap_or(u64::MAX)
        .min(table.ty().absolute_maximum());
    let Some(new) = old.checked_add(delta) else {
        return Ok(None);
    };
    if new > max {
        return Ok(None);
    }
    let declared_max = table.ty().maximum().map(saturating_usize);
    if delta > 0
        && let Some(limiter) = store.limiter()
        && !limiter.table_growing(saturating_usize(old), saturating_usize(new), declared_max)?
    {
        return Ok(None);
    }
    if !store.opaque_mut().tables[index].grow(delta, init) {
        return Ok(None);
    }
    Ok(Some(old))
}

/// `n` as a `usize`, saturating (element counts for the limiter).
fn saturating_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

impl Table {
    /// Creates a table of `ty.minimum()` elements set to `init`.
    ///
    /// # Errors
    /// A maximum below the minimum, a 32-bit table with limits beyond
    /// `u32`, a wrong reference type, refused by the limiter, or more
    /// elements than a table may have.
    pub fn new<S>(mut store: S, ty: TableType, init: Ref) -> Result<Table>
    where
        S: AsContextMut,
        S::Data: 'static,
    {
        let inner = store.as_context_mut().0;
        let init = ref_to_elem(&inner.opaque, ty.element(), &init)?;
        if let Some(max) = ty.maximum()
            && max < ty.minimum()
        {
            bail!("table maximum is below its minimum");
        }
        if ty.minimum() > ty.absolute_maximum()
            || ty.maximum().is_some_and(|m| m > ty.absolute_maximum())
        {
            bail!("table limits exceed the 32-bit index space");
        }
        let count = inner.opaque.tables.len();
        if let Some(limiter) = VMStore::limiter(inner) {
            let most = limiter.tables();
            if count >= most {
                bail!("resource limit exceeded: table count too high (at most {most})");
            }
            let min = saturating_usize(ty.minimum());
            if !limiter.table_growing(0, min, ty.maximum().map(saturating_usize))? {
                bail!("resource limit exceeded: table of {min} elements refused by the limiter");
            }
        }
        let opaque = &mut inner.opaque;
        let table = match opaque.engine.pool() {
            Some(pool) => vm::Table::in_pool(pool, ty, init)?,
            None => vm::Table::new(ty, init),
        };
        let table = table.with_context(|| {
            format!(
                "a table of {} elements cannot be allocated (at most {})",
                ty.minimum(),
                vm::MAX_TABLE_ELEMENTS
            )
        })?;
        opaque.tables.push(table);
        Ok(Table(Stored::new(opaque.id, opaque.tables.len() - 1)))
    }

    /// The table's type, with its current size as minimum.
    pub fn ty(&self, store: impl AsContext) -> Result<TableType> {
        let s = store.as_context();
        let o = &s.0.opaque;
        let t = &o.tables[o.check(self.0)?];
        Ok(t.ty().with_minimum(t.size()))
    }

    /// Number of elements (0 for a handle of another store).
    pub fn size(&self, store: impl AsContext) -> u64 {
        let s = store.as_context();
        let o = &s.0.opaque;
        o.check(self.0).map(|i| o.tables[i].size()).unwrap_or(0)
    }

    /// Element `index`; None when out of bounds or of another store.
    pub fn get(&self, mut store: impl AsContextMut, index: u64) -> Option<Ref> {
        let o = &mut store.as_context_mut().0.opaque;
        let i = o.check(self.0).ok()?;
        let t = &o.tables[i];
        let raw = t.get(index)?;
        Some(if t.ty().element().is_func() {
            Ref::Func(o.func_from_ref(raw))
        } else {
            Ref::Extern(match raw {
                0 => None,
                id => Some(crate::ExternRef(Stored::new(o.id, id - 1))),
            })
        })
    }

    /// Sets element `index`.
    ///
    /// # Errors
    /// Out of bounds, wrong reference type, or another store's handle.
    pub fn set(&self, mut store: impl AsContextMut, index: u64, value: Ref) -> Result<()> {
        let o = &mut store.as_context_mut().0.opaque;
        let i = o.check(self.0)?;
        let raw = ref_to_elem(o, o.tables[i].ty().element(), &value)?;
        if !o.tables[i].set(index, raw) {
            return Err(Trap::new(TrapCode::TableOutOfBounds).into());
        }
        Ok(())
    }

    /// Grows by `delta` elements set to `init`; returns the old size.
    ///
    /// # Errors
    /// Beyond the maximum, refused by the limiter, wrong reference type.
    pub fn grow<S>(&self, mut store: S, delta: u64, init: Ref) -> Result<u64>
    where
        S: AsContextMut,
        S::Data: 'static,
    {
        let inner = store.as_context_mut().0;
        let i = inner.opaque.check(self.0)?;
        let raw = ref_to_elem(&inner.opaque, inner.opaque.tables[i].ty().element(), &init)?;
        match grow_table(inner, i, delta, raw)? {
            Some(old) => Ok(old),
            None => bail!("failed to grow table by {delta} elements"),
        }
    }
}

/// A global owned by a store.
#[repr(C)]
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Global(pub(crate) Stored);

impl Global {
    /// Creates a global of type `ty` holding `value`.
    ///
    /// # Errors
    /// When `value` does not have the global's content type or belongs to
    /// another store.
    pub fn new(mut store: impl AsContextMut, ty: GlobalType, value: Val) -> Result<Global> {
        let o = &mut store.as_context_mut().0.opaque;
        o.check_val(&value, ty.content())
            .with_context(|| format!("global of type {}", ty.content()))?;
        let raw = o.val_to_raw(&value)?;
        o.globals.push(GlobalData {
            ty,
            storage: GlobalStorage::new(raw),
        });
        Ok(Global(Stored::new(o.id, o.globals.len() - 1)))
    }

    /// The global's type.
    pub fn ty(&self, store: impl AsContext) -> Result<GlobalType> {
        let s = store.as_context();
        let o = &s.0.opaque;
        Ok(o.globals[o.check(self.0)?].ty)
    }

    /// The current value.
    ///
    /// # Errors
    /// When the handle belongs to another store.
    pub fn get(&self, mut store: impl AsContextMut) -> Result<Val> {
        let o = &mut store.as_context_mut().0.opaque;
        let i = o.check(self.0)?;
        let g = &o.globals[i];
        let (raw, ty) = (g.storage.get(), g.ty.content());
        Ok(o.raw_to_val(raw, ty))
    }

    /// Sets the value.
    ///
    /// # Errors
    /// An immutable global, a value of the wrong type, or another store's
    /// handle.
    pub fn set(&self, mut store: impl AsContextMut, value: Val) -> Result<()> {
        let o = &mut store.as_context_mut().0.opaque;
        let i = o.check(self.0)?;
        let ty = o.globals[i].ty;
        if ty.mutability() != Mutability::Var {
            bail!("cannot set an immutable global");
        }
        o.check_val(&value, ty.content())
            .with_context(|| format!("global of type {}", ty.content()))?;
        let raw = o.val_to_raw(&value)?;
        o.globals[i].storage.set(raw);
        Ok(())
    }
}
