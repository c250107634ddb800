//! The `petrel` command line.
//!
//! ```text
//! petrel run [OPTIONS] FILE [ARGS...]         run a WASI command or an export
//! petrel compile [--key-file KEY] FILE [-o OUT]  ahead-of-time compile to a .cwasm
//! petrel keygen KEYFILE                       write a new module key
//! petrel wast [--quiet] [--wasm2|--single-memory] FILE...  run .wast spec scripts
//! petrel --help | --version
//! ```
//!
//! Exit status: 0 on success; the program's own status when it calls
//! WASI `proc_exit`; 1 on any error (bad usage, unreadable or invalid
//! module, link error, bad arguments, failing wast directives); 134
//! (128 + SIGABRT, as Wasmtime does) when the wasm code traps.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};
use petrel::wasi::{self, I32Exit, WasiCtx, WasiCtxBuilder};
use petrel::{Config, Engine, Func, Instance, Linker, Module, Store, Trap, Val};
use petrel_cli::key::{KEY_FILE_ENV, key_file, read_key_file, write_new_key_file};
use petrel_cli::values::{format_val, parse_arg};
use petrel_cli::wast::{FileReport, Profile, run_file_with};

/// Exit status for a wasm trap: 128 + SIGABRT, like Wasmtime.
const TRAP_EXIT: u8 = 134;

const USAGE: &str = "\
petrel: a WebAssembly runtime

Usage:
  petrel run [OPTIONS] FILE [ARGS...]
      Compile FILE (.wasm binary, .wat text, or .cwasm from `petrel compile`),
      instantiate it with WASI preview 1 (standard streams inherited) and run
      its `_start` with ARGS as the program's arguments (argv[0] is FILE); the
      program's `proc_exit` status becomes petrel's exit status.
      Options (before FILE):
        --invoke NAME      call the export NAME instead, with ARGS parsed by its
                           parameter types (integers in decimal or 0x hex, floats
                           in decimal or inf/nan); results print one per line.
                           Also accepted after FILE.
        --dir HOST[::GUEST]  give the program the host directory HOST under the
                           name GUEST (default: HOST); paths cannot leave it.
        --env NAME[=VALUE] set an environment variable (without =VALUE: the
                           host's value).
        --fuel N           run with N units of fuel (trap when exhausted).
        --preload NAME=FILE  instantiate FILE first; its exports can be
                           imported from module NAME.
        --key-file KEY     the module key that authenticates .cwasm files (FILE
                           or preloads); default: the file named by
                           $PETREL_MODULE_KEY_FILE. Needed to run a .cwasm.
      Arguments after FILE are the program's; `--` ends petrel's options.
  petrel compile [--key-file KEY] FILE [-o OUT]
      Compile FILE ahead of time and write the serialized module to OUT
      (default: FILE with the extension .cwasm), sealed with the module key
      in the file KEY (default: the file named by $PETREL_MODULE_KEY_FILE).
      A key is required: `petrel run` loads the .cwasm only with the same key,
      and refuses any .cwasm that was modified or sealed with another key.
  petrel keygen KEYFILE
      Write a new random module key to KEYFILE (64 hexadecimal digits, mode
      600; an existing file is never overwritten). Anyone who can read it can
      make .cwasm files that `petrel run` with this key executes: keep it
      private, and away from the .cwasm files.
  petrel wast [--quiet] [--wasm2|--single-memory] FILE...
      Run .wast scripts and report passed/failed/skipped directives, with
      every proposal Petrel implements turned on; --wasm2 runs them against
      WebAssembly 2.0 exactly (the 3.0 proposals off), as the 2.0 spec
      scripts expect; --single-memory turns off only multi-memory, as the
      function-references scripts expect (their binary.wast requires
      memory.size's reserved byte to be one zero byte); --quiet prints only
      failures and the total.
  petrel --help      Print this help.
  petrel --version   Print the version.

Exit status: 0 success, 1 error, 134 wasm trap; `petrel run` of a WASI
program exits with the status the program passed to `proc_exit`.
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
        "keygen" => cmd_keygen(rest).map_err(Failure::Error),
        "wast" => cmd_wast(rest).map_err(Failure::Error),
        other => Err(anyhow!("unknown command `{other}` (see `petrel --help`)").into()),
    }
}

/// The engine configuration used by `run` and `compile`; they must agree so
/// that `.cwasm` files written by one load in the other (`--fuel` changes
/// the generated code, so a `.cwasm` only loads without it), and share the
/// module key read from `key_file`.
fn engine(fuel: bool, key_file: Option<&Path>) -> Result<Engine> {
    let mut config = Config::new();
    config.wasm_simd(true);
    config.consume_fuel(fuel);
    if let Some(path) = key_file {
        config.module_key(read_key_file(path)?);
    }
    Engine::new(&config)
}

/// Why a `.cwasm` cannot be handled without a key file.
fn missing_key(what: &str) -> anyhow::Error {
    anyhow!(
        "{what} needs a module key: pass `--key-file KEY` or set {KEY_FILE_ENV}=KEY \
         (make a key file with `petrel keygen KEY`). A .cwasm is sealed with the key and \
         loads only with the same key; without one, a key would be drawn at random and the \
         .cwasm could never be loaded by another process"
    )
}

