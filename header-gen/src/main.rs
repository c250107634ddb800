//! `header-gen`: reads `capi/include/petrel.h` once into a
//! language-neutral IR ([`ir::Api`]) and runs one emitter per language
//! over it. Today: the Python emitter (cffi declarations and a typed thin
//! wrapper) and `api.json`, the manifest of every C function that each
//! binding's completeness test reads. Emitters for Go, .NET and Node
//! implement the same [`Emitter`] trait.
//!
//! `header-gen` rewrites the generated files; `header-gen --check`
//! regenerates them in memory and fails when a committed file differs.
//!
//! Two steps: `parse` reads the declarations as written; `model` resolves
//! their meaning (types, enums, layouts, ownership, grouping) from the
//! header's conventions and its `@` annotations (listed in `model`'s
//! documentation). Emitters only map that model to their language.

mod ir;
mod layout_check;
mod model;
mod parse;
mod python;

use anyhow::{Context, Result, bail};
use std::path::PathBuf;

/// One language's generator: the files it writes, relative to the
/// repository root, with their contents.
pub trait Emitter {
    /// The generated files.
    fn files(&self, api: &ir::Api) -> Vec<(String, String)>;
}

/// The language-neutral manifest of the API.
struct Manifest;

impl Emitter for Manifest {
    fn files(&self, api: &ir::Api) -> Vec<(String, String)> {
        #[derive(serde::Serialize)]
        struct Document<'a> {
            generated: &'static str,
            #[serde(flatten)]
            api: &'a ir::Api,
        }
        let doc = Document {
            generated: "Generated from petrel.h by header-gen, do not edit.",
            api,
        };
        let json = serde_json::to_string_pretty(&doc).expect("the IR serializes");
        vec![("header-gen/api.json".to_string(), json + "\n")]
    }
}

fn main() -> Result<()> {
    let check = match std::env::args().nth(1).as_deref() {
        None => false,
        Some("--check") => true,
        Some(other) => bail!("usage: header-gen [--check] (unknown argument `{other}`)"),
    };
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .context("header-gen lives in the repository root")?
        .to_path_buf();
    let header = root.join("capi/include/petrel.h");
    let text = std::fs::read_to_string(&header)
        .with_context(|| format!("reading {}", header.display()))?;
    let header = parse::parse(&text).context("parsing petrel.h")?;
    let api = model::resolve(&header).context("resolving petrel.h")?;
    let emitters: [&dyn Emitter; 2] = [&Manifest, &python::Python];
    let mut stale = Vec::new();
    for emitter in emitters {
        for (rel, content) in emitter.files(&api) {
            let path = root.join(&rel);
            if check {
                let committed = std::fs::read_to_string(&path).unwrap_or_default();
                if committed != content {
                    stale.push(rel);
                }
            } else {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                std::fs::write(&path, content)
                    .with_context(|| format!("writing {}", path.display()))?;
                println!("wrote {rel}");
            }
        }
    }
    if !stale.is_empty() {
        bail!(
            "generated files are out of date (run `cargo run -p header-gen`): {}",
            stale.join(", ")
        );
    }
    if check {
        println!(
            "header-gen: {} functions, generated files up to date",
            api.functions.len()
        );
    }
    Ok(())
}
