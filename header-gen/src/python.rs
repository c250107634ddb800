//! The Python emitter: the cffi declarations (`_cdef.py`) and the typed
//! thin wrapper (`_lowlevel.py`) that turns a returned `petrel_error_t *`
//! into an exception, out-parameters into return values, and buffer
//! pairs (`X`, `X_len`) into one argument.

use crate::Emitter;
use crate::ir::*;
use std::fmt::Write;

/// Emits the Python binding's low-level layer.
pub struct Python;

const HEADER_LINE: &str = "# Generated from petrel.h by header-gen, do not edit.";

impl Emitter for Python {
    fn files(&self, api: &Api) -> Vec<(String, String)> {
        vec![
            (
                "bindings-python/python/petrel/_cdef.py".to_string(),
                cdef(api),
            ),
            (
                "bindings-python/python/petrel/_lowlevel.py".to_string(),
                lowlevel(api),
            ),
        ]
    }
}

/// The C declarations cffi parses.
pub fn c_declarations(api: &Api) -> String {
    let mut s = String::new();
    for o in &api.objects {
        if matches!(o.kind, ObjectKind::Owned | ObjectKind::Borrowed) {
            let _ = writeln!(s, "typedef struct {0} {0};", o.c_name);
        }
    }
    for e in &api.enums {
        let _ = writeln!(s, "typedef {} {};", e.repr_c, e.c_name);
    }
    for r in &api.records {
        let kw = if r.is_union { "union" } else { "struct" };
        let _ = writeln!(s, "typedef {kw} {} {{", r.name);
        for f in &r.fields {
            match f.array {
                Some(n) => {
                    let _ = writeln!(s, "    {} {}[{n}];", f.c.c(), f.name);
                }
                None => {
                    let _ = writeln!(s, "    {} {};", f.c.c(), f.name);
                }
            }
        }
        let _ = writeln!(s, "}} {};", r.name);
    }
    for c in &api.callbacks {
        let params: Vec<String> = c
            .params
            .iter()
            .map(|p| format!("{} {}", p.c.c(), p.name))
            .collect();
        let _ = writeln!(
            s,
            "typedef {} (*{})({});",
            c.ret_c.c(),
            c.name,
            params.join(", ")
        );
    }
    for e in &api.enums {
        for m in &e.members {
            let _ = writeln!(s, "#define {} {}", m.constant, m.value);
        }
    }
    for c in &api.constants {
        let _ = writeln!(s, "#define {} {}", c.name, c.value);
    }
    for f in &api.functions {
        let params: Vec<String> = f
            .params
            .iter()
            .map(|p| format!("{} {}", p.c.c(), p.name))
            .collect();
        let _ = writeln!(s, "{} {}({});", f.ret_c.c(), f.name, params.join(", "));
    }
    s
}

fn cdef(api: &Api) -> String {
    format!(
        "{HEADER_LINE}\n\"\"\"The C declarations of petrel.h, for cffi.\"\"\"\n\nCDEF = \"\"\"\n{}\"\"\"\n",
        c_declarations(api)
    )
}

/// The Python type hint of a value of `ty`.
fn hint(ty: &Type) -> &'static str {
    match ty {
        Type::Bool => "bool",
        Type::Float { .. } => "float",
        Type::Void => "None",
        t if t.is_integer() => "int",
        _ => "Any",
    }
}

/// A parameter name that is not a Python keyword.
fn ident(name: &str) -> String {
    const KEYWORDS: &[&str] = &[
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
        "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
        "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return",
        "try", "while", "with", "yield",
    ];
    if KEYWORDS.contains(&name) {
        format!("{name}_")
    } else {
        name.to_string()
    }
}

fn py_name(c: &str) -> &str {
    c.strip_prefix("petrel_").unwrap_or(c)
}

fn docstring(doc: &str, indent: &str) -> String {
    let text = doc.replace('\\', "\\\\").replace("\"\"\"", "'''");
    let mut s = format!("{indent}\"\"\"");
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            s.push('\n');
            if !line.is_empty() {
                s.push_str(indent);
            }
        }
        s.push_str(line);
    }
    if text.lines().count() > 1 {
        s.push('\n');
        s.push_str(indent);
    }
    s.push_str("\"\"\"\n");
    s
}