/// Options of `petrel run`.
struct RunOptions {
    file: PathBuf,
    /// The file as given on the command line (the program's `argv[0]`).
    file_arg: String,
    invoke: Option<String>,
    args: Vec<String>,
    /// `--dir HOST[::GUEST]`: (host path, guest path).
    dirs: Vec<(String, String)>,
    /// `--env NAME[=VALUE]`: a value, or None to pass the host's.
    env: Vec<(String, Option<String>)>,
    fuel: Option<u64>,
    /// `--preload NAME=FILE`.
    preloads: Vec<(String, PathBuf)>,
    /// `--key-file KEY`, else `$PETREL_MODULE_KEY_FILE`.
    key_file: Option<PathBuf>,
}

/// The value of option `name`: `--name VALUE` or `--name=VALUE`.
fn option_value<'a>(
    arg: &'a str,
    name: &str,
    iter: &mut impl Iterator<Item = &'a String>,
) -> Result<Option<&'a str>> {
    if arg == name {
        let value = iter
            .next()
            .with_context(|| format!("`{name}` needs a value"))?;
        return Ok(Some(value.as_str()));
    }
    Ok(arg
        .strip_prefix(name)
        .and_then(|rest| rest.strip_prefix('=')))
}

fn parse_run_options(args: &[String]) -> Result<Option<RunOptions>> {
    let mut file: Option<String> = None;
    let mut invoke = None;
    let mut rest = Vec::new();
    let mut dirs = Vec::new();
    let mut env = Vec::new();
    let mut fuel = None;
    let mut preloads = Vec::new();
    let mut key_file_option = None;
    let mut only_operands = false;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if only_operands {
            if file.is_none() {
                file = Some(arg.clone());
            } else {
                rest.push(arg.clone());
            }
        } else if arg == "--" {
            only_operands = true;
        } else if let Some(name) = option_value(arg, "--invoke", &mut iter)? {
            // Accepted after FILE too, as earlier versions did.
            invoke = Some(name.to_string());
        } else if file.is_some() {
            // After FILE, everything else belongs to the program.
            rest.push(arg.clone());
        } else if arg == "-h" || arg == "--help" {
            return Ok(None);
        } else if let Some(dir) = option_value(arg, "--dir", &mut iter)? {
            let (host, guest) = dir.split_once("::").unwrap_or((dir, dir));
            if host.is_empty() || guest.is_empty() {
                bail!("`--dir {dir}`: expected HOST or HOST::GUEST");
            }
            dirs.push((host.to_string(), guest.to_string()));
        } else if let Some(var) = option_value(arg, "--env", &mut iter)? {
            let (name, value) = match var.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (var, None),
            };
            if name.is_empty() {
                bail!("`--env {var}`: expected NAME=VALUE or NAME");
            }
            env.push((name.to_string(), value));
        } else if let Some(n) = option_value(arg, "--fuel", &mut iter)? {
            let n = n
                .parse::<u64>()
                .with_context(|| format!("`--fuel {n}`: expected a number"))?;
            fuel = Some(n);
        } else if let Some(p) = option_value(arg, "--preload", &mut iter)? {
            let Some((name, path)) = p.split_once('=') else {
                bail!("`--preload {p}`: expected NAME=FILE");
            };
            if name.is_empty() || path.is_empty() {
                bail!("`--preload {p}`: expected NAME=FILE");
            }
            preloads.push((name.to_string(), PathBuf::from(path)));
        } else if let Some(p) = option_value(arg, "--key-file", &mut iter)? {
            key_file_option = Some(PathBuf::from(p));
        } else if arg.starts_with('-') && arg.len() > 1 {
            bail!("unknown option `{arg}` for `petrel run`");
        } else {
            file = Some(arg.clone());
        }
    }
    let file_arg = file.context("`petrel run` needs a FILE (see `petrel --help`)")?;
    Ok(Some(RunOptions {
        file: PathBuf::from(&file_arg),
        file_arg,
        invoke,
        args: rest,
        dirs,
        env,
        fuel,
        preloads,
        key_file: key_file(key_file_option.as_deref()),
    }))
}

/// The WASI context of a `petrel run`: standard streams inherited, the
/// program's name and arguments, `--env` variables, `--dir` preopens.
fn wasi_context(opts: &RunOptions) -> Result<WasiCtx> {
    let mut builder = WasiCtxBuilder::new();
    builder.inherit_stdio();
    builder.arg(&opts.file_arg);
    builder.args(&opts.args);
    for (name, value) in &opts.env {
        match value {
            Some(v) => {
                builder.env(name, v);
            }
            None => {
                if let Ok(v) = std::env::var(name) {
                    builder.env(name, v);
                }
            }
        }
    }
    for (host, guest) in &opts.dirs {
        builder.preopened_dir(host, guest)?;
    }
    Ok(builder.build())
}

