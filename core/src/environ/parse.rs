//! Parses and validates a module's bytes into [`ModuleInfo`] plus the
//! function bodies still to be validated and compiled (function bodies are
//! validated during translation, in parallel).

use super::module::ElementItems as SegmentItems;
use super::module::*;
use super::types::{WasmFuncType, WasmRefType, WasmValType};
use crate::types::MemoryType;
use anyhow::{Result, anyhow, bail};
use wasmparser::{
    ElementItems, ElementKind, ExternalKind, FuncToValidate, FunctionBody, Name, NameSectionReader,
    Operator, Parser, Payload, TypeRef, ValidPayload, Validator, ValidatorResources, WasmFeatures,
};

/// A function body waiting for validation and translation.
pub struct FunctionBodyInput<'a> {
    /// The function's index in the function index space.
    pub func_index: u32,
    /// The body's bytes.
    pub body: FunctionBody<'a>,
    /// The validator for this body.
    pub validator: FuncToValidate<ValidatorResources>,
}

/// The result of parsing: metadata and bodies.
pub struct ParsedModule<'a> {
    /// Module metadata.
    pub info: ModuleInfo,
    /// Bodies of the defined functions, in order.
    pub bodies: Vec<FunctionBodyInput<'a>>,
}

fn unsupported<T>(what: &str) -> Result<T> {
    bail!("unsupported: {what} is not part of WebAssembly 2.0")
}

fn val_type(ty: wasmparser::ValType) -> Result<WasmValType> {
    WasmValType::from_wasmparser(ty).ok_or_else(|| anyhow!("unsupported value type {ty:?}"))
}

fn ref_type(ty: wasmparser::RefType) -> Result<WasmRefType> {
    WasmRefType::from_wasmparser(ty).ok_or_else(|| anyhow!("unsupported reference type {ty:?}"))
}

fn table_type(ty: &wasmparser::TableType) -> Result<WasmTableType> {
    if ty.shared {
        return unsupported("a shared table");
    }
    let element = ref_type(ty.element_type)?;
    if !ty.table64 {
        u32::try_from(ty.initial)?;
        ty.maximum.map(u32::try_from).transpose()?;
    }
    Ok(WasmTableType {
        element,
        minimum: ty.initial,
        maximum: ty.maximum,
        is_64: ty.table64,
    })
}

fn memory_type(ty: &wasmparser::MemoryType) -> Result<MemoryType> {
    if ty.shared {
        return unsupported("a shared memory");
    }
    let log2 = ty.page_size_log2.unwrap_or(16);
    let log2 = u8::try_from(log2).map_err(|_| anyhow!("invalid custom page size 2^{log2}"))?;
    MemoryType::builder()
        .min(ty.initial)
        .max(ty.maximum)
        .memory64(ty.memory64)
        .page_size_log2(log2)
        .build()
}

fn global_type(ty: &wasmparser::GlobalType) -> Result<WasmGlobalType> {
    if ty.shared {
        return unsupported("a shared global");
    }
    Ok(WasmGlobalType {
        content: val_type(ty.content_type)?,
        mutable: ty.mutable,
    })
}

/// Converts a validated constant expression.
pub(crate) fn const_expr(expr: &wasmparser::ConstExpr<'_>) -> Result<ConstExpr> {
    let mut ops = Vec::new();
    let mut reader = expr.get_operators_reader();
    while !reader.eof() {
        let op = match reader.read()? {
            Operator::I32Const { value } => ConstOp::I32(value),
            Operator::I64Const { value } => ConstOp::I64(value),
            Operator::F32Const { value } => ConstOp::F32(value.bits()),
            Operator::F64Const { value } => ConstOp::F64(value.bits()),
            Operator::V128Const { value } => ConstOp::V128(u128::from_le_bytes(*value.bytes())),
            Operator::GlobalGet { global_index } => ConstOp::GlobalGet(global_index),
            Operator::RefNull { hty } => {
                ref_type(
                    wasmparser::RefType::new(true, hty).ok_or_else(|| anyhow!("bad heap type"))?,
                )?;
                ConstOp::RefNull
            }
            Operator::RefFunc { function_index } => ConstOp::RefFunc(function_index),
            Operator::I32Add => ConstOp::I32Add,
            Operator::I32Sub => ConstOp::I32Sub,
            Operator::I32Mul => ConstOp::I32Mul,
            Operator::I64Add => ConstOp::I64Add,
            Operator::I64Sub => ConstOp::I64Sub,
            Operator::I64Mul => ConstOp::I64Mul,
            Operator::End => break,
            other => bail!("unsupported constant expression operator {other:?}"),
        };
        ops.push(op);
    }
    Ok(ConstExpr(ops))
}

