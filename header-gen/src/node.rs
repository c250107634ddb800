//! The Node.js emitter: the napi-rs low level of `bindings-node`
//! (`native/src/lowlevel.rs`) and the enums as JavaScript
//! (`lib/enums.js`, `lib/enums.d.ts`).
//!
//! The Rust file has two parts. `sys` declares the C API as written:
//! opaque types, enum aliases and their constants, `#[repr(C)]` records
//! with their layout from the IR asserted at compile time, callback
//! types, and the `extern "C"` functions. Then one napi function per C
//! function whose every parameter maps mechanically to JavaScript:
//!
//! | IR | JavaScript |
//! | --- | --- |
//! | owned object | a class wrapping the pointer, freed by its destructor when collected or by `delete()`; a consumed one is emptied |
//! | bool, integers up to 32 bits, enums, floats | `boolean`, `number` |
//! | 64-bit integers | `bigint` |
//! | `size_t` | `number` (a safe integer) |
//! | NUL-terminated string, text | `string` |
//! | const bytes / filled bytes | `Uint8Array` |
//! | array of kinds, strings or plain records | an array |
//! | plain record (no union, no pointer) | an object with the same fields |
//! | borrowed string record out | `string` or `null` |
//! | owned bytes record out | `Buffer` (copied, then freed) |
//!
//! A fallible function throws the error built by `error_to_js` (message,
//! trap code and frames, host tag, exit status) and returns its
//! out-parameters: nothing, one value, or an object named after them.
//! The rest (unions, callbacks, embedder pointers, borrowed objects) is
//! listed in `HAND_WRITTEN` and implemented in `native/src/host.rs`.

use crate::Emitter;
use crate::ir::*;
use std::fmt::Write;

/// Emits the Node binding's low-level layer.
pub struct Node;

const HEADER: &str = "Generated from petrel.h by header-gen, do not edit.";

impl Emitter for Node {
    fn files(&self, api: &Api) -> Vec<(String, String)> {
        vec![
            ("bindings-node/native/src/lowlevel.rs".into(), rust(api)),
            ("bindings-node/lib/enums.js".into(), enums_js(api)),
            ("bindings-node/lib/enums.d.ts".into(), enums_dts(api)),
        ]
    }
}

fn short(c: &str) -> &str {
    c.strip_prefix("petrel_").unwrap_or(c)
}

