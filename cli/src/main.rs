//! The `petrel` command line.
//!
//! ```text
//! petrel run [--invoke NAME] FILE [ARGS...]   run a .wasm/.wat/.cwasm module
//! petrel compile FILE [-o OUT]                ahead-of-time compile to a .cwasm
//! petrel wast [--quiet] FILE...               run .wast spec scripts
//! petrel --help | --version
//! ```
//!
//! Exit status: 0 on success; 1 on any error (bad usage, unreadable or
//! invalid module, link error, bad arguments, failing wast directives);
//! 134 (128 + SIGABRT, as Wasmtime does) when the wasm code traps.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};
use petrel::{Config, Engine, Func, Instance, Linker, Module, Store, Trap, Val};
use petrel_cli::values::{format_val, parse_arg};
use petrel_cli::wast::{FileReport, run_file};

/// Exit status for a wasm trap: 128 + SIGABRT, like Wasmtime.
const TRAP_EXIT: u8 = 134;

const USAGE: &str = "\
petrel: a WebAssembly runtime

Usage:
  petrel run [--invoke NAME] FILE [ARGS...]
      Compile FILE (.wasm binary, .wat text, or .cwasm from `petrel compile`),
      instantiate it and call the export NAME (default `_start`) with ARGS,
      parsed according to the function's parameter types (integers in decimal
      or 0x hex, floats in decimal or inf/nan). Results are printed one per line.
  petrel compile FILE [-o OUT]
      Compile FILE ahead of time and write the serialized module to OUT
      (default: FILE with the extension .cwasm).
  petrel wast [--quiet] FILE...
      Run .wast scripts and report passed/failed/skipped directives;
      --quiet prints only failures and the total.
  petrel --help      Print this help.
  petrel --version   Print the version.

Exit status: 0 success, 1 error, 134 wasm trap.
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match dispatch(&args) {
        Ok(code) => code,
        Err(Failure::Trap(trap)) => {
            report_trap(&trap);
            ExitCode::from(TRAP_EXIT)
        }
        Err(Failure::Error(e)) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

/// How a command failed: a trap (exit 134) or any other error (exit 1).
enum Failure {
    Trap(Trap),
    Error(anyhow::Error),
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        // Traps may come wrapped in context; unwrap them so they get their
        // own exit status.
        match e.downcast::<Trap>() {
            Ok(trap) => Failure::Trap(trap),
            Err(e) => Failure::Error(e),
        }
    }
}

fn dispatch(args: &[String]) -> Result<ExitCode, Failure> {
    let Some((command, rest)) = args.split_first() else {
        eprint!("{USAGE}");
        return Err(anyhow!("no command given").into());
    };
    match command.as_str() {
        "-h" | "--help" | "help" => {
            print!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        "-V" | "--version" | "version" => {
            println!("petrel {}", env!("CARGO_PKG_VERSION"));
            Ok(ExitCode::SUCCESS)
        }
        "run" => cmd_run(rest),
        "compile" => cmd_compile(rest).map_err(Failure::Error),
        "wast" => cmd_wast(rest).map_err(Failure::Error),
        other => Err(anyhow!("unknown command `{other}` (see `petrel --help`)").into()),
    }
}

/// The engine configuration used by `run` and `compile`; they must agree so
/// that `.cwasm` files written by one load in the other.
fn engine() -> Result<Engine> {
    let mut config = Config::new();
    config.wasm_simd(true);
    Engine::new(&config)
}

/// Options of `petrel run`.
struct RunOptions {
    file: PathBuf,
    invoke: Option<String>,
    args: Vec<String>,
}

fn parse_run_options(args: &[String]) -> Result<Option<RunOptions>> {
    let mut file = None;
    let mut invoke = None;
    let mut rest = Vec::new();
    let mut only_operands = false;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if only_operands {
            rest.push(arg.clone());
        } else if arg == "--" {
            only_operands = true;
        } else if arg == "-h" || arg == "--help" {
            return Ok(None);
        } else if arg == "--invoke" {
            let name = iter.next().context("`--invoke` needs a function name")?;
            invoke = Some(name.clone());
        } else if let Some(name) = arg.strip_prefix("--invoke=") {
            invoke = Some(name.to_string());
        } else if arg.starts_with("--") {
            bail!("unknown option `{arg}` for `petrel run`");
        } else if file.is_none() {
            if arg.starts_with('-') && arg.len() > 1 {
                bail!("unknown option `{arg}` for `petrel run`");
            }
            file = Some(PathBuf::from(arg));
        } else {
            // After FILE, single-dash words are arguments (`-5`, `-inf`).
            rest.push(arg.clone());
        }
    }
    let file = file.context("`petrel run` needs a FILE (see `petrel --help`)")?;
    Ok(Some(RunOptions {
        file,
        invoke,
        args: rest,
    }))
}

