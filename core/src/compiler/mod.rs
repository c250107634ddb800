//! Compilation of a whole module: validate and translate every function in
//! parallel, compile each with Cranelift, then lay the code out in one text
//! section and resolve the calls between functions.
//!
//! The result, [`CompiledArtifacts`], is plain data: it is what a serialized
//! module contains, and what `vm::CodeMemory` maps executable.

mod func_environ;
pub mod trampolines;
pub mod translate;
mod translate_simd;

use crate::engine::Engine;
use crate::environ::parse::{FunctionBodyInput, ParsedModule, function_error};
use crate::environ::vmoffsets::VMLayout;
use crate::environ::{ModuleInfo, VMOffsets};
use anyhow::{Result, anyhow, bail};
use cranelift_codegen::binemit::Reloc;
use cranelift_codegen::control::ControlPlane;
use cranelift_codegen::ir::{self, ExternalName, LibCall, UserFuncName};
use cranelift_codegen::{Context, FinalizedRelocTarget};
use cranelift_frontend::FunctionBuilderContext;
use func_environ::{ModuleEnv, wasm_signature};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use translate::translate_function;
use wasmparser::FuncValidatorAllocations;

/// User trap code: `call_indirect` or `table.get`/`set` out of bounds.
pub const TRAP_TABLE_OUT_OF_BOUNDS: u8 = 1;
/// User trap code: `call_indirect` to a null entry.
pub const TRAP_INDIRECT_CALL_TO_NULL: u8 = 2;
/// User trap code: `call_indirect` signature mismatch.
pub const TRAP_BAD_SIGNATURE: u8 = 3;
/// User trap code: `unreachable`.
pub const TRAP_UNREACHABLE: u8 = 4;
/// User trap code: fuel ran out.
pub const TRAP_OUT_OF_FUEL: u8 = 5;
/// User trap code: a builtin or host function failed and left the reason
/// pending in the store.
pub const TRAP_LIBCALL: u8 = 6;
/// User trap code: a null function reference called (`call_ref`) or
/// asserted non-null (`ref.as_non_null`).
pub const TRAP_NULL_REFERENCE: u8 = 7;

/// Code alignment of every function, at least.
const FUNCTION_ALIGN: usize = 16;

/// A libcall Cranelift may call by absolute address (float rounding on
/// CPUs without SSE4.1), patched when the code is loaded.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NativeLibCall {
    /// `ceilf`.
    CeilF32,
    /// `ceil`.
    CeilF64,
    /// `floorf`.
    FloorF32,
    /// `floor`.
    FloorF64,
    /// `truncf`.
    TruncF32,
    /// `trunc`.
    TruncF64,
    /// `nearbyintf` (ties to even).
    NearestF32,
    /// `nearbyint` (ties to even).
    NearestF64,
    /// `fmaf`.
    FmaF32,
    /// `fma`.
    FmaF64,
    /// `memset`, for `memory.fill`.
    Memset,
    /// `memmove`, for `memory.copy`.
    Memmove,
}

impl NativeLibCall {
    fn from_cranelift(lc: LibCall) -> Result<NativeLibCall> {
        Ok(match lc {
            LibCall::CeilF32 => NativeLibCall::CeilF32,
            LibCall::CeilF64 => NativeLibCall::CeilF64,
            LibCall::FloorF32 => NativeLibCall::FloorF32,
            LibCall::FloorF64 => NativeLibCall::FloorF64,
            LibCall::TruncF32 => NativeLibCall::TruncF32,
            LibCall::TruncF64 => NativeLibCall::TruncF64,
            LibCall::NearestF32 => NativeLibCall::NearestF32,
            LibCall::NearestF64 => NativeLibCall::NearestF64,
            LibCall::FmaF32 => NativeLibCall::FmaF32,
            LibCall::FmaF64 => NativeLibCall::FmaF64,
            LibCall::Memset => NativeLibCall::Memset,
            LibCall::Memmove => NativeLibCall::Memmove,
            other => bail!("compiled code needs unsupported libcall {other:?}"),
        })
    }
}

/// A trap site: code offset in the text section and its trap code.
#[derive(Copy, Clone, Debug, Serialize, Deserialize)]
pub struct TrapSite {
    /// Offset of the trapping instruction in the text section.
    pub offset: u32,
    /// Raw Cranelift trap code.
    pub code: u8,
}

