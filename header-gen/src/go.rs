//! The Go emitter: `bindings-go/lowlevel.go`, the cgo layer of the Go
//! binding (package `petrel`). It holds
//!
//! - the cgo preamble including `petrel.h` (the include path and the
//!   static library are given by the hand-written `link.go`);
//! - one typed Go enum per IR enum (`TrapCode`, `ValKind`, ...), with a
//!   `String` method giving the member's name in lower case;
//! - compile-time assertions that cgo's view of every record has the
//!   IR's size, alignment and field offsets (the records themselves are
//!   used as cgo's `C.petrel_x_t` types, never redeclared);
//! - one thin wrapper per C function, `cStoreNew` for `petrel_store_new`,
//!   taking Go values (strings, slices, sized integers, the enums) and
//!   returning the out-parameters, plus an `error` for fallible functions
//!   (the returned `*petrel_error_t` goes through `errorHook`, which the
//!   idiomatic layer sets, and is freed).
//!
//! The mapping is decided by the IR's types only; C spellings are printed
//! where cgo needs them (`C.int` and `C.int32_t` are distinct Go types).

use crate::Emitter;
use crate::ir::*;
use std::fmt::Write;

/// Emits the Go binding's low-level layer.
pub struct Go;

const HEADER_LINE: &str = "// Code generated from petrel.h by header-gen. DO NOT EDIT.";

impl Emitter for Go {
    fn files(&self, api: &Api) -> Vec<(String, String)> {
        vec![("bindings-go/lowlevel.go".to_string(), lowlevel(api))]
    }
}

/// Go's keywords.
const KEYWORDS: &[&str] = &[
    "break",
    "case",
    "chan",
    "const",
    "continue",
    "default",
    "defer",
    "else",
    "fallthrough",
    "for",
    "func",
    "go",
    "goto",
    "if",
    "import",
    "interface",
    "map",
    "package",
    "range",
    "return",
    "select",
    "struct",
    "switch",
    "type",
    "var",
];

/// Names a wrapper's body uses, which a parameter must not shadow.
const BODY_NAMES: &[&str] = &[
    "len", "cap", "string", "byte", "new", "copy", "unsafe", "err", "r",
];

/// `snake_case` to `CamelCase`.
fn camel(s: &str) -> String {
    s.split('_')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let lower = p.to_ascii_lowercase();
            let mut c = lower.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// A parameter's Go name: `lowerCamel`, never a keyword or a builtin.
fn ident(name: &str) -> String {
    let c = camel(name);
    let mut s = c[..1].to_ascii_lowercase() + &c[1..];
    if KEYWORDS.contains(&s.as_str()) || BODY_NAMES.contains(&s.as_str()) {
        s.push('_');
    }
    s
}

/// A record field as cgo names it (keywords get a leading `_`).
fn field_name(name: &str) -> String {
    if KEYWORDS.contains(&name) {
        format!("_{name}")
    } else {
        name.to_string()
    }
}

/// The wrapper's name: `cStoreNew` for `petrel_store_new`.
fn wrapper_name(c_name: &str) -> String {
    format!("c{}", camel(c_name.trim_start_matches("petrel_")))
}

/// A C type as cgo spells it in Go.
fn cgo(c: &CType) -> String {
    if c.base == "void" && c.pointers >= 1 {
        format!("{}unsafe.Pointer", "*".repeat(c.pointers as usize - 1))
    } else {
        format!("{}C.{}", "*".repeat(c.pointers as usize), c.base)
    }
}

/// The Go name of the enum whose C alias is `c_name`.
fn enum_name<'a>(api: &'a Api, c_name: &str) -> &'a str {
    api.enum_(c_name).map(|e| e.name.as_str()).unwrap_or("int")
}

/// The Go type of a plain value of `ty`, or `None` when the value keeps
/// its cgo type (records, callbacks, pointers).
fn go_scalar(api: &Api, ty: &Type) -> Option<String> {
    Some(match ty {
        Type::Bool => "bool".into(),
        Type::Int { bits, signed } => format!("{}int{bits}", if *signed { "" } else { "u" }),
        Type::Size => "uint".into(),
        Type::Float { bits } => format!("float{bits}"),
        Type::Enum { name } => enum_name(api, name).into(),
        Type::CString => "string".into(),
        _ => return None,
    })
}

