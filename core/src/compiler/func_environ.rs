//! The function environment: everything the translator emits that depends
//! on how the runtime lays things out, as opposed to what an operator
//! means.
//!
//! [`FuncTranslator`](super::translate::FuncTranslator) owns wasm's operand
//! and control stacks and decides what each operator does; whenever that
//! touches the instance it asks a [`FuncEnvironment`]:
//!
//! - **`VMContext` loads**: every offset comes from the module's
//!   [`VMOffsets`] and the target's [`VMLayout`], every pointer has the
//!   target's pointer type.
//! - **Linear memory**: [`FuncEnvironment::heap_addr`] turns an index of the
//!   memory's index type (`i32` or `i64`) into a native address, with the
//!   bounds check the memory's [`MemoryPlan`] (`environ::memory`) asks for:
//!   none behind a guard region, the index alone for a reserved 64-bit
//!   memory, index plus offset plus size against the current length
//!   otherwise. `memory.size`/`grow` and the bulk operators convert between
//!   the index type and the runtime's 64-bit sizes here too.
//! - **Tables**: element addresses with their bounds check, sizes in the
//!   table's index type, the bulk operators through builtins.
//! - **Calls**: finding the callee ([`FuncEnvironment::direct_callee`],
//!   [`FuncEnvironment::indirect_callee`] with its null and signature
//!   checks) is separate from emitting the call
//!   ([`FuncEnvironment::emit_call`]), so `call`, `return_call` and their
//!   indirect forms share both halves, and typed function references can
//!   add a lookup without another call sequence.
//! - **Builtins, fuel and epochs**: calls into the runtime through the
//!   table of builtins, and the store context's counters.

use super::{TRAP_BAD_SIGNATURE, TRAP_INDIRECT_CALL_TO_NULL, TRAP_LIBCALL, TRAP_OUT_OF_FUEL};
use crate::config::Config;
use crate::environ::builtins::{BuiltinFunction, BuiltinType};
use crate::environ::vmoffsets::VMLayout;
use crate::environ::{BoundsCheck, MemoryPlan, ModuleInfo, VMOffsets};
use crate::environ::{WasmFuncType, WasmValType};
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::immediates::Offset32;
use cranelift_codegen::ir::{
    self, AbiParam, AliasRegion, AliasRegionData, ArgumentPurpose, ExtFuncData, ExternalName,
    FuncRef, GlobalValueData, InstBuilder, LibCall, MemFlagsData as MemFlags, SigRef, Signature,
    TrapCode, Type, UserExternalName, Value, types,
};
use cranelift_codegen::isa::{CallConv, TargetIsa};
use cranelift_frontend::FunctionBuilder;
use std::collections::HashMap;

/// What the translator needs to know about the module being compiled.
pub struct ModuleEnv<'a> {
    /// Module metadata.
    pub info: &'a ModuleInfo,
    /// The `VMContext` layout.
    pub offsets: &'a VMOffsets,
    /// The engine's settings.
    pub config: &'a Config,
    /// The target.
    pub isa: &'a dyn TargetIsa,
}

/// The Cranelift type that carries a wasm value type. References are
/// carried as `i64` (a `VMFuncRef` address, or an externref's id + 1).
pub fn ir_type(ty: WasmValType) -> Type {
    match ty {
        WasmValType::I32 => types::I32,
        WasmValType::I64 => types::I64,
        WasmValType::F32 => types::F32,
        WasmValType::F64 => types::F64,
        WasmValType::V128 => types::I8X16,
        WasmValType::Ref(_) => types::I64,
    }
}

/// The calling convention of wasm functions: `(callee vmctx, caller vmctx,
/// params...) -> results`, the two contexts pointers of `pointer_type`.
pub fn wasm_signature(ty: &WasmFuncType, pointer_type: Type) -> Signature {
    let mut sig = Signature::new(CallConv::Tail);
    sig.params
        .push(AbiParam::special(pointer_type, ArgumentPurpose::VMContext));
    sig.params.push(AbiParam::new(pointer_type));
    sig.params
        .extend(ty.params().iter().map(|t| AbiParam::new(ir_type(*t))));
    sig.returns
        .extend(ty.results().iter().map(|t| AbiParam::new(ir_type(*t))));
    sig
}

/// The native signature of a builtin.
pub fn builtin_signature(b: BuiltinFunction, call_conv: CallConv, pointer_type: Type) -> Signature {
    let mut sig = Signature::new(call_conv);
    let ty = |t: BuiltinType| match t {
        BuiltinType::VMContext => pointer_type,
        BuiltinType::I64 => types::I64,
        BuiltinType::I32 => types::I32,
    };
    sig.params
        .extend(b.params().iter().map(|t| AbiParam::new(ty(*t))));
    sig.returns.push(AbiParam::new(ty(b.result())));
    sig
}

