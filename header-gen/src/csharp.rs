//! The C# emitter: `bindings-dotnet/src/Native.g.cs`, the P/Invoke layer
//! of the .NET binding.
//!
//! A short mapping from the IR, chosen so that every declaration is
//! blittable (no marshalling work on the hot path):
//!
//! | IR | C# |
//! | --- | --- |
//! | exact-width integers, floats | `sbyte` ... `ulong`, `float`, `double` |
//! | `size_t` | `UIntPtr` |
//! | bool | `bool` marshalled as one byte (`byte` in records, which stay blittable) |
//! | enum | the generated `enum` with the IR's repr type (public, namespace `Petrel`) |
//! | record | `[StructLayout(LayoutKind.Explicit, Size = ..)]` with the IR's `[FieldOffset]`s |
//! | callback | a `[UnmanagedFunctionPointer(Cdecl)]` delegate |
//! | pointer to an opaque object, `void *` | `IntPtr` |
//! | any other pointer, buffer or string | an unsafe pointer (`byte*`, `petrel_val_t*`, ...) |
//! | out-parameter | `out T` |
//!
//! Each owned object also gets a `SafeHandle` whose `ReleaseHandle` calls
//! the object's destructor from the IR (`deleted_by`), so finalization is
//! generated too. Names stay the C names (`petrel_func_call_raw`,
//! `petrel_val_t`): the idiomatic layer is the place for .NET names, and
//! the manifest coverage test finds the C names in its sources.

use crate::Emitter;
use crate::ir::*;
use std::fmt::Write;

/// Emits the .NET binding's P/Invoke layer.
pub struct CSharp;

impl Emitter for CSharp {
    fn files(&self, api: &Api) -> Vec<(String, String)> {
        vec![("bindings-dotnet/src/Native.g.cs".to_string(), native(api))]
    }
}