/// The Go type of a value of `ty` spelled `c` in C.
fn go_type(api: &Api, ty: &Type, c: &CType) -> String {
    go_scalar(api, ty).unwrap_or_else(|| cgo(c))
}

/// The Go expression converting the C value `expr` of `ty` to Go.
fn from_c(api: &Api, ty: &Type, expr: &str) -> String {
    match ty {
        Type::CString => format!("C.GoString({expr})"),
        t => match go_scalar(api, t) {
            Some(g) => format!("{g}({expr})"),
            None => expr.to_string(),
        },
    }
}

/// The Go type of a buffer parameter.
fn buffer_type(api: &Api, p: &Param) -> String {
    match &p.ty {
        Type::Text => "string".into(),
        Type::Bytes { .. } => "[]byte".into(),
        Type::Array { element, .. } => {
            let elem_c = CType {
                base: p.c.base.clone(),
                is_const: false,
                pointers: p.c.pointers - 1,
            };
            format!("[]{}", go_type(api, element, &elem_c))
        }
        _ => unreachable!("a buffer is text, bytes or an array"),
    }
}

fn comment(s: &mut String, indent: &str, doc: &str) {
    for line in doc.lines() {
        if line.is_empty() {
            let _ = writeln!(s, "{indent}//");
        } else {
            let _ = writeln!(s, "{indent}// {line}");
        }
    }
}

