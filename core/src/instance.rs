//! Instances: a module's functions, memories, tables and globals bound to
//! imports inside a store.
//!
//! Instantiation allocates the instance's `VMContext` (layout from
//! `VMOffsets`), fills it with pointers to the store-owned items, creates
//! the module's own memories, tables and globals, applies active element
//! and data segments in order (a trap there stops instantiation, keeping
//! the writes already done, as the spec requires), and runs the start
//! function.

use crate::environ::{
    ConstExpr, ConstOp, DataMode, ElementItems, ElementMode, EntityIndex, MemoryPlan,
};
use crate::externals::{Extern, Global, Memory, Table};
use crate::func::{Func, TypedFunc, WasmParams, WasmResults};
use crate::module::Module;
use crate::store::{AsContextMut, GlobalData, StoreOpaque, Stored};
use crate::trap::{Trap, TrapCode};
use crate::types::{ExternType, extern_type_matches};
use crate::vm::{self, VMContextAlloc, VMFuncRef, VMStore, ValRaw};
use anyhow::{Context, Result, anyhow, bail};

/// An instantiated module.
#[repr(C)]
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Instance(pub(crate) Stored);

/// The store's record of one instance.
pub(crate) struct InstanceData {
    pub(crate) module: Module,
    pub(crate) vmctx: VMContextAlloc,
    /// Store function index of each function, once a handle exists.
    pub(crate) funcs: Vec<Option<usize>>,
    pub(crate) memories: Vec<usize>,
    pub(crate) tables: Vec<usize>,
    pub(crate) globals: Vec<usize>,
    /// Store tag index of each tag.
    pub(crate) tags: Vec<usize>,
    pub(crate) dropped_data: Vec<bool>,
    pub(crate) dropped_elems: Vec<bool>,
    /// Its place in the engine's pool, for a pooling engine.
    pub(crate) _pool_permit: Option<vm::PoolPermit>,
}

impl InstanceData {
    /// Address of the `VMFuncRef` of function `func_index`.
    pub(crate) fn func_ref_address(&self, func_index: u32) -> usize {
        self.vmctx
            .read_usize(self.module.offsets().func_ref_ptr(func_index))
    }

    /// Which defined function's `VMFuncRef` lives at `func_ref`, if any.
    pub(crate) fn defined_func_index_of_ref(&self, func_ref: usize) -> Option<u32> {
        let info = self.module.info();
        let defined = info.num_defined_funcs();
        if defined == 0 || !self.vmctx.contains(func_ref) {
            return None;
        }
        let start = self
            .vmctx
            .address_of(self.module.offsets().defined_func_ref(0));
        let off = func_ref.checked_sub(start)?;
        let size = self.module.offsets().layout.size_of_func_ref() as usize;
        if off % size != 0 || off / size >= defined as usize {
            return None;
        }
        Some(info.num_imported_funcs + (off / size) as u32)
    }
}

/// Evaluates a constant expression in the context of an instance.
pub(crate) fn eval_const(
    store: &StoreOpaque,
    instance: &InstanceData,
    globals: &[usize],
    expr: &ConstExpr,
) -> Result<ValRaw> {
    let value = |op: &ConstOp| match op {
        ConstOp::I32(v) => Some(ValRaw::from_u32(*v as u32)),
        ConstOp::I64(v) => Some(ValRaw::from_u64(*v as u64)),
        ConstOp::F32(v) => Some(ValRaw::from_u32(*v)),
        ConstOp::F64(v) => Some(ValRaw::from_u64(*v)),
        ConstOp::V128(v) => Some(ValRaw::from_u128(*v)),
        ConstOp::GlobalGet(g) => Some(store.globals[globals[*g as usize]].storage.get()),
        ConstOp::RefNull => Some(ValRaw::from_u64(0)),
        ConstOp::RefFunc(f) => Some(ValRaw::from_u64(instance.func_ref_address(*f) as u64)),
        _ => None,
    };
    // Nearly every expression is one operator (an offset, a `ref.func`):
    // no stack for those.
    if let [op] = expr.0.as_slice()
        && let Some(v) = value(op)
    {
        return Ok(v);
    }
    let mut stack: Vec<ValRaw> = Vec::new();
    let pop = |stack: &mut Vec<ValRaw>| {
        stack
            .pop()
            .ok_or_else(|| anyhow!("bad constant expression"))
    };
    for op in &expr.0 {
        let v = match op {
            ConstOp::I32(_)
            | ConstOp::I64(_)
            | ConstOp::F32(_)
            | ConstOp::F64(_)
            | ConstOp::V128(_)
            | ConstOp::GlobalGet(_)
            | ConstOp::RefNull
            | ConstOp::RefFunc(_) => value(op).expect("a plain operand"),
            ConstOp::I32Add | ConstOp::I32Sub | ConstOp::I32Mul => {
                let b = pop(&mut stack)?.get_u32();
                let a = pop(&mut stack)?.get_u32();
                ValRaw::from_u32(match op {
                    ConstOp::I32Add => a.wrapping_add(b),
                    ConstOp::I32Sub => a.wrapping_sub(b),
                    _ => a.wrapping_mul(b),
                })
            }
            ConstOp::I64Add | ConstOp::I64Sub | ConstOp::I64Mul => {
                let b = pop(&mut stack)?.get_u64();
                let a = pop(&mut stack)?.get_u64();
                ValRaw::from_u64(match op {
                    ConstOp::I64Add => a.wrapping_add(b),
                    ConstOp::I64Sub => a.wrapping_sub(b),
                    _ => a.wrapping_mul(b),
                })
            }
        };
        stack.push(v);
    }
    pop(&mut stack)
}

