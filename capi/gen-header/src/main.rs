//! `gen-header`: writes `capi/include/petrel.h` from the `petrel-capi`
//! crate's source with cbindgen. With `--check` it writes nothing and
//! fails when the committed header differs from a fresh one (CI runs it).

use anyhow::{Context, Result, bail};
use std::path::PathBuf;

fn main() -> Result<()> {
    let check = match std::env::args().nth(1).as_deref() {
        None => false,
        Some("--check") => true,
        Some(other) => bail!("usage: gen-header [--check] (unknown argument `{other}`)"),
    };
    let capi = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .context("gen-header lives in capi/gen-header")?
        .to_path_buf();
    let config = cbindgen::Config::from_file(capi.join("cbindgen.toml"))
        .map_err(|e| anyhow::anyhow!("reading cbindgen.toml: {e}"))?;
    let bindings = cbindgen::Builder::new()
        .with_crate(&capi)
        .with_config(config)
        .generate()
        .context("cbindgen failed")?;
    let mut fresh = Vec::new();
    bindings.write(&mut fresh);
    let path = capi.join("include").join("petrel.h");
    if check {
        let committed =
            std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        if committed != fresh {
            bail!(
                "{} is out of date: run `cargo run -p petrel-gen-header` and commit it",
                path.display()
            );
        }
        println!("{} is up to date", path.display());
    } else {
        std::fs::write(&path, &fresh).with_context(|| format!("writing {}", path.display()))?;
        println!("wrote {}", path.display());
    }
    Ok(())
}