/// `petrel_wasi_config_t` -> `WasiConfig`.
fn class(c_name: &str) -> String {
    short(c_name)
        .trim_end_matches("_t")
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

/// The Rust spelling of a C type (every pointer level takes the constness).
fn rust_c(c: &CType) -> String {
    let base = match c.base.as_str() {
        "void" => "c_void".to_string(),
        "char" => "c_char".to_string(),
        "bool" => "bool".to_string(),
        "int" => "i32".to_string(),
        "float" => "f32".to_string(),
        "double" => "f64".to_string(),
        "size_t" => "usize".to_string(),
        b if b.starts_with("int") || b.starts_with("uint") => {
            let b = b.trim_end_matches("_t");
            b.replacen("uint", "u", 1).replacen("int", "i", 1)
        }
        b => b.to_string(),
    };
    let q = if c.is_const { "*const " } else { "*mut " };
    q.repeat(c.pointers as usize) + &base
}

fn doc(s: &mut String, text: &str, indent: &str) {
    for line in text.lines() {
        let _ = writeln!(
            s,
            "{indent}///{}{line}",
            if line.is_empty() { "" } else { " " }
        );
    }
}

/// How a record crosses to JavaScript.
enum RecordMap {
    /// An object with the same fields.
    Plain,
    /// `{data, len}` borrowed text: a string or null.
    Str,
    /// Owned bytes: a `Buffer`.
    Bytes(String),
    /// Not mechanically (a union, a pointer field).
    No,
}

fn record_map(api: &Api, name: &str) -> RecordMap {
    let Some(r) = api.record(name) else {
        return RecordMap::No;
    };
    let is = |i: usize, t: &Type| r.fields.get(i).map(|f| &f.ty) == Some(t);
    if r.fields.len() == 2 && is(0, &Type::CString) && is(1, &Type::Size) {
        return RecordMap::Str;
    }
    if let Some(o) = api.objects.iter().find(|o| o.c_name == name)
        && o.kind == ObjectKind::OwnedRecord
    {
        return match &o.deleted_by {
            Some(d) => RecordMap::Bytes(d.clone()),
            None => RecordMap::No,
        };
    }
    let plain = !r.is_union
        && r.fields.iter().all(|f| {
            f.array.is_none()
                && match &f.ty {
                    Type::Record { name } => matches!(record_map(api, name), RecordMap::Plain),
                    t => scalar(t).is_some(),
                }
        });
    if plain {
        RecordMap::Plain
    } else {
        RecordMap::No
    }
}

/// The napi type of a scalar and the expression turning the napi value
/// `v` into the C value.
fn scalar(t: &Type) -> Option<(&'static str, &'static str)> {
    Some(match t {
        Type::Bool => ("bool", "v"),
        Type::Int {
            bits: 64,
            signed: false,
        } => ("BigInt", "u64_of(&v)?"),
        Type::Int {
            bits: 64,
            signed: true,
        } => ("BigInt", "i64_of(&v)?"),
        Type::Int { signed: true, .. } => ("i32", "v.try_into().map_err(range)?"),
        Type::Int { signed: false, .. } => ("u32", "v.try_into().map_err(range)?"),
        Type::Enum { .. } => ("u32", "v.try_into().map_err(range)?"),
        Type::Size => ("f64", "usize_of(v)?"),
        Type::Float { bits: 32 } => ("f64", "v as f32"),
        Type::Float { .. } => ("f64", "v"),
        _ => return None,
    })
}

/// The napi type of a C value `t` given back, and the expression turning
/// the C value `v` into it.
fn scalar_back(t: &Type) -> Option<(&'static str, &'static str)> {
    Some(match t {
        Type::Bool => ("bool", "v"),
        Type::Int {
            bits: 64,
            signed: false,
        } => ("BigInt", "BigInt::from(v)"),
        Type::Int {
            bits: 64,
            signed: true,
        } => ("BigInt", "BigInt::from(v)"),
        Type::Int { signed: true, .. } => ("i32", "v.into()"),
        Type::Int { signed: false, .. } | Type::Enum { .. } => ("u32", "v.into()"),
        Type::Size => ("f64", "v as f64"),
        Type::Float { .. } => ("f64", "v.into()"),
        _ => return None,
    })
}

/// A parameter of a generated napi function, and how to get the C argument.
struct Arg {
    /// `name: type` in the napi signature, if it takes a JS value.
    sig: Option<String>,
    /// Statements preparing the C argument.
    pre: Vec<String>,
    /// The C argument expressions.
    args: Vec<String>,
    /// For an out-parameter: the JS field name, its napi type, and the
    /// expression giving it from the filled local.
    out: Option<(String, String, String)>,
}

fn in_arg(api: &Api, p: &Param, classes: &[String]) -> Option<Arg> {
    let n = &p.name;
    let mut a = Arg {
        sig: None,
        pre: vec![],
        args: vec![],
        out: None,
    };
    match (&p.direction, &p.ty) {
        (Direction::Length, _) => {
            let first = p.length_of.first()?;
            for other in &p.length_of[1..] {
                a.pre.push(format!(
                    "if {other}_len != {first}_len {{ return Err(Error::from_reason(\"`{other}` and `{first}` differ in length\")); }}"
                ));
            }
            a.args.push(format!("{first}_len"));
        }
        (Direction::In, t) if t.object().is_some() => {
            let o = t.object()?;
            if !classes.iter().any(|c| c == o) {
                return None;
            }
            if p.ownership == Some(Ownership::Consumed) {
                a.sig = Some(format!("{n}: &mut {}", class(o)));
                a.args.push(format!("{n}.take()?"));
            } else {
                a.sig = Some(format!("{n}: &{}", class(o)));
                a.args.push(format!("{n}.raw()?"));
            }
        }
        (Direction::In, Type::CString) => {
            a.sig = Some(format!("{n}: String"));
            a.pre.push(format!("let {n} = cstring({n})?;"));
            a.args.push(format!("{n}.as_ptr()"));
        }
        (Direction::In, Type::Record { name }) => {
            if !matches!(record_map(api, name), RecordMap::Plain) {
                return None;
            }
            a.sig = Some(format!("{n}: {}", class(name)));
            a.args.push(format!("sys::{name}::from({n})"));
        }
        (Direction::In, t) => {
            let (ty, conv) = scalar(t)?;
            a.sig = Some(format!("{n}: {ty}"));
            a.pre.push(format!("let {n} = {{ let v = {n}; {conv} }};"));
            a.args.push(n.clone());
        }
        (Direction::Buffer, Type::Text) => {
            a.sig = Some(format!("{n}: String"));
            a.pre.push(format!("let {n}_len = {n}.len();"));
            a.args.push(format!("{n}.as_ptr().cast()"));
        }
        (Direction::Buffer, Type::Bytes { is_const }) => {
            a.sig = Some(format!(
                "{}{n}: Uint8Array",
                if *is_const { "" } else { "mut " }
            ));
            a.pre.push(format!("let {n}_len = {n}.len();"));
            if *is_const {
                a.args.push(format!("{n}.as_ptr()"));
            } else {
                a.pre.push(format!("// SAFETY: the caller's buffer, written only during the call.\n    let {n}_ptr = unsafe {{ {n}.as_mut() }}.as_mut_ptr();"));
                a.args.push(format!("{n}_ptr"));
            }
        }
        (
            Direction::Buffer,
            Type::Array {
                element,
                is_const: true,
            },
        ) => {
            let (ty, conv) = match element.as_ref() {
                Type::CString => ("String".to_string(), "cstring(v)?".to_string()),
                Type::Record { name } if matches!(record_map(api, name), RecordMap::Plain) => {
                    (class(name), format!("sys::{name}::from(v)"))
                }
                t => {
                    let (ty, conv) = scalar(t)?;
                    (ty.to_string(), conv.to_string())
                }
            };
            a.sig = Some(format!("{n}: Vec<{ty}>"));
            a.pre.push(format!(
                "let {n} = {n}.into_iter().map(|v| Ok({conv})).collect::<Result<Vec<_>>>()?;"
            ));
            if matches!(element.as_ref(), Type::CString) {
                a.pre.push(format!(
                    "let {n}_ptrs: Vec<*const c_char> = {n}.iter().map(|s| s.as_ptr()).collect();"
                ));
                a.args.push(format!("{n}_ptrs.as_ptr()"));
            } else {
                a.args.push(format!("{n}.as_ptr()"));
            }
            a.pre.push(format!("let {n}_len = {n}.len();"));
        }
        (Direction::Out, t) => {
            let js = match n.trim_end_matches("_out") {
                "type" => "ty".to_string(),
                other => other.to_string(),
            };
            let c = rust_c(&p.c.pointee());
            match t {
                t if t.object().is_some() => {
                    let o = t.object()?;
                    if p.ownership != Some(Ownership::Owned) || !classes.iter().any(|c| c == o) {
                        return None;
                    }
                    a.pre
                        .push(format!("let mut {n}: {c} = std::ptr::null_mut();"));
                    a.out = Some((js, class(o), format!("{} {{ ptr: {n} }}", class(o))));
                }
                Type::Record { name } => {
                    a.pre.push(format!(
                        "// SAFETY: a plain C record; all zeroes is a valid value.\n    let mut {n}: {c} = unsafe {{ std::mem::zeroed() }};"
                    ));
                    let (ty, conv) = match record_map(api, name) {
                        RecordMap::Plain => (class(name), format!("{}::from({n})", class(name))),
                        RecordMap::Str => ("Option<String>".into(), format!("str_of({n})")),
                        RecordMap::Bytes(del) => {
                            ("Buffer".into(), format!("bytes_of(&mut {n}, sys::{del})"))
                        }
                        RecordMap::No => return None,
                    };
                    a.out = Some((js, ty, conv));
                }
                t => {
                    let (ty, conv) = scalar_back(t)?;
                    let zero = if *t == Type::Bool { "false" } else { "0 as _" };
                    a.pre.push(format!("let mut {n}: {c} = {zero};"));
                    a.out = Some((js, ty.into(), format!("{{ let v = {n}; {conv} }}")));
                }
            }
            a.args.push(format!("&mut {n}"));
        }
        _ => return None,
    }
    Some(a)
}

/// Whether a function other than its destructor consumes an object.
fn consumed(api: &Api, c_name: &str) -> bool {
    api.functions.iter().any(|f| {
        f.group.role != Role::Destructor
            && f.params
                .iter()
                .any(|p| p.ownership == Some(Ownership::Consumed) && p.ty.object() == Some(c_name))
    })
}

fn rust(api: &Api) -> String {
    let mut s = format!("// {HEADER}\n");
    s.push_str(
        r#"//! The low level of the Node binding: the C API declared from petrel.h
//! (`sys`) and one napi function per C function that maps mechanically
//! (see header-gen's `node.rs` for the mapping). Hand-written functions
//! (`host.rs`) cover the names in [`HAND_WRITTEN`].

#![allow(non_camel_case_types, reason = "C names, as in petrel.h")]
#![allow(clippy::too_many_arguments, reason = "one argument per C parameter")]
#![allow(unused_mut, reason = "generated bindings for buffers the C side fills")]
#![allow(clippy::let_and_return, reason = "one conversion shape for every field")]
#![allow(clippy::useless_conversion, reason = "one conversion shape for every integer width")]
#![allow(clippy::needless_question_mark, reason = "one conversion shape for fallible and infallible elements")]

use crate::support::*;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use std::ffi::c_char;

/// The C API, as declared in petrel.h.
pub mod sys {
    #![allow(missing_docs, reason = "documented in petrel.h")]
    use std::ffi::{c_char, c_void};

"#,
    );
    for o in &api.objects {
        if matches!(o.kind, ObjectKind::Owned | ObjectKind::Borrowed) {
            doc(&mut s, &o.doc, "    ");
            let _ = writeln!(
                s,
                "    #[repr(C)]\n    pub struct {} {{\n        _private: [u8; 0],\n    }}",
                o.c_name
            );
        }
    }
    for e in &api.enums {
        let _ = writeln!(
            s,
            "    pub type {} = {};",
            e.c_name,
            rust_c(&CType {
                base: e.repr_c.clone(),
                is_const: false,
                pointers: 0,
            })
        );
        for m in &e.members {
            let _ = writeln!(
                s,
                "    pub const {}: {} = {};",
                m.constant, e.c_name, m.value
            );
        }
    }
    for c in &api.constants {
        let _ = writeln!(s, "    pub const {}: i64 = {};", c.name, c.value);
    }
    for r in &api.records {
        doc(&mut s, &r.doc, "    ");
        let kw = if r.is_union { "union" } else { "struct" };
        let _ = writeln!(
            s,
            "    #[repr(C)]\n    #[derive(Clone, Copy)]\n    pub {kw} {} {{",
            r.name
        );
        for f in &r.fields {
            let t = rust_c(&f.c);
            let t = match f.array {
                Some(n) => format!("[{t}; {n}]"),
                None => t,
            };
            let _ = writeln!(s, "        pub {}: {t},", f.name);
        }
        let _ = writeln!(s, "    }}");
        let _ = writeln!(
            s,
            "    const _: () = assert!(size_of::<{0}>() == {1} && align_of::<{0}>() == {2});",
            r.name, r.size, r.align
        );
        for f in &r.fields {
            let _ = writeln!(
                s,
                "    const _: () = assert!(std::mem::offset_of!({}, {}) == {});",
                r.name, f.name, f.offset
            );
        }
    }
    for c in &api.callbacks {
        let params: Vec<String> = c
            .params
            .iter()
            .map(|p| format!("{}: {}", p.name, rust_c(&p.c)))
            .collect();
        let ret = if c.ret == Type::Void {
            String::new()
        } else {
            format!(" -> {}", rust_c(&c.ret_c))
        };
        let _ = writeln!(
            s,
            "    pub type {} = Option<unsafe extern \"C\" fn({}){ret}>;",
            c.name,
            params.join(", ")
        );
    }
    s.push_str("\n    unsafe extern \"C\" {\n");
    for f in &api.functions {
        let params: Vec<String> = f
            .params
            .iter()
            .map(|p| {
                // C's `const` qualifies the pointee: an out-parameter's
                // outermost pointer is written through.
                let t = rust_c(&p.c);
                let t = match p.direction {
                    Direction::Out => t.replacen("*const ", "*mut ", 1),
                    _ => t,
                };
                format!("{}: {t}", p.name)
            })
            .collect();
        let ret = if f.ret == Type::Void {
            String::new()
        } else {
            format!(" -> {}", rust_c(&f.ret_c))
        };
        let _ = writeln!(s, "        pub fn {}({}){ret};", f.name, params.join(", "));
    }
    s.push_str("    }\n}\n\nuse self::sys::*;\n\n");

    // The error object: the type every fallible function returns.
    let error = api
        .functions
        .iter()
        .find(|f| f.fallible)
        .and_then(|f| f.ret.object())
        .unwrap_or("petrel_error_t");
    let classes: Vec<String> = api
        .objects
        .iter()
        .filter(|o| o.kind == ObjectKind::Owned && o.c_name != error && o.deleted_by.is_some())
        .map(|o| o.c_name.clone())
        .collect();
    for o in api.objects.iter().filter(|o| classes.contains(&o.c_name)) {
        let c = class(&o.c_name);
        let del = o.deleted_by.as_deref().unwrap_or_default();
        let del_fallible = api.functions.iter().any(|f| f.name == del && f.fallible);
        doc(&mut s, &o.doc, "");
        let _ = writeln!(
            s,
            "#[napi]\npub struct {c} {{\n    pub(crate) ptr: *mut sys::{0},\n}}\n\nimpl {c} {{\n    /// The live pointer, or an error once deleted or consumed.\n    pub(crate) fn raw(&self) -> Result<*mut sys::{0}> {{\n        if self.ptr.is_null() {{\n            return Err(Error::from_reason(\"the {1} was deleted or given away\"));\n        }}\n        Ok(self.ptr)\n    }}{2}\n}}\n",
            o.c_name,
            short(&o.c_name).trim_end_matches("_t").replace('_', " "),
            if consumed(api, &o.c_name) {
                format!(
                    "\n\n    /// Hands the pointer over (to a consuming function).\n    pub(crate) fn take(&mut self) -> Result<*mut sys::{}> {{\n        let p = self.raw()?;\n        self.ptr = std::ptr::null_mut();\n        Ok(p)\n    }}",
                    o.c_name
                )
            } else {
                String::new()
            }
        );
        let free = if del_fallible {
            format!("free_error(sys::{del}(self.ptr))")
        } else {
            format!("sys::{del}(self.ptr)")
        };
        let _ = writeln!(
            s,
            "#[napi]\nimpl {c} {{\n    /// Frees it now (`{del}`); later uses are errors.\n    #[napi]\n    pub fn delete(&mut self) -> Result<()> {{\n        if !self.ptr.is_null() {{\n            {}\n        }}\n        self.ptr = std::ptr::null_mut();\n        Ok(())\n    }}\n}}\n\nimpl Drop for {c} {{\n    fn drop(&mut self) {{\n        if !self.ptr.is_null() {{\n            // SAFETY: the pointer is live and owned by this object.\n            unsafe {{ {free} }};\n        }}\n    }}\n}}\n",
            if del_fallible {
                format!(
                    "// SAFETY: the pointer is live and owned by this object.\n            check(unsafe {{ sys::{del}(self.ptr) }})?;"
                )
            } else {
                format!(
                    "// SAFETY: the pointer is live and owned by this object.\n            unsafe {{ sys::{del}(self.ptr) }};"
                )
            }
        );
    }
    for r in &api.records {
        if !matches!(record_map(api, &r.name), RecordMap::Plain) {
            continue;
        }
        let c = class(&r.name);
        doc(&mut s, &r.doc, "");
        let _ = writeln!(s, "#[napi(object)]\n#[derive(Clone)]\npub struct {c} {{");
        let mut to_c = Vec::new();
        let mut to_js = Vec::new();
        for f in &r.fields {
            doc(&mut s, &f.doc, "    ");
            let n = &f.name;
            let (ty, conv, back) = match &f.ty {
                Type::Record { name } => (
                    class(name),
                    format!("sys::{name}::from(v)"),
                    format!("{}::from(v)", class(name)),
                ),
                t => {
                    let (ty, conv) = scalar(t).expect("plain");
                    let (_, back) = scalar_back(t).expect("plain");
                    (
                        ty.to_string(),
                        conv.replace('?', ".unwrap_or_default()"),
                        back.to_string(),
                    )
                }
            };
            let _ = writeln!(s, "    pub {n}: {ty},");
            to_c.push(format!("            {n}: {{ let v = r.{n}; {conv} }},"));
            to_js.push(format!("            {n}: {{ let v = r.{n}; {back} }},"));
        }
        let _ = writeln!(s, "}}\n");
        let _ = writeln!(
            s,
            "impl From<{c}> for sys::{0} {{\n    fn from(r: {c}) -> Self {{\n        Self {{\n{1}\n        }}\n    }}\n}}\n\nimpl From<sys::{0}> for {c} {{\n    fn from(r: sys::{0}) -> Self {{\n        Self {{\n{2}\n        }}\n    }}\n}}\n",
            r.name,
            to_c.join("\n"),
            to_js.join("\n")
        );
    }

    let mut hand = Vec::new();
    for f in &api.functions {
        if f.group.role == Role::Destructor {
            continue; // the class's `delete()` and finalizer
        }
        let args: Option<Vec<Arg>> = if !f.fallible {
            None
        } else {
            f.params.iter().map(|p| in_arg(api, p, &classes)).collect()
        };
        let Some(args) = args else {
            hand.push(f.name.clone());
            continue;
        };
        let name = short(&f.name);
        doc(&mut s, &f.doc, "");
        let sig: Vec<String> = args.iter().filter_map(|a| a.sig.clone()).collect();
        let outs: Vec<&(String, String, String)> =
            args.iter().filter_map(|a| a.out.as_ref()).collect();
        let ret = match outs.len() {
            0 => "()".to_string(),
            1 => outs[0].1.clone(),
            _ => {
                let rc = format!("{}Result", class(&f.name));
                let _ = writeln!(
                    s,
                    "#[napi(object, object_from_js = false)]\npub struct {rc} {{"
                );
                for o in &outs {
                    let _ = writeln!(s, "    /// The `{}` out-parameter.", o.0);
                    let _ = writeln!(s, "    pub {}: {},", o.0, o.1);
                }
                let _ = writeln!(s, "}}\n");
                doc(&mut s, &f.doc, "");
                rc
            }
        };
        let _ = writeln!(
            s,
            "#[napi(js_name = \"{name}\")]\npub fn {name}({}) -> Result<{ret}> {{",
            sig.join(", ")
        );
        for a in &args {
            for p in &a.pre {
                let _ = writeln!(s, "    {p}");
            }
        }
        let cargs: Vec<String> = args.iter().flat_map(|a| a.args.clone()).collect();
        let _ = writeln!(
            s,
            "    // SAFETY: every pointer is live for the call and points to as many\n    // values as its length says; out-parameters are writable locals.\n    check(unsafe {{\n        sys::{}(\n            {}\n        )\n    }})?;",
            f.name,
            cargs.join(",\n            ")
        );
        match outs.len() {
            0 => s.push_str("    Ok(())\n"),
            1 => {
                let _ = writeln!(s, "    Ok({})", outs[0].2);
            }
            _ => {
                let fields: Vec<String> =
                    outs.iter().map(|o| format!("{}: {}", o.0, o.2)).collect();
                let _ = writeln!(
                    s,
                    "    Ok({}Result {{ {} }})",
                    class(&f.name),
                    fields.join(", ")
                );
            }
        }
        s.push_str("}\n\n");
    }
    let _ = writeln!(
        s,
        "/// The C functions this file does not wrap (unions, callbacks, embedder\n/// pointers, borrowed objects, errors, destructors): `host.rs` and the\n/// classes above cover them.\npub const HAND_WRITTEN: &[&str] = &[\n{}\n];",
        hand.iter()
            .map(|h| format!("    \"{h}\","))
            .collect::<Vec<_>>()
            .join("\n")
    );
    s
}

fn enums_js(api: &Api) -> String {
    let mut s = format!("// {HEADER}\n'use strict';\n\n");
    for e in &api.enums {
        let _ = writeln!(s, "/** {} */", e.doc.lines().next().unwrap_or_default());
        let _ = writeln!(s, "const {} = Object.freeze({{", e.name);
        for m in &e.members {
            let _ = writeln!(s, "  {}: {},", m.name, m.value);
        }
        let _ = writeln!(s, "}});\n");
    }
    let names: Vec<&str> = api.enums.iter().map(|e| e.name.as_str()).collect();
    let _ = writeln!(s, "module.exports = {{ {} }};", names.join(", "));
    s
}

fn enums_dts(api: &Api) -> String {
    let mut s = format!("// {HEADER}\n\n");
    for e in &api.enums {
        for l in e.doc.lines().take(1) {
            let _ = writeln!(s, "/** {l} */");
        }
        let _ = writeln!(s, "export declare const {}: {{", e.name);
        for m in &e.members {
            if let Some(l) = m.doc.lines().next() {
                let _ = writeln!(s, "  /** {l} */");
            }
            let _ = writeln!(s, "  readonly {}: {};", m.name, m.value);
        }
        let _ = writeln!(s, "}};");
        let _ = writeln!(
            s,
            "export type {0} = (typeof {0})[keyof typeof {0}];\n",
            e.name
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api() -> Api {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../capi/include/petrel.h");
        let text = std::fs::read_to_string(path).expect("petrel.h");
        crate::model::resolve(&crate::parse::parse(&text).expect("parses")).expect("resolves")
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "parses the whole C header, which takes over 20 minutes under Miri (the small headers of the other tests run the same code)"
    )]
    fn every_function_is_generated_freed_or_listed_as_hand_written() {
        let api = api();
        let rs = rust(&api);
        let listed = &rs[rs.find("pub const HAND_WRITTEN").expect("the list")..];
        for f in &api.functions {
            let generated = rs.contains(&format!("pub fn {}(", short(&f.name)));
            let hand = listed.contains(&format!("\"{}\"", f.name));
            let freed = f.group.role == Role::Destructor;
            assert!(
                [generated, hand, freed].iter().filter(|b| **b).count() == 1,
                "{}: generated {generated}, hand-written {hand}, destructor {freed}",
                f.name
            );
        }
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "parses the whole C header, which takes over 20 minutes under Miri (the small headers of the other tests run the same code)"
    )]
    fn records_carry_the_ir_layout() {
        let api = api();
        let rs = rust(&api);
        for r in &api.records {
            assert!(rs.contains(&format!(
                "assert!(size_of::<{0}>() == {1} && align_of::<{0}>() == {2})",
                r.name, r.size, r.align
            )));
        }
    }
}
