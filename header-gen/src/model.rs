//! Resolves the header's declarations into the semantic model
//! ([`ir::Api`]): the closed type model, enums, record layouts, ownership
//! and grouping.
//!
//! What the C declarations cannot say is written in the doc comments as
//! annotation lines, one per fact, each starting with `@` (they are
//! removed from the docs the emitters print):
//!
//! | annotation | on | meaning |
//! | --- | --- | --- |
//! | `@enum Name PETREL_X_*` | integer alias | its values are the constants with that prefix; `Name` is the enum's language-neutral name |
//! | `@enum Name PETREL_{A,B}` | integer alias | the same, with the members listed (prefix `PETREL_`) |
//! | `@borrowed` | record | a value of it borrows memory from another object (`petrel_str_t`) |
//! | `@consumes P` | function | the function takes ownership of the object passed as `P` |
//! | `@borrowed P` / `@owned P` | function | the out-parameter `P` (or `return`) is borrowed from another object / owned by the caller |
//! | `@array P N` | function | `P` points to `N` elements, `N` being another parameter |
//!
//! Everything else is inferred from the header's conventions: a
//! parameter `X_out` is an output; a pointer `X` followed by `size_t
//! X_len` is one buffer (text for `char`, bytes for `uint8_t`); a
//! function returning `petrel_error_t *` is fallible unless it is annotated
//! `@owned return` (it makes errors); `petrel_X_delete` is the destructor
//! of `X`; an out-parameter that is a pointer to an opaque object, or a
//! record with a destructor, is owned by the caller. A fact that is
//! needed and neither inferred nor annotated is an error.

use crate::ir::*;
use crate::parse::{Decl, Header};
use anyhow::{Context, Result, bail, ensure};
use std::collections::{BTreeMap, BTreeSet};

/// The size of pointers and `size_t` on the targets the C API supports.
const POINTER_SIZE: usize = 8;

/// One annotation line.
#[derive(Debug)]
struct Annotation {
    tag: String,
    args: Vec<String>,
}

/// Splits a doc comment into its prose and its annotations.
fn annotations(doc: &str) -> (String, Vec<Annotation>) {
    let mut prose: Vec<&str> = Vec::new();
    let mut notes = Vec::new();
    for line in doc.lines() {
        if let Some(rest) = line.strip_prefix('@') {
            let mut words = rest.split_whitespace().map(str::to_string);
            let tag = words.next().unwrap_or_default();
            notes.push(Annotation {
                tag,
                args: words.collect(),
            });
        } else if !(line.trim().is_empty() && prose.last().is_some_and(|l| l.trim().is_empty())) {
            // Removing an annotation paragraph leaves one blank line.
            prose.push(line);
        }
    }
    while prose.last().is_some_and(|l| l.trim().is_empty()) {
        prose.pop();
    }
    (prose.join("\n"), notes)
}

/// The model's view of the names the header declares.
struct Names<'a> {
    header: &'a Header,
    enums: BTreeSet<String>,
}

impl Names<'_> {
    /// The semantic type of a C type (no buffer pairing: see `param`).
    fn ty(&self, c: &CType) -> Result<Type> {
        if c.pointers > 0 {
            if c.base == "char" && c.pointers == 1 {
                return Ok(Type::CString);
            }
            let pointee = CType {
                base: c.base.clone(),
                is_const: c.is_const && c.pointers == 1,
                pointers: c.pointers - 1,
            };
            return Ok(Type::Pointer {
                pointee: Box::new(self.ty(&pointee)?),
                is_const: c.is_const && c.pointers == 1,
            });
        }
        let b = c.base.as_str();
        Ok(match b {
            "void" => Type::Void,
            "bool" => Type::Bool,
            "int8_t" | "uint8_t" | "int16_t" | "uint16_t" | "int32_t" | "uint32_t" | "int64_t"
            | "uint64_t" => {
                let signed = !b.starts_with('u');
                let bits = b
                    .trim_start_matches('u')
                    .trim_start_matches("int")
                    .trim_end_matches("_t")
                    .parse()
                    .expect("an exact-width integer name");
                Type::Int { bits, signed }
            }
            // C `int` is 32 bits on every target the API supports.
            "int" => Type::Int {
                bits: 32,
                signed: true,
            },
            "size_t" => Type::Size,
            "float" => Type::Float { bits: 32 },
            "double" => Type::Float { bits: 64 },
            _ if self.enums.contains(b) => Type::Enum {
                name: b.to_string(),
            },
            _ if self.header.records.iter().any(|r| r.name == b) => Type::Record {
                name: b.to_string(),
            },
            _ if self.header.callbacks.iter().any(|r| r.name == b) => Type::Callback {
                name: b.to_string(),
            },
            _ if self.header.opaques.iter().any(|r| r.name == b) => Type::Object {
                name: b.to_string(),
            },
            _ if self.header.aliases.iter().any(|a| a.name == b) => {
                bail!("alias `{b}` has no `@enum` annotation")
            }
            _ => bail!("unknown type `{b}`"),
        })
    }
}