fn cmd_run(args: &[String]) -> Result<ExitCode, Failure> {
    let Some(opts) = parse_run_options(args)? else {
        print!("{USAGE}");
        return Ok(ExitCode::SUCCESS);
    };
    let engine = engine(opts.fuel.is_some(), opts.key_file.as_deref())?;
    let has_key = opts.key_file.is_some();
    let module = load_module(&engine, &opts.file, has_key)?;

    let mut store = Store::new(&engine, wasi_context(&opts)?);
    if let Some(fuel) = opts.fuel {
        store.set_fuel(fuel)?;
    }
    let mut linker = Linker::new(&engine);
    wasi::add_to_linker(&mut linker, |cx: &mut WasiCtx| cx)?;
    for (name, file) in &opts.preloads {
        let preload = load_module(&engine, file, has_key)?;
        linker
            .module(&mut store, name, &preload)
            .with_context(|| format!("failed to preload {} as `{name}`", file.display()))?;
    }
    let instance = linker
        .instantiate(&mut store, &module)
        .with_context(|| format!("failed to instantiate {}", opts.file.display()))?;

    let result = if opts.invoke.is_some() {
        // A reactor initialises itself before its exports are called.
        if let Some(init) = instance.get_func(&mut store, "_initialize") {
            init.call(&mut store, &[], &mut [])?;
        }
        invoke(&mut store, &instance, &module, &opts)
    } else {
        let (_, start) = find_export(&mut store, &instance, &module, None)?;
        start.call(&mut store, &[], &mut [])
    };
    match result {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) => match e.downcast_ref::<I32Exit>() {
            // `proc_exit` statuses are in 0..126.
            Some(exit) => Ok(ExitCode::from(exit.0 as u8)),
            None => Err(e.into()),
        },
    }
}

/// Calls `--invoke NAME` with the command-line arguments parsed as its
/// parameters and prints its results.
fn invoke(
    store: &mut Store<WasiCtx>,
    instance: &Instance,
    module: &Module,
    opts: &RunOptions,
) -> Result<()> {
    let (name, func) = find_export(store, instance, module, opts.invoke.as_deref())?;
    let ty = func.ty(&*store)?;
    let params = ty.params();
    if params.len() != opts.args.len() {
        let types: Vec<String> = params.iter().map(|t| t.to_string()).collect();
        bail!(
            "function `{name}` expects {} argument(s) ({}), got {}",
            params.len(),
            types.join(", "),
            opts.args.len()
        );
    }
    let mut values = Vec::with_capacity(params.len());
    for (i, (ty, text)) in params.iter().zip(&opts.args).enumerate() {
        let val =
            parse_arg(*ty, text).with_context(|| format!("argument {} of `{name}`", i + 1))?;
        values.push(val);
    }
    let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
    func.call(&mut *store, &values, &mut results)?;
    for result in &results {
        println!("{}", format_val(result));
    }
    Ok(())
}

/// The function to call: `--invoke NAME`, else `_start`, else an error
/// listing the exported functions.
fn find_export<T: 'static>(
    store: &mut Store<T>,
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

/// Loads FILE: a serialized module when the extension is `.cwasm` (which
/// needs the engine to have a module key from a key file: `has_key`), else a
/// `.wasm` binary or `.wat` text.
fn load_module(engine: &Engine, file: &Path, has_key: bool) -> Result<Module> {
    if file.extension().is_some_and(|e| e == "cwasm") {
        if !has_key {
            return Err(missing_key(&format!("loading {}", file.display())));
        }
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
    let mut key_file_option = None;
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
            "--key-file" => {
                let key = iter.next().context("`--key-file` needs a path")?;
                key_file_option = Some(PathBuf::from(key));
            }
            a if a.starts_with("--key-file=") => {
                key_file_option = Some(PathBuf::from(&a["--key-file=".len()..]));
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
    let key_file = key_file(key_file_option.as_deref())
        .ok_or_else(|| missing_key(&format!("`petrel compile {}`", input.display())))?;
    let engine = engine(false, Some(&key_file))?;
    let module = load_module(&engine, &input, true)?;
    let bytes = module.serialize()?;
    std::fs::write(&output, bytes).with_context(|| format!("cannot write {}", output.display()))?;
    Ok(ExitCode::SUCCESS)
}

fn cmd_keygen(args: &[String]) -> Result<ExitCode> {
    match args {
        [a] if a == "-h" || a == "--help" => {
            print!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        [a] if a.starts_with('-') && a.len() > 1 => {
            bail!("unknown option `{a}` for `petrel keygen`")
        }
        [path] => {
            write_new_key_file(Path::new(path))?;
            Ok(ExitCode::SUCCESS)
        }
        _ => bail!("`petrel keygen` takes one KEYFILE (see `petrel --help`)"),
    }
}

fn cmd_wast(args: &[String]) -> Result<ExitCode> {
    let mut quiet = false;
    let mut profile = Profile::Latest;
    let mut files = Vec::new();
    for arg in args {
        match arg.as_str() {
            "-q" | "--quiet" => quiet = true,
            "--wasm2" => profile = Profile::Wasm2,
            "--single-memory" => profile = Profile::LatestSingleMemory,
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
        let report: FileReport = run_file_with(file, profile);
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