/// The type of an item in the store, for import checking.
pub(crate) fn extern_type(store: &StoreOpaque, ext: &Extern) -> Result<ExternType> {
    Ok(match ext {
        Extern::Func(f) => ExternType::Func(store.funcs[store.check(f.0)?].ty.clone()),
        Extern::Global(g) => ExternType::Global(store.globals[store.check(g.0)?].ty),
        Extern::Table(t) => {
            let table = &store.tables[store.check(t.0)?];
            ExternType::Table(table.ty().with_minimum(table.size()))
        }
        Extern::Memory(m) => {
            let mem = &store.memories[store.check(m.0)?];
            ExternType::Memory(mem.ty().with_minimum(mem.pages()))
        }
        Extern::Tag(t) => ExternType::Tag(store.tags[store.check(t.0)?].clone()),
    })
}

/// Instantiates `module` in `store` with `imports` in import order.
pub(crate) fn instantiate(
    store: &mut dyn VMStore,
    module: &Module,
    imports: &[Extern],
) -> Result<Instance> {
    let opaque = store.opaque_mut();
    if !crate::Engine::same(module.engine(), &opaque.engine) {
        bail!("module was compiled by a different engine than the store's");
    }
    let info = module.info();
    if imports.len() != info.imports.len() {
        bail!(
            "expected {} imports, found {}",
            info.imports.len(),
            imports.len()
        );
    }
    for (import, ext) in info.imports.iter().zip(imports) {
        // A function matches when its signature id is the import's (ids
        // are engine-wide and equal exactly for equal types); other kinds,
        // and mismatches for the message, compare the types themselves.
        if let (EntityIndex::Func(i), Extern::Func(f)) = (import.index, ext) {
            let want = module.type_ids()[info.functions[i as usize] as usize];
            if opaque
                .funcs
                .get(opaque.check(f.0)?)
                .is_some_and(|d| d.type_id == want)
            {
                continue;
            }
        }
        let expected = info.entity_type(import.index, module.type_ids());
        let actual = extern_type(opaque, ext)?;
        if !extern_type_matches(&actual, &expected) {
            bail!(
                "incompatible import type for `{}::{}`: expected {}, found {}",
                import.module,
                import.name,
                expected,
                actual
            );
        }
    }
    let count = store.opaque_mut().instances.len();
    if let Some(limiter) = store.limiter() {
        let max = limiter.instances();
        if count >= max {
            bail!("resource limit exceeded: instance count too high (at most {max})");
        }
    }
    let new_memories = info.memories.len() - info.num_imported_memories as usize;
    let new_tables = info.tables.len() - info.num_imported_tables as usize;
    let (memories, tables) = {
        let o = store.opaque_mut();
        (o.memories.len(), o.tables.len())
    };
    if let Some(limiter) = store.limiter() {
        let (max_memories, max_tables) = (limiter.memories(), limiter.tables());
        if new_memories > 0 && memories + new_memories > max_memories {
            bail!("resource limit exceeded: memory count too high (at most {max_memories})");
        }
        if new_tables > 0 && tables + new_tables > max_tables {
            bail!("resource limit exceeded: table count too high (at most {max_tables})");
        }
    }
    let offsets = module.offsets().clone();
    // Limits for the module's own memories and tables.
    let in_bytes = |mem: &crate::MemoryType, pages: u64| {
        mem.pages_to_bytes(pages)
            .and_then(|b| usize::try_from(b).ok())
            .unwrap_or(usize::MAX)
    };
    for mem in &info.memories[info.num_imported_memories as usize..] {
        let bytes = in_bytes(mem, mem.minimum());
        let max = mem.maximum().map(|m| in_bytes(mem, m));
        if let Some(limiter) = store.limiter()
            && !limiter.memory_growing(0, bytes, max)?
        {
            bail!("resource limit exceeded: memory of {bytes} bytes refused by the limiter");
        }
    }
    for table in &info.tables[info.num_imported_tables as usize..] {
        let table = table.to_public(module.type_ids());
        if let Some(limiter) = store.limiter() {
            let count = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
            let min = count(table.minimum());
            if !limiter.table_growing(0, min, table.maximum().map(count))? {
                bail!("resource limit exceeded: table of {min} elements refused by the limiter");
            }
        }
    }

    let opaque = store.opaque_mut();
    let pool = opaque.engine.pool().cloned();
    let pool_permit = match &pool {
        Some(pool) => {
            let limits = pool.config();
            let memories = info.memories.len() - info.num_imported_memories as usize;
            let tables = info.tables.len() - info.num_imported_tables as usize;
            if memories > limits.max_memories_per_module as usize {
                bail!(
                    "the module defines {memories} memories; the pooling allocator allows {} per module",
                    limits.max_memories_per_module
                );
            }
            if tables > limits.max_tables_per_module as usize {
                bail!(
                    "the module defines {tables} tables; the pooling allocator allows {} per module",
                    limits.max_tables_per_module
                );
            }
            Some(pool.take_instance()?)
        }
        None => None,
    };
    let instance_index = opaque.instances.len();
    let mut vmctx = VMContextAlloc::new(offsets.size());
    let layout = offsets.layout;
    vmctx.write_usize(
        layout.vmctx_store_context(),
        opaque.vm_context().as_ptr().expose_provenance(),
    );
    vmctx.write_usize(
        layout.vmctx_builtin_functions(),
        (&raw const vm::libcalls::BUILTINS).expose_provenance(),
    );
    vmctx.write_usize(layout.vmctx_instance_index(), instance_index);
    for (i, id) in module.type_ids().iter().enumerate() {
        vmctx.write_u32(offsets.type_id(i as u32), *id);
    }

    let mut data = InstanceData {
        module: module.clone(),
        vmctx,
        funcs: vec![None; info.functions.len()],
        memories: Vec::new(),
        tables: Vec::new(),
        globals: Vec::new(),
        tags: Vec::new(),
        dropped_data: vec![false; info.data.len()],
        dropped_elems: vec![false; info.elements.len()],
        _pool_permit: pool_permit,
    };

    // Imports.
    for (import, ext) in info.imports.iter().zip(imports) {
        match (import.index, ext) {
            (EntityIndex::Func(i), Extern::Func(f)) => {
                let fi = f.0.index;
                data.vmctx
                    .write_usize(offsets.func_ref_ptr(i), opaque.funcs[fi].func_ref);
                data.funcs[i as usize] = Some(fi);
            }
            (EntityIndex::Memory(_), Extern::Memory(m)) => data.memories.push(m.0.index),
            (EntityIndex::Table(_), Extern::Table(t)) => data.tables.push(t.0.index),
            (EntityIndex::Global(_), Extern::Global(g)) => data.globals.push(g.0.index),
            (EntityIndex::Tag(_), Extern::Tag(t)) => data.tags.push(t.0.index),
            _ => unreachable!("import kinds were checked above"),
        }
    }

    // The module's own functions.
    for def in 0..info.num_defined_funcs() {
        let func_index = info.num_imported_funcs + def;
        let type_index = info.functions[func_index as usize];
        let vmctx_ptr = data.vmctx.as_ptr();
        let f = VMFuncRef {
            native_call: module.function_address(def as usize),
            array_call: module.trampoline_address(type_index),
            vmctx: vmctx_ptr,
            type_id: module.type_ids()[type_index as usize],
        };
        let at = data.vmctx.write_func_ref(offsets.defined_func_ref(def), f);
        data.vmctx
            .write_usize(offsets.func_ref_ptr(func_index), at as usize);
    }

    // Own memories and tables.
    let static_memory_guard = opaque.engine.config().static_memory_guard;
    let images = module.memory_images();
    let recycler = opaque.engine.recycler().clone();
    let source = match &pool {
        Some(pool) => vm::MemorySource::Pool(pool),
        None => vm::MemorySource::Recycler(&recycler),
    };
    for (def, mem) in info.memories[info.num_imported_memories as usize..]
        .iter()
        .enumerate()
    {
        let image = images[def].as_ref();
        let m = vm::LinearMemory::from_source(source, *mem, static_memory_guard, image)?;
        opaque.memories.push(m);
        data.memories.push(opaque.memories.len() - 1);
    }
    for table in &info.tables[info.num_imported_tables as usize..] {
        let table = table.to_public(module.type_ids());
        let allocated = match &pool {
            Some(pool) => vm::Table::in_pool(pool, table, 0)?,
            None => vm::Table::new(table, 0),
        };
        let allocated = allocated.with_context(|| {
            format!(
                "a table of {} elements cannot be allocated (at most {})",
                table.minimum(),
                vm::MAX_TABLE_ELEMENTS
            )
        })?;
        opaque.tables.push(allocated);
        data.tables.push(opaque.tables.len() - 1);
    }
    for (i, m) in data.memories.iter().enumerate() {
        let def = opaque.memories[*m].definition() as usize;
        data.vmctx.write_usize(offsets.memory_ptr(i as u32), def);
        let memory = &opaque.memories[*m];
        if memory.base_is_fixed() {
            data.vmctx
                .write_usize(offsets.memory_base(i as u32), memory.base() as usize);
        } else if MemoryPlan::new(&info.memories[i], static_memory_guard).base_is_fixed() {
            // The code reads the base from the copy above; an imported
            // memory matching the import's type always has the plan the
            // type gives, so this is a broken invariant, not bad input.
            bail!("imported memory {i} moves but the module was compiled for one that does not");
        }
    }
    for (i, t) in data.tables.iter().enumerate() {
        let def = opaque.tables[*t].definition() as usize;
        data.vmctx.write_usize(offsets.table_ptr(i as u32), def);
    }

    // Own globals, in order (an initialiser may read earlier globals).
    for (def, init) in info.global_inits.iter().enumerate() {
        let index = info.num_imported_globals as usize + def;
        let value = eval_const(opaque, &data, &data.globals, init)?;
        // In the instance's `VMContext`, where compiled code reaches it.
        let storage = data.vmctx.global(offsets.defined_global(def as u32), value);
        opaque.globals.push(GlobalData {
            ty: info.globals[index].to_public(module.type_ids()),
            storage,
        });
        data.globals.push(opaque.globals.len() - 1);
    }

    // Own tables' initialiser expressions (they may read globals).
    for (def, init) in info.table_inits.iter().enumerate() {
        let Some(init) = init else { continue };
        let value = eval_const(opaque, &data, &data.globals, init)?.get_u64() as usize;
        let t = data.tables[info.num_imported_tables as usize + def];
        opaque.tables[t].elements_mut().fill(value);
    }

    // Own tags: a new identity each.
    for &type_index in &info.tags[info.num_imported_tags as usize..] {
        let ty = crate::TagType::new(
            info.types[type_index as usize]
                .to_public(module.type_ids())
                .params()
                .iter()
                .copied(),
        );
        opaque.tags.push(ty);
        data.tags.push(opaque.tags.len() - 1);
    }
    for (i, g) in data.globals.iter().enumerate() {
        let def = opaque.globals[*g].storage.as_ptr() as usize;
        data.vmctx.write_usize(offsets.global_ptr(i as u32), def);
    }

    opaque.instances.push(data);
    let instance = Instance(Stored::new(opaque.id, instance_index));

    initialize_segments(opaque, instance_index)?;

    if let Some(start) = info.start {
        let f = opaque.instance_func(instance_index, start);
        let mut values = [ValRaw::default(); 1];
        // An imported host function as the start function sees the new
        // instance as its caller (its exports, memory included).
        vm::call::call_func_from(store, f.0.index, &mut values, Some(instance_index))?;
    }
    Ok(instance)
}

