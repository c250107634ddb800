//! Translation of one wasm function body to Cranelift IR.
//!
//! The translator walks the operators once, keeping wasm's operand stack as
//! a stack of SSA values and wasm's control stack as [`ControlFrame`]s.
//! Locals are frontend `Variable`s, so SSA construction is Cranelift's job.
//! Blocks map onto Cranelift blocks: a wasm `block`/`if` continues in a
//! *destination* block whose parameters are the results, a `loop` in a
//! *header* block whose parameters are the loop's parameters.
//!
//! Code after an unconditional branch is unreachable; it is validated but
//! not translated (`unreachable_depth` counts the blocks opened inside it).
//!
//! Everything the code needs from the instance comes from `vmctx`, at the
//! offsets of [`VMOffsets`]. Each memory access gets the bounds check its
//! memory's [`MemoryPlan`] asks for (see `environ::memory`): none for a
//! 32-bit memory reserved with a guard region (a fault is the check), one
//! compare of the index for a reserved 64-bit memory, index plus offset
//! plus size against the current length otherwise.

use super::{TRAP_BAD_SIGNATURE, TRAP_INDIRECT_CALL_TO_NULL, TRAP_LIBCALL, TRAP_OUT_OF_FUEL};
use super::{TRAP_TABLE_OUT_OF_BOUNDS, TRAP_UNREACHABLE};
use crate::config::Config;
use crate::environ::builtins::{BuiltinFunction, BuiltinType};
use crate::environ::vmoffsets::VMLayout;
use crate::environ::{BoundsCheck, MemoryPlan, ModuleInfo, VMOffsets};
use crate::types::{FuncType, ValType};
use anyhow::{Result, bail};
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::immediates::{Ieee32, Ieee64, Offset32};
use cranelift_codegen::ir::{
    self, AbiParam, AliasRegion, AliasRegionData, ArgumentPurpose, BlockArg, ExtFuncData,
    ExternalName, FuncRef, GlobalValueData, InstBuilder, JumpTableData, LibCall,
    MemFlagsData as MemFlags, SigRef, Signature, TrapCode, Type, UserExternalName, Value, types,
};
use cranelift_codegen::isa::{CallConv, TargetIsa};
use cranelift_frontend::{FunctionBuilder, Variable};
use std::collections::HashMap;
use wasmparser::{BlockType, FuncValidator, FunctionBody, Operator, ValidatorResources};

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

/// The Cranelift type that carries a wasm value type.
pub fn ir_type(ty: ValType) -> Type {
    match ty {
        ValType::I32 => types::I32,
        ValType::I64 => types::I64,
        ValType::F32 => types::F32,
        ValType::F64 => types::F64,
        ValType::V128 => types::I8X16,
        ValType::FuncRef | ValType::ExternRef => types::I64,
    }
}