/// `STACK_OVERFLOW` -> `StackOverflow`, `wasi_config` -> `WasiConfig`.
fn pascal(s: &str) -> String {
    s.split('_')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let lower = w.to_ascii_lowercase();
            let mut c = lower.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// A name that is not a C# keyword.
fn ident(name: &str) -> String {
    const KEYWORDS: &str = "base bool byte checked class const decimal default delegate double \
        event explicit extern fixed float in int internal is lock long namespace new object \
        operator out override params private protected public readonly ref sbyte sealed short \
        sizeof stackalloc static string struct this uint ulong unchecked unsafe ushort using \
        virtual void volatile";
    if KEYWORDS.split_whitespace().any(|k| k == name) {
        format!("@{name}")
    } else {
        name.to_string()
    }
}

/// The name of the generated enum for the C alias `c_name`.
fn enum_name(api: &Api, c_name: &str) -> String {
    api.enum_(c_name)
        .map(|e| e.name.clone())
        .unwrap_or_else(|| c_name.to_string())
}

/// The C# type of a value of `ty` (in a signature or a record field).
fn cs(api: &Api, ty: &Type, in_record: bool) -> String {
    match ty {
        Type::Void => "void".into(),
        Type::Bool if in_record => "byte".into(),
        Type::Bool => "bool".into(),
        Type::Int { bits, signed } => match (bits, signed) {
            (8, true) => "sbyte",
            (8, false) => "byte",
            (16, true) => "short",
            (16, false) => "ushort",
            (32, true) => "int",
            (32, false) => "uint",
            (64, true) => "long",
            _ => "ulong",
        }
        .into(),
        Type::Size => "UIntPtr".into(),
        Type::Float { bits: 32 } => "float".into(),
        Type::Float { .. } => "double".into(),
        Type::Enum { name } => enum_name(api, name),
        Type::Record { name } | Type::Callback { name } => name.clone(),
        Type::Object { .. } => "IntPtr".into(),
        Type::Pointer { pointee, .. } => match pointee.as_ref() {
            Type::Object { .. } | Type::Void => "IntPtr".into(),
            // A pointer to a bool is a pointer to one byte.
            Type::Bool => "byte*".into(),
            p => format!("{}*", cs(api, p, in_record)),
        },
        Type::CString | Type::Text | Type::Bytes { .. } => "byte*".into(),
        Type::Array { element, .. } => match element.as_ref() {
            Type::Bool => "byte*".into(),
            Type::Object { .. } => "IntPtr*".into(),
            e => format!("{}*", cs(api, e, in_record)),
        },
    }
}

/// XML-escapes documentation text.
fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A `<summary>` doc comment.
fn doc(s: &mut String, text: &str, indent: &str) {
    if text.trim().is_empty() {
        return;
    }
    let _ = writeln!(s, "{indent}/// <summary>");
    for line in text.lines() {
        if line.trim().is_empty() {
            let _ = writeln!(s, "{indent}/// <para/>");
        } else {
            let _ = writeln!(s, "{indent}/// {}", xml(line));
        }
    }
    let _ = writeln!(s, "{indent}/// </summary>");
}

/// One parameter of a declaration, with its marshalling attribute.
fn param(api: &Api, p: &Param) -> String {
    let name = ident(&p.name);
    let ty = cs(api, &p.ty, false);
    let u1 = if p.ty == Type::Bool {
        "[MarshalAs(UnmanagedType.U1)] "
    } else {
        ""
    };
    match p.direction {
        Direction::Out => format!("{u1}out {ty} {name}"),
        _ => format!("{u1}{ty} {name}"),
    }
}

const HEADER: &str = "// <auto-generated>
// Generated from petrel.h by header-gen. Do not edit.
// </auto-generated>
";

fn native(api: &Api) -> String {
    assert_eq!(
        api.pointer_size, 8,
        "the C# layout attributes assume the IR's LP64 layouts"
    );
    let mut s = String::new();
    s.push_str(HEADER);
    s.push_str(
        "// The P/Invoke layer of the .NET binding: enums, records with the C
// layouts computed by header-gen, callback delegates, one DllImport per C
// function, and a SafeHandle per owned object. Everything is blittable;
// the idiomatic layer (namespace Petrel) is the only user.

using System;
using System.Runtime.InteropServices;
using System.Security;

#pragma warning disable 1591 // C names below carry the header's docs where it has them

namespace Petrel
{
",
    );
    for e in &api.enums {
        doc(&mut s, &e.doc, "    ");
        let _ = writeln!(
            s,
            "    public enum {} : {}\n    {{",
            e.name,
            cs(api, &e.repr, false)
        );
        for m in &e.members {
            doc(&mut s, &m.doc, "        ");
            let _ = writeln!(s, "        {} = {},", pascal(&m.name), m.value);
        }
        s.push_str("    }\n\n");
    }
    s.push_str("}\n\nnamespace Petrel.Native\n{\n");
    for r in &api.records {
        doc(&mut s, &r.doc, "    ");
        let _ = writeln!(
            s,
            "    [StructLayout(LayoutKind.Explicit, Size = {})]\n    internal unsafe struct {}\n    {{",
            r.size, r.name
        );
        for f in &r.fields {
            if f.ty == Type::Bool {
                // Kept a byte so that the record stays blittable.
                doc(&mut s, &format!("{}\nA C bool: 0 or 1.", f.doc), "        ");
            } else {
                doc(&mut s, &f.doc, "        ");
            }
            let ty = cs(api, &f.ty, true);
            match f.array {
                Some(n) => {
                    let _ = writeln!(
                        s,
                        "        [FieldOffset({})] public fixed {ty} {}[{n}];",
                        f.offset,
                        ident(&f.name)
                    );
                }
                None => {
                    let _ = writeln!(
                        s,
                        "        [FieldOffset({})] public {ty} {};",
                        f.offset,
                        ident(&f.name)
                    );
                }
            }
        }
        s.push_str("    }\n\n");
    }
    for c in &api.callbacks {
        doc(&mut s, &c.doc, "    ");
        let params: Vec<String> = c.params.iter().map(|p| param(api, p)).collect();
        let ret_attr = if c.ret == Type::Bool {
            "    [return: MarshalAs(UnmanagedType.U1)]\n"
        } else {
            ""
        };
        let _ = writeln!(
            s,
            "    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]\n{ret_attr}    internal unsafe delegate {} {}({});\n",
            cs(api, &c.ret, false),
            c.name,
            params.join(", ")
        );
    }
    s.push_str(
        "    /// <summary>The C functions of petrel.h, one declaration each.</summary>
    [SuppressUnmanagedCodeSecurity]
    internal static unsafe partial class NativeMethods
    {
        /// <summary>The native library's name: libpetrel_capi.so, found through the NuGet runtimes/RID/native layout or the loader's path.</summary>
        internal const string Library = \"petrel_capi\";
",
    );
    for f in &api.functions {
        s.push('\n');
        doc(&mut s, &f.doc, "        ");
        let _ = writeln!(
            s,
            "        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]"
        );
        if f.ret == Type::Bool {
            let _ = writeln!(s, "        [return: MarshalAs(UnmanagedType.U1)]");
        }
        let params: Vec<String> = f.params.iter().map(|p| param(api, p)).collect();
        let _ = writeln!(
            s,
            "        internal static extern {} {}({});",
            cs(api, &f.ret, false),
            f.name,
            params.join(", ")
        );
    }
    s.push_str("    }\n");
    for o in &api.objects {
        if o.kind != ObjectKind::Owned {
            continue;
        }
        let Some(delete) = o
            .deleted_by
            .as_ref()
            .and_then(|d| api.functions.iter().find(|f| &f.name == d))
        else {
            continue;
        };
        let release = if delete.fallible {
            format!(
                "IntPtr error = NativeMethods.{}(handle);\n            if (error == IntPtr.Zero)\n            {{\n                return true;\n            }}\n            NativeMethods.petrel_error_delete(error);\n            return false;",
                delete.name
            )
        } else {
            format!(
                "NativeMethods.{}(handle);\n            return true;",
                delete.name
            )
        };
        let _ = writeln!(
            s,
            "
    /// <summary>Owns a <c>{c}</c>; releasing it calls <c>{d}</c>.</summary>
    internal sealed class Safe{n}Handle : SafeHandle
    {{
        internal Safe{n}Handle() : base(IntPtr.Zero, true) {{ }}

        internal Safe{n}Handle(IntPtr ptr) : base(IntPtr.Zero, true)
        {{
            SetHandle(ptr);
        }}

        public override bool IsInvalid => handle == IntPtr.Zero;

        protected override bool ReleaseHandle()
        {{
            {release}
        }}
    }}",
            c = o.c_name,
            d = delete.name,
            n = pascal(&o.name),
        );
    }
    s.push_str("}\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_pascal_cased() {
        assert_eq!(pascal("STACK_OVERFLOW"), "StackOverflow");
        assert_eq!(pascal("I32"), "I32");
        assert_eq!(pascal("wasi_config"), "WasiConfig");
        assert_eq!(ident("params"), "@params");
        assert_eq!(ident("store"), "store");
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "parses the whole C header, which takes over 20 minutes under Miri (the small headers of the other tests run the same code)"
    )]
    fn the_header_maps_to_blittable_declarations() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let text = std::fs::read_to_string(root.join("capi/include/petrel.h")).unwrap();
        let api = crate::model::resolve(&crate::parse::parse(&text).unwrap()).unwrap();
        let out = native(&api);
        assert!(out.starts_with("// <auto-generated>"));
        assert!(out.contains("public enum TrapCode : byte"));
        assert!(out.contains("StackOverflow = 0,"));
        assert!(out.contains(
            "internal static extern IntPtr petrel_func_call_raw(IntPtr store, petrel_func_t* func, petrel_valraw_t* args_and_results, UIntPtr len);"
        ));
        assert!(out.contains("[FieldOffset(8)] public petrel_valunion_t of;"));
        assert!(out.contains("[StructLayout(LayoutKind.Explicit, Size = 24)]"));
        assert!(out.contains("[MarshalAs(UnmanagedType.U1)] out bool found_out"));
        assert!(out.contains("internal sealed class SafeStoreHandle : SafeHandle"));
        // Every function is declared once.
        for f in &api.functions {
            assert_eq!(
                out.matches(&format!(" {}(", f.name)).count(),
                1,
                "{}",
                f.name
            );
        }
    }
}
