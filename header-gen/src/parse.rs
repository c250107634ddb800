//! The reader of `petrel.h`: a line-oriented parser for the subset of C
//! that cbindgen writes for the C API (typedefs of opaque structs, plain
//! structs and unions, integer aliases and function pointers; `#define`
//! integer constants; function prototypes), keeping `//` doc comments.
//! It gives the declarations as written ([`Header`]); `model` resolves
//! their meaning. Anything it does not understand is an error, so a
//! header change that needs a new rule cannot be silently dropped.

use crate::ir::CType;
use anyhow::{Context, Result, bail};

/// A name with its C type, as declared.
#[derive(Clone, Debug)]
pub struct Decl {
    /// The name.
    pub name: String,
    /// The C type.
    pub c: CType,
    /// The array length of a fixed-size array field.
    pub array: Option<usize>,
    /// The documentation comment (fields only).
    pub doc: String,
}

/// A `typedef struct X X;`.
#[derive(Clone, Debug)]
pub struct Opaque {
    pub name: String,
    pub doc: String,
}

/// A `typedef uint8_t X;`.
#[derive(Clone, Debug)]
pub struct Alias {
    pub name: String,
    pub target: String,
    pub doc: String,
}

/// A struct or union with its fields.
#[derive(Clone, Debug)]
pub struct Record {
    pub name: String,
    pub is_union: bool,
    pub fields: Vec<Decl>,
    pub doc: String,
}

/// A function pointer typedef or a function prototype.
#[derive(Clone, Debug)]
pub struct Signature {
    pub name: String,
    pub ret: CType,
    pub params: Vec<Decl>,
    pub doc: String,
}

/// A `#define NAME VALUE`.
#[derive(Clone, Debug)]
pub struct Constant {
    pub name: String,
    pub value: i64,
    pub doc: String,
}

/// Every declaration of the header, in header order within each kind.
#[derive(Clone, Debug, Default)]
pub struct Header {
    pub opaques: Vec<Opaque>,
    pub aliases: Vec<Alias>,
    pub records: Vec<Record>,
    pub callbacks: Vec<Signature>,
    pub constants: Vec<Constant>,
    pub functions: Vec<Signature>,
}

/// Reads the header text.
pub fn parse(text: &str) -> Result<Header> {
    let mut h = Header::default();
    let mut doc: Vec<String> = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    let mut in_block_comment = false;
    while i < lines.len() {
        let line = lines[i].trim();
        i += 1;
        if in_block_comment {
            if line.contains("*/") {
                in_block_comment = false;
            }
            continue;
        }
        if line.starts_with("/*") {
            in_block_comment = !line.contains("*/");
            continue;
        }
        if let Some(d) = line.strip_prefix("//") {
            doc.push(d.strip_prefix(' ').unwrap_or(d).to_string());
            continue;
        }
        if line.is_empty() {
            continue;
        }
        if line.starts_with("#ifndef")
            || line.starts_with("#ifdef")
            || line.starts_with("#endif")
            || line.starts_with("#include")
            || line.starts_with("extern \"C\"")
            || line.starts_with('}')
            || line.starts_with("#define PETREL_H")
        {
            doc.clear();
            continue;
        }
        let docs = std::mem::take(&mut doc).join("\n");
        if let Some(rest) = line.strip_prefix("#define ") {
            let mut parts = rest.split_whitespace();
            let name = parts.next().context("#define without a name")?.to_string();
            let value = parts
                .next()
                .with_context(|| format!("#define {name} without a value"))?;
            let value: i64 = value
                .parse()
                .with_context(|| format!("#define {name}: not an integer"))?;
            h.constants.push(Constant {
                name,
                value,
                doc: docs,
            });
            continue;
        }
        let mut decl = line.to_string();
        if (decl.starts_with("typedef struct") || decl.starts_with("typedef union"))
            && !decl.contains("(*")
        {
            if decl.ends_with('{') {
                let mut fields = Vec::new();
                let mut fdoc = Vec::new();
                loop {
                    let l = lines.get(i).context("unterminated struct")?.trim();
                    i += 1;
                    if let Some(d) = l.strip_prefix("//") {
                        fdoc.push(d.strip_prefix(' ').unwrap_or(d).to_string());
                        continue;
                    }
                    if l.starts_with('}') {
                        let name = l
                            .trim_start_matches('}')
                            .trim()
                            .trim_end_matches(';')
                            .to_string();
                        h.records.push(Record {
                            name,
                            is_union: decl.starts_with("typedef union"),
                            fields,
                            doc: docs,
                        });
                        break;
                    }
                    let mut field = parse_decl(l.trim_end_matches(';'))?;
                    field.doc = std::mem::take(&mut fdoc).join("\n");
                    fields.push(field);
                }
            } else {
                // typedef struct X X;
                let parts: Vec<&str> = decl.trim_end_matches(';').split_whitespace().collect();
                if parts.len() != 4 || parts[2] != parts[3] {
                    bail!("unsupported typedef: {decl}");
                }
                h.opaques.push(Opaque {
                    name: parts[3].to_string(),
                    doc: docs,
                });
            }
            continue;
        }
        // Gather a full declaration (up to `;`), joining lines.
        while !decl.ends_with(';') {
            let l = lines
                .get(i)
                .with_context(|| format!("unterminated declaration: {decl}"))?;
            i += 1;
            decl.push(' ');
            decl.push_str(l.trim());
        }
        let decl = decl.trim_end_matches(';');
        if let Some(rest) = decl.strip_prefix("typedef ") {
            if let Some(open) = rest.find("(*") {
                let ret = parse_type(&rest[..open])?;
                let close = rest[open..].find(')').context("bad function pointer")? + open;
                let name = rest[open + 2..close].trim().to_string();
                let params = parse_params(&rest[close + 1..])?;
                h.callbacks.push(Signature {
                    name,
                    ret,
                    params,
                    doc: docs,
                });
            } else {
                let parts: Vec<&str> = rest.split_whitespace().collect();
                if parts.len() != 2 {
                    bail!("unsupported typedef: {decl}");
                }
                h.aliases.push(Alias {
                    name: parts[1].to_string(),
                    target: parts[0].to_string(),
                    doc: docs,
                });
            }
            continue;
        }
        // A function prototype.
        let open = decl
            .find('(')
            .with_context(|| format!("not a declaration: {decl}"))?;
        let head = parse_decl(&decl[..open])?;
        let params = parse_params(&decl[open..])?;
        h.functions.push(Signature {
            name: head.name,
            ret: head.c,
            params,
            doc: docs,
        });
    }
    Ok(h)
}