/// Evaluates the items of element segment `elem` of instance `instance`.
pub(crate) fn element_items(
    store: &StoreOpaque,
    instance: usize,
    elem: usize,
) -> Result<Vec<usize>> {
    let inst = &store.instances[instance];
    if inst.dropped_elems[elem] {
        return Ok(Vec::new());
    }
    let seg = &inst.module.info().elements[elem];
    match &seg.items {
        ElementItems::Functions(funcs) => Ok(funcs
            .iter()
            .map(|&f| match f {
                ElementItems::NULL => 0,
                f => inst.func_ref_address(f),
            })
            .collect()),
        ElementItems::Expressions(exprs) => exprs
            .iter()
            .map(|e| Ok(eval_const(store, inst, &inst.globals, e)?.get_u64() as usize))
            .collect(),
    }
}

/// Applies active element and data segments in order.
///
/// Memories with a copy-on-write image already hold their segments. When
/// a segment traps, those memories are put back in the state the trap
/// leaves them in without images (functions the failed instance put in an
/// imported table can still read them): zero, plus the segments before the
/// failing one.
fn initialize_segments(store: &mut StoreOpaque, instance: usize) -> Result<()> {
    let mut data_done = 0;
    let result = apply_segments(store, instance, &mut data_done);
    if result.is_err() {
        undo_images(store, instance, data_done)?;
    }
    result
}

