//! The language-neutral description of the C API: what the header
//! declares, with the conventions of `petrel.h` made explicit (which
//! parameters are outputs, which pairs are buffers, which functions
//! return an error). Every emitter works from this IR, never from text.

use serde::Serialize;

/// A C type as written in a declaration: a base name with qualifiers and
/// pointer levels.
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
}

/// How a parameter is used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// A value or object the caller passes.
    In,
    /// A result written through the pointer (name ends in `_out`).
    Out,
    /// A pointer to `X_len` elements (the next parameter is the length).
    Buffer,
    /// The length of the preceding buffer parameter.
    Length,
}

/// One function parameter.
#[derive(Clone, Debug, Serialize)]
pub struct Param {
    /// Its name in the header.
    pub name: String,
    /// Its C type.
    pub ty: CType,
    /// How it is used.
    pub direction: Direction,
}

/// A function of the API.
#[derive(Clone, Debug, Serialize)]
pub struct Function {
    /// Its C name.
    pub name: String,
    /// The documentation comment.
    pub doc: String,
    /// The return type.
    pub ret: CType,
    /// Whether it returns a `petrel_error_t *` (NULL on success).
    pub fallible: bool,
    /// The parameters, in order.
    pub params: Vec<Param>,
}

/// A field of a struct or union.
#[derive(Clone, Debug, Serialize)]
pub struct Field {
    /// Its name.
    pub name: String,
    /// Its type.
    pub ty: CType,
    /// The array length, for a fixed-size array field.
    pub array: Option<usize>,
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
    /// Its fields, in order.
    pub fields: Vec<Field>,
    /// The documentation comment.
    pub doc: String,
}

/// A named integer type (`typedef uint8_t petrel_valkind_t;`).
#[derive(Clone, Debug, Serialize)]
pub struct Alias {
    /// Its name.
    pub name: String,
    /// The integer type it stands for.
    pub target: String,
    /// The documentation comment.
    pub doc: String,
}

/// A function pointer type (a callback or finalizer).
#[derive(Clone, Debug, Serialize)]
pub struct Callback {
    /// Its name.
    pub name: String,
    /// The return type.
    pub ret: CType,
    /// The parameters.
    pub params: Vec<Param>,
    /// The documentation comment.
    pub doc: String,
}

/// An integer constant (`#define NAME VALUE`).
#[derive(Clone, Debug, Serialize)]
pub struct Constant {
    /// Its name.
    pub name: String,
    /// Its value.
    pub value: i64,
    /// The documentation comment.
    pub doc: String,
}

/// An opaque object type, used only behind pointers.
#[derive(Clone, Debug, Serialize)]
pub struct Opaque {
    /// Its name.
    pub name: String,
    /// The documentation comment.
    pub doc: String,
}

/// Everything the header declares, in header order within each kind.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Api {
    /// Opaque object types.
    pub opaques: Vec<Opaque>,
    /// Integer aliases.
    pub aliases: Vec<Alias>,
    /// Plain-data structs and unions, in dependency (header) order.
    pub records: Vec<Record>,
    /// Function pointer types.
    pub callbacks: Vec<Callback>,
    /// Integer constants.
    pub constants: Vec<Constant>,
    /// Functions.
    pub functions: Vec<Function>,
}