/// A VM layout offset as the `i32` Cranelift's loads and stores take.
fn vm_offset(offset: u32) -> i32 {
    i32::try_from(offset).expect("VMContext offsets fit in i32")
}

/// Flags for loads and stores of runtime structures (aligned, never
/// faulting).
fn trusted() -> MemFlags {
    MemFlags::trusted()
}

/// Flags for loads of values that never change while the code runs.
fn readonly() -> MemFlags {
    MemFlags::trusted().with_readonly().with_can_move()
}

/// A user trap code as Cranelift's.
pub(super) fn trap(code: u8) -> TrapCode {
    TrapCode::unwrap_user(code)
}

/// `value` (an `i32` or `i64`) as an `i64`, zero-extended.
pub(super) fn widen_i64(b: &mut FunctionBuilder<'_>, value: Value) -> Value {
    if b.func.dfg.value_type(value) == types::I64 {
        value
    } else {
        b.ins().uextend(types::I64, value)
    }
}

/// A 64-bit size or old size (from the runtime) in an index type: wrapped
/// to `i32` unless `is_64` (so -1 stays -1).
fn to_index_type(b: &mut FunctionBuilder<'_>, is_64: bool, value: Value) -> Value {
    if is_64 {
        value
    } else {
        b.ins().ireduce(types::I32, value)
    }
}

/// Where a linear-memory access goes: `addr + offset`, with the flags the
/// load or store must carry (a trap code when the guard region is the
/// bounds check).
pub(super) struct HeapAddress {
    /// The native address, before `offset`.
    pub addr: Value,
    /// The static offset to use in the load or store.
    pub offset: i32,
    /// Flags of the access.
    pub flags: MemFlags,
}

/// The function a call goes to, once found.
pub(super) enum Callee {
    /// A function defined in this module: a direct call with this
    /// instance's `vmctx`.
    Direct(FuncRef),
    /// Through a native code pointer, with the callee's own `vmctx`.
    Indirect {
        /// The callee's `native_call` entry.
        code: Value,
        /// The callee's context.
        vmctx: Value,
    },
}

/// The runtime-layout half of translating one function (see the module
/// documentation).
pub(super) struct FuncEnvironment<'a> {
    module: &'a ModuleEnv<'a>,
    /// This function's own `vmctx` parameter.
    vmctx: Value,
    sig_refs: HashMap<u32, SigRef>,
    func_refs: HashMap<u32, FuncRef>,
    builtin_sigs: HashMap<u32, SigRef>,
    /// The alias region of every linear memory access, and the one of the
    /// loads of memories' `base` and `current_length` (see
    /// [`FuncEnvironment::declare_alias_regions`]).
    heap_region: Option<AliasRegion>,
    memory_definitions_region: Option<AliasRegion>,
}

