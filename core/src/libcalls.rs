//! The safe implementations of the builtins compiled code calls (see
//! `environ::builtins` for the list and `vm::libcalls` for the entries).
//! Each gets the store and the index of the calling instance, and returns
//! its result or the reason to trap.

use crate::externals::{grow_memory, grow_table};
use crate::instance::element_items;
use crate::trap::{Pending, Trap, TrapCode};
use crate::vm::VMStore;

type Outcome = Result<u32, Pending>;

const OK: Outcome = Ok(1);

fn trap(code: TrapCode) -> Outcome {
    Err(Pending::Trap(code))
}

/// `[start, start + len)` lies within `size`.
fn in_bounds(start: u64, len: u64, size: usize) -> bool {
    start.checked_add(len).is_some_and(|end| end <= size as u64)
}

/// `memory.grow`: the old size, or `u64::MAX` (-1) when refused.
pub fn memory_grow(
    store: &mut dyn VMStore,
    instance: usize,
    memory: u32,
    delta: u64,
) -> Result<u64, Pending> {
    let index = store.opaque_mut().instances[instance].memories[memory as usize];
    match grow_memory(store, index, delta) {
        Ok(Some(old)) => Ok(old),
        // A limiter's error refuses like `Ok(false)` (see
        // `ResourceLimiter::memory_growing`).
        Ok(None) | Err(_) => Ok(u64::MAX),
    }
}

/// `memory.init`.
pub fn memory_init(
    store: &mut dyn VMStore,
    instance: usize,
    memory: u32,
    data: u32,
    dst: u64,
    src: u32,
    len: u32,
) -> Outcome {
    let o = store.opaque_mut();
    let inst = &o.instances[instance];
    let segment: &[u8] = if inst.dropped_data[data as usize] {
        &[]
    } else {
        &inst.module.info().data[data as usize].data
    };
    let module = inst.module.clone();
    let index = inst.memories[memory as usize];
    let seg_len = segment.len();
    let memory = o.memories[index].as_mut_slice();
    if !in_bounds(u64::from(src), u64::from(len), seg_len)
        || !in_bounds(dst, u64::from(len), memory.len())
    {
        return trap(TrapCode::MemoryOutOfBounds);
    }
    if len > 0 {
        let segment = &module.info().data[data as usize].data;
        let (src, dst, len) = (src as usize, dst as usize, len as usize);
        memory[dst..dst + len].copy_from_slice(&segment[src..src + len]);
    }
    OK
}

/// `data.drop`.
pub fn data_drop(store: &mut dyn VMStore, instance: usize, data: u32) -> Outcome {
    store.opaque_mut().instances[instance].dropped_data[data as usize] = true;
    OK
}

/// `table.grow`: the old size, or `u64::MAX` (-1) when refused.
pub fn table_grow(
    store: &mut dyn VMStore,
    instance: usize,
    table: u32,
    delta: u64,
    init: u64,
) -> Result<u64, Pending> {
    let index = store.opaque_mut().instances[instance].tables[table as usize];
    match grow_table(store, index, delta, init as usize) {
        Ok(Some(old)) => Ok(old),
        // A limiter's error refuses like `Ok(false)`.
        Ok(None) | Err(_) => Ok(u64::MAX),
    }
}

/// `table.fill`.
pub fn table_fill(
    store: &mut dyn VMStore,
    instance: usize,
    table: u32,
    dst: u64,
    value: u64,
    len: u64,
) -> Outcome {
    let o = store.opaque_mut();
    let index = o.instances[instance].tables[table as usize];
    let elems = o.tables[index].elements_mut();
    if !in_bounds(dst, len, elems.len()) {
        return trap(TrapCode::TableOutOfBounds);
    }
    let (dst, len) = (dst as usize, len as usize);
    elems[dst..dst + len].fill(value as usize);
    OK
}

/// `table.copy`.
pub fn table_copy(
    store: &mut dyn VMStore,
    instance: usize,
    dst_table: u32,
    src_table: u32,
    dst: u64,
    src: u64,
    len: u64,
) -> Outcome {
    let o = store.opaque_mut();
    let d = o.instances[instance].tables[dst_table as usize];
    let s = o.instances[instance].tables[src_table as usize];
    if !in_bounds(src, len, o.tables[s].elements().len())
        || !in_bounds(dst, len, o.tables[d].elements().len())
    {
        return trap(TrapCode::TableOutOfBounds);
    }
    let (src, dst, len) = (src as usize, dst as usize, len as usize);
    if d == s {
        o.tables[d].elements_mut().copy_within(src..src + len, dst);
    } else {
        let items = o.tables[s].elements()[src..src + len].to_vec();
        o.tables[d].elements_mut()[dst..dst + len].copy_from_slice(&items);
    }
    OK
}

/// `table.init`.
pub fn table_init(
    store: &mut dyn VMStore,
    instance: usize,
    table: u32,
    elem: u32,
    dst: u64,
    src: u32,
    len: u32,
) -> Outcome {
    let o = store.opaque_mut();
    let items = match element_items(o, instance, elem as usize) {
        Ok(items) => items,
        Err(e) => return Err(Pending::Error(e)),
    };
    let index = o.instances[instance].tables[table as usize];
    let elems = o.tables[index].elements_mut();
    if !in_bounds(u64::from(src), u64::from(len), items.len())
        || !in_bounds(dst, u64::from(len), elems.len())
    {
        return trap(TrapCode::TableOutOfBounds);
    }
    let (src, dst, len) = (src as usize, dst as usize, len as usize);
    elems[dst..dst + len].copy_from_slice(&items[src..src + len]);
    OK
}

/// `elem.drop`.
pub fn elem_drop(store: &mut dyn VMStore, instance: usize, elem: u32) -> Outcome {
    store.opaque_mut().instances[instance].dropped_elems[elem as usize] = true;
    OK
}

/// The epoch deadline was reached.
pub fn epoch_interrupt(store: &mut dyn VMStore, _instance: usize) -> Outcome {
    match store.epoch_deadline_reached() {
        Ok(delta) => {
            let o = store.opaque_mut();
            let now = o.engine.current_epoch();
            o.vm_context_mut()
                .set_epoch_deadline(now.saturating_add(delta));
            OK
        }
        Err(e) => match e.downcast_ref::<Trap>() {
            Some(t) => trap(t.code()),
            None => Err(Pending::Error(e)),
        },
    }
}