/// Where one function's code sits in the text section.
#[derive(Copy, Clone, Debug, Serialize, Deserialize)]
pub struct FunctionLoc {
    /// Start offset.
    pub start: u32,
    /// Length in bytes.
    pub len: u32,
}

/// Everything compilation produces; what a serialized module holds.
#[derive(Debug, Serialize, Deserialize)]
pub struct CompiledArtifacts {
    /// Module metadata.
    pub info: ModuleInfo,
    /// The text section (machine code) with intra-module calls resolved.
    pub text: Vec<u8>,
    /// Location of each defined function, in order.
    pub functions: Vec<FunctionLoc>,
    /// Location of the array-call trampoline of each type index.
    pub array_trampolines: Vec<FunctionLoc>,
    /// Trap sites, sorted by offset.
    pub traps: Vec<TrapSite>,
    /// Absolute relocations to patch when loading: (offset, target).
    pub libcall_relocs: Vec<(u32, NativeLibCall)>,
    /// Which wasm instruction each range of a function's code comes from,
    /// sorted by code offset (for backtraces).
    pub address_map: Vec<AddressRange>,
    /// Offset in the module's bytes of each defined function's body (its
    /// locals), in order: what a frame's function-relative offset counts
    /// from.
    pub body_offsets: Vec<u32>,
}

/// A range of code in the text section and the offset, in the module's
/// bytes, of the wasm instruction it was compiled from.
#[derive(Copy, Clone, Debug, Serialize, Deserialize)]
pub struct AddressRange {
    /// First byte of the range in the text section.
    pub start: u32,
    /// One past its last byte.
    pub end: u32,
    /// The instruction's offset in the module.
    pub wasm_offset: u32,
}

/// The output of compiling one function.
struct CompiledFunction {
    code: Vec<u8>,
    alignment: u32,
    relocs: Vec<(u32, Reloc, RelocTarget, i64)>,
    traps: Vec<TrapSite>,
    /// Code ranges (relative to the function) and the wasm offsets they
    /// come from; empty for trampolines.
    srclocs: Vec<AddressRange>,
    /// Offset of the function's body in the module (0 for trampolines).
    body_offset: u32,
}

#[derive(Clone, Copy)]
enum RelocTarget {
    Func(u32),
    LibCall(NativeLibCall),
}

/// Compiles a Cranelift function and collects its code, relocations and
/// trap sites.
/// What compiling one function needs besides its input, kept per thread
/// and reused: the buffers of Cranelift's context (its register
/// allocator's included), of the function builder and of the validator
/// grow to the largest function a thread compiled, instead of being
/// allocated anew for each function.
struct Workspace {
    codegen: Context,
    builder: FunctionBuilderContext,
    validator: Option<FuncValidatorAllocations>,
}

thread_local! {
    static WORKSPACE: std::cell::RefCell<Workspace> = std::cell::RefCell::new(Workspace {
        codegen: Context::new(),
        builder: FunctionBuilderContext::new(),
        validator: None,
    });
}

/// Runs `f` with this thread's workspace (a fresh one if the thread's is
/// in use, which compilation itself never does).
fn with_workspace<R>(f: impl FnOnce(&mut Workspace) -> R) -> R {
    WORKSPACE.with(|w| match w.try_borrow_mut() {
        Ok(mut w) => f(&mut w),
        Err(_) => f(&mut Workspace {
            codegen: Context::new(),
            builder: FunctionBuilderContext::new(),
            validator: None,
        }),
    })
}

fn compile_ir(engine: &Engine, func: ir::Function) -> Result<CompiledFunction> {
    with_workspace(|w| compile_ir_in(&mut w.codegen, engine, func))
}

