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
//! This file decides what each operator means; everything that depends on
//! how the runtime lays out the instance (`vmctx` loads, memory addresses
//! and their bounds checks, tables, the call sequence, builtins, fuel and
//! epochs) is emitted by the [`FuncEnvironment`] in `func_environ.rs`.

use super::TRAP_UNREACHABLE;
use super::func_environ::{Callee, FuncEnvironment, ModuleEnv, ir_type, trap};
use crate::environ::ModuleInfo;
use crate::environ::WasmValType;
use anyhow::{Result, bail};
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::immediates::{Ieee32, Ieee64};
use cranelift_codegen::ir::{
    self, BlockArg, InstBuilder, JumpTableData, MemFlagsData as MemFlags, Type, Value, types,
};
use cranelift_frontend::{FunctionBuilder, Variable};
use std::collections::HashMap;
use wasmparser::{BlockType, FuncValidator, FunctionBody, Operator, ValidatorResources};

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
        env: FuncEnvironment::new(env),
        builder,
        stack: Vec::new(),
        control: Vec::new(),
        reachable: true,
        unreachable_depth: 0,
        locals: Vec::new(),
        fuel_pending: 0,
    };
    t.translate(func_index, body, validator)?;
    t.builder.finalize(env.isa.frontend_config());
    Ok(())
}

/// The state of translating one function body; the SIMD operators are
/// translated in `translate_simd.rs`.
pub(super) struct FuncTranslator<'a, 'f> {
    /// Everything that depends on the runtime's layout.
    env: FuncEnvironment<'a>,
    pub(super) builder: FunctionBuilder<'f>,
    stack: Vec<Value>,
    control: Vec<ControlFrame>,
    reachable: bool,
    unreachable_depth: u32,
    locals: Vec<Variable>,
    /// Fuel used by operators since the last flush.
    fuel_pending: i64,
}