/// The wasmparser feature set for the given switches. Wasm 2.0 minus the
/// proposals that are turned off.
pub(crate) fn wasm_features(cfg: &crate::config::WasmFeatureSet) -> WasmFeatures {
    let mut f = WasmFeatures::WASM2;
    f.set(WasmFeatures::SIMD, cfg.simd);
    f.set(WasmFeatures::REFERENCE_TYPES, cfg.reference_types);
    f.set(WasmFeatures::BULK_MEMORY, cfg.bulk_memory);
    f.set(WasmFeatures::MULTI_VALUE, cfg.multi_value);
    f.set(WasmFeatures::SIGN_EXTENSION, cfg.sign_extension);
    f.set(
        WasmFeatures::SATURATING_FLOAT_TO_INT,
        cfg.saturating_float_to_int,
    );
    f.set(WasmFeatures::EXTENDED_CONST, cfg.extended_const);
    f.set(WasmFeatures::WIDE_ARITHMETIC, cfg.wide_arithmetic);
    f.set(WasmFeatures::TAIL_CALL, cfg.tail_call);
    f.set(WasmFeatures::MULTI_MEMORY, cfg.multi_memory);
    f.set(WasmFeatures::RELAXED_SIMD, cfg.relaxed_simd && cfg.simd);
    f.set(WasmFeatures::MEMORY64, cfg.memory64);
    f.set(WasmFeatures::CUSTOM_PAGE_SIZES, cfg.custom_page_sizes);
    f.set(WasmFeatures::FUNCTION_REFERENCES, cfg.function_references);
    f.set(WasmFeatures::EXCEPTIONS, cfg.exceptions);
    // The legacy instructions too, so that they are refused by name at
    // translation like the others, not by the validator.
    f.set(WasmFeatures::LEGACY_EXCEPTIONS, cfg.exceptions);
    f
}