/// Compiles `func` in the reused context `ctx`.
fn compile_ir_in(
    ctx: &mut Context,
    engine: &Engine,
    func: ir::Function,
) -> Result<CompiledFunction> {
    ctx.clear();
    ctx.func = func;
    let isa = &*engine.inner.isa;
    ctx.compile(isa, &mut ControlPlane::default())
        .map_err(|e| anyhow!("code generation failed: {:?}", e.inner))?;
    let user_names = ctx.func.params.user_named_funcs().clone();
    let compiled = ctx.compiled_code().expect("just compiled");
    let mut relocs = Vec::new();
    for r in compiled.buffer.relocs() {
        let target = match &r.target {
            FinalizedRelocTarget::ExternalName(ExternalName::User(name)) => {
                RelocTarget::Func(user_names[*name].index)
            }
            FinalizedRelocTarget::ExternalName(ExternalName::LibCall(lc)) => {
                RelocTarget::LibCall(NativeLibCall::from_cranelift(*lc)?)
            }
            other => bail!("unsupported relocation target {other:?}"),
        };
        relocs.push((r.offset, r.kind, target, r.addend));
    }
    let traps = compiled
        .buffer
        .traps()
        .iter()
        .map(|t| TrapSite {
            offset: t.offset,
            code: t.code.as_raw().get(),
        })
        .collect();
    let srclocs = compiled
        .buffer
        .get_srclocs_sorted()
        .iter()
        .filter(|r| !r.loc.is_default() && r.start < r.end)
        .map(|r| AddressRange {
            start: r.start,
            end: r.end,
            wasm_offset: r.loc.bits(),
        })
        .collect();
    Ok(CompiledFunction {
        code: compiled.code_buffer().to_vec(),
        alignment: compiled.buffer.alignment,
        relocs,
        traps,
        srclocs,
        body_offset: 0,
    })
}

/// Translates one function body to Cranelift IR.
fn translate_body(
    engine: &Engine,
    env: &ModuleEnv<'_>,
    input: FunctionBodyInput<'_>,
) -> Result<ir::Function> {
    let info = env.info;
    let index = input.func_index;
    with_workspace(|w| {
        let mut validator = input
            .validator
            .into_validator(w.validator.take().unwrap_or_default());
        let sig = wasm_signature(info.func_type(index), engine.inner.isa.pointer_type());
        let mut func = ir::Function::with_name_signature(UserFuncName::user(0, index), sig);
        let result = translate_function(
            env,
            index,
            &input.body,
            &mut validator,
            &mut func,
            &mut w.builder,
        );
        w.validator = Some(validator.into_allocations());
        if result.is_err() {
            // A translation stopped midway leaves the builder's context
            // in use; the next function gets a clean one.
            w.builder = FunctionBuilderContext::new();
        }
        result.map_err(|e| function_error(info, index, e))?;
        Ok(func)
    })
}

fn compile_body(
    engine: &Engine,
    env: &ModuleEnv<'_>,
    input: FunctionBodyInput<'_>,
) -> Result<CompiledFunction> {
    let (info, index) = (env.info, input.func_index);
    let body_offset = input.body.range().start as u32;
    let func = translate_body(engine, env, input)?;
    let mut compiled = compile_ir(engine, func).map_err(|e| function_error(info, index, e))?;
    compiled.body_offset = body_offset;
    Ok(compiled)
}

/// Validates and compiles a parsed module.
pub fn compile_module(engine: &Engine, parsed: ParsedModule<'_>) -> Result<CompiledArtifacts> {
    let ParsedModule { info, bodies } = parsed;
    let layout = VMLayout::new(engine.inner.isa.pointer_bytes());
    // The runtime fills in `VMContext`s with the host's layout (see
    // `Module::from_artifacts`): code for another pointer size could not
    // run against them.
    if layout != VMLayout::HOST {
        bail!("cannot compile for a target whose pointers differ from the host's");
    }
    let offsets = VMOffsets::new(layout, &info);
    let config = &engine.inner.config;
    let env = ModuleEnv {
        info: &info,
        offsets: &offsets,
        config,
        isa: &*engine.inner.isa,
    };
    let compiled: Vec<CompiledFunction> = if config.parallel_compilation && bodies.len() > 1 {
        bodies
            .into_par_iter()
            .map(|b| compile_body(engine, &env, b))
            .collect::<Result<_>>()?
    } else {
        bodies
            .into_iter()
            .map(|b| compile_body(engine, &env, b))
            .collect::<Result<_>>()?
    };
    let trampoline = |ty| compile_ir(engine, trampolines::array_call_trampoline(engine, ty));
    let trampolines: Vec<CompiledFunction> = if config.parallel_compilation && info.types.len() > 1
    {
        info.types
            .par_iter()
            .map(trampoline)
            .collect::<Result<_>>()?
    } else {
        info.types.iter().map(trampoline).collect::<Result<_>>()?
    };
    // The backend's preferred alignment (32 bytes on x86-64, where a
    // loop's place relative to the 32-byte blocks the front end fetches
    // changes how fast it runs).
    let align = FUNCTION_ALIGN.max(engine.inner.isa.function_alignment().preferred as usize);
    link(info, compiled, trampolines, align)
}

