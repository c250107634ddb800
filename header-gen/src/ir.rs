//! The language-neutral model of the C API. The parser resolves meaning
//! once: every type is one of a closed set of kinds, constant groups are
//! enums tied to their alias types, records carry their layout, and each
//! function knows the object it acts on and who owns what it takes and
//! gives. An emitter maps this model to its language and never looks at
//! C spellings to decide anything (it may print them, for languages that
//! speak C: cffi's cdef, cgo).
//!
//! Layouts are computed for the LP64 C ABI (64-bit Linux and macOS:
//! pointers and `size_t` of 8 bytes), the only targets the C API is built
//! for; a test checks every record against the C compiler.

use serde::Serialize;

/// A C type as written in a declaration: a base name with qualifiers and
/// pointer levels. Kept for emitters that print C (cffi, cgo); meaning
/// comes from [`Type`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CType {
    /// The base type: `int32_t`, `petrel_store_t`, `void`, `char`, ...
    pub base: String,
    /// Whether the pointee (or the value) is `const`.
    pub is_const: bool,
    /// Number of `*`s.
    pub pointers: u32,
}

impl CType {
    /// The type in C syntax (without `struct`/`union` tags).
    pub fn c(&self) -> String {
        let mut s = String::new();
        if self.is_const {
            s.push_str("const ");
        }
        s.push_str(&self.base);
        for _ in 0..self.pointers {
            s.push_str(" *");
        }
        s
    }

    /// The type one pointer level down (what an out-parameter receives).
    pub fn pointee(&self) -> CType {
        CType {
            base: self.base.clone(),
            is_const: false,
            pointers: self.pointers.saturating_sub(1),
        }
    }
}

/// What a value is: the closed type model every emitter maps.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Type {
    /// No value (a function's return only).
    Void,
    /// A C `bool` (one byte).
    Bool,
    /// An integer of an exact width.
    Int {
        /// Width in bits: 8, 16, 32 or 64.
        bits: u32,
        /// Whether it is signed.
        signed: bool,
    },
    /// `size_t`: an unsigned integer as wide as a pointer.
    Size,
    /// A binary floating-point number of 32 or 64 bits.
    Float {
        /// Width in bits.
        bits: u32,
    },
    /// A value of an enum-like alias (see [`Enum`]).
    Enum {
        /// The enum's C alias name.
        name: String,
    },
    /// A record passed by value (see [`Record`]).
    Record {
        /// The record's C name.
        name: String,
    },
    /// A function pointer type (see [`Callback`]).
    Callback {
        /// The callback's C name.
        name: String,
    },
    /// An opaque object: only ever behind a [`Type::Pointer`].
    Object {
        /// The object's C type name.
        name: String,
    },
    /// A pointer to a value of `pointee` (`Void` for the embedder's own
    /// data pointer).
    Pointer {
        /// What it points to.
        pointee: Box<Type>,
        /// Whether the callee only reads through it.
        is_const: bool,
    },
    /// A NUL-terminated UTF-8 string (`const char *` / returned `char *`).
    CString,
    /// UTF-8 text given as a pointer and a length (the length is another
    /// parameter, see [`Param::length`]).
    Text,
    /// Bytes given as a pointer and a length; `is_const` false when the
    /// callee fills them.
    Bytes {
        /// Whether the callee only reads them.
        is_const: bool,
    },
    /// An array of `element` given as a pointer and a length; `is_const`
    /// false when the callee writes into it.
    Array {
        /// The element type.
        element: Box<Type>,
        /// Whether the callee only reads it.
        is_const: bool,
    },
}

impl Type {
    /// The object type name, for a pointer to an opaque object.
    pub fn object(&self) -> Option<&str> {
        match self {
            Type::Pointer { pointee, .. } => match pointee.as_ref() {
                Type::Object { name } => Some(name),
                _ => None,
            },
            _ => None,
        }
    }

    /// Whether the value is an integer, an enum or `size_t`.
    pub fn is_integer(&self) -> bool {
        matches!(self, Type::Int { .. } | Type::Size | Type::Enum { .. })
    }
}

/// How a parameter is used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// A value or object the caller passes.
    In,
    /// A result written through the pointer (name ends in `_out`); the
    /// parameter's [`Param::ty`] is the type of the value written.
    Out,
    /// A buffer: `Text`, `Bytes` or `Array`, whose length is the
    /// parameter named by [`Param::length`].
    Buffer,
    /// The length of the buffers named in [`Param::length_of`].
    Length,
}

/// Who owns a value that crosses the call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Ownership {
    /// The caller owns the value afterwards and must free it with the
    /// type's destructor (an out-parameter or return).
    Owned,
    /// The value stays owned by another object and is valid as long as
    /// the function's documentation says (an out-parameter or return).
    Borrowed,
    /// The function takes ownership of an object the caller passed; the
    /// caller must not use or free it afterwards (an input).
    Consumed,
}

/// One function parameter.
#[derive(Clone, Debug, Serialize)]
pub struct Param {
    /// Its name in the header.
    pub name: String,
    /// Its C spelling.
    pub c: CType,
    /// What it is (for an out-parameter: what is written).
    pub ty: Type,
    /// How it is used.
    pub direction: Direction,
    /// For a buffer: the name of its length parameter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub length: Option<String>,
    /// For a length: the buffers it measures.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub length_of: Vec<String>,
    /// Who owns an object or allocation that crosses the call (none for
    /// plain values and inputs the callee only borrows for the call).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ownership: Option<Ownership>,
}

/// What a function is to the object it belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Creates a new owned object of its group (`petrel_store_new`).
    Constructor,
    /// Frees its object (`petrel_store_delete`).
    Destructor,
    /// Acts on an existing object (`petrel_memory_grow`).
    Method,
    /// Belongs to no object (`petrel_wat2wasm`).
    Function,
}