/// Rewinds the image-backed memories of `instance` to "only the first
/// `data_done` data segments ran".
fn undo_images(store: &mut StoreOpaque, instance: usize, data_done: usize) -> Result<()> {
    let module = store.instances[instance].module.clone();
    let info = module.info();
    let images = module.memory_images();
    let num_imported = info.num_imported_memories as usize;
    for (def, image) in images.iter().enumerate() {
        let Some(image) = image else { continue };
        let index = num_imported + def;
        let m = store.instances[instance].memories[index];
        let memory = &mut store.memories[m];
        memory.clear_image(image)?;
        let segments = info.static_data_segments(index as u32).unwrap_or_default();
        let before = info.data[..data_done]
            .iter()
            .filter(
                |s| matches!(&s.mode, DataMode::Active { memory, .. } if *memory as usize == index),
            )
            .count();
        let bytes = memory.as_mut_slice();
        for (offset, seg) in segments.into_iter().take(before) {
            bytes[offset..offset + seg.len()].copy_from_slice(seg);
        }
    }
    Ok(())
}

/// Applies the segments, counting in `data_done` the data segments done.
fn apply_segments(store: &mut StoreOpaque, instance: usize, data_done: &mut usize) -> Result<()> {
    let module = store.instances[instance].module.clone();
    let info = module.info();
    for (i, seg) in info.elements.iter().enumerate() {
        match &seg.mode {
            ElementMode::Active { table, offset } => {
                let inst = &store.instances[instance];
                let offset = eval_const(store, inst, &inst.globals, offset)?;
                let offset = if info.tables[*table as usize].is_64 {
                    offset.get_u64()
                } else {
                    offset.get_u32().into()
                };
                let items = element_items(store, instance, i)?;
                let t = store.instances[instance].tables[*table as usize];
                let table = &mut store.tables[t];
                let Some(range) = segment_range(offset, items.len(), table.elements().len()) else {
                    return Err(Trap::new(TrapCode::TableOutOfBounds).into());
                };
                table.elements_mut()[range].copy_from_slice(&items);
                store.instances[instance].dropped_elems[i] = true;
            }
            ElementMode::Declared => store.instances[instance].dropped_elems[i] = true,
            ElementMode::Passive => {}
        }
    }
    let images = module.memory_images();
    let num_imported = info.num_imported_memories as usize;
    for (i, seg) in info.data.iter().enumerate() {
        *data_done = i;
        if let DataMode::Active { memory, offset } = &seg.mode {
            let mapped = (*memory as usize)
                .checked_sub(num_imported)
                .is_some_and(|def| images[def].is_some());
            if mapped {
                // Already in the memory: its image was mapped at creation.
                store.instances[instance].dropped_data[i] = true;
                continue;
            }
            let inst = &store.instances[instance];
            let offset = eval_const(store, inst, &inst.globals, offset)?;
            let offset = if info.memories[*memory as usize].is_64() {
                offset.get_u64()
            } else {
                offset.get_u32().into()
            };
            let m = inst.memories[*memory as usize];
            let mem = store.memories[m].as_mut_slice();
            let Some(range) = segment_range(offset, seg.data.len(), mem.len()) else {
                return Err(Trap::new(TrapCode::MemoryOutOfBounds).into());
            };
            mem[range].copy_from_slice(&seg.data);
            store.instances[instance].dropped_data[i] = true;
        }
    }
    *data_done = info.data.len();
    Ok(())
}