impl<'a> FuncEnvironment<'a> {
    /// An environment for a function of `module`.
    pub fn new(module: &'a ModuleEnv<'a>) -> FuncEnvironment<'a> {
        FuncEnvironment {
            module,
            vmctx: Value::from_u32(0),
            sig_refs: HashMap::new(),
            func_refs: HashMap::new(),
            builtin_sigs: HashMap::new(),
            heap_region: None,
            memory_definitions_region: None,
        }
    }

    /// The module being compiled.
    pub fn module(&self) -> &'a ModuleEnv<'a> {
        self.module
    }

    /// The engine's settings.
    pub fn config(&self) -> &'a Config {
        self.module.config
    }

    /// The layout of the VM structures for the target's pointer size.
    fn layout(&self) -> VMLayout {
        self.module.offsets.layout
    }

    /// The type of a native pointer (and `usize`) on the target.
    pub fn pointer_type(&self) -> Type {
        self.module.isa.pointer_type()
    }

    /// Sets up what every function needs before its body: the stack limit
    /// (read from the store context; the prologue traps below it) and the
    /// alias regions. `vmctx` is the function's first parameter.
    pub fn prepare_function(&mut self, b: &mut FunctionBuilder<'_>) {
        let layout = self.layout();
        let pointer_type = self.pointer_type();
        let gv_vmctx = b.create_global_value(GlobalValueData::VMContext);
        let gv_flags = b
            .func
            .dfg
            .mem_flags
            .insert(readonly())
            .expect("few memory flag sets");
        let gv_store = b.create_global_value(GlobalValueData::Load {
            base: gv_vmctx,
            offset: Offset32::new(vm_offset(layout.vmctx_store_context())),
            global_type: pointer_type,
            flags: gv_flags,
        });
        let gv_limit = b.create_global_value(GlobalValueData::Load {
            base: gv_store,
            offset: Offset32::new(vm_offset(layout.store_context_stack_limit())),
            global_type: pointer_type,
            flags: gv_flags,
        });
        b.func.stack_limit = Some(gv_limit);
        self.declare_alias_regions(b);
    }

    /// Records the function's `vmctx` parameter.
    pub fn set_vmctx(&mut self, vmctx: Value) {
        self.vmctx = vmctx;
    }

    /// Declares the function's two alias regions. Linear memory lives in
    /// mappings nothing else points into, and a memory's `base` and
    /// `current_length` live in its `VMMemoryDefinition`, which only the
    /// runtime writes (during a call: `memory.grow`, a host function). So a
    /// store to linear memory cannot change a definition, nor a global, a
    /// table or the `VMContext` (left in Cranelift's default region), and
    /// Cranelift may reuse an earlier load of a memory's length or base
    /// across such stores (in a loop, the load before the loop): a 64-bit
    /// or explicitly checked memory then costs a compare per access, not a
    /// load and a compare. Calls still invalidate everything.
    fn declare_alias_regions(&mut self, b: &mut FunctionBuilder<'_>) {
        let regions = &mut b.func.dfg.alias_regions;
        self.heap_region = Some(regions.insert(AliasRegionData {
            user_id: 0,
            description: "linear memories".into(),
        }));
        self.memory_definitions_region = Some(regions.insert(AliasRegionData {
            user_id: 1,
            description: "memory definitions".into(),
        }));
    }

    // ---- vmctx access ----------------------------------------------------

    /// Loads the pointer at `offset` in this instance's `VMContext`.
    fn load_vmctx_ptr(&self, b: &mut FunctionBuilder<'_>, offset: u32) -> Value {
        let ty = self.pointer_type();
        b.ins().load(ty, readonly(), self.vmctx, vm_offset(offset))
    }

    /// Loads a pointer-sized field at `offset` of the structure at `base`.
    fn load_ptr_field(
        &self,
        b: &mut FunctionBuilder<'_>,
        flags: MemFlags,
        base: Value,
        offset: u32,
    ) -> Value {
        b.ins()
            .load(self.pointer_type(), flags, base, vm_offset(offset))
    }

    fn store_context(&self, b: &mut FunctionBuilder<'_>) -> Value {
        self.load_vmctx_ptr(b, self.layout().vmctx_store_context())
    }

    // ---- fuel and epochs -----------------------------------------------------

    /// Subtracts `amount` from the store's fuel.
    pub fn consume_fuel(&self, b: &mut FunctionBuilder<'_>, amount: i64) {
        let ctx = self.store_context(b);
        let at = vm_offset(self.layout().store_context_fuel_remaining());
        let fuel = b.ins().load(types::I64, trusted(), ctx, at);
        let fuel = b.ins().iadd_imm_s(fuel, -amount);
        b.ins().store(trusted(), fuel, ctx, at);
    }

    /// Traps if the store has run out of fuel.
    pub fn trap_if_out_of_fuel(&self, b: &mut FunctionBuilder<'_>) {
        let ctx = self.store_context(b);
        let at = vm_offset(self.layout().store_context_fuel_remaining());
        let fuel = b.ins().load(types::I64, trusted(), ctx, at);
        let out = b.ins().icmp_imm_s(IntCC::SignedLessThan, fuel, 0);
        b.ins().trapnz(out, trap(TRAP_OUT_OF_FUEL));
    }

    /// Calls into the runtime when the engine's epoch reached the deadline
    /// (nothing when epoch interruption is off).
    pub fn check_epoch(&mut self, b: &mut FunctionBuilder<'_>) {
        if !self.config().epoch_interruption {
            return;
        }
        let layout = self.layout();
        let ctx = self.store_context(b);
        let counter = self.load_ptr_field(b, readonly(), ctx, layout.store_context_epoch_counter());
        let epoch = b.ins().load(types::I64, trusted(), counter, 0);
        let at = vm_offset(layout.store_context_epoch_deadline());
        let deadline = b.ins().load(types::I64, trusted(), ctx, at);
        let reached = b
            .ins()
            .icmp(IntCC::UnsignedGreaterThanOrEqual, epoch, deadline);
        let slow = b.create_block();
        let cont = b.create_block();
        b.set_cold_block(slow);
        b.ins().brif(reached, slow, &[], cont, &[]);
        b.seal_block(slow);
        b.switch_to_block(slow);
        let ok = self.call_builtin(b, BuiltinFunction::epoch_interrupt, &[]);
        self.check_builtin(b, ok);
        b.ins().jump(cont, &[]);
        b.seal_block(cont);
        b.switch_to_block(cont);
    }

    // ---- builtins ------------------------------------------------------------

    /// Calls builtin `builtin` with `args` (after the implicit `vmctx`) and
    /// returns its result.
    pub fn call_builtin(
        &mut self,
        b: &mut FunctionBuilder<'_>,
        builtin: BuiltinFunction,
        args: &[Value],
    ) -> Value {
        let sig = match self.builtin_sigs.get(&builtin.index()) {
            Some(s) => *s,
            None => {
                let call_conv = self.module.isa.default_call_conv();
                let sig = builtin_signature(builtin, call_conv, self.pointer_type());
                let s = b.import_signature(sig);
                self.builtin_sigs.insert(builtin.index(), s);
                s
            }
        };
        let layout = self.layout();
        let table = self.load_vmctx_ptr(b, layout.vmctx_builtin_functions());
        let fptr = self.load_ptr_field(
            b,
            readonly(),
            table,
            layout.builtin_function(builtin.index()),
        );
        let mut all = vec![self.vmctx];
        all.extend_from_slice(args);
        // The list's signature is the one contract between translator and
        // runtime: an argument of the wrong type is a translator bug.
        assert_eq!(
            all.iter()
                .map(|v| b.func.dfg.value_type(*v))
                .collect::<Vec<_>>(),
            b.func.dfg.signatures[sig]
                .params
                .iter()
                .map(|p| p.value_type)
                .collect::<Vec<_>>(),
            "arguments of builtin {}({:?})",
            builtin.name(),
            builtin.param_names(),
        );
        let call = b.ins().call_indirect(sig, fptr, &all);
        b.inst_results(call)[0]
    }

    /// Raises the trap a builtin left pending when it returned 0.
    pub fn check_builtin(&self, b: &mut FunctionBuilder<'_>, ok: Value) {
        b.ins().trapz(ok, trap(TRAP_LIBCALL));
    }

    /// Calls builtin `builtin` with `args` and raises the trap it left
    /// pending if it failed.
    fn call_checked_builtin(
        &mut self,
        b: &mut FunctionBuilder<'_>,
        builtin: BuiltinFunction,
        args: &[Value],
    ) {
        let ok = self.call_builtin(b, builtin, args);
        self.check_builtin(b, ok);
    }

    /// Calls a C library function (`memset`, `memmove`) whose address is
    /// patched in when the code is loaded. Bulk memory operations call it
    /// directly once bounds are checked, without entering the runtime.
    fn call_native(&self, b: &mut FunctionBuilder<'_>, lc: LibCall, args: &[Value]) {
        let mut sig = Signature::new(self.module.isa.default_call_conv());
        for a in args {
            let ty = b.func.dfg.value_type(*a);
            sig.params.push(AbiParam::new(ty));
        }
        let signature = b.import_signature(sig);
        let f = b.import_function(ExtFuncData {
            name: ExternalName::LibCall(lc),
            signature,
            colocated: false,
            patchable: false,
        });
        b.ins().call(f, args);
    }

    /// An `i32` constant naming a module item (a builtin's index argument).
    fn index_arg(b: &mut FunctionBuilder<'_>, index: u32) -> Value {
        b.ins().iconst(types::I32, i64::from(index))
    }

    // ---- globals and function references -----------------------------------

    /// Reads global `index`.
    pub fn global_get(&self, b: &mut FunctionBuilder<'_>, index: u32) -> Value {
        let (def, at) = self.global_address(b, index);
        let ty = ir_type(self.module.info.global_type(index));
        b.ins().load(ty, trusted(), def, at)
    }

    /// Writes `value` to global `index`.
    pub fn global_set(&self, b: &mut FunctionBuilder<'_>, index: u32, value: Value) {
        let (def, at) = self.global_address(b, index);
        b.ins().store(trusted(), value, def, at);
    }

    /// Where global `index`'s value is, as a base and an offset: in the
    /// `VMContext` for a defined global (no load), through its
    /// definition pointer for an imported one.
    fn global_address(&self, b: &mut FunctionBuilder<'_>, index: u32) -> (Value, i32) {
        let value = self.layout().global_definition_value();
        match index.checked_sub(self.module.info.num_imported_globals) {
            Some(def) => (
                self.vmctx,
                vm_offset(self.module.offsets.defined_global(def) + value),
            ),
            None => {
                let def = self.load_vmctx_ptr(b, self.module.offsets.global_ptr(index));
                (def, vm_offset(value))
            }
        }
    }

    /// `ref.func`: the `VMFuncRef` of function `index`.
    pub fn func_ref(&self, b: &mut FunctionBuilder<'_>, index: u32) -> Value {
        self.load_vmctx_ptr(b, self.module.offsets.func_ref_ptr(index))
    }

    // ---- memories ----------------------------------------------------------------

    /// How memory `memory` is laid out (the runtime makes the same plan).
    pub fn memory_plan(&self, memory: u32) -> MemoryPlan {
        MemoryPlan::new(
            &self.module.info.memories[memory as usize],
            self.config().static_memory_guard,
        )
    }

    /// Loads the address of memory `memory`'s `VMMemoryDefinition`.
    fn memory_definition(&self, b: &mut FunctionBuilder<'_>, memory: u32) -> Value {
        self.load_vmctx_ptr(b, self.module.offsets.memory_ptr(memory))
    }

    /// Loads the base address of memory `memory`, through its definition
    /// `def` for a memory whose base may move.
    fn memory_base(&self, b: &mut FunctionBuilder<'_>, memory: u32, def: Value) -> Value {
        if self.memory_plan(memory).base_is_fixed() {
            // A base that never moves has a copy in the `VMContext`: one
            // load, done once per function.
            return self.load_vmctx_ptr(b, self.module.offsets.memory_base(memory));
        }
        // One that may move is reloaded after anything that may grow the
        // memory.
        let flags = trusted().with_alias_region(self.memory_definitions_region);
        self.load_ptr_field(b, flags, def, self.layout().memory_definition_base())
    }

    /// Loads the current length in bytes of a memory through `def`, as an
    /// `i64` like the indices it is compared with.
    fn memory_length(&self, b: &mut FunctionBuilder<'_>, def: Value) -> Value {
        let flags = trusted().with_alias_region(self.memory_definitions_region);
        let offset = self.layout().memory_definition_current_length();
        let len = self.load_ptr_field(b, flags, def, offset);
        widen_i64(b, len)
    }

    /// Base address and current size in bytes (`i64`) of memory `memory`.
    fn memory_base_and_size(&self, b: &mut FunctionBuilder<'_>, memory: u32) -> (Value, Value) {
        let def = self.memory_definition(b, memory);
        let base = self.memory_base(b, memory, def);
        let size = self.memory_length(b, def);
        (base, size)
    }

    /// The address of an access of `size` bytes at `index + offset` in
    /// memory `memory`, `index` of the memory's index type, after the
    /// bounds check the memory's plan asks for.
    pub fn heap_addr(
        &self,
        b: &mut FunctionBuilder<'_>,
        memory: u32,
        index: Value,
        offset: u64,
        size: u32,
    ) -> HeapAddress {
        let plan = self.memory_plan(memory);
        let index = if plan.is_64 {
            index
        } else {
            b.ins().uextend(types::I64, index)
        };
        let def = self.memory_definition(b, memory);
        // An access the guard region checks traps through the fault; one
        // checked here cannot fault.
        let fault_flags = MemFlags::new()
            .with_endianness(ir::Endianness::Little)
            .with_trap_code(Some(TrapCode::HEAP_OUT_OF_BOUNDS))
            .with_alias_region(self.heap_region);
        let checked_flags = MemFlags::trusted()
            .with_endianness(ir::Endianness::Little)
            .with_alias_region(self.heap_region);
        let base = self.memory_base(b, memory, def);
        let flags = match plan.bounds_check(offset, size) {
            BoundsCheck::None => fault_flags,
            BoundsCheck::IndexOnly => {
                // index <= length, and offset + size fits in the guard.
                let len = self.memory_length(b, def);
                let oob = b.ins().icmp(IntCC::UnsignedGreaterThan, index, len);
                b.ins().trapnz(oob, TrapCode::HEAP_OUT_OF_BOUNDS);
                fault_flags
            }
            BoundsCheck::Full => {
                let len = self.memory_length(b, def);
                match offset.checked_add(u64::from(size)) {
                    // Past the end of any memory a 64-bit index can name.
                    None => {
                        let yes = b.ins().iconst(types::I8, 1);
                        b.ins().trapnz(yes, TrapCode::HEAP_OUT_OF_BOUNDS);
                    }
                    Some(bound) => {
                        let bound = b.ins().iconst(types::I64, bound as i64);
                        let end = if plan.is_64 {
                            // A sum that wraps is out of bounds too.
                            b.ins()
                                .uadd_overflow_trap(index, bound, TrapCode::HEAP_OUT_OF_BOUNDS)
                        } else {
                            // index < 2^32 and offset < 2^32: no overflow.
                            b.ins().iadd(index, bound)
                        };
                        let oob = b.ins().icmp(IntCC::UnsignedGreaterThan, end, len);
                        b.ins().trapnz(oob, TrapCode::HEAP_OUT_OF_BOUNDS);
                    }
                }
                checked_flags
            }
        };
        let addr = b.ins().iadd(base, index);
        if offset <= i32::MAX as u64 {
            HeapAddress {
                addr,
                offset: offset as i32,
                flags,
            }
        } else {
            let addr = b.ins().iadd_imm_s(addr, offset as i64);
            HeapAddress {
                addr,
                offset: 0,
                flags,
            }
        }
    }

    /// Traps with `code` unless `[start, start + len)` lies within `size`.
    /// `start` and `len` are `i64`; when both are zero-extended 32-bit
    /// values (`wide` false) their sum cannot overflow, otherwise an
    /// overflowing sum traps too.
    fn trap_unless_in_bounds(
        b: &mut FunctionBuilder<'_>,
        start: Value,
        len: Value,
        size: Value,
        wide: bool,
        code: TrapCode,
    ) {
        let end = if wide {
            b.ins().uadd_overflow_trap(start, len, code)
        } else {
            b.ins().iadd(start, len)
        };
        let oob = b.ins().icmp(IntCC::UnsignedGreaterThan, end, size);
        b.ins().trapnz(oob, code);
    }

    /// `memory.size`, in pages, of the memory's index type.
    pub fn memory_size(&self, b: &mut FunctionBuilder<'_>, memory: u32) -> Value {
        let plan = self.memory_plan(memory);
        let def = self.memory_definition(b, memory);
        let len = self.memory_length(b, def);
        let pages = b.ins().ushr_imm_u(len, i64::from(plan.page_size_log2));
        to_index_type(b, plan.is_64, pages)
    }

    /// `memory.grow` by `delta` pages (of the memory's index type): the
    /// old size, or -1.
    pub fn memory_grow(&mut self, b: &mut FunctionBuilder<'_>, memory: u32, delta: Value) -> Value {
        let delta = widen_i64(b, delta);
        let m = Self::index_arg(b, memory);
        let v = self.call_builtin(b, BuiltinFunction::memory_grow, &[m, delta]);
        to_index_type(b, self.memory_plan(memory).is_64, v)
    }

    /// `memory.fill`: checks the range, then calls `memset`.
    pub fn memory_fill(
        &self,
        b: &mut FunctionBuilder<'_>,
        memory: u32,
        dst: Value,
        value: Value,
        len: Value,
    ) {
        let wide = self.memory_plan(memory).is_64;
        let dst = widen_i64(b, dst);
        let len = widen_i64(b, len);
        let (base, size) = self.memory_base_and_size(b, memory);
        Self::trap_unless_in_bounds(b, dst, len, size, wide, TrapCode::HEAP_OUT_OF_BOUNDS);
        let addr = b.ins().iadd(base, dst);
        self.call_native(b, LibCall::Memset, &[addr, value, len]);
    }

    /// `memory.copy`: checks both ranges, then calls `memmove`. The length
    /// is 64-bit only when both memories are.
    pub fn memory_copy(
        &self,
        b: &mut FunctionBuilder<'_>,
        dst_memory: u32,
        src_memory: u32,
        [dst, src, len]: [Value; 3],
    ) {
        let dst_wide = self.memory_plan(dst_memory).is_64;
        let src_wide = self.memory_plan(src_memory).is_64;
        let dst = widen_i64(b, dst);
        let src = widen_i64(b, src);
        let len = widen_i64(b, len);
        let (dst_base, dst_size) = self.memory_base_and_size(b, dst_memory);
        let (src_base, src_size) = self.memory_base_and_size(b, src_memory);
        let code = TrapCode::HEAP_OUT_OF_BOUNDS;
        Self::trap_unless_in_bounds(b, src, len, src_size, src_wide, code);
        Self::trap_unless_in_bounds(b, dst, len, dst_size, dst_wide, code);
        let to = b.ins().iadd(dst_base, dst);
        let from = b.ins().iadd(src_base, src);
        self.call_native(b, LibCall::Memmove, &[to, from, len]);
    }

    /// `memory.init` from data segment `data`.
    pub fn memory_init(
        &mut self,
        b: &mut FunctionBuilder<'_>,
        memory: u32,
        data: u32,
        [dst, src, len]: [Value; 3],
    ) {
        let m = Self::index_arg(b, memory);
        let d = Self::index_arg(b, data);
        let dst = widen_i64(b, dst);
        self.call_checked_builtin(b, BuiltinFunction::memory_init, &[m, d, dst, src, len]);
    }

    /// `data.drop`.
    pub fn data_drop(&mut self, b: &mut FunctionBuilder<'_>, data: u32) {
        let d = Self::index_arg(b, data);
        self.call_builtin(b, BuiltinFunction::data_drop, &[d]);
    }

    // ---- tables --------------------------------------------------------------------

    /// Whether table `table` is indexed with `i64`.
    fn table_is_64(&self, table: u32) -> bool {
        self.module.info.tables[table as usize].is_64
    }

    /// Loads the current number of elements of a table through its
    /// definition `def`, as an `i64`.
    fn table_length(&self, b: &mut FunctionBuilder<'_>, def: Value) -> Value {
        let offset = self.layout().table_definition_current_elements();
        let len = self.load_ptr_field(b, trusted(), def, offset);
        widen_i64(b, len)
    }

    /// Bounds-checks `index` (of the table's index type) against table
    /// `table`, trapping with `code`, and returns the element's address.
    pub fn table_elem_addr(
        &self,
        b: &mut FunctionBuilder<'_>,
        table: u32,
        index: Value,
        code: u8,
    ) -> Value {
        let def = self.load_vmctx_ptr(b, self.module.offsets.table_ptr(table));
        let len = self.table_length(b, def);
        let index = widen_i64(b, index);
        let oob = b.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, index, len);
        b.ins().trapnz(oob, trap(code));
        let layout = self.layout();
        let base = self.load_ptr_field(b, trusted(), def, layout.table_definition_base());
        let element_size_log2 = layout.size_of_table_element().trailing_zeros();
        let scaled = b.ins().ishl_imm_u(index, i64::from(element_size_log2));
        b.ins().iadd(base, scaled)
    }

    /// `table.get`.
    pub fn table_get(&self, b: &mut FunctionBuilder<'_>, table: u32, index: Value) -> Value {
        let addr = self.table_elem_addr(b, table, index, super::TRAP_TABLE_OUT_OF_BOUNDS);
        b.ins().load(types::I64, trusted(), addr, 0)
    }

    /// `table.set`.
    pub fn table_set(&self, b: &mut FunctionBuilder<'_>, table: u32, index: Value, value: Value) {
        let addr = self.table_elem_addr(b, table, index, super::TRAP_TABLE_OUT_OF_BOUNDS);
        b.ins().store(trusted(), value, addr, 0);
    }

    /// `table.size`, of the table's index type.
    pub fn table_size(&self, b: &mut FunctionBuilder<'_>, table: u32) -> Value {
        let def = self.load_vmctx_ptr(b, self.module.offsets.table_ptr(table));
        let len = self.table_length(b, def);
        to_index_type(b, self.table_is_64(table), len)
    }

    /// `table.grow` by `delta` (of the table's index type), new elements
    /// `init`: the old size, or -1.
    pub fn table_grow(
        &mut self,
        b: &mut FunctionBuilder<'_>,
        table: u32,
        delta: Value,
        init: Value,
    ) -> Value {
        let delta = widen_i64(b, delta);
        let t = Self::index_arg(b, table);
        let v = self.call_builtin(b, BuiltinFunction::table_grow, &[t, delta, init]);
        to_index_type(b, self.table_is_64(table), v)
    }

    /// `table.fill`.
    pub fn table_fill(
        &mut self,
        b: &mut FunctionBuilder<'_>,
        table: u32,
        [dst, value, len]: [Value; 3],
    ) {
        let dst = widen_i64(b, dst);
        let len = widen_i64(b, len);
        let t = Self::index_arg(b, table);
        self.call_checked_builtin(b, BuiltinFunction::table_fill, &[t, dst, value, len]);
    }

    /// `table.copy`.
    pub fn table_copy(
        &mut self,
        b: &mut FunctionBuilder<'_>,
        dst_table: u32,
        src_table: u32,
        [dst, src, len]: [Value; 3],
    ) {
        let (dst, src, len) = (widen_i64(b, dst), widen_i64(b, src), widen_i64(b, len));
        let d = Self::index_arg(b, dst_table);
        let s = Self::index_arg(b, src_table);
        self.call_checked_builtin(b, BuiltinFunction::table_copy, &[d, s, dst, src, len]);
    }

    /// `table.init` from element segment `elem`.
    pub fn table_init(
        &mut self,
        b: &mut FunctionBuilder<'_>,
        table: u32,
        elem: u32,
        [dst, src, len]: [Value; 3],
    ) {
        let dst = widen_i64(b, dst);
        let t = Self::index_arg(b, table);
        let e = Self::index_arg(b, elem);
        self.call_checked_builtin(b, BuiltinFunction::table_init, &[t, e, dst, src, len]);
    }

    /// `elem.drop`.
    pub fn elem_drop(&mut self, b: &mut FunctionBuilder<'_>, elem: u32) {
        let e = Self::index_arg(b, elem);
        self.call_builtin(b, BuiltinFunction::elem_drop, &[e]);
    }

    // ---- calls -----------------------------------------------------------------------

    /// The signature of type `type_index`, imported into the function once.
    fn wasm_sig_ref(&mut self, b: &mut FunctionBuilder<'_>, type_index: u32) -> SigRef {
        if let Some(s) = self.sig_refs.get(&type_index) {
            return *s;
        }
        let sig = wasm_signature(
            &self.module.info.types[type_index as usize],
            self.pointer_type(),
        );
        let s = b.import_signature(sig);
        self.sig_refs.insert(type_index, s);
        s
    }

    /// Finds function `func_index`: a direct call for a function of this
    /// module, its `VMFuncRef`'s entry and context for an imported one.
    pub fn direct_callee(&mut self, b: &mut FunctionBuilder<'_>, func_index: u32) -> Callee {
        let info = self.module.info;
        if info.is_imported_func(func_index) {
            let layout = self.layout();
            let fref = self.func_ref(b, func_index);
            let code = self.load_ptr_field(b, readonly(), fref, layout.func_ref_native_call());
            let vmctx = self.load_ptr_field(b, readonly(), fref, layout.func_ref_vmctx());
            return Callee::Indirect { code, vmctx };
        }
        if let Some(f) = self.func_refs.get(&func_index) {
            return Callee::Direct(*f);
        }
        let type_index = info.functions[func_index as usize];
        let signature = self.wasm_sig_ref(b, type_index);
        let name = b
            .func
            .declare_imported_user_function(UserExternalName::new(0, func_index));
        let f = b.import_function(ExtFuncData {
            name: ExternalName::user(name),
            signature,
            colocated: true,
            patchable: false,
        });
        self.func_refs.insert(func_index, f);
        Callee::Direct(f)
    }

    /// Finds the callee of `call_indirect` through element `index` of
    /// table `table`, trapping when the index is out of bounds, the
    /// element is null, or its signature is not `type_index`.
    pub fn indirect_callee(
        &mut self,
        b: &mut FunctionBuilder<'_>,
        type_index: u32,
        table: u32,
        index: Value,
    ) -> Callee {
        let layout = self.layout();
        let addr = self.table_elem_addr(b, table, index, super::TRAP_TABLE_OUT_OF_BOUNDS);
        let fref = self.load_ptr_field(b, trusted(), addr, 0);
        b.ins().trapz(fref, trap(TRAP_INDIRECT_CALL_TO_NULL));
        let actual = b.ins().load(
            types::I32,
            trusted(),
            fref,
            vm_offset(layout.func_ref_type_id()),
        );
        let expected = b.ins().load(
            types::I32,
            readonly(),
            self.vmctx,
            vm_offset(self.module.offsets.type_id(type_index)),
        );
        let same = b.ins().icmp(IntCC::Equal, actual, expected);
        b.ins().trapz(same, trap(TRAP_BAD_SIGNATURE));
        let code = self.load_ptr_field(b, trusted(), fref, layout.func_ref_native_call());
        let vmctx = self.load_ptr_field(b, trusted(), fref, layout.func_ref_vmctx());
        Callee::Indirect { code, vmctx }
    }

    /// Finds the callee of `call_ref` through the function reference
    /// `fref` (a `VMFuncRef` address), trapping when it is null. Its type
    /// was checked by validation: no signature check.
    pub fn ref_callee(&mut self, b: &mut FunctionBuilder<'_>, fref: Value) -> Callee {
        let layout = self.layout();
        b.ins().trapz(fref, trap(super::TRAP_NULL_REFERENCE));
        let code = self.load_ptr_field(b, trusted(), fref, layout.func_ref_native_call());
        let vmctx = self.load_ptr_field(b, trusted(), fref, layout.func_ref_vmctx());
        Callee::Indirect { code, vmctx }
    }

    /// Emits the call of `callee`, of type `type_index`, with `args`; with
    /// `tail` a tail call (the callee replaces this frame) that returns
    /// `None`, otherwise the call instruction, whose results are the
    /// callee's.
    pub fn emit_call(
        &mut self,
        b: &mut FunctionBuilder<'_>,
        callee: Callee,
        type_index: u32,
        args: &[Value],
        tail: bool,
    ) -> Option<ir::Inst> {
        let callee_vmctx = match callee {
            Callee::Direct(_) => self.vmctx,
            Callee::Indirect { vmctx, .. } => vmctx,
        };
        let mut all = Vec::with_capacity(args.len() + 2);
        all.push(callee_vmctx);
        all.push(self.vmctx);
        all.extend_from_slice(args);
        match (callee, tail) {
            (Callee::Direct(f), false) => Some(b.ins().call(f, &all)),
            (Callee::Direct(f), true) => {
                b.ins().return_call(f, &all);
                None
            }
            (Callee::Indirect { code, .. }, tail) => {
                let sig = self.wasm_sig_ref(b, type_index);
                if tail {
                    b.ins().return_call_indirect(sig, code, &all);
                    None
                } else {
                    Some(b.ins().call_indirect(sig, code, &all))
                }
            }
        }
    }
}