/// Validates the module-level structure of `wasm` and collects its
/// metadata. Function bodies are returned unvalidated.
pub fn parse(wasm: &[u8], features: WasmFeatures) -> Result<ParsedModule<'_>> {
    let mut validator = Validator::new_with_features(features);
    let mut info = ModuleInfo::default();
    let mut bodies = Vec::new();
    let mut next_func = 0u32;
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload?;
        let valid = validator.payload(&payload)?;
        if let ValidPayload::Func(validator, body) = valid {
            let func_index = info.num_imported_funcs + next_func;
            next_func += 1;
            bodies.push(FunctionBodyInput {
                func_index,
                body,
                validator,
            });
            continue;
        }
        match payload {
            Payload::TypeSection(reader) => {
                for group in reader {
                    let group = group?;
                    if group.is_explicit_rec_group() {
                        return unsupported("a recursion group (`rec`, the GC proposal)");
                    }
                    for sub in group.into_types() {
                        let f = match &sub.composite_type.inner {
                            wasmparser::CompositeInnerType::Func(f) => f,
                            _ => return unsupported("a non-function type"),
                        };
                        let params = f.params().iter().map(|t| val_type(*t));
                        let results = f.results().iter().map(|t| val_type(*t));
                        let ty = WasmFuncType::new(
                            params.collect::<Result<Vec<_>>>()?,
                            results.collect::<Result<Vec<_>>>()?,
                        );
                        // Each type is registered with the engine by its
                        // structure, the types it names already registered.
                        let index = info.types.len() as u32;
                        if ty.referenced_types().any(|t| t >= index) {
                            return unsupported(
                                "a function type that refers to itself or to a later type",
                            );
                        }
                        info.types.push(ty);
                    }
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.into_imports_with_offsets() {
                    let (offset, import) = import?;
                    check_import_limits(wasm, offset)?;
                    let index = match import.ty {
                        TypeRef::Func(ty) => {
                            info.functions.push(ty);
                            info.num_imported_funcs += 1;
                            EntityIndex::Func(info.functions.len() as u32 - 1)
                        }
                        TypeRef::Table(t) => {
                            info.tables.push(table_type(&t)?);
                            info.num_imported_tables += 1;
                            EntityIndex::Table(info.tables.len() as u32 - 1)
                        }
                        TypeRef::Memory(m) => {
                            info.memories.push(memory_type(&m)?);
                            info.num_imported_memories += 1;
                            EntityIndex::Memory(info.memories.len() as u32 - 1)
                        }
                        TypeRef::Global(g) => {
                            info.globals.push(global_type(&g)?);
                            info.num_imported_globals += 1;
                            EntityIndex::Global(info.globals.len() as u32 - 1)
                        }
                        TypeRef::Tag(t) => {
                            info.tags.push(tag_type(&info, &t)?);
                            info.num_imported_tags += 1;
                            EntityIndex::Tag(info.tags.len() as u32 - 1)
                        }
                        _ => return unsupported("this kind of import"),
                    };
                    info.imports.push(Import {
                        module: import.module.to_string(),
                        name: import.name.to_string(),
                        index,
                    });
                }
            }
            Payload::FunctionSection(reader) => {
                for ty in reader {
                    info.functions.push(ty?);
                }
            }
            Payload::TableSection(reader) => {
                check_section_limits(wasm, reader.range(), true)?;
                for table in reader {
                    let table = table?;
                    info.tables.push(table_type(&table.ty)?);
                    info.table_inits.push(match &table.init {
                        wasmparser::TableInit::RefNull => None,
                        wasmparser::TableInit::Expr(expr) => Some(const_expr(expr)?),
                    });
                }
            }
            Payload::MemorySection(reader) => {
                check_section_limits(wasm, reader.range(), false)?;
                for memory in reader {
                    info.memories.push(memory_type(&memory?)?);
                }
            }
            Payload::GlobalSection(reader) => {
                for global in reader {
                    let global = global?;
                    info.globals.push(global_type(&global.ty)?);
                    info.global_inits.push(const_expr(&global.init_expr)?);
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export?;
                    let index = match export.kind {
                        ExternalKind::Func => EntityIndex::Func(export.index),
                        ExternalKind::Table => EntityIndex::Table(export.index),
                        ExternalKind::Memory => EntityIndex::Memory(export.index),
                        ExternalKind::Global => EntityIndex::Global(export.index),
                        ExternalKind::Tag => EntityIndex::Tag(export.index),
                        _ => return unsupported("this kind of export"),
                    };
                    info.exports.push(Export {
                        name: export.name.to_string(),
                        index,
                    });
                }
            }
            Payload::TagSection(reader) => {
                for tag in reader {
                    let tag = tag?;
                    info.tags.push(tag_type(&info, &tag)?);
                }
            }
            Payload::StartSection { func, .. } => info.start = Some(func),
            Payload::ElementSection(reader) => {
                for element in reader {
                    let element = element?;
                    let mode = match element.kind {
                        ElementKind::Passive => ElementMode::Passive,
                        ElementKind::Declared => ElementMode::Declared,
                        ElementKind::Active {
                            table_index,
                            offset_expr,
                        } => ElementMode::Active {
                            table: table_index.unwrap_or(0),
                            offset: const_expr(&offset_expr)?,
                        },
                    };
                    let (ty, items) = match element.items {
                        ElementItems::Functions(funcs) => (
                            WasmRefType::FUNCREF,
                            SegmentItems::Functions(
                                funcs.into_iter().collect::<Result<Vec<_>, _>>()?,
                            ),
                        ),
                        ElementItems::Expressions(ty, exprs) => {
                            let exprs = exprs
                                .into_iter()
                                .map(|e| const_expr(&e?))
                                .collect::<Result<Vec<_>>>()?;
                            // `ref.func` and `ref.null` only: the flat form.
                            let funcs: Option<Vec<u32>> = exprs
                                .iter()
                                .map(|e| match e.0.as_slice() {
                                    [ConstOp::RefFunc(f)] => Some(*f),
                                    [ConstOp::RefNull] => Some(SegmentItems::NULL),
                                    _ => None,
                                })
                                .collect();
                            let items = match funcs {
                                Some(funcs) => SegmentItems::Functions(funcs),
                                None => SegmentItems::Expressions(exprs),
                            };
                            (ref_type(ty)?, items)
                        }
                    };
                    info.elements.push(ElementSegment { mode, ty, items });
                }
            }
            Payload::DataSection(reader) => {
                for data in reader {
                    let data = data?;
                    let mode = match data.kind {
                        wasmparser::DataKind::Passive => DataMode::Passive,
                        wasmparser::DataKind::Active {
                            memory_index,
                            offset_expr,
                        } => DataMode::Active {
                            memory: memory_index,
                            offset: const_expr(&offset_expr)?,
                        },
                    };
                    info.data.push(DataSegment {
                        mode,
                        data: data.data.to_vec(),
                    });
                }
            }
            Payload::CustomSection(section) if section.name() == "name" => {
                // A malformed name section is ignored, as the spec requires.
                let reader = NameSectionReader::new(wasmparser::BinaryReader::new(
                    section.data(),
                    section.data_offset(),
                ));
                let _ = read_names(reader, &mut info);
            }
            _ => {}
        }
    }
    Ok(ParsedModule { info, bodies })
}