fn lowlevel(api: &Api) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{HEADER_LINE}");
    s.push_str(
        r#"
// This file is the cgo layer of the binding: enums, record layout checks
// and one thin wrapper per C function of petrel.h (see header-gen/src/go.rs).

package petrel

/*
#include <stdlib.h>
#include "petrel.h"
*/
import "C"

import (
	"strconv"
	"unsafe"
)
"#,
    );

    // Enums.
    for e in &api.enums {
        let repr = go_scalar(api, &e.repr).unwrap_or_else(|| "int".into());
        let _ = writeln!(s);
        comment(
            &mut s,
            "",
            &format!("{} is {}", e.name, lower_first(&e.doc)),
        );
        let _ = writeln!(s, "type {} {repr}", e.name);
        for m in &e.members {
            let _ = writeln!(s);
            let go = format!("{}{}", e.name, camel(&m.name));
            comment(&mut s, "", &format!("{go}: {}", m.doc));
            let _ = writeln!(s, "const {go} {} = {}", e.name, m.value);
        }
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "// String returns the member's name in lower case (\"{}\"), or {}(N) for\n// a value that is not a member.",
            e.members
                .first()
                .map(|m| m.name.to_ascii_lowercase())
                .unwrap_or_default(),
            e.name
        );
        let _ = writeln!(s, "func (v {}) String() string {{", e.name);
        let _ = writeln!(s, "\tswitch v {{");
        for m in &e.members {
            let _ = writeln!(s, "\tcase {}{}:", e.name, camel(&m.name));
            let _ = writeln!(s, "\t\treturn \"{}\"", m.name.to_ascii_lowercase());
        }
        let _ = writeln!(s, "\t}}");
        let _ = writeln!(s, "\treturn \"{}(\" + strconv.Itoa(int(v)) + \")\"", e.name);
        let _ = writeln!(s, "}}");
    }
    for c in &api.constants {
        let _ = writeln!(s);
        let go = camel(c.name.trim_start_matches("PETREL_"));
        comment(&mut s, "", &format!("{go}: {}", c.doc));
        let _ = writeln!(s, "const {go} = {}", c.value);
    }

    // Record layouts.
    let _ = writeln!(
        s,
        "\n// Layout checks: each index is a constant that is 0 only when cgo lays\n// the record out as header-gen computed (LP64): a smaller value overflows\n// uintptr and a larger one is out of range, so a mismatch does not compile."
    );
    let _ = writeln!(s, "var (");
    for r in &api.records {
        let v = format!("C.{}{{}}", r.name);
        let _ = writeln!(s, "\t_ = [1]struct{{}}{{}}[unsafe.Sizeof({v})-{0}]", r.size);
        // cgo gives a union no fields and the alignment of a byte array:
        // only its size can be checked, and a struct holding one is padded
        // by cgo to the C offsets (checked) but aligned to 1. Such records
        // must not be placed in Go memory where C needs their alignment.
        if !has_union(api, r) {
            let _ = writeln!(
                s,
                "\t_ = [1]struct{{}}{{}}[unsafe.Alignof({v})-{0}]",
                r.align
            );
        }
        if !r.is_union {
            for f in &r.fields {
                let _ = writeln!(
                    s,
                    "\t_ = [1]struct{{}}{{}}[unsafe.Offsetof({v}.{1})-{0}]",
                    f.offset,
                    field_name(&f.name)
                );
            }
        }
    }
    let _ = writeln!(s, ")");

    // Error conversion.
    let error_obj = api.objects.iter().find(|o| {
        api.functions
            .iter()
            .any(|f| f.fallible && f.ret.object() == Some(o.c_name.as_str()))
    });
    if let Some(err) = error_obj {
        let delete = err.deleted_by.clone().unwrap_or_default();
        let _ = writeln!(
            s,
            r#"
// errorHook turns a non-nil *C.{0} returned by a fallible function into
// the Go error the wrapper returns. The idiomatic layer replaces it (to
// make *Error and *Trap values); the hook must copy what it needs, since
// the C error is freed when it returns.
var errorHook = func(e *C.{0}) error {{
	return &lowLevelError{{}}
}}

// lowLevelError is the error of the default errorHook.
type lowLevelError struct{{}}

func (*lowLevelError) Error() string {{ return "petrel: error (no error hook installed)" }}

// takeError converts and frees e; nil for nil.
func takeError(e *C.{0}) error {{
	if e == nil {{
		return nil
	}}
	err := errorHook(e)
	C.{1}(e)
	return err
}}

// zeroBlock backs the pointer passed for an empty buffer, so C never
// receives NULL with a length of 0.
var zeroBlock [4]uint64

// bufPtr is the address of the first element of s, or of zeroBlock when
// s is empty.
func bufPtr[T any](s []T) unsafe.Pointer {{
	if len(s) == 0 {{
		return unsafe.Pointer(&zeroBlock)
	}}
	return unsafe.Pointer(unsafe.SliceData(s))
}}

// textPtr is the address of the bytes of s, or of zeroBlock when s is empty.
func textPtr(s string) *C.char {{
	if len(s) == 0 {{
		return (*C.char)(unsafe.Pointer(&zeroBlock))
	}}
	return (*C.char)(unsafe.Pointer(unsafe.StringData(s)))
}}

// cStringArray copies strs into a C array of C strings; free releases it.
func cStringArray(strs []string) (array **C.char, free func()) {{
	n := len(strs)
	if n == 0 {{
		n = 1
	}}
	block := (*[1 << 28]*C.char)(C.calloc(C.size_t(n), C.size_t(unsafe.Sizeof((*C.char)(nil)))))[:n:n]
	for i, str := range strs {{
		block[i] = C.CString(str)
	}}
	return &block[0], func() {{
		for i := range strs {{
			C.free(unsafe.Pointer(block[i]))
		}}
		C.free(unsafe.Pointer(&block[0]))
	}}
}}"#,
            err.c_name, delete
        );
    }

    for f in &api.functions {
        function(&mut s, api, f);
    }
    s
}

/// Whether `r` is or holds (at any depth) a union.
fn has_union(api: &Api, r: &Record) -> bool {
    r.is_union
        || r.fields.iter().any(|f| match &f.ty {
            Type::Record { name } => api.record(name).is_some_and(|x| has_union(api, x)),
            _ => false,
        })
}