fn lowlevel(api: &Api) -> String {
    let mut s = String::new();
    s.push_str(HEADER_LINE);
    s.push('\n');
    s.push_str(
        r#""""The low-level layer of the Python binding: one function per C function.

Each wrapper takes the C function's inputs (a buffer pair ``X``/``X_len`` is
one argument: ``str``/``bytes`` for text and bytes, a list or cdata array
otherwise), returns its out-parameters (a tuple when there are several), and
raises the exception built by the error hook when the C function returns a
``petrel_error_t *``. ``lib`` and ``ffi`` give direct access for hot paths.
"""

from __future__ import annotations

import enum
from typing import Any, Callable, Union

# The cffi API-mode extension module, compiled from these declarations
# (_cdef.py) into the native library by bindings-python/native.
from ._petrel_cffi import ffi as _ffi
from ._petrel_cffi import lib as _lib

ffi: Any = _ffi
lib: Any = _lib


class LowLevelError(Exception):
    """An error from the C API, when no error hook is installed."""


def _default_hook(err: Any) -> BaseException:
    return LowLevelError(ffi.string(lib.petrel_error_message(err)).decode("utf-8", "replace"))


_error_hook: Callable[[Any], BaseException] = _default_hook


def set_error_hook(hook: Callable[[Any], BaseException]) -> None:
    """Sets the function that turns a ``petrel_error_t *`` into the exception to raise.

    The hook must copy what it needs: the error is freed after it returns.
    """
    global _error_hook
    _error_hook = hook


def check(err: Any) -> None:
    """Raises the exception for ``err`` (freeing it) unless it is NULL."""
    if err:
        try:
            exc = _error_hook(err)
        finally:
            lib.petrel_error_delete(err)
        raise exc


def _text(value: Union[str, bytes]) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else bytes(value)


def _bytes(value: Any) -> Any:
    if isinstance(value, str):
        return value.encode("utf-8")
    return ffi.from_buffer(value)


def _array(ctype: str, value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return ffi.new(ctype + "[]", value)
    return value
"#,
    );
    for e in &api.enums {
        let _ = writeln!(s, "\n\nclass {}(enum.IntEnum):", e.name);
        s.push_str(&docstring(&e.doc, "    "));
        s.push('\n');
        for m in &e.members {
            for line in m.doc.lines() {
                let _ = writeln!(s, "    #: {line}");
            }
            let _ = writeln!(s, "    {} = {}", m.name, m.value);
        }
    }
    for f in &api.functions {
        let mut sig = Vec::new();
        let mut pre = Vec::new();
        let mut args = Vec::new();
        let mut outs = Vec::new();
        for p in &f.params {
            match p.direction {
                Direction::In => {
                    sig.push(format!("{}: {}", ident(&p.name), hint(&p.ty)));
                    args.push(ident(&p.name));
                }
                Direction::Out => {
                    pre.push(format!(
                        "    {} = ffi.new(\"{} *\")",
                        p.name,
                        p.c.pointee().c()
                    ));
                    args.push(p.name.clone());
                    outs.push((p.name.clone(), hint(&p.ty)));
                }
                Direction::Buffer => {
                    let (h, conv) = match &p.ty {
                        Type::Text => ("Union[str, bytes]", format!("_text({})", p.name)),
                        Type::Bytes { .. } => ("Any", format!("_bytes({})", p.name)),
                        _ => (
                            "Any",
                            format!("_array(\"{}\", {})", p.c.pointee().c(), p.name),
                        ),
                    };
                    sig.push(format!("{}: {h}", p.name));
                    pre.push(format!("    {0}_c = {conv}", p.name));
                    args.push(format!("{}_c", p.name));
                }
                Direction::Length => {
                    args.push(format!("len({}_c)", p.length_of[0]));
                }
            }
        }
        let ret_hint = if f.fallible {
            match outs.len() {
                0 => "None".to_string(),
                1 => outs[0].1.to_string(),
                _ => format!(
                    "tuple[{}]",
                    outs.iter().map(|o| o.1).collect::<Vec<_>>().join(", ")
                ),
            }
        } else {
            let r = hint(&f.ret).to_string();
            if outs.is_empty() {
                r
            } else {
                format!(
                    "tuple[{r}, {}]",
                    outs.iter().map(|o| o.1).collect::<Vec<_>>().join(", ")
                )
            }
        };
        let _ = writeln!(
            s,
            "\n\ndef {}({}) -> {}:",
            py_name(&f.name),
            sig.join(", "),
            ret_hint
        );
        s.push_str(&docstring(&f.doc, "    "));
        for l in &pre {
            let _ = writeln!(s, "{l}");
        }
        let call = format!("lib.{}({})", f.name, args.join(", "));
        // Typed scalars are converted so the wrapper's return type holds.
        let typed = |expr: String, hint: &str| match hint {
            "int" | "bool" | "float" => format!("{hint}({expr})"),
            _ => expr,
        };
        let out_vals: Vec<String> = outs
            .iter()
            .map(|o| typed(format!("{}[0]", o.0), o.1))
            .collect();
        if f.fallible {
            let _ = writeln!(s, "    check({call})");
            match out_vals.len() {
                0 => {}
                1 => {
                    let _ = writeln!(s, "    return {}", out_vals[0]);
                }
                _ => {
                    let _ = writeln!(s, "    return ({})", out_vals.join(", "));
                }
            }
        } else if f.ret == Type::Void {
            let _ = writeln!(s, "    {call}");
        } else if out_vals.is_empty() {
            let _ = writeln!(s, "    return {}", typed(call, hint(&f.ret)));
        } else {
            let _ = writeln!(s, "    result = {}", typed(call, hint(&f.ret)));
            let _ = writeln!(s, "    return (result, {})", out_vals.join(", "));
        }
    }
    s.push_str("\n\n__all__ = [\"ffi\", \"lib\", \"check\", \"set_error_hook\", \"LowLevelError\"");
    for e in &api.enums {
        let _ = write!(s, ", \"{}\"", e.name);
    }
    for f in &api.functions {
        let _ = write!(s, ", \"{}\"", py_name(&f.name));
    }
    s.push_str("]\n");
    s
}