fn cmd_run(args: &[String]) -> Result<ExitCode, Failure> {
    let Some(opts) = parse_run_options(args)? else {
        print!("{USAGE}");
        return Ok(ExitCode::SUCCESS);
    };
    let engine = engine()?;
    let module = load_module(&engine, &opts.file)?;

    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    define_host_imports(&mut linker)?;
    let instance = linker
        .instantiate(&mut store, &module)
        .with_context(|| format!("failed to instantiate {}", opts.file.display()))?;

    let (name, func) = find_export(&mut store, &instance, &module, opts.invoke.as_deref())?;
    let ty = func.ty(&store)?;
    let params = ty.params();
    if params.len() != opts.args.len() {
        let types: Vec<String> = params.iter().map(|t| t.to_string()).collect();
        return Err(anyhow!(
            "function `{name}` expects {} argument(s) ({}), got {}",
            params.len(),
            types.join(", "),
            opts.args.len()
        )
        .into());
    }
    let mut values = Vec::with_capacity(params.len());
    for (i, (ty, text)) in params.iter().zip(&opts.args).enumerate() {
        let val =
            parse_arg(*ty, text).with_context(|| format!("argument {} of `{name}`", i + 1))?;
        values.push(val);
    }
    let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
    func.call(&mut store, &values, &mut results)?;
    for result in &results {
        println!("{}", format_val(result));
    }
    Ok(ExitCode::SUCCESS)
}

/// Defines the host functions modules may import.
///
/// Nothing yet: this is where WASI preview 1 gets added to the linker.
fn define_host_imports(_linker: &mut Linker<()>) -> Result<()> {
    Ok(())
}

/// The function to call: `--invoke NAME`, else `_start`, else an error
/// listing the exported functions.
fn find_export(
    store: &mut Store<()>,
    instance: &Instance,
    module: &Module,
    invoke: Option<&str>,
) -> Result<(String, Func)> {
    let exported_funcs = || {
        let names: Vec<&str> = module
            .exports()
            .filter(|e| matches!(e.ty(), petrel::ExternType::Func(_)))
            .map(|e| e.name())
            .collect();
        if names.is_empty() {
            "the module exports no functions".to_string()
        } else {
            format!("exported functions: {}", names.join(", "))
        }
    };
    let name = invoke.unwrap_or("_start");
    match instance.get_func(&mut *store, name) {
        Some(func) => Ok((name.to_string(), func)),
        None if invoke.is_some() => bail!("no exported function `{name}`; {}", exported_funcs()),
        None => bail!(
            "no `_start` export and no `--invoke NAME` given; {}",
            exported_funcs()
        ),
    }
}

/// Loads FILE: a serialized module when the extension is `.cwasm`, else a
/// `.wasm` binary or `.wat` text.
fn load_module(engine: &Engine, file: &Path) -> Result<Module> {
    if file.extension().is_some_and(|e| e == "cwasm") {
        return Module::deserialize_file(engine, file)
            .with_context(|| format!("failed to load compiled module {}", file.display()));
    }
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    Module::new(engine, &bytes).with_context(|| format!("failed to compile {}", file.display()))
}

fn report_trap(trap: &Trap) {
    eprintln!("error: wasm trap: {}", trap.code());
    if !trap.trace().is_empty() {
        eprintln!("wasm backtrace:");
    }
    for (i, frame) in trap.trace().iter().enumerate() {
        let name = match (frame.module_name(), frame.func_name()) {
            (Some(m), Some(f)) => format!(" <{m}!{f}>"),
            (None, Some(f)) => format!(" <{f}>"),
            (_, None) => String::new(),
        };
        eprintln!("  {i}: func[{}]{name}", frame.func_index());
    }
}

fn cmd_compile(args: &[String]) -> Result<ExitCode> {
    let mut input = None;
    let mut output = None;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "-h" | "--help" => {
                print!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            "-o" | "--output" => {
                let out = iter.next().context("`-o` needs an output path")?;
                output = Some(PathBuf::from(out));
            }
            a if a.starts_with('-') && a.len() > 1 => {
                bail!("unknown option `{a}` for `petrel compile`")
            }
            a if input.is_none() => input = Some(PathBuf::from(a)),
            a => bail!("unexpected argument `{a}`: `petrel compile` takes one FILE"),
        }
    }
    let input = input.context("`petrel compile` needs a FILE (see `petrel --help`)")?;
    let output = output.unwrap_or_else(|| input.with_extension("cwasm"));
    let engine = engine()?;
    let module = load_module(&engine, &input)?;
    let bytes = module.serialize()?;
    std::fs::write(&output, bytes).with_context(|| format!("cannot write {}", output.display()))?;
    Ok(ExitCode::SUCCESS)
}

fn cmd_wast(args: &[String]) -> Result<ExitCode> {
    let mut quiet = false;
    let mut files = Vec::new();
    for arg in args {
        match arg.as_str() {
            "-q" | "--quiet" => quiet = true,
            "-h" | "--help" => {
                print!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            a if a.starts_with('-') && a.len() > 1 => {
                bail!("unknown option `{a}` for `petrel wast`")
            }
            a => files.push(PathBuf::from(a)),
        }
    }
    if files.is_empty() {
        bail!("`petrel wast` needs at least one FILE (see `petrel --help`)");
    }
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    for file in &files {
        let report: FileReport = run_file(file);
        passed += report.passed;
        failed += report.failed();
        skipped += report.skipped();
        if !quiet {
            println!("{}", report.summary());
        }
        for failure in &report.failures {
            println!("  FAIL {failure}");
        }
        if !quiet {
            for skip in &report.skips {
                println!("  SKIP {skip}");
            }
        }
    }
    println!("total: {passed} passed, {failed} failed, {skipped} skipped");
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