fn lower_first(doc: &str) -> String {
    let mut c = doc.chars();
    match c.next() {
        Some(f) => f.to_lowercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

/// One wrapper.
fn function(s: &mut String, api: &Api, f: &Function) {
    let name = wrapper_name(&f.name);
    let mut sig = Vec::new();
    let mut pre = Vec::new();
    let mut args = Vec::new();
    let mut outs: Vec<(String, String)> = Vec::new(); // (Go type, conversion)
    for p in &f.params {
        let id = ident(&p.name);
        match p.direction {
            Direction::In => match &p.ty {
                Type::CString => {
                    sig.push(format!("{id} string"));
                    pre.push(format!("\t{id}C := C.CString({id})"));
                    pre.push(format!("\tdefer C.free(unsafe.Pointer({id}C))"));
                    args.push(format!("{id}C"));
                }
                t => {
                    let g = go_type(api, t, &p.c);
                    args.push(match go_scalar(api, t) {
                        Some(_) => format!("{}({id})", cgo(&p.c)),
                        None => id.clone(),
                    });
                    sig.push(format!("{id} {g}"));
                }
            },
            Direction::Out => {
                let cty = p.c.pointee();
                pre.push(format!("\tvar {id} {}", cgo(&cty)));
                args.push(format!("&{id}"));
                outs.push((go_type(api, &p.ty, &cty), from_c(api, &p.ty, &id)));
            }
            Direction::Buffer => {
                sig.push(format!("{id} {}", buffer_type(api, p)));
                match &p.ty {
                    Type::Text => args.push(format!("textPtr({id})")),
                    Type::Array { element, .. } if **element == Type::CString => {
                        pre.push(format!("\t{id}C, free{id} := cStringArray({id})"));
                        pre.push(format!("\tdefer free{id}()"));
                        args.push(format!("{id}C"));
                    }
                    Type::Array { element, .. } => {
                        // cgo passes a pointer to a union as a pointer to
                        // a byte array of its size.
                        let target = match element.as_ref() {
                            Type::Record { name } => api
                                .record(name)
                                .filter(|r| r.is_union)
                                .map(|r| format!("*[{}]byte", r.size)),
                            _ => None,
                        };
                        args.push(format!(
                            "({})(bufPtr({id}))",
                            target.unwrap_or_else(|| cgo(&p.c))
                        ))
                    }
                    _ => args.push(format!("({})(bufPtr({id}))", cgo(&p.c))),
                }
            }
            Direction::Length => {
                let bufs: Vec<String> = p.length_of.iter().map(|b| ident(b)).collect();
                for other in &bufs[1..] {
                    pre.push(format!(
                        "\tif len({other}) != len({}) {{\n\t\tpanic(\"petrel: {} and {} differ in length\")\n\t}}",
                        bufs[0], bufs[0], other
                    ));
                }
                args.push(format!("C.size_t(len({}))", bufs[0]));
            }
        }
    }
    let mut rets: Vec<String> = Vec::new();
    let ret_conv: Option<String>;
    if f.fallible {
        rets.extend(outs.iter().map(|o| o.0.clone()));
        rets.push("error".into());
        ret_conv = None;
    } else if f.ret == Type::Void {
        rets.extend(outs.iter().map(|o| o.0.clone()));
        ret_conv = None;
    } else {
        rets.push(go_type(api, &f.ret, &f.ret_c));
        rets.extend(outs.iter().map(|o| o.0.clone()));
        ret_conv = Some(from_c(api, &f.ret, "r"));
    }
    let _ = writeln!(s);
    comment(
        s,
        "",
        &format!("{name} calls {}: {}", f.name, lower_first(&f.doc)),
    );
    let ret_sig = match rets.len() {
        0 => String::new(),
        1 => format!(" {}", rets[0]),
        _ => format!(" ({})", rets.join(", ")),
    };
    let _ = writeln!(s, "func {name}({}){ret_sig} {{", sig.join(", "));
    for l in &pre {
        let _ = writeln!(s, "{l}");
    }
    let call = format!("C.{}({})", f.name, args.join(", "));
    let out_vals: Vec<String> = outs.iter().map(|o| o.1.clone()).collect();
    if f.fallible {
        let _ = writeln!(s, "\terr := takeError({call})");
        let mut vals = out_vals;
        vals.push("err".into());
        let _ = writeln!(s, "\treturn {}", vals.join(", "));
    } else if f.ret == Type::Void {
        let _ = writeln!(s, "\t{call}");
        if !out_vals.is_empty() {
            let _ = writeln!(s, "\treturn {}", out_vals.join(", "));
        }
    } else {
        let _ = writeln!(s, "\tr := {call}");
        let mut vals = vec![ret_conv.unwrap_or_else(|| "r".into())];
        vals.extend(out_vals);
        let _ = writeln!(s, "\treturn {}", vals.join(", "));
    }
    let _ = writeln!(s, "}}");
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = r#"
// An opaque thing.
typedef struct petrel_thing_t petrel_thing_t;
typedef struct petrel_error_t petrel_error_t;
// A kind.
// @enum Kind PETREL_KIND_*
typedef uint8_t petrel_kind_t;
// A handle.
typedef struct petrel_item_t {
  uint64_t store_id;
  size_t index;
} petrel_item_t;
typedef union petrel_raw_t {
  int32_t i32;
  uint8_t v128[16];
} petrel_raw_t;
// The first.
#define PETREL_KIND_FIRST_ONE 0
#define PETREL_KIND_B 7
// Makes a thing.
struct petrel_error_t *petrel_thing_new(const char *name, size_t name_len, struct petrel_thing_t **thing_out);
// Reads.
struct petrel_error_t *petrel_thing_read(struct petrel_thing_t *thing, struct petrel_item_t item, union petrel_raw_t *vals, size_t vals_len, petrel_kind_t *kind_out);
// Counts.
size_t petrel_thing_count(const struct petrel_thing_t *thing, bool *ok_out);
void petrel_thing_delete(struct petrel_thing_t *thing);
void petrel_error_delete(struct petrel_error_t *error);
// Makes an error.
// @owned return
struct petrel_error_t *petrel_error_new(const char *message, size_t message_len);
"#;

    #[test]
    fn wrappers_map_the_ir() {
        let api = crate::model::resolve(&crate::parse::parse(HEADER).unwrap()).unwrap();
        let out = lowlevel(&api);
        assert!(out.starts_with(HEADER_LINE));
        assert!(out.contains("type Kind uint8"));
        assert!(out.contains("const KindFirstOne Kind = 0"));
        assert!(out.contains("\t\treturn \"first_one\""));
        assert!(out.contains(
            "func cThingNew(name string) (*C.petrel_thing_t, error) {\n\tvar thingOut *C.petrel_thing_t\n\terr := takeError(C.petrel_thing_new(textPtr(name), C.size_t(len(name)), &thingOut))\n\treturn thingOut, err\n}"
        ));
        // A union buffer is passed as cgo's byte array; enums come back typed.
        assert!(out.contains(
            "func cThingRead(thing *C.petrel_thing_t, item C.petrel_item_t, vals []C.petrel_raw_t) (Kind, error) {"
        ));
        assert!(out.contains("(*[16]byte)(bufPtr(vals))"));
        assert!(out.contains("return Kind(kindOut), err"));
        // A non-fallible function returns its value, then its outputs.
        assert!(out.contains("func cThingCount(thing *C.petrel_thing_t) (uint, bool) {"));
        // Layouts: structs fully, unions by size.
        assert!(out.contains("[unsafe.Offsetof(C.petrel_item_t{}.index)-8]"));
        assert!(out.contains("[unsafe.Sizeof(C.petrel_raw_t{})-16]"));
        assert!(!out.contains("Alignof(C.petrel_raw_t{})"));
        assert!(out.contains("C.petrel_error_delete(e)"));
    }

    #[test]
    fn names_are_go_names() {
        assert_eq!(
            wrapper_name("petrel_wasi_config_set_argv"),
            "cWasiConfigSetArgv"
        );
        assert_eq!(ident("args_and_results"), "argsAndResults");
        assert_eq!(ident("len"), "len_");
        assert_eq!(ident("func"), "func_");
        assert_eq!(camel("STACK_OVERFLOW"), "StackOverflow");
        assert_eq!(field_name("type"), "_type");
        assert_eq!(field_name("len"), "len");
    }
}
