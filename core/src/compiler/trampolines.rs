//! Trampolines between the host's calling convention and wasm's.
//!
//! * The *array-call* trampoline of a signature lets the host call any wasm
//!   function of that signature with arguments and results in one array of
//!   16-byte `ValRaw` slots: `extern "C" fn(native_call, callee_vmctx,
//!   caller_vmctx, values)`.
//! * The *wasm-to-host* trampoline of a signature is the `native_call` of a
//!   host function: it spills the arguments into a stack array and calls
//!   the host entry whose address sits at offset 0 of the callee's context,
//!   `extern "C" fn(ctx, caller_vmctx, values, len) -> u32`; a 0 result
//!   means the host function failed and its error is pending in the store.

use super::TRAP_LIBCALL;
use super::func_environ::{ir_type, wasm_signature};
use crate::engine::Engine;
use crate::environ::WasmFuncType;
use crate::environ::vmoffsets::{VAL_RAW_SIZE, VMLayout};
use cranelift_codegen::ir::{
    self, AbiParam, InstBuilder, MemFlagsData as MemFlags, StackSlotData, StackSlotKind, TrapCode,
    UserFuncName, types,
};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};

/// Builds the array-call trampoline for `ty`.
pub fn array_call_trampoline(engine: &Engine, ty: &WasmFuncType) -> ir::Function {
    let call_conv = engine.inner.isa.default_call_conv();
    let pointer_type = engine.inner.isa.pointer_type();
    let mut sig = ir::Signature::new(call_conv);
    for _ in 0..4 {
        sig.params.push(AbiParam::new(pointer_type));
    }
    let mut func = ir::Function::with_name_signature(UserFuncName::user(1, 0), sig);
    let mut fctx = FunctionBuilderContext::new();
    let mut b = FunctionBuilder::new(&mut func, &mut fctx);
    let block = b.create_block();
    b.append_block_params_for_function_params(block);
    b.switch_to_block(block);
    b.seal_block(block);
    let p = b.block_params(block).to_vec();
    let (code, callee_vmctx, caller_vmctx, values) = (p[0], p[1], p[2], p[3]);
    let flags = MemFlags::trusted();
    let mut args = vec![callee_vmctx, caller_vmctx];
    for (i, t) in ty.params().iter().enumerate() {
        let v = b
            .ins()
            .load(ir_type(*t), flags, values, (i as u32 * VAL_RAW_SIZE) as i32);
        args.push(v);
    }
    let wasm_sig = b.import_signature(wasm_signature(ty, pointer_type));
    let call = b.ins().call_indirect(wasm_sig, code, &args);
    let results = b.inst_results(call).to_vec();
    for (i, r) in results.iter().enumerate() {
        b.ins()
            .store(flags, *r, values, (i as u32 * VAL_RAW_SIZE) as i32);
    }
    b.ins().return_(&[]);
    b.finalize(engine.inner.isa.frontend_config());
    func
}

/// Builds the wasm-to-host trampoline for `ty`.
pub fn wasm_to_host_trampoline(engine: &Engine, ty: &WasmFuncType) -> ir::Function {
    let call_conv = engine.inner.isa.default_call_conv();
    let pointer_type = engine.inner.isa.pointer_type();
    let layout = VMLayout::new(engine.inner.isa.pointer_bytes());
    let mut func = ir::Function::with_name_signature(
        UserFuncName::user(2, 0),
        wasm_signature(ty, pointer_type),
    );
    let mut fctx = FunctionBuilderContext::new();
    let mut b = FunctionBuilder::new(&mut func, &mut fctx);
    let block = b.create_block();
    b.append_block_params_for_function_params(block);
    b.switch_to_block(block);
    b.seal_block(block);
    let p = b.block_params(block).to_vec();
    let (ctx, caller_vmctx) = (p[0], p[1]);
    let slots = ty.params().len().max(ty.results().len()).max(1) as u32;
    let slot = b.create_sized_stack_slot(StackSlotData::new(
        StackSlotKind::ExplicitSlot,
        slots * VAL_RAW_SIZE,
        4,
    ));
    let values = b.ins().stack_addr(pointer_type, slot, 0);
    let flags = MemFlags::trusted();
    for (i, v) in p[2..].iter().enumerate() {
        b.ins()
            .store(flags, *v, values, (i as u32 * VAL_RAW_SIZE) as i32);
    }
    let mut host_sig = ir::Signature::new(call_conv);
    for _ in 0..4 {
        host_sig.params.push(AbiParam::new(pointer_type));
    }
    host_sig.returns.push(AbiParam::new(types::I32));
    let host_sig = b.import_signature(host_sig);
    let entry_offset = i32::try_from(layout.host_func_context_entry()).expect("small offset");
    let entry = b
        .ins()
        .load(pointer_type, flags.with_readonly(), ctx, entry_offset);
    let len = b.ins().iconst(pointer_type, i64::from(slots));
    let call = b
        .ins()
        .call_indirect(host_sig, entry, &[ctx, caller_vmctx, values, len]);
    let ok = b.inst_results(call)[0];
    b.ins().trapz(ok, TrapCode::unwrap_user(TRAP_LIBCALL));
    let mut results = Vec::new();
    for (i, t) in ty.results().iter().enumerate() {
        results.push(
            b.ins()
                .load(ir_type(*t), flags, values, (i as u32 * VAL_RAW_SIZE) as i32),
        );
    }
    b.ins().return_(&results);
    b.finalize(engine.inner.isa.frontend_config());
    func
}