/// Parses `(type name, type name, ...)`.
fn parse_params(s: &str) -> Result<Vec<Decl>> {
    let inner = s
        .trim()
        .strip_prefix('(')
        .and_then(|s| s.strip_suffix(')'))
        .context("bad parameter list")?;
    if inner.trim() == "void" || inner.trim().is_empty() {
        return Ok(Vec::new());
    }
    inner.split(',').map(parse_decl).collect()
}

/// Parses `type name` or `type name[N]`.
fn parse_decl(s: &str) -> Result<Decl> {
    let s = s.trim();
    let (s, array) = match s.find('[') {
        Some(b) => {
            let n = s[b + 1..]
                .trim_end_matches(']')
                .parse()
                .with_context(|| format!("bad array: {s}"))?;
            (&s[..b], Some(n))
        }
        None => (s, None),
    };
    let split = s
        .rfind(|c: char| c == '*' || c.is_whitespace())
        .with_context(|| format!("no name in `{s}`"))?;
    let name = s[split + 1..].trim().to_string();
    let c = parse_type(&s[..split + 1])?;
    if name.is_empty() {
        bail!("no name in `{s}`");
    }
    Ok(Decl {
        name,
        c,
        array,
        doc: String::new(),
    })
}

/// Parses a type such as `const struct petrel_str_t *`.
fn parse_type(s: &str) -> Result<CType> {
    let pointers = s.matches('*').count() as u32;
    let words: Vec<&str> = s
        .split(|c: char| c == '*' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect();
    let is_const = words.contains(&"const");
    let base: Vec<&str> = words
        .into_iter()
        .filter(|w| !matches!(*w, "const" | "struct" | "union"))
        .collect();
    if base.len() != 1 {
        bail!("unsupported type `{s}`");
    }
    Ok(CType {
        base: base[0].to_string(),
        is_const,
        pointers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A header with one declaration of each kind, in cbindgen's style.
    pub const HEADER: &str = r#"
#ifndef PETREL_H
#define PETREL_H
#include <stdint.h>
// An opaque thing.
typedef struct petrel_thing_t petrel_thing_t;
// A kind.
//
// @enum Kind PETREL_KIND_*
typedef uint8_t petrel_kind_t;
// A handle.
typedef struct petrel_h_t {
  // The id.
  uint64_t store_id;
  uint8_t bytes[16];
} petrel_h_t;
typedef struct petrel_error_t *(*petrel_cb_t)(void *env,
                                              size_t n);
// First kind.
#define PETREL_KIND_A 0
#ifdef __cplusplus
extern "C" {
#endif // __cplusplus
// Makes a thing.
//
// # Safety
// `thing_out` is writable.
struct petrel_error_t *petrel_thing_new(const char *name,
                                        size_t name_len,
                                        struct petrel_thing_t **thing_out);
void petrel_thing_delete(struct petrel_thing_t *thing);
#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus
#endif  /* PETREL_H */
"#;

    #[test]
    fn reads_every_kind_of_declaration() {
        let h = parse(HEADER).unwrap();
        assert_eq!(h.opaques[0].name, "petrel_thing_t");
        assert_eq!(h.opaques[0].doc, "An opaque thing.");
        assert_eq!(h.aliases[0].target, "uint8_t");
        assert!(h.aliases[0].doc.contains("@enum Kind"));
        let rec = &h.records[0];
        assert_eq!(rec.fields[0].doc, "The id.");
        assert_eq!(rec.fields[1].array, Some(16));
        assert_eq!(h.callbacks[0].params.len(), 2);
        assert_eq!(h.constants[0].value, 0);
        let f = &h.functions[0];
        assert!(f.doc.contains("# Safety"));
        assert_eq!(f.params[2].c.pointers, 2);
        assert_eq!(f.params[0].c.c(), "const char *");
    }

    #[test]
    fn unknown_constructs_are_errors() {
        assert!(parse("typedef struct a b;").is_err());
        assert!(parse("#define X not_a_number").is_err());
        assert!(parse("typedef unsigned long long x;").is_err());
    }
}