/// The range `[offset, offset + len)` when it lies within `size`.
fn segment_range(offset: u64, len: usize, size: usize) -> Option<std::ops::Range<usize>> {
    let start = usize::try_from(offset).ok()?;
    let end = start.checked_add(len)?;
    (end <= size).then_some(start..end)
}

impl Instance {
    /// Instantiates `module` with `imports` given in the module's import
    /// order.
    ///
    /// # Errors
    /// Link errors (wrong count or types of imports, another engine's
    /// module), resource limits, or a [`Trap`] from segment initialisation
    /// or the start function.
    pub fn new<S>(mut store: S, module: &Module, imports: &[Extern]) -> Result<Instance>
    where
        S: AsContextMut,
        S::Data: 'static,
    {
        let store = store.as_context_mut().0;
        instantiate_dyn(store, module, imports)
    }

    fn data<'a>(&self, store: &'a StoreOpaque) -> Result<&'a InstanceData> {
        Ok(&store.instances[store.check(self.0)?])
    }

    /// The export called `name`, or None (also for a wrong store).
    pub fn get_export(&self, mut store: impl AsContextMut, name: &str) -> Option<Extern> {
        let opaque = &mut store.as_context_mut().0.opaque;
        self.export(opaque, name).ok().flatten()
    }

    pub(crate) fn export(&self, opaque: &mut StoreOpaque, name: &str) -> Result<Option<Extern>> {
        let index = opaque.check(self.0)?;
        let data = &opaque.instances[index];
        let Some(entity) = data.module.export_index(name) else {
            return Ok(None);
        };
        let id = opaque.id;
        Ok(Some(match entity {
            EntityIndex::Func(f) => Extern::Func(opaque.instance_func(index, f)),
            EntityIndex::Memory(m) => {
                Extern::Memory(Memory(Stored::new(id, data.memories[m as usize])))
            }
            EntityIndex::Table(t) => Extern::Table(Table(Stored::new(id, data.tables[t as usize]))),
            EntityIndex::Global(g) => {
                Extern::Global(Global(Stored::new(id, data.globals[g as usize])))
            }
            EntityIndex::Tag(t) => Extern::Tag(crate::Tag(Stored::new(id, data.tags[t as usize]))),
        }))
    }

    /// The exported function `name`.
    pub fn get_func(&self, store: impl AsContextMut, name: &str) -> Option<Func> {
        self.get_export(store, name)?.into_func()
    }

    /// The exported memory `name`.
    pub fn get_memory(&self, store: impl AsContextMut, name: &str) -> Option<Memory> {
        self.get_export(store, name)?.into_memory()
    }

    /// The exported table `name`.
    pub fn get_table(&self, store: impl AsContextMut, name: &str) -> Option<Table> {
        self.get_export(store, name)?.into_table()
    }

    /// The exported global `name`.
    pub fn get_global(&self, store: impl AsContextMut, name: &str) -> Option<Global> {
        self.get_export(store, name)?.into_global()
    }

    /// The exported function `name` with a static signature.
    ///
    /// # Errors
    /// When there is no such function or its type differs from `P -> R`.
    pub fn get_typed_func<P: WasmParams, R: WasmResults>(
        &self,
        mut store: impl AsContextMut,
        name: &str,
    ) -> Result<TypedFunc<P, R>> {
        let f = self
            .get_func(&mut store, name)
            .ok_or_else(|| anyhow!("no exported function `{name}`"))?;
        f.typed(&store)
    }

    /// All exports, in the module's order.
    pub fn exports(&self, mut store: impl AsContextMut) -> Vec<(String, Extern)> {
        let opaque = &mut store.as_context_mut().0.opaque;
        let Ok(data) = self.data(opaque) else {
            return Vec::new();
        };
        let names: Vec<String> = data
            .module
            .info()
            .exports
            .iter()
            .map(|e| e.name.clone())
            .collect();
        names
            .into_iter()
            .filter_map(|n| {
                let e = self.export(opaque, &n).ok().flatten()?;
                Some((n, e))
            })
            .collect()
    }

    /// The module this instance was made from.
    pub fn module<'a, T: 'a>(
        &self,
        store: impl Into<crate::StoreContext<'a, T>>,
    ) -> Result<&'a Module> {
        let store = store.into().0;
        Ok(&store.opaque.instances[store.opaque.check(self.0)?].module)
    }
}

/// Instantiation entry for any store.
pub(crate) fn instantiate_dyn<T: 'static>(
    store: &mut crate::store::StoreInner<T>,
    module: &Module,
    imports: &[Extern],
) -> Result<Instance> {
    instantiate(store, module, imports)
}