fn block_type(info: &ModuleInfo, ty: BlockType) -> Result<(Vec<Type>, Vec<Type>)> {
    Ok(match ty {
        BlockType::Empty => (vec![], vec![]),
        BlockType::Type(t) => {
            let t = WasmValType::from_wasmparser(t)
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

/// The name of an exception-handling instruction, which Petrel does not
/// compile yet; `None` for any other operator.
fn exception_instruction(op: &Operator<'_>) -> Option<&'static str> {
    Some(match op {
        Operator::Throw { .. } => "throw",
        Operator::ThrowRef => "throw_ref",
        Operator::TryTable { .. } => "try_table",
        Operator::Try { .. } => "try",
        Operator::Catch { .. } => "catch",
        Operator::CatchAll => "catch_all",
        Operator::Delegate { .. } => "delegate",
        Operator::Rethrow { .. } => "rethrow",
        _ => return None,
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
        let info = self.env.module().info;
        let fty = info.func_type(func_index).clone();

        // Stack limit and alias regions.
        self.env.prepare_function(&mut self.builder);

        let entry = self.builder.create_block();
        self.builder.append_block_params_for_function_params(entry);
        self.builder.switch_to_block(entry);
        self.builder.seal_block(entry);
        let params = self.builder.block_params(entry).to_vec();
        self.env.set_vmctx(params[0]);

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
            let ty = WasmValType::from_wasmparser(wty)
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

    // ---- fuel and epochs -------------------------------------------------

    /// Subtracts the fuel used since the last flush from the store.
    fn fuel_flush(&mut self) {
        if !self.env.config().consume_fuel || self.fuel_pending == 0 || !self.reachable {
            self.fuel_pending = 0;
            return;
        }
        self.env.consume_fuel(&mut self.builder, self.fuel_pending);
        self.fuel_pending = 0;
    }

    /// Flushes pending fuel and traps if the store has run out.
    fn fuel_check(&mut self) {
        if !self.env.config().consume_fuel {
            return;
        }
        self.fuel_flush();
        self.env.trap_if_out_of_fuel(&mut self.builder);
    }

    /// Calls into the runtime when the engine's epoch reached the deadline.
    fn epoch_check(&mut self) {
        self.env.check_epoch(&mut self.builder);
    }

    // ---- memories ------------------------------------------------------------

    /// Pops the index of a memory access of `size` bytes and returns its
    /// address, static offset and flags (see
    /// [`FuncEnvironment::heap_addr`]).
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
        let heap = self
            .env
            .heap_addr(&mut self.builder, memory, index, memarg.offset, size);
        (heap.addr, heap.offset, heap.flags)
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
        // A narrow store is a plain store of the narrowed value rather than
        // an `istore8`/`16`/`32`: the same instruction for a value in a
        // register, but a constant folds into the narrowed value, and a
        // plain store of a constant is emitted with an immediate operand
        // (Cranelift has that form for `store` only), which saves the
        // register and the instruction that materialises it in a loop.
        let narrow = match size {
            1 => Some(types::I8),
            2 => Some(types::I16),
            4 if val_ty == types::I64 => Some(types::I32),
            _ => None,
        };
        let val = match narrow {
            Some(ty) => self.builder.ins().ireduce(ty, val),
            None => val,
        };
        self.builder.ins().store(flags, val, addr, off);
    }

    // ---- calls -----------------------------------------------------------------

    /// Pops the `n` arguments of a call.
    fn pop_args(&mut self, n: usize) -> Vec<Value> {
        let len = self.stack.len();
        self.stack.split_off(len - n)
    }

    /// Emits the call of `callee` (of type `type_index`) with the arguments
    /// on the stack, and pushes its results; with `tail` the callee
    /// replaces this frame and the code after it is unreachable.
    fn finish_call(&mut self, callee: Callee, type_index: u32, tail: bool) {
        let n = self.env.module().info.types[type_index as usize]
            .params()
            .len();
        let args = self.pop_args(n);
        match self
            .env
            .emit_call(&mut self.builder, callee, type_index, &args, tail)
        {
            Some(call) => {
                let results = self.builder.inst_results(call).to_vec();
                self.stack.extend(results);
            }
            None => self.reachable = false,
        }
    }

    /// `call` (or, with `tail`, `return_call`: the callee replaces this
    /// frame, so deep mutual tail recursion runs in constant stack).
    fn call(&mut self, func_index: u32, tail: bool) {
        let type_index = self.env.module().info.functions[func_index as usize];
        self.fuel_flush();
        let callee = self.env.direct_callee(&mut self.builder, func_index);
        self.finish_call(callee, type_index, tail);
    }

    /// `call_indirect`, or with `tail` `return_call_indirect`.
    fn call_indirect(&mut self, type_index: u32, table: u32, tail: bool) {
        let index = self.pop();
        self.fuel_flush();
        let callee = self
            .env
            .indirect_callee(&mut self.builder, type_index, table, index);
        self.finish_call(callee, type_index, tail);
    }

    /// `call_ref` of a function of type `type_index`, or with `tail`
    /// `return_call_ref`; a null reference traps.
    fn call_ref(&mut self, type_index: u32, tail: bool) {
        let fref = self.pop();
        self.fuel_flush();
        let callee = self.env.ref_callee(&mut self.builder, fref);
        self.finish_call(callee, type_index, tail);
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
        // Refused even in unreachable code, where `try`/`try_table` would
        // otherwise open blocks the skipping does not count.
        if let Some(name) = exception_instruction(op) {
            bail!("exception handling instructions are not supported yet: `{name}`");
        }
        if !self.reachable && self.unreachable_operator(op) {
            return Ok(());
        }
        self.fuel_pending += fuel_cost(op);
        let info = self.env.module().info;
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
            O::CallRef { type_index } => self.call_ref(*type_index, false),
            O::ReturnCallRef { type_index } => self.call_ref(*type_index, true),
            O::BrOnNull { relative_depth } => {
                // Branches with the values under the reference when it is
                // null; goes on with it otherwise.
                let r = self.pop();
                self.fuel_flush();
                let (target, n) = self.branch_target(*relative_depth);
                let vals = Self::block_args(self.peekn(n));
                let next = self.builder.create_block();
                self.builder.ins().brif(r, next, &[], target, &vals);
                self.builder.seal_block(next);
                self.builder.switch_to_block(next);
                self.push(r);
            }
            O::BrOnNonNull { relative_depth } => {
                // Branches with the values and the (non-null) reference
                // when it is not null; goes on without it otherwise.
                let r = *self.stack.last().expect("validated");
                self.fuel_flush();
                let (target, n) = self.branch_target(*relative_depth);
                let vals = Self::block_args(self.peekn(n));
                let next = self.builder.create_block();
                self.builder.ins().brif(r, target, &vals, next, &[]);
                self.builder.seal_block(next);
                self.builder.switch_to_block(next);
                self.pop();
            }
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
                let v = self.env.global_get(&mut self.builder, *global_index);
                self.push(v);
            }
            O::GlobalSet { global_index } => {
                let v = self.pop();
                self.env.global_set(&mut self.builder, *global_index, v);
            }

            // ---- references
            O::RefNull { .. } => {
                let v = self.builder.ins().iconst(types::I64, 0);
                self.push(v);
            }
            O::RefAsNonNull => {
                let r = *self.stack.last().expect("validated");
                self.builder
                    .ins()
                    .trapz(r, trap(super::TRAP_NULL_REFERENCE));
            }
            O::RefIsNull => {
                let a = self.pop();
                let c = self.builder.ins().icmp_imm_s(IntCC::Equal, a, 0);
                let v = self.builder.ins().uextend(types::I32, c);
                self.push(v);
            }
            O::RefFunc { function_index } => {
                let v = self.env.func_ref(&mut self.builder, *function_index);
                self.push(v);
            }

            // ---- tables
            O::TableGet { table } => {
                let index = self.pop();
                let v = self.env.table_get(&mut self.builder, *table, index);
                self.push(v);
            }
            O::TableSet { table } => {
                let val = self.pop();
                let index = self.pop();
                self.env.table_set(&mut self.builder, *table, index, val);
            }
            O::TableSize { table } => {
                let v = self.env.table_size(&mut self.builder, *table);
                self.push(v);
            }
            O::TableGrow { table } => {
                let (init, delta) = self.pop2();
                let v = self.env.table_grow(&mut self.builder, *table, delta, init);
                self.push(v);
            }
            O::TableFill { table } => {
                let (dst, val, len) = self.pop3();
                self.env
                    .table_fill(&mut self.builder, *table, [dst, val, len]);
            }
            O::TableCopy {
                dst_table,
                src_table,
            } => {
                let (dst, src, len) = self.pop3();
                self.env
                    .table_copy(&mut self.builder, *dst_table, *src_table, [dst, src, len]);
            }
            O::TableInit { elem_index, table } => {
                let (dst, src, len) = self.pop3();
                self.env
                    .table_init(&mut self.builder, *table, *elem_index, [dst, src, len]);
            }
            O::ElemDrop { elem_index } => {
                self.env.elem_drop(&mut self.builder, *elem_index);
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
                let v = self.env.memory_size(&mut self.builder, *mem);
                self.push(v);
            }
            O::MemoryGrow { mem } => {
                let delta = self.pop();
                let v = self.env.memory_grow(&mut self.builder, *mem, delta);
                self.push(v);
            }
            O::MemoryFill { mem } => {
                let (dst, val, len) = self.pop3();
                self.env.memory_fill(&mut self.builder, *mem, dst, val, len);
            }
            O::MemoryCopy { dst_mem, src_mem } => {
                let (dst, src, len) = self.pop3();
                self.env
                    .memory_copy(&mut self.builder, *dst_mem, *src_mem, [dst, src, len]);
            }
            O::MemoryInit { data_index, mem } => {
                let (dst, src, len) = self.pop3();
                self.env
                    .memory_init(&mut self.builder, *mem, *data_index, [dst, src, len]);
            }
            O::DataDrop { data_index } => {
                self.env.data_drop(&mut self.builder, *data_index);
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