/// A type's size and alignment in the LP64 C ABI.
fn layout(api_records: &[Record], names: &Names, ty: &Type) -> Result<(usize, usize)> {
    Ok(match ty {
        Type::Bool => (1, 1),
        Type::Int { bits, .. } | Type::Float { bits } => {
            ((*bits / 8) as usize, (*bits / 8) as usize)
        }
        Type::Size
        | Type::Pointer { .. }
        | Type::CString
        | Type::Callback { .. }
        | Type::Text
        | Type::Bytes { .. }
        | Type::Array { .. } => (POINTER_SIZE, POINTER_SIZE),
        Type::Enum { name } => {
            let alias = names
                .header
                .aliases
                .iter()
                .find(|a| &a.name == name)
                .context("enum alias")?;
            let repr = names.ty(&CType {
                base: alias.target.clone(),
                is_const: false,
                pointers: 0,
            })?;
            layout(api_records, names, &repr)?
        }
        Type::Record { name } => {
            let r = api_records
                .iter()
                .find(|r| &r.name == name)
                .with_context(|| format!("record `{name}` used before its declaration"))?;
            (r.size, r.align)
        }
        Type::Void | Type::Object { .. } => bail!("{ty:?} has no size"),
    })
}

fn round_up(n: usize, align: usize) -> usize {
    n.div_ceil(align) * align
}

/// Parses `PETREL_X_*` or `PETREL_{A,B}` into (prefix, explicit members).
fn enum_pattern(pattern: &str) -> Result<(String, Option<Vec<String>>)> {
    if let Some(prefix) = pattern.strip_suffix('*') {
        return Ok((prefix.to_string(), None));
    }
    let open = pattern
        .find('{')
        .with_context(|| format!("bad @enum pattern `{pattern}`"))?;
    let list = pattern[open + 1..]
        .strip_suffix('}')
        .with_context(|| format!("bad @enum pattern `{pattern}`"))?;
    Ok((
        pattern[..open].to_string(),
        Some(list.split(',').map(|s| s.trim().to_string()).collect()),
    ))
}