/// Lays out the functions and trampolines (each aligned to
/// `function_align` bytes at least) and resolves direct calls.
fn link(
    info: ModuleInfo,
    functions: Vec<CompiledFunction>,
    trampolines: Vec<CompiledFunction>,
    function_align: usize,
) -> Result<CompiledArtifacts> {
    let mut text = Vec::new();
    let mut traps = Vec::new();
    let mut address_map = Vec::new();
    let mut place = |text: &mut Vec<u8>, f: &CompiledFunction| -> FunctionLoc {
        let align = function_align.max(f.alignment as usize);
        text.resize(text.len().next_multiple_of(align), 0xcc);
        let start = text.len() as u32;
        text.extend_from_slice(&f.code);
        traps.extend(f.traps.iter().map(|t| TrapSite {
            offset: start + t.offset,
            code: t.code,
        }));
        address_map.extend(f.srclocs.iter().map(|r| AddressRange {
            start: start + r.start,
            end: start + r.end,
            wasm_offset: r.wasm_offset,
        }));
        FunctionLoc {
            start,
            len: f.code.len() as u32,
        }
    };
    let func_locs: Vec<FunctionLoc> = functions.iter().map(|f| place(&mut text, f)).collect();
    let tramp_locs: Vec<FunctionLoc> = trampolines.iter().map(|f| place(&mut text, f)).collect();

    let mut libcall_relocs = Vec::new();
    let num_imported = info.num_imported_funcs;
    for (f, loc) in functions
        .iter()
        .zip(&func_locs)
        .chain(trampolines.iter().zip(&tramp_locs))
    {
        for (offset, kind, target, addend) in &f.relocs {
            let site = loc.start + offset;
            match (target, kind) {
                (
                    RelocTarget::Func(index),
                    Reloc::X86CallPCRel4 | Reloc::X86CallPLTRel4 | Reloc::X86PCRel4,
                ) => {
                    let callee = index
                        .checked_sub(num_imported)
                        .and_then(|i| func_locs.get(i as usize))
                        .ok_or_else(|| anyhow!("call to unknown function {index}"))?;
                    let value = i64::from(callee.start) + addend - i64::from(site);
                    let value = i32::try_from(value)?;
                    text[site as usize..site as usize + 4].copy_from_slice(&value.to_le_bytes());
                }
                (RelocTarget::LibCall(lc), Reloc::Abs8) if *addend == 0 => {
                    libcall_relocs.push((site, *lc));
                }
                (_, kind) => bail!("unsupported relocation {kind:?}"),
            }
        }
    }
    traps.sort_by_key(|t| t.offset);
    address_map.sort_by_key(|r| r.start);
    Ok(CompiledArtifacts {
        info,
        text,
        functions: func_locs,
        array_trampolines: tramp_locs,
        traps,
        libcall_relocs,
        address_map,
        body_offsets: functions.iter().map(|f| f.body_offset).collect(),
    })
}

/// Compiles the wasm-to-host trampoline for one signature into its own
/// code: the entry host functions are called through from wasm.
pub fn compile_host_trampoline(engine: &Engine, ty: &crate::FuncType) -> Result<Vec<u8>> {
    let ty = crate::environ::WasmFuncType::from(ty);
    let f = compile_ir(engine, trampolines::wasm_to_host_trampoline(engine, &ty))?;
    if !f.relocs.is_empty() {
        bail!("host trampoline unexpectedly needs relocations");
    }
    Ok(f.code)
}

/// Each defined function of `wasm` as Cranelift IR after Cranelift's
/// optimisations (before instruction selection), for the golden tests.
#[cfg(test)]
pub(crate) fn optimized_ir(engine: &Engine, wasm: &[u8]) -> Result<Vec<String>> {
    let features = crate::environ::parse::wasm_features(&engine.inner.config.features);
    let ParsedModule { info, bodies } = crate::environ::parse::parse(wasm, features)?;
    let offsets = VMOffsets::new(VMLayout::HOST, &info);
    let env = ModuleEnv {
        info: &info,
        offsets: &offsets,
        config: &engine.inner.config,
        isa: &*engine.inner.isa,
    };
    bodies
        .into_iter()
        .map(|b| {
            let mut ctx = Context::for_function(translate_body(engine, &env, b)?);
            ctx.optimize(&*engine.inner.isa, &mut ControlPlane::default())
                .map_err(|e| anyhow!("optimisation failed: {e:?}"))?;
            Ok(ctx.func.display().to_string())
        })
        .collect()
}

#[cfg(test)]
mod golden;