/// The calling convention of wasm functions: `(callee vmctx, caller vmctx,
/// params...) -> results`, the two contexts pointers of `pointer_type`.
pub fn wasm_signature(ty: &FuncType, pointer_type: Type) -> Signature {
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

fn trusted() -> MemFlags {
    MemFlags::trusted()
}

/// A VM layout offset as the `i32` Cranelift's loads and stores take.
fn vm_offset(offset: u32) -> i32 {
    i32::try_from(offset).expect("VMContext offsets fit in i32")
}

/// Flags for loads of values that never change while the code runs.
fn readonly() -> MemFlags {
    MemFlags::trusted().with_readonly().with_can_move()
}

fn trap(code: u8) -> TrapCode {
    TrapCode::unwrap_user(code)
}

#[derive(Debug)]
enum ControlKind {
    Block,
    Loop {
        header: ir::Block,
    },
    If {
        else_block: ir::Block,
        else_params: Vec<Value>,
        else_seen: bool,
    },
    Function,
}

#[derive(Debug)]
struct ControlFrame {
    kind: ControlKind,
    /// Where `end` continues; its parameters are the frame's results.
    destination: ir::Block,
    num_params: usize,
    num_results: usize,
    /// Operand stack height below the frame's parameters.
    stack_height: usize,
    /// Whether anything reaches `destination`.
    exit_reached: bool,
}

/// Translates one function. `func` must be empty with the wasm signature
/// of the function already set.
pub fn translate_function(
    env: &ModuleEnv<'_>,
    func_index: u32,
    body: &FunctionBody<'_>,
    validator: &mut FuncValidator<ValidatorResources>,
    func: &mut ir::Function,
    fctx: &mut cranelift_frontend::FunctionBuilderContext,
) -> Result<()> {
    let builder = FunctionBuilder::new(func, fctx);
    let mut t = FuncTranslator {
        env,
        builder,
        stack: Vec::new(),
        control: Vec::new(),
        reachable: true,
        unreachable_depth: 0,
        vmctx: Value::from_u32(0),
        locals: Vec::new(),
        sig_refs: HashMap::new(),
        func_refs: HashMap::new(),
        builtin_sigs: HashMap::new(),
        fuel_pending: 0,
        heap_region: None,
        memory_definitions_region: None,
    };
    t.translate(func_index, body, validator)?;
    t.builder.finalize(env.isa.frontend_config());
    Ok(())
}

/// The state of translating one function body; the SIMD operators are
/// translated in `translate_simd.rs`.
pub(super) struct FuncTranslator<'a, 'f> {
    env: &'a ModuleEnv<'a>,
    pub(super) builder: FunctionBuilder<'f>,
    stack: Vec<Value>,
    control: Vec<ControlFrame>,
    reachable: bool,
    unreachable_depth: u32,
    vmctx: Value,
    locals: Vec<Variable>,
    sig_refs: HashMap<u32, SigRef>,
    func_refs: HashMap<u32, FuncRef>,
    builtin_sigs: HashMap<u32, SigRef>,
    /// Fuel used by operators since the last flush.
    fuel_pending: i64,
    /// The alias region of every linear memory access, and the one of the
    /// loads of memories' `base` and `current_length` (see
    /// [`FuncTranslator::alias_regions`]).
    heap_region: Option<AliasRegion>,
    memory_definitions_region: Option<AliasRegion>,
}

fn block_type(info: &ModuleInfo, ty: BlockType) -> Result<(Vec<Type>, Vec<Type>)> {
    Ok(match ty {
        BlockType::Empty => (vec![], vec![]),
        BlockType::Type(t) => {
            let t = ValType::from_wasmparser(t)
                .ok_or_else(|| anyhow::anyhow!("unsupported block type"))?;
            (vec![], vec![ir_type(t)])
        }
        BlockType::FuncType(i) => {
            let f = &info.types[i as usize];
            (
                f.params().iter().map(|t| ir_type(*t)).collect(),
                f.results().iter().map(|t| ir_type(*t)).collect(),
            )
        }
    })
}

/// Fuel cost of an operator (structural operators are free).
fn fuel_cost(op: &Operator<'_>) -> i64 {
    match op {
        Operator::Nop
        | Operator::Drop
        | Operator::Block { .. }
        | Operator::Loop { .. }
        | Operator::Unreachable
        | Operator::Return
        | Operator::Else
        | Operator::End => 0,
        _ => 1,
    }
}

impl<'a, 'f> FuncTranslator<'a, 'f> {
    fn translate(
        &mut self,
        func_index: u32,
        body: &FunctionBody<'_>,
        validator: &mut FuncValidator<ValidatorResources>,
    ) -> Result<()> {
        let info = self.env.info;
        let fty = info.func_type(func_index).clone();

        // Stack limit: the prologue traps with STACK_OVERFLOW below it.
        let gv_vmctx = self.builder.create_global_value(GlobalValueData::VMContext);
        let gv_flags = self
            .builder
            .func
            .dfg
            .mem_flags
            .insert(readonly())
            .expect("few memory flag sets");
        let layout = self.layout();
        let gv_store = self.builder.create_global_value(GlobalValueData::Load {
            base: gv_vmctx,
            offset: Offset32::new(vm_offset(layout.vmctx_store_context())),
            global_type: self.pointer_type(),
            flags: gv_flags,
        });
        let gv_limit = self.builder.create_global_value(GlobalValueData::Load {
            base: gv_store,
            offset: Offset32::new(vm_offset(layout.store_context_stack_limit())),
            global_type: self.pointer_type(),
            flags: gv_flags,
        });
        self.builder.func.stack_limit = Some(gv_limit);

        self.alias_regions();

        let entry = self.builder.create_block();
        self.builder.append_block_params_for_function_params(entry);
        self.builder.switch_to_block(entry);
        self.builder.seal_block(entry);
        let params = self.builder.block_params(entry).to_vec();
        self.vmctx = params[0];

        // Parameters, then declared locals (zero-initialised).
        for (i, ty) in fty.params().iter().enumerate() {
            let var = self.builder.declare_var(ir_type(*ty));
            self.builder.def_var(var, params[2 + i]);
            self.locals.push(var);
        }
        let mut reader = body.get_binary_reader();
        let groups = reader.read_var_u32()?;
        for _ in 0..groups {
            let offset = reader.original_position();
            let count = reader.read_var_u32()?;
            let wty = reader.read()?;
            validator.define_locals(offset, count, wty)?;
            let ty = ValType::from_wasmparser(wty)
                .ok_or_else(|| anyhow::anyhow!("unsupported local type"))?;
            let ir_ty = ir_type(ty);
            for _ in 0..count {
                let var = self.builder.declare_var(ir_ty);
                let zero = self.zero(ir_ty);
                self.builder.def_var(var, zero);
                self.locals.push(var);
            }
        }

        let exit = self.builder.create_block();
        for ty in fty.results() {
            self.builder.append_block_param(exit, ir_type(*ty));
        }
        self.control.push(ControlFrame {
            kind: ControlKind::Function,
            destination: exit,
            num_params: 0,
            num_results: fty.results().len(),
            stack_height: 0,
            exit_reached: false,
        });
        self.fuel_check();
        self.epoch_check();

        reader.set_features(*validator.features());
        let mut ops = wasmparser::OperatorsReader::new(reader);
        while !ops.eof() {
            let (op, offset) = ops.read_with_offset()?;
            validator.op(offset, &op)?;
            // Every instruction made for this operator records where it
            // came from (the address map of backtraces).
            self.builder.set_srcloc(ir::SourceLoc::new(offset as u32));
            self.operator(&op)?;
        }
        let rest = ops.get_binary_reader();
        rest.finish_expression(&validator.visitor(rest.original_position()))?;
        Ok(())
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
    fn alias_regions(&mut self) {
        let regions = &mut self.builder.func.dfg.alias_regions;
        self.heap_region = Some(regions.insert(AliasRegionData {
            user_id: 0,
            description: "linear memories".into(),
        }));
        self.memory_definitions_region = Some(regions.insert(AliasRegionData {
            user_id: 1,
            description: "memory definitions".into(),
        }));
    }

    fn zero(&mut self, ty: Type) -> Value {
        let ins = self.builder.ins();
        match ty {
            types::I32 | types::I64 => ins.iconst(ty, 0),
            types::F32 => ins.f32const(Ieee32::with_bits(0)),
            types::F64 => ins.f64const(Ieee64::with_bits(0)),
            _ => {
                let c = self.builder.func.dfg.constants.insert(vec![0u8; 16].into());
                self.builder.ins().vconst(ty, c)
            }
        }
    }

    pub(super) fn pop(&mut self) -> Value {
        self.stack
            .pop()
            .expect("validated: operand stack underflow")
    }

    fn pop2(&mut self) -> (Value, Value) {
        let b = self.pop();
        let a = self.pop();
        (a, b)
    }

    fn pop3(&mut self) -> (Value, Value, Value) {
        let c = self.pop();
        let (a, b) = self.pop2();
        (a, b, c)
    }

    pub(super) fn push(&mut self, v: Value) {
        self.stack.push(v);
    }

    fn peekn(&self, n: usize) -> &[Value] {
        &self.stack[self.stack.len() - n..]
    }

    fn block_args(values: &[Value]) -> Vec<BlockArg> {
        values.iter().map(|v| BlockArg::Value(*v)).collect()
    }

    fn jump(&mut self, block: ir::Block, args: &[Value]) {
        let args = Self::block_args(args);
        self.builder.ins().jump(block, &args);
    }

    fn create_block_with(&mut self, tys: &[Type]) -> ir::Block {
        let b = self.builder.create_block();
        for ty in tys {
            self.builder.append_block_param(b, *ty);
        }
        b
    }

    // ---- vmctx access --------------------------------------------------

    /// The layout of the VM structures for the target's pointer size.
    fn layout(&self) -> VMLayout {
        self.env.offsets.layout
    }

    /// The type of a native pointer (and `usize`) on the target.
    fn pointer_type(&self) -> Type {
        self.env.isa.pointer_type()
    }

    /// Loads the pointer at `offset` in this instance's `VMContext`.
    fn load_vmctx_ptr(&mut self, offset: u32) -> Value {
        let ty = self.pointer_type();
        self.builder
            .ins()
            .load(ty, readonly(), self.vmctx, vm_offset(offset))
    }

    /// Loads a pointer-sized field at `offset` of the structure at `base`.
    fn load_ptr_field(&mut self, flags: MemFlags, base: Value, offset: u32) -> Value {
        let ty = self.pointer_type();
        self.builder.ins().load(ty, flags, base, vm_offset(offset))
    }

    fn store_context(&mut self) -> Value {
        self.load_vmctx_ptr(self.layout().vmctx_store_context())
    }

    // ---- fuel and epochs -------------------------------------------------

    /// Subtracts the fuel used since the last flush from the store.
    fn fuel_flush(&mut self) {
        if !self.env.config.consume_fuel || self.fuel_pending == 0 || !self.reachable {
            self.fuel_pending = 0;
            return;
        }
        let ctx = self.store_context();
        let at = vm_offset(self.layout().store_context_fuel_remaining());
        let fuel = self.builder.ins().load(types::I64, trusted(), ctx, at);
        let fuel = self.builder.ins().iadd_imm_s(fuel, -self.fuel_pending);
        self.builder.ins().store(trusted(), fuel, ctx, at);
        self.fuel_pending = 0;
    }

    /// Flushes pending fuel and traps if the store has run out.
    fn fuel_check(&mut self) {
        if !self.env.config.consume_fuel {
            return;
        }
        self.fuel_flush();
        let ctx = self.store_context();
        let at = vm_offset(self.layout().store_context_fuel_remaining());
        let fuel = self.builder.ins().load(types::I64, trusted(), ctx, at);
        let out = self
            .builder
            .ins()
            .icmp_imm_s(IntCC::SignedLessThan, fuel, 0);
        self.builder.ins().trapnz(out, trap(TRAP_OUT_OF_FUEL));
    }

    /// Calls into the runtime when the engine's epoch reached the deadline.
    fn epoch_check(&mut self) {
        if !self.env.config.epoch_interruption {
            return;
        }
        let ctx = self.store_context();
        let layout = self.layout();
        let counter = self.load_ptr_field(readonly(), ctx, layout.store_context_epoch_counter());
        let epoch = self.builder.ins().load(types::I64, trusted(), counter, 0);
        let at = vm_offset(layout.store_context_epoch_deadline());
        let deadline = self.builder.ins().load(types::I64, trusted(), ctx, at);
        let reached = self
            .builder
            .ins()
            .icmp(IntCC::UnsignedGreaterThanOrEqual, epoch, deadline);
        let slow = self.builder.create_block();
        let cont = self.builder.create_block();
        self.builder.set_cold_block(slow);
        self.builder.ins().brif(reached, slow, &[], cont, &[]);
        self.builder.seal_block(slow);
        self.builder.switch_to_block(slow);
        let ok = self.call_builtin(BuiltinFunction::epoch_interrupt, &[]);
        self.check_builtin(ok);
        self.builder.ins().jump(cont, &[]);
        self.builder.seal_block(cont);
        self.builder.switch_to_block(cont);
    }

    // ---- builtins ----------------------------------------------------------

    fn call_builtin(&mut self, b: BuiltinFunction, args: &[Value]) -> Value {
        let sig = match self.builtin_sigs.get(&b.index()) {
            Some(s) => *s,
            None => {
                let sig =
                    builtin_signature(b, self.env.isa.default_call_conv(), self.pointer_type());
                let s = self.builder.import_signature(sig);
                self.builtin_sigs.insert(b.index(), s);
                s
            }
        };
        let layout = self.layout();
        let table = self.load_vmctx_ptr(layout.vmctx_builtin_functions());
        let fptr = self.load_ptr_field(readonly(), table, layout.builtin_function(b.index()));
        let mut all = vec![self.vmctx];
        all.extend_from_slice(args);
        // The list's signature is the one contract between translator and
        // runtime: an argument of the wrong type is a translator bug.
        assert_eq!(
            all.iter()
                .map(|v| self.builder.func.dfg.value_type(*v))
                .collect::<Vec<_>>(),
            self.builder.func.dfg.signatures[sig]
                .params
                .iter()
                .map(|p| p.value_type)
                .collect::<Vec<_>>(),
            "arguments of builtin {}({:?})",
            b.name(),
            b.param_names(),
        );
        let call = self.builder.ins().call_indirect(sig, fptr, &all);
        self.builder.inst_results(call)[0]
    }

    /// Raises the trap a builtin left pending when it returned 0.
    fn check_builtin(&mut self, ok: Value) {
        self.builder.ins().trapz(ok, trap(TRAP_LIBCALL));
    }

    // ---- memories ------------------------------------------------------------

    /// How memory `mem` is laid out (the runtime makes the same plan).
    fn memory_plan(&self, mem: u32) -> MemoryPlan {
        MemoryPlan::new(
            &self.env.info.memories[mem as usize],
            self.env.config.static_memory_guard,
        )
    }

    /// Memory `mem`'s index (an `i32` or `i64` operand) as an `i64`.
    fn memory_index(&mut self, mem: u32, index: Value) -> Value {
        if self.memory_plan(mem).is_64 {
            index
        } else {
            self.builder.ins().uextend(types::I64, index)
        }
    }

    /// Loads the base address of memory `mem` through its definition `def`.
    fn memory_base(&mut self, mem: u32, def: Value) -> Value {
        // A base that never moves is loaded once; one that may move is
        // reloaded after anything that may grow the memory.
        let flags = if self.memory_plan(mem).base_is_fixed() {
            readonly()
        } else {
            trusted()
        };
        let flags = flags.with_alias_region(self.memory_definitions_region);
        self.load_ptr_field(flags, def, self.layout().memory_definition_base())
    }

    /// Loads the current length in bytes of a memory through `def`, as an
    /// `i64` like the indices it is compared with.
    fn memory_length(&mut self, def: Value) -> Value {
        let flags = trusted().with_alias_region(self.memory_definitions_region);
        let offset = self.layout().memory_definition_current_length();
        let len = self.load_ptr_field(flags, def, offset);
        self.widen_i64(len)
    }

    /// Computes the native address of a memory access and the static offset
    /// to use with it, emitting the bounds check the memory's plan asks for.
    pub(super) fn mem_addr(
        &mut self,
        memarg: &wasmparser::MemArg,
        size: u32,
    ) -> (Value, i32, MemFlags) {
        let memory = match memarg.target {
            wasmparser::MemArgTarget::Memory(m) => m,
            wasmparser::MemArgTarget::Array(_) => {
                unreachable!("validated: no GC arrays")
            }
        };
        let index = self.pop();
        let index = self.memory_index(memory, index);
        let def = self.load_vmctx_ptr(self.env.offsets.memory_ptr(memory));
        let offset = memarg.offset;
        // An access the guard region checks traps through the fault; one
        // checked here cannot fault.
        let fault_flags = MemFlags::new()
            .with_endianness(ir::Endianness::Little)
            .with_trap_code(Some(TrapCode::HEAP_OUT_OF_BOUNDS))
            .with_alias_region(self.heap_region);
        let checked_flags = MemFlags::trusted()
            .with_endianness(ir::Endianness::Little)
            .with_alias_region(self.heap_region);
        let plan = self.memory_plan(memory);
        let check = plan.bounds_check(offset, size);
        let base = self.memory_base(memory, def);
        let flags = match check {
            BoundsCheck::None => fault_flags,
            BoundsCheck::IndexOnly => {
                // index <= length, and offset + size fits in the guard.
                let len = self.memory_length(def);
                let oob = self
                    .builder
                    .ins()
                    .icmp(IntCC::UnsignedGreaterThan, index, len);
                self.builder.ins().trapnz(oob, TrapCode::HEAP_OUT_OF_BOUNDS);
                fault_flags
            }
            BoundsCheck::Full => {
                let len = self.memory_length(def);
                match offset.checked_add(u64::from(size)) {
                    // Past the end of any memory a 64-bit index can name.
                    None => {
                        let yes = self.builder.ins().iconst(types::I8, 1);
                        self.builder.ins().trapnz(yes, TrapCode::HEAP_OUT_OF_BOUNDS);
                    }
                    Some(bound) => {
                        let bound = self.builder.ins().iconst(types::I64, bound as i64);
                        let end = if plan.is_64 {
                            // A sum that wraps is out of bounds too.
                            self.builder.ins().uadd_overflow_trap(
                                index,
                                bound,
                                TrapCode::HEAP_OUT_OF_BOUNDS,
                            )
                        } else {
                            // index < 2^32 and offset < 2^32: no overflow.
                            self.builder.ins().iadd(index, bound)
                        };
                        let oob = self
                            .builder
                            .ins()
                            .icmp(IntCC::UnsignedGreaterThan, end, len);
                        self.builder.ins().trapnz(oob, TrapCode::HEAP_OUT_OF_BOUNDS);
                    }
                }
                checked_flags
            }
        };
        let addr = self.builder.ins().iadd(base, index);
        if offset <= i32::MAX as u64 {
            (addr, offset as i32, flags)
        } else {
            let addr = self.builder.ins().iadd_imm_s(addr, offset as i64);
            (addr, 0, flags)
        }
    }

    /// Base address and current size in bytes of memory `mem`.
    fn memory_base_and_size(&mut self, mem: u32) -> (Value, Value) {
        let def = self.load_vmctx_ptr(self.env.offsets.memory_ptr(mem));
        let base = self.memory_base(mem, def);
        let size = self.memory_length(def);
        (base, size)
    }

    /// Traps with `code` unless `[start, start + len)` lies within `size`.
    /// `start` and `len` are `i64`; when both are zero-extended 32-bit
    /// values (`wide` false) their sum cannot overflow, otherwise an
    /// overflowing sum traps too.
    fn trap_unless_in_bounds(
        &mut self,
        start: Value,
        len: Value,
        size: Value,
        wide: bool,
        code: TrapCode,
    ) {
        let end = if wide {
            self.builder.ins().uadd_overflow_trap(start, len, code)
        } else {
            self.builder.ins().iadd(start, len)
        };
        let oob = self
            .builder
            .ins()
            .icmp(IntCC::UnsignedGreaterThan, end, size);
        self.builder.ins().trapnz(oob, code);
    }

    /// `value` (an `i32` or `i64` operand) as an `i64`.
    fn widen_i64(&mut self, value: Value) -> Value {
        if self.builder.func.dfg.value_type(value) == types::I64 {
            value
        } else {
            self.builder.ins().uextend(types::I64, value)
        }
    }

    /// Calls a C library function (`memset`, `memmove`) whose address is
    /// patched in when the code is loaded. Bulk memory operations call it
    /// directly once bounds are checked, without entering the runtime.
    fn call_native(&mut self, lc: LibCall, args: &[Value]) {
        let mut sig = Signature::new(self.env.isa.default_call_conv());
        for a in args {
            let ty = self.builder.func.dfg.value_type(*a);
            sig.params.push(AbiParam::new(ty));
        }
        let signature = self.builder.import_signature(sig);
        let f = self.builder.import_function(ExtFuncData {
            name: ExternalName::LibCall(lc),
            signature,
            colocated: false,
            patchable: false,
        });
        self.builder.ins().call(f, args);
    }

    fn load(&mut self, memarg: &wasmparser::MemArg, ty: Type, size: u32, kind: LoadKind) {
        let (addr, off, flags) = self.mem_addr(memarg, size);
        let ins = self.builder.ins();
        let v = match kind {
            LoadKind::Plain => ins.load(ty, flags, addr, off),
            LoadKind::S8 => ins.sload8(ty, flags, addr, off),
            LoadKind::U8 => ins.uload8(ty, flags, addr, off),
            LoadKind::S16 => ins.sload16(ty, flags, addr, off),
            LoadKind::U16 => ins.uload16(ty, flags, addr, off),
            LoadKind::S32 => ins.sload32(flags, addr, off),
            LoadKind::U32 => ins.uload32(flags, addr, off),
        };
        self.push(v);
    }

    fn store(&mut self, memarg: &wasmparser::MemArg, size: u32) {
        let val = self.pop();
        let (addr, off, flags) = self.mem_addr(memarg, size);
        let val_ty = self.builder.func.dfg.value_type(val);
        let ins = self.builder.ins();
        match size {
            1 => ins.istore8(flags, val, addr, off),
            2 => ins.istore16(flags, val, addr, off),
            4 if val_ty == types::I64 => ins.istore32(flags, val, addr, off),
            _ => ins.store(flags, val, addr, off),
        };
    }

    // ---- tables ----------------------------------------------------------------

    /// Bounds-checks `index` (an `i32`, or `i64` for a 64-bit table)
    /// against table `table` and returns the address of the element.
    fn table_elem_addr(&mut self, table: u32, index: Value, code: u8) -> Value {
        let def = self.load_vmctx_ptr(self.env.offsets.table_ptr(table));
        let len = self.table_length(def);
        let index = self.widen_i64(index);
        let oob = self
            .builder
            .ins()
            .icmp(IntCC::UnsignedGreaterThanOrEqual, index, len);
        self.builder.ins().trapnz(oob, trap(code));
        let base = self.load_ptr_field(trusted(), def, self.layout().table_definition_base());
        let element_size_log2 = self.layout().size_of_table_element().trailing_zeros();
        let scaled = self
            .builder
            .ins()
            .ishl_imm_u(index, i64::from(element_size_log2));
        self.builder.ins().iadd(base, scaled)
    }

    /// Loads the current number of elements of a table through its
    /// definition `def`, as an `i64`.
    fn table_length(&mut self, def: Value) -> Value {
        let offset = self.layout().table_definition_current_elements();
        let len = self.load_ptr_field(trusted(), def, offset);
        self.widen_i64(len)
    }

    /// Whether table `table` is indexed with `i64`.
    fn table_is_64(&self, table: u32) -> bool {
        self.env.info.tables[table as usize].is_64()
    }

    /// A 64-bit size or old size from a builtin, as table `table`'s index
    /// type (-1 stays -1).
    fn table_result(&mut self, table: u32, value: Value) -> Value {
        if self.table_is_64(table) {
            value
        } else {
            self.builder.ins().ireduce(types::I32, value)
        }
    }

    // ---- calls -----------------------------------------------------------------

    fn wasm_sig_ref(&mut self, type_index: u32) -> SigRef {
        if let Some(s) = self.sig_refs.get(&type_index) {
            return *s;
        }
        let sig = wasm_signature(
            &self.env.info.types[type_index as usize],
            self.pointer_type(),
        );
        let s = self.builder.import_signature(sig);
        self.sig_refs.insert(type_index, s);
        s
    }

    fn call_args(&mut self, callee_vmctx: Value, n: usize) -> Vec<Value> {
        let mut args = Vec::with_capacity(n + 2);
        args.push(callee_vmctx);
        args.push(self.vmctx);
        args.extend_from_slice(self.peekn(n));
        let len = self.stack.len();
        self.stack.truncate(len - n);
        args
    }

    fn push_results(&mut self, call: ir::Inst) {
        let results = self.builder.inst_results(call).to_vec();
        self.stack.extend(results);
    }

    /// `call` (or, with `tail`, `return_call`: the callee replaces this
    /// frame, so deep mutual tail recursion runs in constant stack).
    fn call(&mut self, func_index: u32, tail: bool) {
        let info = self.env.info;
        let type_index = info.functions[func_index as usize];
        let n = info.types[type_index as usize].params().len();
        self.fuel_flush();
        let call = if info.is_imported_func(func_index) {
            let fref = self.load_vmctx_ptr(self.env.offsets.func_ref_ptr(func_index));
            let layout = self.layout();
            let code = self.load_ptr_field(readonly(), fref, layout.func_ref_native_call());
            let callee = self.load_ptr_field(readonly(), fref, layout.func_ref_vmctx());
            let sig = self.wasm_sig_ref(type_index);
            let args = self.call_args(callee, n);
            if tail {
                self.builder.ins().return_call_indirect(sig, code, &args);
                self.reachable = false;
                return;
            }
            self.builder.ins().call_indirect(sig, code, &args)
        } else {
            let fref = match self.func_refs.get(&func_index) {
                Some(f) => *f,
                None => {
                    let sig = self.wasm_sig_ref(type_index);
                    let name = self
                        .builder
                        .func
                        .declare_imported_user_function(UserExternalName::new(0, func_index));
                    let f = self.builder.import_function(ExtFuncData {
                        name: ExternalName::user(name),
                        signature: sig,
                        colocated: true,
                        patchable: false,
                    });
                    self.func_refs.insert(func_index, f);
                    f
                }
            };
            let vmctx = self.vmctx;
            let args = self.call_args(vmctx, n);
            if tail {
                self.builder.ins().return_call(fref, &args);
                self.reachable = false;
                return;
            }
            self.builder.ins().call(fref, &args)
        };
        self.push_results(call);
    }

    /// `call_indirect`, or with `tail` `return_call_indirect`.
    fn call_indirect(&mut self, type_index: u32, table: u32, tail: bool) {
        let index = self.pop();
        self.fuel_flush();
        let addr = self.table_elem_addr(table, index, TRAP_TABLE_OUT_OF_BOUNDS);
        let fref = self.load_ptr_field(trusted(), addr, 0);
        self.builder
            .ins()
            .trapz(fref, trap(TRAP_INDIRECT_CALL_TO_NULL));
        let layout = self.layout();
        let actual = self.builder.ins().load(
            types::I32,
            trusted(),
            fref,
            vm_offset(layout.func_ref_type_id()),
        );
        let expected = self.builder.ins().load(
            types::I32,
            readonly(),
            self.vmctx,
            vm_offset(self.env.offsets.type_id(type_index)),
        );
        let same = self.builder.ins().icmp(IntCC::Equal, actual, expected);
        self.builder.ins().trapz(same, trap(TRAP_BAD_SIGNATURE));
        let code = self.load_ptr_field(trusted(), fref, layout.func_ref_native_call());
        let callee = self.load_ptr_field(trusted(), fref, layout.func_ref_vmctx());
        let sig = self.wasm_sig_ref(type_index);
        let n = self.env.info.types[type_index as usize].params().len();
        let args = self.call_args(callee, n);
        if tail {
            self.builder.ins().return_call_indirect(sig, code, &args);
            self.reachable = false;
            return;
        }
        let call = self.builder.ins().call_indirect(sig, code, &args);
        self.push_results(call);
    }

    // ---- control -----------------------------------------------------------------

    /// The branch target and arity of the frame `depth` levels up; marks
    /// the frame's exit as reached.
    fn branch_target(&mut self, depth: u32) -> (ir::Block, usize) {
        let i = self.control.len() - 1 - depth as usize;
        let frame = &mut self.control[i];
        match frame.kind {
            ControlKind::Loop { header } => (header, frame.num_params),
            _ => {
                frame.exit_reached = true;
                (frame.destination, frame.num_results)
            }
        }
    }

    fn return_(&mut self) {
        self.fuel_flush();
        let n = self.control[0].num_results;
        let vals = self.peekn(n).to_vec();
        self.builder.ins().return_(&vals);
        self.reachable = false;
    }

    /// Handles `else` and `end`, and skips operators in unreachable code.
    /// Returns true when the operator was fully handled.
    fn unreachable_operator(&mut self, op: &Operator<'_>) -> bool {
        match op {
            Operator::Block { .. } | Operator::Loop { .. } | Operator::If { .. } => {
                self.unreachable_depth += 1;
                true
            }
            Operator::Else if self.unreachable_depth == 0 => false,
            Operator::End if self.unreachable_depth == 0 => false,
            Operator::End => {
                self.unreachable_depth -= 1;
                true
            }
            _ => true,
        }
    }

    fn end(&mut self) {
        let frame = self
            .control
            .pop()
            .expect("validated: control stack underflow");
        let is_function = matches!(frame.kind, ControlKind::Function);
        let mut exit_reached = frame.exit_reached;
        if self.reachable {
            self.fuel_flush();
            let vals = self.peekn(frame.num_results).to_vec();
            self.jump(frame.destination, &vals);
            exit_reached = true;
        }
        match frame.kind {
            ControlKind::If {
                else_block,
                else_params,
                else_seen: false,
            } => {
                // No else: the false edge passes the parameters through.
                self.builder.switch_to_block(else_block);
                self.jump(frame.destination, &else_params);
                exit_reached = true;
            }
            ControlKind::Loop { header } => self.builder.seal_block(header),
            _ => {}
        }
        self.stack.truncate(frame.stack_height);
        self.builder.switch_to_block(frame.destination);
        self.builder.seal_block(frame.destination);
        let params = self.builder.block_params(frame.destination).to_vec();
        if is_function {
            self.reachable = true;
            self.builder.ins().return_(&params);
            self.reachable = false;
            return;
        }
        self.stack.extend(params);
        self.reachable = exit_reached;
    }

    fn operator(&mut self, op: &Operator<'_>) -> Result<()> {
        if !self.reachable && self.unreachable_operator(op) {
            return Ok(());
        }
        self.fuel_pending += fuel_cost(op);
        let info = self.env.info;
        macro_rules! unop {
            ($m:ident) => {{
                let a = self.pop();
                let v = self.builder.ins().$m(a);
                self.push(v);
            }};
            ($m:ident, $ty:expr) => {{
                let a = self.pop();
                let v = self.builder.ins().$m($ty, a);
                self.push(v);
            }};
        }
        macro_rules! binop {
            ($m:ident) => {{
                let (a, b) = self.pop2();
                let v = self.builder.ins().$m(a, b);
                self.push(v);
            }};
        }
        macro_rules! icmp {
            ($cc:expr) => {{
                let (a, b) = self.pop2();
                let c = self.builder.ins().icmp($cc, a, b);
                let v = self.builder.ins().uextend(types::I32, c);
                self.push(v);
            }};
        }
        macro_rules! fcmp {
            ($cc:expr) => {{
                let (a, b) = self.pop2();
                let c = self.builder.ins().fcmp($cc, a, b);
                let v = self.builder.ins().uextend(types::I32, c);
                self.push(v);
            }};
        }
        macro_rules! extend_from {
            ($narrow:expr, $wide:expr) => {{
                let a = self.pop();
                let n = self.builder.ins().ireduce($narrow, a);
                let v = self.builder.ins().sextend($wide, n);
                self.push(v);
            }};
        }
        use Operator as O;
        match op {
            // ---- control
            O::Unreachable => {
                self.builder.ins().trap(trap(TRAP_UNREACHABLE));
                self.reachable = false;
            }
            O::Nop => {}
            O::Block { blockty } => {
                let (params, results) = block_type(info, *blockty)?;
                let dest = self.create_block_with(&results);
                self.control.push(ControlFrame {
                    kind: ControlKind::Block,
                    destination: dest,
                    num_params: params.len(),
                    num_results: results.len(),
                    stack_height: self.stack.len() - params.len(),
                    exit_reached: false,
                });
            }
            O::Loop { blockty } => {
                let (params, results) = block_type(info, *blockty)?;
                self.fuel_flush();
                let header = self.create_block_with(&params);
                let dest = self.create_block_with(&results);
                let args = self.peekn(params.len()).to_vec();
                self.jump(header, &args);
                let height = self.stack.len() - params.len();
                self.stack.truncate(height);
                self.builder.switch_to_block(header);
                let hp = self.builder.block_params(header).to_vec();
                self.stack.extend(hp);
                self.control.push(ControlFrame {
                    kind: ControlKind::Loop { header },
                    destination: dest,
                    num_params: params.len(),
                    num_results: results.len(),
                    stack_height: height,
                    exit_reached: false,
                });
                self.fuel_check();
                self.epoch_check();
            }
            O::If { blockty } => {
                let (params, results) = block_type(info, *blockty)?;
                let cond = self.pop();
                self.fuel_flush();
                let then_block = self.builder.create_block();
                let else_block = self.builder.create_block();
                let dest = self.create_block_with(&results);
                self.builder
                    .ins()
                    .brif(cond, then_block, &[], else_block, &[]);
                self.builder.seal_block(then_block);
                self.builder.seal_block(else_block);
                self.builder.switch_to_block(then_block);
                let else_params = self.peekn(params.len()).to_vec();
                self.control.push(ControlFrame {
                    kind: ControlKind::If {
                        else_block,
                        else_params,
                        else_seen: false,
                    },
                    destination: dest,
                    num_params: params.len(),
                    num_results: results.len(),
                    stack_height: self.stack.len() - params.len(),
                    exit_reached: false,
                });
            }
            O::Else => {
                let reachable = self.reachable;
                if reachable {
                    self.fuel_flush();
                }
                let frame = self.control.last_mut().expect("validated: else inside if");
                let ControlKind::If {
                    else_block,
                    else_params,
                    else_seen,
                } = &mut frame.kind
                else {
                    bail!("else outside if");
                };
                *else_seen = true;
                let else_block = *else_block;
                let else_params = else_params.clone();
                let dest = frame.destination;
                let (n, height) = (frame.num_results, frame.stack_height);
                if reachable {
                    frame.exit_reached = true;
                    let vals = self.peekn(n).to_vec();
                    self.jump(dest, &vals);
                }
                self.stack.truncate(height);
                self.stack.extend(else_params);
                self.builder.switch_to_block(else_block);
                self.reachable = true;
            }
            O::End => self.end(),
            O::Br { relative_depth } => {
                self.fuel_flush();
                let (target, n) = self.branch_target(*relative_depth);
                let vals = self.peekn(n).to_vec();
                self.jump(target, &vals);
                self.reachable = false;
            }
            O::BrIf { relative_depth } => {
                let cond = self.pop();
                self.fuel_flush();
                let (target, n) = self.branch_target(*relative_depth);
                let vals = Self::block_args(self.peekn(n));
                let next = self.builder.create_block();
                self.builder.ins().brif(cond, target, &vals, next, &[]);
                self.builder.seal_block(next);
                self.builder.switch_to_block(next);
            }
            O::BrTable { targets } => {
                let index = self.pop();
                self.fuel_flush();
                let default = targets.default();
                let depths = targets.targets().collect::<Result<Vec<u32>, _>>()?;
                let (_, n) = self.branch_target(default);
                let vals = self.peekn(n).to_vec();
                if n == 0 {
                    // No values to pass: the jump table names the targets.
                    let (def_block, _) = self.branch_target(default);
                    let blocks: Vec<ir::Block> =
                        depths.iter().map(|d| self.branch_target(*d).0).collect();
                    let dfg = &mut self.builder.func.dfg;
                    let def_call = dfg.block_call(def_block, &[]);
                    let calls: Vec<_> = blocks.iter().map(|b| dfg.block_call(*b, &[])).collect();
                    let jt = self
                        .builder
                        .create_jump_table(JumpTableData::new(def_call, &calls));
                    self.builder.ins().br_table(index, jt);
                    self.reachable = false;
                    return Ok(());
                }
                // Each distinct target gets an edge block that passes the
                // values, so the jump table itself carries no arguments.
                let mut edges: HashMap<u32, ir::Block> = HashMap::new();
                let mut edge_for = |t: &mut Self, depth: u32| -> ir::Block {
                    *edges
                        .entry(depth)
                        .or_insert_with(|| t.builder.create_block())
                };
                let default_edge = edge_for(self, default);
                let table_edges: Vec<ir::Block> =
                    depths.iter().map(|d| edge_for(self, *d)).collect();
                let dfg = &mut self.builder.func.dfg;
                let def_call = dfg.block_call(default_edge, &[]);
                let calls: Vec<_> = table_edges
                    .iter()
                    .map(|b| self.builder.func.dfg.block_call(*b, &[]))
                    .collect();
                let jt = self
                    .builder
                    .create_jump_table(JumpTableData::new(def_call, &calls));
                self.builder.ins().br_table(index, jt);
                let mut all: Vec<(u32, ir::Block)> = edges.into_iter().collect();
                all.sort_by_key(|(d, _)| *d);
                for (depth, edge) in all {
                    let (target, _) = self.branch_target(depth);
                    self.builder.seal_block(edge);
                    self.builder.switch_to_block(edge);
                    self.jump(target, &vals);
                }
                self.reachable = false;
            }
            O::Return => self.return_(),
            O::Call { function_index } => self.call(*function_index, false),
            O::CallIndirect {
                type_index,
                table_index,
            } => self.call_indirect(*type_index, *table_index, false),
            O::ReturnCall { function_index } => self.call(*function_index, true),
            O::ReturnCallIndirect {
                type_index,
                table_index,
            } => self.call_indirect(*type_index, *table_index, true),
            O::Drop => {
                self.pop();
            }
            O::Select | O::TypedSelect { .. } => {
                let (a, b, c) = self.pop3();
                let v = self.builder.ins().select(c, a, b);
                self.push(v);
            }
            O::TypedSelectMulti { .. } => bail!("unsupported: multi-value select"),

            // ---- variables
            O::LocalGet { local_index } => {
                let v = self.builder.use_var(self.locals[*local_index as usize]);
                self.push(v);
            }
            O::LocalSet { local_index } => {
                let v = self.pop();
                self.builder.def_var(self.locals[*local_index as usize], v);
            }
            O::LocalTee { local_index } => {
                let v = *self.stack.last().expect("validated");
                self.builder.def_var(self.locals[*local_index as usize], v);
            }
            O::GlobalGet { global_index } => {
                let ptr = self.load_vmctx_ptr(self.env.offsets.global_ptr(*global_index));
                let ty = ir_type(info.global_type(*global_index));
                let at = vm_offset(self.layout().global_definition_value());
                let v = self.builder.ins().load(ty, trusted(), ptr, at);
                self.push(v);
            }
            O::GlobalSet { global_index } => {
                let v = self.pop();
                let ptr = self.load_vmctx_ptr(self.env.offsets.global_ptr(*global_index));
                let at = vm_offset(self.layout().global_definition_value());
                self.builder.ins().store(trusted(), v, ptr, at);
            }

            // ---- references
            O::RefNull { .. } => {
                let v = self.builder.ins().iconst(types::I64, 0);
                self.push(v);
            }
            O::RefIsNull => {
                let a = self.pop();
                let c = self.builder.ins().icmp_imm_s(IntCC::Equal, a, 0);
                let v = self.builder.ins().uextend(types::I32, c);
                self.push(v);
            }
            O::RefFunc { function_index } => {
                let v = self.load_vmctx_ptr(self.env.offsets.func_ref_ptr(*function_index));
                self.push(v);
            }

            // ---- tables
            O::TableGet { table } => {
                let index = self.pop();
                let addr = self.table_elem_addr(*table, index, TRAP_TABLE_OUT_OF_BOUNDS);
                let v = self.builder.ins().load(types::I64, trusted(), addr, 0);
                self.push(v);
            }
            O::TableSet { table } => {
                let val = self.pop();
                let index = self.pop();
                let addr = self.table_elem_addr(*table, index, TRAP_TABLE_OUT_OF_BOUNDS);
                self.builder.ins().store(trusted(), val, addr, 0);
            }
            O::TableSize { table } => {
                let def = self.load_vmctx_ptr(self.env.offsets.table_ptr(*table));
                let len = self.table_length(def);
                let v = self.table_result(*table, len);
                self.push(v);
            }
            O::TableGrow { table } => {
                let (init, delta) = self.pop2();
                let delta = self.widen_i64(delta);
                let t = self.builder.ins().iconst(types::I32, i64::from(*table));
                let v = self.call_builtin(BuiltinFunction::table_grow, &[t, delta, init]);
                let v = self.table_result(*table, v);
                self.push(v);
            }
            O::TableFill { table } => {
                let (dst, val, len) = self.pop3();
                let dst = self.widen_i64(dst);
                let len = self.widen_i64(len);
                let t = self.builder.ins().iconst(types::I32, i64::from(*table));
                let ok = self.call_builtin(BuiltinFunction::table_fill, &[t, dst, val, len]);
                self.check_builtin(ok);
            }
            O::TableCopy {
                dst_table,
                src_table,
            } => {
                let (dst, src, len) = self.pop3();
                let (dst, src, len) = (
                    self.widen_i64(dst),
                    self.widen_i64(src),
                    self.widen_i64(len),
                );
                let d = self.builder.ins().iconst(types::I32, i64::from(*dst_table));
                let s = self.builder.ins().iconst(types::I32, i64::from(*src_table));
                let ok = self.call_builtin(BuiltinFunction::table_copy, &[d, s, dst, src, len]);
                self.check_builtin(ok);
            }
            O::TableInit { elem_index, table } => {
                let (dst, src, len) = self.pop3();
                let dst = self.widen_i64(dst);
                let t = self.builder.ins().iconst(types::I32, i64::from(*table));
                let e = self
                    .builder
                    .ins()
                    .iconst(types::I32, i64::from(*elem_index));
                let ok = self.call_builtin(BuiltinFunction::table_init, &[t, e, dst, src, len]);
                self.check_builtin(ok);
            }
            O::ElemDrop { elem_index } => {
                let e = self
                    .builder
                    .ins()
                    .iconst(types::I32, i64::from(*elem_index));
                self.call_builtin(BuiltinFunction::elem_drop, &[e]);
            }

            // ---- memories
            O::I32Load { memarg } => self.load(memarg, types::I32, 4, LoadKind::Plain),
            O::I64Load { memarg } => self.load(memarg, types::I64, 8, LoadKind::Plain),
            O::F32Load { memarg } => self.load(memarg, types::F32, 4, LoadKind::Plain),
            O::F64Load { memarg } => self.load(memarg, types::F64, 8, LoadKind::Plain),
            O::I32Load8S { memarg } => self.load(memarg, types::I32, 1, LoadKind::S8),
            O::I32Load8U { memarg } => self.load(memarg, types::I32, 1, LoadKind::U8),
            O::I32Load16S { memarg } => self.load(memarg, types::I32, 2, LoadKind::S16),
            O::I32Load16U { memarg } => self.load(memarg, types::I32, 2, LoadKind::U16),
            O::I64Load8S { memarg } => self.load(memarg, types::I64, 1, LoadKind::S8),
            O::I64Load8U { memarg } => self.load(memarg, types::I64, 1, LoadKind::U8),
            O::I64Load16S { memarg } => self.load(memarg, types::I64, 2, LoadKind::S16),
            O::I64Load16U { memarg } => self.load(memarg, types::I64, 2, LoadKind::U16),
            O::I64Load32S { memarg } => self.load(memarg, types::I64, 4, LoadKind::S32),
            O::I64Load32U { memarg } => self.load(memarg, types::I64, 4, LoadKind::U32),
            O::I32Store { memarg } | O::F32Store { memarg } => self.store(memarg, 4),
            O::I64Store { memarg } | O::F64Store { memarg } => self.store(memarg, 8),
            O::I32Store8 { memarg } | O::I64Store8 { memarg } => self.store(memarg, 1),
            O::I32Store16 { memarg } | O::I64Store16 { memarg } => self.store(memarg, 2),
            O::I64Store32 { memarg } => self.store(memarg, 4),
            O::MemorySize { mem } => {
                let plan = self.memory_plan(*mem);
                let def = self.load_vmctx_ptr(self.env.offsets.memory_ptr(*mem));
                let len = self.memory_length(def);
                let pages = self
                    .builder
                    .ins()
                    .ushr_imm_u(len, i64::from(plan.page_size_log2));
                let v = if plan.is_64 {
                    pages
                } else {
                    self.builder.ins().ireduce(types::I32, pages)
                };
                self.push(v);
            }
            O::MemoryGrow { mem } => {
                let delta = self.pop();
                let delta = self.widen_i64(delta);
                let m = self.builder.ins().iconst(types::I32, i64::from(*mem));
                let v = self.call_builtin(BuiltinFunction::memory_grow, &[m, delta]);
                let v = if self.memory_plan(*mem).is_64 {
                    v
                } else {
                    // -1 (failure) stays -1.
                    self.builder.ins().ireduce(types::I32, v)
                };
                self.push(v);
            }
            O::MemoryFill { mem } => {
                let (dst, val, len) = self.pop3();
                let wide = self.memory_plan(*mem).is_64;
                let dst = self.widen_i64(dst);
                let len = self.widen_i64(len);
                let (base, size) = self.memory_base_and_size(*mem);
                self.trap_unless_in_bounds(dst, len, size, wide, TrapCode::HEAP_OUT_OF_BOUNDS);
                let addr = self.builder.ins().iadd(base, dst);
                self.call_native(LibCall::Memset, &[addr, val, len]);
            }
            O::MemoryCopy { dst_mem, src_mem } => {
                // The length is 64-bit only when both memories are.
                let (dst, src, len) = self.pop3();
                let dst_wide = self.memory_plan(*dst_mem).is_64;
                let src_wide = self.memory_plan(*src_mem).is_64;
                let dst = self.widen_i64(dst);
                let src = self.widen_i64(src);
                let len = self.widen_i64(len);
                let (dst_base, dst_size) = self.memory_base_and_size(*dst_mem);
                let (src_base, src_size) = self.memory_base_and_size(*src_mem);
                let code = TrapCode::HEAP_OUT_OF_BOUNDS;
                self.trap_unless_in_bounds(src, len, src_size, src_wide, code);
                self.trap_unless_in_bounds(dst, len, dst_size, dst_wide, code);
                let to = self.builder.ins().iadd(dst_base, dst);
                let from = self.builder.ins().iadd(src_base, src);
                self.call_native(LibCall::Memmove, &[to, from, len]);
            }
            O::MemoryInit { data_index, mem } => {
                let (dst, src, len) = self.pop3();
                let m = self.builder.ins().iconst(types::I32, i64::from(*mem));
                let d = self
                    .builder
                    .ins()
                    .iconst(types::I32, i64::from(*data_index));
                let dst = self.widen_i64(dst);
                let ok = self.call_builtin(BuiltinFunction::memory_init, &[m, d, dst, src, len]);
                self.check_builtin(ok);
            }
            O::DataDrop { data_index } => {
                let d = self
                    .builder
                    .ins()
                    .iconst(types::I32, i64::from(*data_index));
                self.call_builtin(BuiltinFunction::data_drop, &[d]);
            }

            // ---- constants
            O::I32Const { value } => {
                let v = self.builder.ins().iconst(types::I32, i64::from(*value));
                self.push(v);
            }
            O::I64Const { value } => {
                let v = self.builder.ins().iconst(types::I64, *value);
                self.push(v);
            }
            O::F32Const { value } => {
                let v = self.builder.ins().f32const(Ieee32::with_bits(value.bits()));
                self.push(v);
            }
            O::F64Const { value } => {
                let v = self.builder.ins().f64const(Ieee64::with_bits(value.bits()));
                self.push(v);
            }

            // ---- integer comparisons
            O::I32Eqz | O::I64Eqz => {
                let a = self.pop();
                let c = self.builder.ins().icmp_imm_s(IntCC::Equal, a, 0);
                let v = self.builder.ins().uextend(types::I32, c);
                self.push(v);
            }
            O::I32Eq | O::I64Eq => icmp!(IntCC::Equal),
            O::I32Ne | O::I64Ne => icmp!(IntCC::NotEqual),
            O::I32LtS | O::I64LtS => icmp!(IntCC::SignedLessThan),
            O::I32LtU | O::I64LtU => icmp!(IntCC::UnsignedLessThan),
            O::I32GtS | O::I64GtS => icmp!(IntCC::SignedGreaterThan),
            O::I32GtU | O::I64GtU => icmp!(IntCC::UnsignedGreaterThan),
            O::I32LeS | O::I64LeS => icmp!(IntCC::SignedLessThanOrEqual),
            O::I32LeU | O::I64LeU => icmp!(IntCC::UnsignedLessThanOrEqual),
            O::I32GeS | O::I64GeS => icmp!(IntCC::SignedGreaterThanOrEqual),
            O::I32GeU | O::I64GeU => icmp!(IntCC::UnsignedGreaterThanOrEqual),

            // ---- float comparisons
            O::F32Eq | O::F64Eq => fcmp!(FloatCC::Equal),
            O::F32Ne | O::F64Ne => fcmp!(FloatCC::NotEqual),
            O::F32Lt | O::F64Lt => fcmp!(FloatCC::LessThan),
            O::F32Gt | O::F64Gt => fcmp!(FloatCC::GreaterThan),
            O::F32Le | O::F64Le => fcmp!(FloatCC::LessThanOrEqual),
            O::F32Ge | O::F64Ge => fcmp!(FloatCC::GreaterThanOrEqual),

            // ---- integer arithmetic
            O::I32Clz | O::I64Clz => unop!(clz),
            O::I32Ctz | O::I64Ctz => unop!(ctz),
            O::I32Popcnt | O::I64Popcnt => unop!(popcnt),
            O::I32Add | O::I64Add => binop!(iadd),
            O::I32Sub | O::I64Sub => binop!(isub),
            O::I32Mul | O::I64Mul => binop!(imul),
            O::I32DivS | O::I64DivS => binop!(sdiv),
            O::I32DivU | O::I64DivU => binop!(udiv),
            O::I32RemS | O::I64RemS => binop!(srem),
            O::I32RemU | O::I64RemU => binop!(urem),
            O::I32And | O::I64And => binop!(band),
            O::I32Or | O::I64Or => binop!(bor),
            O::I32Xor | O::I64Xor => binop!(bxor),
            O::I32Shl | O::I64Shl => binop!(ishl),
            O::I32ShrS | O::I64ShrS => binop!(sshr),
            O::I32ShrU | O::I64ShrU => binop!(ushr),
            O::I32Rotl | O::I64Rotl => binop!(rotl),
            O::I32Rotr | O::I64Rotr => binop!(rotr),

            // ---- float arithmetic
            O::F32Abs | O::F64Abs => unop!(fabs),
            O::F32Neg | O::F64Neg => unop!(fneg),
            O::F32Ceil | O::F64Ceil => unop!(ceil),
            O::F32Floor | O::F64Floor => unop!(floor),
            O::F32Trunc | O::F64Trunc => unop!(trunc),
            O::F32Nearest | O::F64Nearest => unop!(nearest),
            O::F32Sqrt | O::F64Sqrt => unop!(sqrt),
            O::F32Add | O::F64Add => binop!(fadd),
            O::F32Sub | O::F64Sub => binop!(fsub),
            O::F32Mul | O::F64Mul => binop!(fmul),
            O::F32Div | O::F64Div => binop!(fdiv),
            O::F32Min | O::F64Min => binop!(fmin),
            O::F32Max | O::F64Max => binop!(fmax),
            O::F32Copysign | O::F64Copysign => binop!(fcopysign),

            // ---- conversions
            O::I32WrapI64 => unop!(ireduce, types::I32),
            O::I64ExtendI32S => unop!(sextend, types::I64),
            O::I64ExtendI32U => unop!(uextend, types::I64),
            O::I32TruncF32S | O::I32TruncF64S => unop!(fcvt_to_sint, types::I32),
            O::I32TruncF32U | O::I32TruncF64U => unop!(fcvt_to_uint, types::I32),
            O::I64TruncF32S | O::I64TruncF64S => unop!(fcvt_to_sint, types::I64),
            O::I64TruncF32U | O::I64TruncF64U => unop!(fcvt_to_uint, types::I64),
            O::I32TruncSatF32S | O::I32TruncSatF64S => unop!(fcvt_to_sint_sat, types::I32),
            O::I32TruncSatF32U | O::I32TruncSatF64U => unop!(fcvt_to_uint_sat, types::I32),
            O::I64TruncSatF32S | O::I64TruncSatF64S => unop!(fcvt_to_sint_sat, types::I64),
            O::I64TruncSatF32U | O::I64TruncSatF64U => unop!(fcvt_to_uint_sat, types::I64),
            O::F32ConvertI32S | O::F32ConvertI64S => unop!(fcvt_from_sint, types::F32),
            O::F32ConvertI32U | O::F32ConvertI64U => unop!(fcvt_from_uint, types::F32),
            O::F64ConvertI32S | O::F64ConvertI64S => unop!(fcvt_from_sint, types::F64),
            O::F64ConvertI32U | O::F64ConvertI64U => unop!(fcvt_from_uint, types::F64),
            O::F32DemoteF64 => unop!(fdemote, types::F32),
            O::F64PromoteF32 => unop!(fpromote, types::F64),
            O::I32ReinterpretF32 => self.bitcast(types::I32),
            O::I64ReinterpretF64 => self.bitcast(types::I64),
            O::F32ReinterpretI32 => self.bitcast(types::F32),
            O::F64ReinterpretI64 => self.bitcast(types::F64),
            O::I32Extend8S => extend_from!(types::I8, types::I32),
            O::I32Extend16S => extend_from!(types::I16, types::I32),
            O::I64Extend8S => extend_from!(types::I8, types::I64),
            O::I64Extend16S => extend_from!(types::I16, types::I64),
            O::I64Extend32S => extend_from!(types::I32, types::I64),

            // ---- wide arithmetic: 128-bit sums and differences over pairs
            // of i64 (low half first), and full 64x64 -> 128 products.
            O::I64Add128 | O::I64Sub128 => {
                let b_hi = self.pop();
                let b_lo = self.pop();
                let a_hi = self.pop();
                let a_lo = self.pop();
                let a = self.builder.ins().iconcat(a_lo, a_hi);
                let b = self.builder.ins().iconcat(b_lo, b_hi);
                let r = if matches!(op, O::I64Add128) {
                    self.builder.ins().iadd(a, b)
                } else {
                    self.builder.ins().isub(a, b)
                };
                let (lo, hi) = self.builder.ins().isplit(r);
                self.push(lo);
                self.push(hi);
            }
            O::I64MulWideS | O::I64MulWideU => {
                let (a, b) = self.pop2();
                let lo = self.builder.ins().imul(a, b);
                let hi = if matches!(op, O::I64MulWideS) {
                    self.builder.ins().smulhi(a, b)
                } else {
                    self.builder.ins().umulhi(a, b)
                };
                self.push(lo);
                self.push(hi);
            }

            other => {
                if !self.simd_operator(other)? {
                    bail!("unsupported operator {other:?}");
                }
            }
        }
        Ok(())
    }

    fn bitcast(&mut self, ty: Type) {
        let a = self.pop();
        let v = self.builder.ins().bitcast(ty, MemFlags::new(), a);
        self.push(v);
    }
}

#[derive(Copy, Clone)]
enum LoadKind {
    Plain,
    S8,
    U8,
    S16,
    U16,
    S32,
    U32,
}