/// Resolves the header into the API model.
pub fn resolve(h: &Header) -> Result<Api> {
    let mut api = Api {
        pointer_size: POINTER_SIZE,
        ..Api::default()
    };

    // Enums first: the type model needs to know which aliases they are.
    let mut grouped: BTreeSet<String> = BTreeSet::new();
    for alias in &h.aliases {
        let (doc, notes) = annotations(&alias.doc);
        let note = notes
            .iter()
            .find(|n| n.tag == "enum")
            .with_context(|| format!("alias `{}` has no `@enum` annotation", alias.name))?;
        ensure!(
            notes.len() == 1 && note.args.len() == 2,
            "`{}`: expected one `@enum Name PATTERN`",
            alias.name
        );
        let (prefix, listed) = enum_pattern(&note.args[1])?;
        let mut members = Vec::new();
        for c in &h.constants {
            let Some(rest) = c.name.strip_prefix(&prefix) else {
                continue;
            };
            if listed
                .as_ref()
                .is_some_and(|l| !l.iter().any(|m| m == rest))
            {
                continue;
            }
            ensure!(
                grouped.insert(c.name.clone()),
                "constant `{}` is in two enums",
                c.name
            );
            members.push(Member {
                name: rest.to_string(),
                constant: c.name.clone(),
                value: c.value,
                doc: c.doc.clone(),
            });
        }
        if let Some(listed) = &listed {
            ensure!(
                members.len() == listed.len(),
                "`{}`: a listed member is not a constant of the header",
                alias.name
            );
        }
        ensure!(!members.is_empty(), "enum `{}` has no members", alias.name);
        api.enums.push(Enum {
            name: note.args[0].clone(),
            c_name: alias.name.clone(),
            repr: Type::Void,
            repr_c: alias.target.clone(),
            members,
            doc,
        });
    }
    let names = Names {
        header: h,
        enums: api.enums.iter().map(|e| e.c_name.clone()).collect(),
    };
    for e in &mut api.enums {
        e.repr = names.ty(&CType {
            base: e.repr_c.clone(),
            is_const: false,
            pointers: 0,
        })?;
        ensure!(e.repr.is_integer(), "enum `{}` is not an integer", e.c_name);
    }
    for c in &h.constants {
        if !grouped.contains(&c.name) {
            api.constants.push(Constant {
                name: c.name.clone(),
                value: c.value,
                doc: c.doc.clone(),
            });
        }
    }

    // Records, with their layouts, in declaration order.
    let mut borrowed_records = BTreeSet::new();
    for r in &h.records {
        let (doc, notes) = annotations(&r.doc);
        for n in &notes {
            match (n.tag.as_str(), n.args.len()) {
                ("borrowed", 0) => {
                    borrowed_records.insert(r.name.clone());
                }
                _ => bail!("`{}`: unknown annotation `@{}`", r.name, n.tag),
            }
        }
        let mut fields = Vec::new();
        let (mut size, mut align) = (0usize, 1usize);
        for f in &r.fields {
            let ty = names.ty(&f.c)?;
            let (fsize, falign) = layout(&api.records, &names, &ty)?;
            let fsize = fsize * f.array.unwrap_or(1);
            let offset = if r.is_union {
                0
            } else {
                round_up(size, falign)
            };
            size = if r.is_union {
                size.max(fsize)
            } else {
                offset + fsize
            };
            align = align.max(falign);
            fields.push(Field {
                name: f.name.clone(),
                c: f.c.clone(),
                ty,
                array: f.array,
                offset,
                doc: f.doc.clone(),
            });
        }
        api.records.push(Record {
            name: r.name.clone(),
            is_union: r.is_union,
            size: round_up(size, align),
            align,
            fields,
            doc,
        });
    }

    // Objects: opaque types, store handles and records with destructors.
    let short = |c: &str| {
        c.strip_prefix("petrel_")
            .and_then(|s| s.strip_suffix("_t"))
            .unwrap_or(c)
            .to_string()
    };
    let destructor_of = |c: &str| format!("petrel_{}_delete", short(c));
    let has_fn = |name: &str| h.functions.iter().any(|f| f.name == name);
    for o in &h.opaques {
        let kind = if has_fn(&destructor_of(&o.name)) {
            ObjectKind::Owned
        } else {
            ObjectKind::Borrowed
        };
        api.objects.push(Object {
            name: short(&o.name),
            c_name: o.name.clone(),
            kind,
            created_by: Vec::new(),
            deleted_by: None,
            functions: Vec::new(),
            doc: o.doc.clone(),
        });
    }
    for r in &api.records {
        let kind = if r.fields.iter().any(|f| f.name == "store_id") {
            ObjectKind::Handle
        } else if has_fn(&destructor_of(&r.name)) {
            ObjectKind::OwnedRecord
        } else {
            continue;
        };
        api.objects.push(Object {
            name: short(&r.name),
            c_name: r.name.clone(),
            kind,
            created_by: Vec::new(),
            deleted_by: None,
            functions: Vec::new(),
            doc: r.doc.clone(),
        });
    }

    for cb in &h.callbacks {
        let (doc, _) = annotations(&cb.doc);
        let params = cb
            .params
            .iter()
            .map(|p| {
                Ok(Param {
                    name: p.name.clone(),
                    c: p.c.clone(),
                    ty: names.ty(&p.c)?,
                    direction: Direction::In,
                    length: None,
                    length_of: Vec::new(),
                    ownership: None,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        api.callbacks.push(Callback {
            name: cb.name.clone(),
            ret_c: cb.ret.clone(),
            ret: names.ty(&cb.ret)?,
            params,
            doc,
        });
    }

    for f in &h.functions {
        let func = function(&api, &names, &borrowed_records, f)
            .with_context(|| format!("in `{}`", f.name))?;
        api.functions.push(func);
    }

    // Attach functions and creators to their objects.
    let owned_object = |ty: &Type| -> Option<String> {
        match ty {
            Type::Pointer { pointee, .. } => match pointee.as_ref() {
                Type::Object { name } => Some(name.clone()),
                _ => None,
            },
            Type::Record { name } => Some(name.clone()),
            _ => None,
        }
    };
    let mut created: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in &api.functions {
        let mut made: Vec<String> = f
            .params
            .iter()
            .filter(|p| {
                p.direction == Direction::Out
                    && (p.ownership == Some(Ownership::Owned)
                        || (f.group.role == Role::Constructor
                            && matches!(p.ty, Type::Record { .. })))
            })
            .filter_map(|p| owned_object(&p.ty))
            .collect();
        if f.ret_ownership == Some(Ownership::Owned) {
            made.extend(owned_object(&f.ret));
        }
        for m in made {
            created.entry(m).or_default().push(f.name.clone());
        }
    }
    for o in &mut api.objects {
        o.created_by = created.remove(&o.c_name).unwrap_or_default();
        for f in &api.functions {
            if f.group.object == o.name {
                o.functions.push(f.name.clone());
                if f.group.role == Role::Destructor {
                    o.deleted_by = Some(f.name.clone());
                }
            }
        }
        if matches!(o.kind, ObjectKind::Owned | ObjectKind::OwnedRecord) {
            ensure!(
                o.deleted_by.is_some() && !o.created_by.is_empty(),
                "object `{}` is owned but has no constructor or destructor",
                o.c_name
            );
        }
    }
    Ok(api)
}

/// Resolves one function.
fn function(
    api: &Api,
    names: &Names,
    borrowed_records: &BTreeSet<String>,
    f: &crate::parse::Signature,
) -> Result<Function> {
    let (doc, notes) = annotations(&f.doc);
    let mut consumed = BTreeSet::new();
    let mut stated: BTreeMap<String, Ownership> = BTreeMap::new();
    let mut arrays: BTreeMap<String, String> = BTreeMap::new();
    let param_names: BTreeSet<&str> = f.params.iter().map(|p| p.name.as_str()).collect();
    for n in &notes {
        let known = |p: &str| p == "return" || param_names.contains(p);
        match (n.tag.as_str(), n.args.as_slice()) {
            ("consumes", [p]) if known(p) => {
                consumed.insert(p.clone());
            }
            ("borrowed", [p]) if known(p) => {
                stated.insert(p.clone(), Ownership::Borrowed);
            }
            ("owned", [p]) if known(p) => {
                stated.insert(p.clone(), Ownership::Owned);
            }
            ("array", [p, len]) if known(p) && known(len) => {
                arrays.insert(p.clone(), len.clone());
            }
            _ => bail!("bad annotation `@{} {}`", n.tag, n.args.join(" ")),
        }
    }

    // Grouping: the longest object name that prefixes the function name.
    let group_object = api
        .objects
        .iter()
        .map(|o| o.name.as_str())
        .filter(|o| f.name.starts_with(&format!("petrel_{o}_")))
        .max_by_key(|o| o.len())
        .unwrap_or("");
    let verb = if group_object.is_empty() {
        f.name.trim_start_matches("petrel_").to_string()
    } else {
        f.name[format!("petrel_{group_object}_").len()..].to_string()
    };
    let role = if group_object.is_empty() {
        Role::Function
    } else if verb == "delete" {
        Role::Destructor
    } else if verb == "new" || verb.starts_with("new_") {
        Role::Constructor
    } else {
        Role::Method
    };

    // Buffers: `X` + `size_t X_len`, and annotated arrays.
    let mut lengths: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, p) in f.params.iter().enumerate() {
        if let Some(next) = f.params.get(k + 1)
            && next.name == format!("{}_len", p.name)
            && next.c.base == "size_t"
            && next.c.pointers == 0
            && p.c.pointers == 1
            && !p.name.ends_with("_out")
        {
            arrays.entry(p.name.clone()).or_insert(next.name.clone());
        }
    }
    for (buf, len) in &arrays {
        lengths.entry(len.clone()).or_default().push(buf.clone());
    }

    let mut params = Vec::new();
    for p in &f.params {
        params.push(param(
            names,
            borrowed_records,
            p,
            &arrays,
            &lengths,
            &stated,
            &consumed,
            role,
        )?);
    }
    let fallible = f.ret.base == "petrel_error_t"
        && f.ret.pointers == 1
        && stated.get("return") != Some(&Ownership::Owned);
    let ret = names.ty(&f.ret)?;
    let ret_ownership = if fallible {
        None
    } else if matches!(ret, Type::Pointer { .. } | Type::CString) {
        Some(*stated.get("return").with_context(|| {
            "a returned pointer needs `@owned return` or `@borrowed return`".to_string()
        })?)
    } else {
        None
    };
    Ok(Function {
        name: f.name.clone(),
        doc,
        ret_c: f.ret.clone(),
        ret,
        ret_ownership,
        fallible,
        params,
        group: Group {
            object: group_object.to_string(),
            verb,
            role,
        },
    })
}

/// Resolves one parameter.
#[allow(
    clippy::too_many_arguments,
    reason = "the facts about one function that a parameter depends on"
)]
fn param(
    names: &Names,
    borrowed_records: &BTreeSet<String>,
    p: &Decl,
    arrays: &BTreeMap<String, String>,
    lengths: &BTreeMap<String, Vec<String>>,
    stated: &BTreeMap<String, Ownership>,
    consumed: &BTreeSet<String>,
    role: Role,
) -> Result<Param> {
    let mut out = Param {
        name: p.name.clone(),
        c: p.c.clone(),
        ty: Type::Void,
        direction: Direction::In,
        length: None,
        length_of: Vec::new(),
        ownership: None,
    };
    if let Some(len) = arrays.get(&p.name) {
        ensure!(p.c.pointers >= 1, "`{}` is not a pointer", p.name);
        let element = CType {
            base: p.c.base.clone(),
            is_const: p.c.is_const,
            pointers: p.c.pointers - 1,
        };
        out.direction = Direction::Buffer;
        out.length = Some(len.clone());
        out.ty = match (p.c.base.as_str(), p.c.pointers) {
            ("char", 1) => Type::Text,
            ("uint8_t", 1) => Type::Bytes {
                is_const: p.c.is_const,
            },
            _ => Type::Array {
                element: Box::new(names.ty(&element)?),
                is_const: p.c.is_const,
            },
        };
        return Ok(out);
    }
    if let Some(bufs) = lengths.get(&p.name) {
        ensure!(
            p.c.base == "size_t" && p.c.pointers == 0,
            "`{}` is not a size_t",
            p.name
        );
        out.direction = Direction::Length;
        out.ty = Type::Size;
        out.length_of = bufs.clone();
        return Ok(out);
    }
    if p.name.ends_with("_out") && p.c.pointers >= 1 {
        out.direction = Direction::Out;
        out.ty = names.ty(&p.c.pointee())?;
        out.ownership = match &out.ty {
            Type::Pointer { pointee, .. } if matches!(**pointee, Type::Object { .. }) => {
                Some(*stated.get(&p.name).unwrap_or(&Ownership::Owned))
            }
            Type::Record { name } if borrowed_records.contains(name) => Some(Ownership::Borrowed),
            Type::Record { name }
                if names.header.functions.iter().any(|f| {
                    f.name
                        == format!(
                            "petrel_{}_delete",
                            name.trim_start_matches("petrel_").trim_end_matches("_t")
                        )
                }) =>
            {
                Some(Ownership::Owned)
            }
            Type::Pointer { .. } | Type::CString => {
                Some(*stated.get(&p.name).with_context(|| {
                    format!("out-parameter `{}` needs `@owned` or `@borrowed`", p.name)
                })?)
            }
            _ => None,
        };
        return Ok(out);
    }
    out.ty = names.ty(&p.c)?;
    if out.ty.object().is_some() && (consumed.contains(&p.name) || role == Role::Destructor) {
        out.ownership = Some(Ownership::Consumed);
    } else if consumed.contains(&p.name) {
        bail!("`@consumes {}`: not an object", p.name);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = r#"
// An opaque thing.
typedef struct petrel_thing_t petrel_thing_t;
// A borrowed view.
typedef struct petrel_other_t petrel_other_t;
// A kind.
//
// @enum Kind PETREL_KIND_*
typedef uint8_t petrel_kind_t;
// Value kinds.
// @enum ValKind PETREL_{I32,I64}
typedef uint8_t petrel_valkind_t;
// A handle.
typedef struct petrel_item_t {
  uint64_t store_id;
  size_t index;
} petrel_item_t;
// Mixed layout.
typedef struct petrel_mix_t {
  petrel_kind_t kind;
  double d;
  bool b;
  uint8_t v[16];
} petrel_mix_t;
typedef union petrel_u_t {
  int32_t a;
  uint8_t b[16];
  struct petrel_item_t c;
} petrel_u_t;
#define PETREL_KIND_A 0
#define PETREL_KIND_B 7
#define PETREL_I32 0
#define PETREL_I64 1
#define PETREL_LONE 3
// Makes a thing.
struct petrel_error_t *petrel_thing_new(const char *name,
                                        size_t name_len,
                                        struct petrel_thing_t **thing_out);
// Gives the thing away.
// @consumes thing
struct petrel_error_t *petrel_item_give(struct petrel_item_t item, struct petrel_thing_t *thing);
// Borrowed.
// @borrowed return
struct petrel_other_t *petrel_thing_other(const struct petrel_thing_t *thing);
// Bytes.
struct petrel_error_t *petrel_thing_read(struct petrel_thing_t *thing, uint8_t *buf, size_t buf_len, petrel_kind_t *kind_out);
// Strings.
// @array names n
// @array values n
struct petrel_error_t *petrel_thing_env(struct petrel_thing_t *thing, const char **names, const char **values, size_t n);
void petrel_thing_delete(struct petrel_thing_t *thing);
typedef struct petrel_error_t petrel_error_t;
"#;

    fn api() -> Api {
        resolve(&crate::parse::parse(HEADER).unwrap()).unwrap()
    }

    #[test]
    fn enums_are_tied_to_their_constants() {
        let api = api();
        let kind = api.enum_("petrel_kind_t").unwrap();
        assert_eq!(kind.name, "Kind");
        let members: Vec<(&str, i64)> = kind
            .members
            .iter()
            .map(|m| (m.name.as_str(), m.value))
            .collect();
        assert_eq!(members, [("A", 0), ("B", 7)]);
        let vk = api.enum_("petrel_valkind_t").unwrap();
        assert_eq!(vk.members.len(), 2);
        assert_eq!(
            vk.repr,
            Type::Int {
                bits: 8,
                signed: false
            }
        );
        assert_eq!(api.constants.len(), 1);
        assert_eq!(api.constants[0].name, "PETREL_LONE");
    }

    #[test]
    fn records_are_laid_out_like_c() {
        let api = api();
        let mix = api.record("petrel_mix_t").unwrap();
        let offsets: Vec<usize> = mix.fields.iter().map(|f| f.offset).collect();
        assert_eq!(offsets, [0, 8, 16, 17]);
        assert_eq!((mix.size, mix.align), (40, 8));
        let u = api.record("petrel_u_t").unwrap();
        assert_eq!((u.size, u.align), (16, 8));
    }

    #[test]
    fn ownership_and_grouping_are_resolved() {
        let api = api();
        let thing = api.objects.iter().find(|o| o.name == "thing").unwrap();
        assert_eq!(thing.kind, ObjectKind::Owned);
        assert_eq!(thing.created_by, ["petrel_thing_new"]);
        assert_eq!(thing.deleted_by.as_deref(), Some("petrel_thing_delete"));
        let item = api.objects.iter().find(|o| o.name == "item").unwrap();
        assert_eq!(item.kind, ObjectKind::Handle);
        let other = api.objects.iter().find(|o| o.name == "other").unwrap();
        assert_eq!(other.kind, ObjectKind::Borrowed);
        let f = |n: &str| api.functions.iter().find(|f| f.name == n).unwrap();
        let new = f("petrel_thing_new");
        assert_eq!(new.group.role, Role::Constructor);
        assert_eq!(new.params[0].ty, Type::Text);
        assert_eq!(new.params[1].length_of, ["name"]);
        assert_eq!(new.params[2].ownership, Some(Ownership::Owned));
        let give = f("petrel_item_give");
        assert_eq!(give.group.object, "item");
        assert_eq!(give.params[1].ownership, Some(Ownership::Consumed));
        assert_eq!(
            f("petrel_thing_other").ret_ownership,
            Some(Ownership::Borrowed)
        );
        let read = f("petrel_thing_read");
        assert_eq!(read.params[1].ty, Type::Bytes { is_const: false });
        assert_eq!(
            read.params[3].ty,
            Type::Enum {
                name: "petrel_kind_t".into()
            }
        );
        let env = f("petrel_thing_env");
        assert_eq!(env.params[3].length_of, ["names", "values"]);
        assert!(matches!(env.params[1].ty, Type::Array { .. }));
        assert_eq!(
            f("petrel_thing_delete").params[0].ownership,
            Some(Ownership::Consumed)
        );
    }

    #[test]
    fn missing_facts_are_errors() {
        let no_enum = "typedef uint8_t petrel_k_t;\n";
        assert!(resolve(&crate::parse::parse(no_enum).unwrap()).is_err());
        let returned =
            "typedef struct petrel_a_t petrel_a_t;\nstruct petrel_a_t *petrel_a_get(void);\n";
        assert!(resolve(&crate::parse::parse(returned).unwrap()).is_err());
        let unknown = "// @frobs x\nvoid petrel_f(int x);\n";
        assert!(resolve(&crate::parse::parse(unknown).unwrap()).is_err());
    }
}
