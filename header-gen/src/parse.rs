//! The parser of `petrel.h`: a line-oriented reader for the subset of C
//! that cbindgen writes for the C API (typedefs of opaque structs, plain
//! structs and unions, integer aliases and function pointers; `#define`
//! integer constants; function prototypes), keeping `//` doc comments.
//! Anything else it does not understand is an error, so a header change
//! that needs a new rule cannot be silently dropped.

use crate::ir::*;
use anyhow::{Context, Result, bail};

/// Parses the header text into the IR.
pub fn parse(text: &str) -> Result<Api> {
    let mut api = Api::default();
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
            if !doc.is_empty() && lines.get(i).is_some_and(|l| l.trim().starts_with("//")) {
                // A blank line inside a doc comment run keeps the run.
                continue;
            }
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
            api.constants.push(Constant {
                name,
                value,
                doc: docs,
            });
            continue;
        }
        // Gather a full declaration (up to `;`), joining lines.
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
                        api.records.push(Record {
                            name,
                            is_union: decl.starts_with("typedef union"),
                            fields,
                            doc: docs,
                        });
                        break;
                    }
                    let (ty, name, array) = parse_decl(l.trim_end_matches(';'))?;
                    fields.push(Field {
                        name,
                        ty,
                        array,
                        doc: std::mem::take(&mut fdoc).join("\n"),
                    });
                }
            } else {
                // typedef struct X X;
                let parts: Vec<&str> = decl.trim_end_matches(';').split_whitespace().collect();
                if parts.len() != 4 || parts[2] != parts[3] {
                    bail!("unsupported typedef: {decl}");
                }
                api.opaques.push(Opaque {
                    name: parts[3].to_string(),
                    doc: docs,
                });
            }
            continue;
        }
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
                api.callbacks.push(Callback {
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
                api.aliases.push(Alias {
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
        let (ret, name, _) = parse_decl(&decl[..open])?;
        let params = parse_params(&decl[open..])?;
        let fallible = ret.base == "petrel_error_t" && ret.pointers == 1;
        api.functions.push(Function {
            name,
            doc: docs,
            ret,
            fallible,
            params,
        });
    }
    Ok(api)
}

/// Parses `(type name, type name, ...)`, assigning directions.
fn parse_params(s: &str) -> Result<Vec<Param>> {
    let inner = s
        .trim()
        .strip_prefix('(')
        .and_then(|s| s.strip_suffix(')'))
        .context("bad parameter list")?;
    if inner.trim() == "void" || inner.trim().is_empty() {
        return Ok(Vec::new());
    }
    let mut params: Vec<Param> = Vec::new();
    for p in inner.split(',') {
        let (ty, name, _) = parse_decl(p)?;
        let direction = if name.ends_with("_out") && ty.pointers >= 1 {
            Direction::Out
        } else {
            Direction::In
        };
        params.push(Param {
            name,
            ty,
            direction,
        });
    }
    for k in 1..params.len() {
        let len_name = format!("{}_len", params[k - 1].name);
        if params[k].name == len_name
            && params[k - 1].ty.pointers == 1
            && params[k].ty.base == "size_t"
        {
            params[k - 1].direction = Direction::Buffer;
            params[k].direction = Direction::Length;
        }
    }
    Ok(params)
}

/// Parses `type name` or `type name[N]`.
fn parse_decl(s: &str) -> Result<(CType, String, Option<usize>)> {
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
    let ty = parse_type(&s[..split + 1])?;
    if name.is_empty() {
        bail!("no name in `{s}`");
    }
    Ok((ty, name, array))
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

    const HEADER: &str = r#"
#ifndef PETREL_H
#define PETREL_H
#include <stdint.h>
// An opaque thing.
typedef struct petrel_thing_t petrel_thing_t;
// A kind.
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
    fn parses_every_kind_of_declaration() {
        let api = parse(HEADER).unwrap();
        assert_eq!(api.opaques[0].name, "petrel_thing_t");
        assert_eq!(api.opaques[0].doc, "An opaque thing.");
        assert_eq!(api.aliases[0].target, "uint8_t");
        let rec = &api.records[0];
        assert_eq!(rec.fields[0].doc, "The id.");
        assert_eq!(rec.fields[1].array, Some(16));
        assert_eq!(api.callbacks[0].params.len(), 2);
        assert_eq!(api.constants[0].value, 0);
        let f = &api.functions[0];
        assert!(f.fallible);
        assert!(f.doc.contains("# Safety"));
        let dirs: Vec<Direction> = f.params.iter().map(|p| p.direction).collect();
        assert_eq!(dirs, [Direction::Buffer, Direction::Length, Direction::Out]);
        assert_eq!(f.params[2].ty.pointers, 2);
        assert!(!api.functions[1].fallible);
    }

    #[test]
    fn unknown_constructs_are_errors() {
        assert!(parse("typedef struct a b;").is_err());
        assert!(parse("#define X not_a_number").is_err());
    }
}