/// The object a function acts on and what it does to it.
#[derive(Clone, Debug, Serialize)]
pub struct Group {
    /// The object's short name (`memory` for `petrel_memory_t`), or empty
    /// for a free function.
    pub object: String,
    /// The rest of the function's name (`grow` in `petrel_memory_grow`).
    pub verb: String,
    /// Its role.
    pub role: Role,
}

/// A function of the API.
#[derive(Clone, Debug, Serialize)]
pub struct Function {
    /// Its C name.
    pub name: String,
    /// The documentation comment (annotations removed).
    pub doc: String,
    /// The C spelling of the return type.
    pub ret_c: CType,
    /// The return type.
    pub ret: Type,
    /// Who owns a returned pointer (none for plain values).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ret_ownership: Option<Ownership>,
    /// Whether it returns a `petrel_error_t *` (NULL on success).
    pub fallible: bool,
    /// The parameters, in order.
    pub params: Vec<Param>,
    /// The object it acts on.
    pub group: Group,
}

/// A field of a struct or union.
#[derive(Clone, Debug, Serialize)]
pub struct Field {
    /// Its name.
    pub name: String,
    /// Its C spelling.
    pub c: CType,
    /// What it is.
    pub ty: Type,
    /// The array length, for a fixed-size array field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub array: Option<usize>,
    /// Its offset in bytes from the start of the record.
    pub offset: usize,
    /// The documentation comment.
    pub doc: String,
}

/// A plain-data struct or union passed by value.
#[derive(Clone, Debug, Serialize)]
pub struct Record {
    /// Its name.
    pub name: String,
    /// Whether it is a union.
    pub is_union: bool,
    /// Its size in bytes.
    pub size: usize,
    /// Its alignment in bytes.
    pub align: usize,
    /// Its fields, in order.
    pub fields: Vec<Field>,
    /// The documentation comment.
    pub doc: String,
}

/// One member of an enum.
#[derive(Clone, Debug, Serialize)]
pub struct Member {
    /// The member's name without the group's prefix (`STACK_OVERFLOW`).
    pub name: String,
    /// The C constant (`PETREL_TRAP_STACK_OVERFLOW`).
    pub constant: String,
    /// Its value.
    pub value: i64,
    /// The documentation comment.
    pub doc: String,
}

/// An integer alias whose values are a named group of constants.
#[derive(Clone, Debug, Serialize)]
pub struct Enum {
    /// The language-neutral name (`TrapCode`), from the `@enum` annotation.
    pub name: String,
    /// The C alias (`petrel_trap_code_t`).
    pub c_name: String,
    /// The integer type it stands for.
    pub repr: Type,
    /// The C spelling of that integer type.
    pub repr_c: String,
    /// Its members, in header order.
    pub members: Vec<Member>,
    /// The documentation comment (annotations removed).
    pub doc: String,
}

/// A function pointer type (a callback or finalizer).
#[derive(Clone, Debug, Serialize)]
pub struct Callback {
    /// Its name.
    pub name: String,
    /// The C spelling of the return type.
    pub ret_c: CType,
    /// The return type.
    pub ret: Type,
    /// The parameters.
    pub params: Vec<Param>,
    /// The documentation comment.
    pub doc: String,
}

/// How an object type lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectKind {
    /// Opaque, created by constructors and freed by its destructor.
    Owned,
    /// Opaque, only ever borrowed from another object (no destructor).
    Borrowed,
    /// A `{store_id, index}` record: a plain value, checked against its
    /// store on every use, never freed.
    Handle,
    /// A record that owns memory and has a destructor (`petrel_bytes_t`).
    OwnedRecord,
}

/// An object of the API: an opaque type, a store handle, or a record with
/// a destructor, with the functions attached to it.
#[derive(Clone, Debug, Serialize)]
pub struct Object {
    /// Its short name (`memory`).
    pub name: String,
    /// Its C type (`petrel_memory_t`).
    pub c_name: String,
    /// How it lives.
    pub kind: ObjectKind,
    /// The functions that create an owned one (through an owned
    /// out-parameter or return), wherever they are grouped.
    pub created_by: Vec<String>,
    /// The function that frees it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deleted_by: Option<String>,
    /// The functions grouped under it, in header order.
    pub functions: Vec<String>,
    /// The documentation comment.
    pub doc: String,
}

/// An integer constant that belongs to no enum.
#[derive(Clone, Debug, Serialize)]
pub struct Constant {
    /// Its name.
    pub name: String,
    /// Its value.
    pub value: i64,
    /// The documentation comment.
    pub doc: String,
}

/// Everything the header declares, in header order within each kind.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Api {
    /// The size of a pointer and of `size_t` in the layouts below.
    pub pointer_size: usize,
    /// Objects with their constructors, destructors and functions.
    pub objects: Vec<Object>,
    /// Enums: constant groups tied to their alias types.
    pub enums: Vec<Enum>,
    /// Plain-data structs and unions, in dependency (header) order.
    pub records: Vec<Record>,
    /// Function pointer types.
    pub callbacks: Vec<Callback>,
    /// Constants that belong to no enum.
    pub constants: Vec<Constant>,
    /// Functions.
    pub functions: Vec<Function>,
}

impl Api {
    /// The record named `name`.
    pub fn record(&self, name: &str) -> Option<&Record> {
        self.records.iter().find(|r| r.name == name)
    }

    /// The enum whose C alias is `c_name`.
    pub fn enum_(&self, c_name: &str) -> Option<&Enum> {
        self.enums.iter().find(|e| e.c_name == c_name)
    }
}
