//! Traps: the ways wasm execution stops abnormally, with a wasm backtrace.

use std::fmt;

/// Why wasm trapped.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TrapCode {
    /// Wasm used more stack than `Config::max_wasm_stack` allows.
    StackOverflow,
    /// A load or store outside linear memory.
    MemoryOutOfBounds,
    /// An access outside a table.
    TableOutOfBounds,
    /// `call_indirect` on a null table entry.
    IndirectCallToNull,
    /// `call_indirect` on a function of the wrong type.
    BadSignature,
    /// Integer overflow (e.g. `i32.div_s` of MIN by -1, or a float too big
    /// to convert).
    IntegerOverflow,
    /// Integer division by zero.
    IntegerDivisionByZero,
    /// NaN converted to an integer.
    BadConversionToInteger,
    /// The `unreachable` instruction.
    UnreachableCodeReached,
    /// The epoch deadline was reached.
    Interrupt,
    /// The store's fuel ran out.
    OutOfFuel,
    /// A null reference was dereferenced: `call_ref` or `ref.as_non_null`
    /// of a null function reference (the spec's "null function
    /// reference").
    NullReference,
}

impl TrapCode {
    /// The message the spec interpreter uses for this trap.
    pub fn message(&self) -> &'static str {
        match self {
            TrapCode::StackOverflow => "call stack exhausted",
            TrapCode::MemoryOutOfBounds => "out of bounds memory access",
            TrapCode::TableOutOfBounds => "out of bounds table access",
            TrapCode::IndirectCallToNull => "uninitialized element",
            TrapCode::BadSignature => "indirect call type mismatch",
            TrapCode::IntegerOverflow => "integer overflow",
            TrapCode::IntegerDivisionByZero => "integer divide by zero",
            TrapCode::BadConversionToInteger => "invalid conversion to integer",
            TrapCode::UnreachableCodeReached => "unreachable",
            TrapCode::Interrupt => "interrupt",
            TrapCode::OutOfFuel => "all fuel consumed",
            TrapCode::NullReference => "null reference",
        }
    }

    /// Maps a Cranelift trap code from compiled code.
    pub(crate) fn from_raw(raw: u8) -> Option<TrapCode> {
        use crate::compiler::*;
        use cranelift_codegen::ir::TrapCode as C;
        let code = C::from_raw(std::num::NonZeroU8::new(raw)?);
        Some(match code {
            C::STACK_OVERFLOW => TrapCode::StackOverflow,
            C::HEAP_OUT_OF_BOUNDS => TrapCode::MemoryOutOfBounds,
            C::INTEGER_OVERFLOW => TrapCode::IntegerOverflow,
            C::INTEGER_DIVISION_BY_ZERO => TrapCode::IntegerDivisionByZero,
            C::BAD_CONVERSION_TO_INTEGER => TrapCode::BadConversionToInteger,
            c if c == C::unwrap_user(TRAP_TABLE_OUT_OF_BOUNDS) => TrapCode::TableOutOfBounds,
            c if c == C::unwrap_user(TRAP_INDIRECT_CALL_TO_NULL) => TrapCode::IndirectCallToNull,
            c if c == C::unwrap_user(TRAP_BAD_SIGNATURE) => TrapCode::BadSignature,
            c if c == C::unwrap_user(TRAP_UNREACHABLE) => TrapCode::UnreachableCodeReached,
            c if c == C::unwrap_user(TRAP_OUT_OF_FUEL) => TrapCode::OutOfFuel,
            c if c == C::unwrap_user(TRAP_NULL_REFERENCE) => TrapCode::NullReference,
            _ => return None,
        })
    }
}

impl fmt::Display for TrapCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// One frame of a wasm backtrace, innermost first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameInfo {
    pub(crate) func_index: u32,
    pub(crate) func_name: Option<String>,
    pub(crate) module_name: Option<String>,
    pub(crate) func_offset: Option<usize>,
    pub(crate) module_offset: Option<usize>,
}

impl FrameInfo {
    /// The function's index in its module.
    pub fn func_index(&self) -> u32 {
        self.func_index
    }
    /// The function's name from the name section.
    pub fn func_name(&self) -> Option<&str> {
        self.func_name.as_deref()
    }
    /// The module's name from the name section.
    pub fn module_name(&self) -> Option<&str> {
        self.module_name.as_deref()
    }
    /// Offset of the wasm instruction from the start of the function's
    /// body (its locals) in the module, as in Wasmtime; None where the
    /// code has no wasm instruction (a prologue).
    pub fn func_offset(&self) -> Option<usize> {
        self.func_offset
    }
    /// Offset of the wasm instruction in the module's bytes.
    pub fn module_offset(&self) -> Option<usize> {
        self.module_offset
    }
}

impl fmt::Display for FrameInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(m) = &self.module_name {
            write!(f, "{m}!")?;
        }
        match &self.func_name {
            Some(n) => write!(f, "{n}")?,
            None => write!(f, "func[{}]", self.func_index)?,
        }
        if let Some(o) = self.func_offset {
            write!(f, "+{o:#x}")?;
        }
        Ok(())
    }
}

/// A wasm trap: its code and the wasm frames active when it happened.
/// Returned inside `anyhow::Error`; use `err.downcast_ref::<Trap>()`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trap {
    pub(crate) code: TrapCode,
    pub(crate) trace: Vec<FrameInfo>,
}

impl Trap {
    /// A trap with no backtrace.
    pub fn new(code: TrapCode) -> Trap {
        Trap {
            code,
            trace: Vec::new(),
        }
    }
    /// Why it trapped.
    pub fn code(&self) -> TrapCode {
        self.code
    }
    /// The wasm frames, innermost first.
    pub fn trace(&self) -> &[FrameInfo] {
        &self.trace
    }
    /// The backtrace as text, one numbered frame per line.
    pub fn backtrace_string(&self) -> String {
        let mut s = String::new();
        for (i, frame) in self.trace.iter().enumerate() {
            s.push_str(&format!("{i:>4}: {frame}\n"));
        }
        s
    }
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code.message())
    }
}

impl std::error::Error for Trap {}

/// Why a builtin or host function stopped wasm: left in the store until
/// the call that entered wasm picks it up.
pub(crate) enum Pending {
    /// A trap with this code.
    Trap(TrapCode),
    /// An error from a host function (or a caught panic), returned as is.
    Error(anyhow::Error),
}

/// Turns a caught panic into an error.
pub(crate) fn panic_error(payload: Box<dyn std::any::Any + Send>) -> anyhow::Error {
    let msg = if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(no message)".to_string()
    };
    anyhow::anyhow!("host function panicked: {msg}")
}