/// The type index of a tag, checked to be an exception tag (attribute 0)
/// of a function type without results (the validator checked both).
fn tag_type(info: &ModuleInfo, tag: &wasmparser::TagType) -> Result<u32> {
    if tag.kind != wasmparser::TagKind::Exception {
        return unsupported("a tag that is not an exception tag");
    }
    match info.types.get(tag.func_type_idx as usize) {
        Some(ty) if ty.results().is_empty() => Ok(tag.func_type_idx),
        _ => bail!("a tag's type must be a function type without results"),
    }
}

/// Reads table or memory limits, requiring the 32-bit LEB128 encoding
/// (at most 5 bytes) for the limits of 32-bit memories and tables.
/// `wasmparser` reads all limits as 64-bit numbers for the memory64
/// proposal, which would accept overlong encodings the spec calls
/// malformed. Runs after the validator accepted the section, so the flags
/// are known-good: bit 0 a maximum, bit 2 64-bit limits, bit 3 a custom
/// page size after the limits.
fn check_limits(reader: &mut wasmparser::BinaryReader<'_>) -> Result<()> {
    let flags = reader.read_u8()?;
    let read = |reader: &mut wasmparser::BinaryReader<'_>| -> Result<()> {
        if flags & 0x04 != 0 {
            reader.read_var_u64()?;
        } else {
            reader.read_var_u32()?;
        }
        Ok(())
    };
    read(reader)?;
    if flags & 0x01 != 0 {
        read(reader)?;
    }
    if flags & 0x08 != 0 {
        reader.read_var_u32()?;
    }
    Ok(())
}

fn check_section_limits(wasm: &[u8], range: std::ops::Range<u64>, tables: bool) -> Result<()> {
    let data = &wasm[range.start as usize..range.end as usize];
    let mut reader = wasmparser::BinaryReader::new(data, range.start);
    let count = reader.read_var_u32()?;
    for _ in 0..count {
        if tables {
            // A table with an initialiser expression (typed function
            // references) starts 0x40 0x00 and ends with the expression.
            let with_init = data.get(reader.current_position()) == Some(&0x40);
            if with_init {
                reader.read_u8()?;
                reader.read_u8()?;
            }
            reader.read::<wasmparser::RefType>()?;
            check_limits(&mut reader)?;
            if with_init {
                reader.read::<wasmparser::ConstExpr<'_>>()?;
            }
            continue;
        }
        check_limits(&mut reader)?;
    }
    Ok(())
}

fn check_import_limits(wasm: &[u8], offset: u64) -> Result<()> {
    let mut reader = wasmparser::BinaryReader::new(&wasm[offset as usize..], offset);
    reader.read_string()?;
    reader.read_string()?;
    match reader.read_u8()? {
        0x01 => {
            reader.read::<wasmparser::RefType>()?;
            check_limits(&mut reader)
        }
        0x02 => check_limits(&mut reader),
        _ => Ok(()),
    }
}

fn read_names(reader: NameSectionReader<'_>, info: &mut ModuleInfo) -> Result<()> {
    for name in reader {
        match name? {
            Name::Module { name, .. } => info.name = Some(name.to_string()),
            Name::Function(map) => {
                for naming in map {
                    let naming = naming?;
                    info.func_names
                        .insert(naming.index, naming.name.to_string());
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Describes where validation of a function body failed.
pub(crate) fn function_error(
    info: &ModuleInfo,
    func_index: u32,
    err: anyhow::Error,
) -> anyhow::Error {
    let name = info
        .func_names
        .get(&func_index)
        .map(|n| format!(" ({n})"))
        .unwrap_or_default();
    err.context(format!("invalid function {func_index}{name}"))
}

/// Adds a module-level description to a validation error.
pub(crate) fn module_error(err: anyhow::Error) -> anyhow::Error {
    err.context("invalid WebAssembly module")
}
