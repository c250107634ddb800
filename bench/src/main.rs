//! `petrel-bench`: runs every program of `../shared/bench-wasm` under Petrel
//! and under Wasmtime, in the same process and the same run, and reports
//! per program the compile time, the instantiation time and the execution
//! time between the program's calls to `bench.start` and `bench.end`
//! (median of N runs), each runtime's figure and the ratio
//! Petrel/Wasmtime, with the geometric mean of the ratios.
//!
//! Both runtimes get the same treatment: default engine configuration
//! (Petrel with SIMD on, as `petrel run` does), the program's directory
//! preopened as `.`, standard output and error captured in memory and
//! compared with `*.stdout.expected` / `*.stderr.expected` where those
//! exist, `bench.start` / `bench.end` as host functions that read the
//! clock. Runs alternate between the runtimes so that drift in the
//! machine's speed affects both alike. Compile time is `Module::new` on
//! the bytes; instantiation time is `Linker::instantiate` (the store and
//! WASI context are made before the clock starts).
//!
//! ```text
//! petrel-bench [--short] [--runs N] [--only NAME]... [--dir BENCH_WASM] [--no-pooling]
//! petrel-bench --memory64 [--runs N]
//! petrel-bench --wasi-errno [--bless]
//!
//! A full run (no `--only`, not `--short`) ends with the memory64 table:
//! a memory-heavy kernel as memory32 and memory64 modules under both
//! runtimes (`memory64.rs`); `--memory64` prints only that table.
//!
//! Programs whose measured region is under 10 µs (`noop`, `nestedloop`)
//! are run at least 51 times: at that size the clock and cold caches of
//! freshly compiled code dominate, and a median of 5 swings by ±20%.
//! ```

mod memory64;
mod wasi_errno;

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Programs of the short mode: quick ones that cover small and large
/// modules, file input, and the empty `noop`.
const SHORT: &[&str] = &[
    "noop",
    "bz2",
    "quicksort",
    "pulldown-cmark",
    "shootout-sieve",
    "shootout-matrix",
];

/// Capacity of the in-memory stdout/stderr of one run.
const OUTPUT_CAPACITY: usize = 64 << 20;

/// One benchmark program.
struct Program {
    name: String,
    wasm: PathBuf,
    /// Its directory, preopened as `.`.
    dir: PathBuf,
    stdout: Option<Vec<u8>>,
    stderr: Option<Vec<u8>>,
}

/// What one run of a program measured.
#[derive(Clone, Copy)]
struct Sample {
    compile: Duration,
    instantiate: Duration,
    execute: Duration,
}

/// What one run produced, for checking.
struct Outcome {
    sample: Sample,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

/// Finds the programs: `DIR/*/benchmark.wasm`, and `DIR/*/NAME.wasm` for
/// directories holding several (`shootout`).
fn discover(root: &Path) -> Result<Vec<Program>> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .with_context(|| format!("cannot read {}", root.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let mut programs = Vec::new();
    for dir in dirs {
        let read = |p: PathBuf| std::fs::read(p).ok();
        let single = dir.join("benchmark.wasm");
        if single.is_file() {
            programs.push(Program {
                name: dir.file_name().unwrap().to_string_lossy().into_owned(),
                wasm: single,
                stdout: read(dir.join("benchmark.stdout.expected")),
                stderr: read(dir.join("benchmark.stderr.expected")),
                dir,
            });
            continue;
        }
        let mut wasms: Vec<PathBuf> = std::fs::read_dir(&dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "wasm"))
            .collect();
        wasms.sort();
        for wasm in wasms {
            let stem = wasm.file_stem().unwrap().to_string_lossy().into_owned();
            programs.push(Program {
                stdout: read(dir.join(format!("{stem}.stdout.expected"))),
                stderr: read(dir.join(format!("{stem}.stderr.expected"))),
                name: stem,
                wasm,
                dir: dir.clone(),
            });
        }
    }
    if programs.is_empty() {
        bail!("no programs found in {}", root.display());
    }
    Ok(programs)
}

/// Execution regions shorter than this are measured with at least
/// [`TINY_REGION_RUNS`] runs.
const TINY_REGION: Duration = Duration::from_micros(10);
/// Runs for programs whose measured region is shorter than [`TINY_REGION`].
const TINY_REGION_RUNS: usize = 51;

/// The Petrel side.
mod petrel_side {
    use super::{OUTPUT_CAPACITY, Outcome, Program, Sample};
    use anyhow::{Context, Result, bail};
    use petrel::wasi::{self, I32Exit, MemoryOutputPipe, WasiCtx, WasiCtxBuilder};
    use petrel::{CacheConfig, Caller, Config, Engine, Linker, Module, Store};
    use std::time::{Duration, Instant};

    /// Store data: the WASI context and the two marks.
    pub struct Host {
        wasi: WasiCtx,
        start: Option<Instant>,
        end: Option<Instant>,
    }

    /// An engine configured as `petrel run` configures its own.
    pub fn engine() -> Result<Engine> {
        let mut config = Config::new();
        config.wasm_simd(true);
        Engine::new(&config)
    }

    /// The same engine with the pooling instance allocator (a handful of
    /// slots, as the Wasmtime side has).
    pub fn pooling_engine() -> Result<Engine> {
        let mut pool = petrel::PoolingAllocationConfig::new();
        pool.total_core_instances(4)
            .total_memories(4)
            .total_tables(4);
        let mut config = Config::new();
        config
            .wasm_simd(true)
            .allocation_strategy(petrel::InstanceAllocationStrategy::Pooling(pool));
        Engine::new(&config)
    }

    /// A linker with WASI and the `bench` functions.
    pub fn linker(engine: &Engine) -> Result<Linker<Host>> {
        let mut linker = Linker::new(engine);
        wasi::add_to_linker(&mut linker, |h: &mut Host| &mut h.wasi)?;
        linker.func_wrap("bench", "start", |mut c: Caller<'_, Host>| {
            c.data_mut().start = Some(Instant::now());
        })?;
        linker.func_wrap("bench", "end", |mut c: Caller<'_, Host>| {
            c.data_mut().end = Some(Instant::now());
        })?;
        Ok(linker)
    }

    /// A store for `program`: WASI with its directory preopened as `.` and
    /// its standard output and error captured in the returned pipes.
    fn store(
        engine: &Engine,
        program: &Program,
    ) -> Result<(Store<Host>, MemoryOutputPipe, MemoryOutputPipe)> {
        let stdout = MemoryOutputPipe::new(OUTPUT_CAPACITY);
        let stderr = MemoryOutputPipe::new(OUTPUT_CAPACITY);
        let wasi = WasiCtxBuilder::new()
            .arg(program.wasm.file_name().unwrap().to_string_lossy())
            .stdout(stdout.clone())
            .stderr(stderr.clone())
            .preopened_dir(&program.dir, ".")?
            .build();
        let store = Store::new(
            engine,
            Host {
                wasi,
                start: None,
                end: None,
            },
        );
        Ok((store, stdout, stderr))
    }

    /// Median time of `Linker::instantiate` of one compiled module into
    /// `runs` fresh stores (each dropped before the next, so a pooling
    /// engine reuses its slots), measured as the Wasmtime side measures it.
    pub fn instantiate_time(
        engine: &Engine,
        program: &Program,
        bytes: &[u8],
        runs: usize,
    ) -> Result<Duration> {
        let linker = linker(engine)?;
        let module = Module::new(engine, bytes)?;
        let mut times = Vec::new();
        for _ in 0..runs {
            let (mut store, _, _) = store(engine, program)?;
            let t = Instant::now();
            linker.instantiate(&mut store, &module)?;
            times.push(t.elapsed());
        }
        Ok(super::median(times))
    }

    /// Compiles, instantiates and runs `program` once.
    pub fn run(
        engine: &Engine,
        linker: &Linker<Host>,
        program: &Program,
        bytes: &[u8],
    ) -> Result<Outcome> {
        let t = Instant::now();
        let module = Module::new(engine, bytes)?;
        let compile = t.elapsed();

        let (mut store, stdout, stderr) = store(engine, program)?;
        let t = Instant::now();
        let instance = linker.instantiate(&mut store, &module)?;
        let instantiate = t.elapsed();

        let start = instance
            .get_typed_func::<(), ()>(&mut store, "_start")
            .context("no `_start`")?;
        match start.call(&mut store, ()) {
            Ok(()) => {}
            Err(e) if e.downcast_ref::<I32Exit>() == Some(&I32Exit(0)) => {}
            Err(e) => {
                let err = String::from_utf8_lossy(&stderr.contents()).into_owned();
                return Err(e.context(format!("stderr: {err}")));
            }
        }
        let (Some(s), Some(e)) = (store.data().start, store.data().end) else {
            bail!("the program did not call both bench.start and bench.end");
        };
        Ok(Outcome {
            sample: Sample {
                compile,
                instantiate,
                execute: e.saturating_duration_since(s),
            },
            stdout: stdout.contents(),
            stderr: stderr.contents(),
        })
    }

    /// Median time of `Module::new` answered by the compilation cache
    /// (a fresh cache in a scratch directory, filled by one compile first),
    /// over `runs` loads.
    pub fn cache_hit_time(bytes: &[u8], runs: usize) -> Result<Duration> {
        let dir = std::env::temp_dir().join(format!("petrel-bench-cache-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        let mut config = Config::new();
        config.wasm_simd(true);
        config.cache(Some(CacheConfig::new(dir.join("modules"), dir.join("key"))));
        let result = (|| {
            let engine = Engine::new(&config)?;
            Module::new(&engine, bytes)?;
            let mut times = Vec::new();
            for _ in 0..runs {
                let t = Instant::now();
                Module::new(&engine, bytes)?;
                times.push(t.elapsed());
            }
            let stats = engine.cache_statistics().unwrap_or_default();
            anyhow::ensure!(
                stats.hits == runs as u64,
                "expected {runs} cache hits, got {stats:?}"
            );
            Ok(super::median(times))
        })();
        let _ = std::fs::remove_dir_all(&dir);
        result
    }
}

/// The Wasmtime side.
mod wasmtime_side {
    use super::{OUTPUT_CAPACITY, Outcome, Program, Sample};
    use anyhow::{Context, Result, anyhow, bail};
    use std::time::{Duration, Instant};
    use wasmtime::{Caller, Config, Engine, Linker, Module, Store};
    use wasmtime_wasi::p1::{self, WasiP1Ctx};
    use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
    use wasmtime_wasi::{FsPerms, I32Exit, WasiCtxBuilder};

    /// Store data: the WASI context and the two marks.
    pub struct Host {
        wasi: WasiP1Ctx,
        start: Option<Instant>,
        end: Option<Instant>,
    }

    /// Wasmtime's default engine.
    pub fn engine() -> Result<Engine> {
        Engine::new(&Config::new()).map_err(|e| anyhow!("{e:?}"))
    }

    /// An engine with the pooling instance allocator (a handful of slots).
    pub fn pooling_engine() -> Result<Engine> {
        let mut pool = wasmtime::PoolingAllocationConfig::new();
        pool.total_core_instances(4)
            .total_memories(4)
            .total_tables(4)
            .total_stacks(4);
        let mut config = Config::new();
        config.allocation_strategy(wasmtime::InstanceAllocationStrategy::Pooling(pool));
        Engine::new(&config).map_err(|e| anyhow!("{e:?}"))
    }

    /// A linker with WASI and the `bench` functions.
    pub fn linker(engine: &Engine) -> Result<Linker<Host>> {
        let mut linker = Linker::new(engine);
        p1::add_to_linker_sync(&mut linker, |h: &mut Host| &mut h.wasi)
            .map_err(|e| anyhow!("{e:?}"))?;
        linker
            .func_wrap("bench", "start", |mut c: Caller<'_, Host>| {
                c.data_mut().start = Some(Instant::now());
            })
            .map_err(|e| anyhow!("{e:?}"))?;
        linker
            .func_wrap("bench", "end", |mut c: Caller<'_, Host>| {
                c.data_mut().end = Some(Instant::now());
            })
            .map_err(|e| anyhow!("{e:?}"))?;
        Ok(linker)
    }

    fn store(
        engine: &Engine,
        program: &Program,
    ) -> Result<(Store<Host>, MemoryOutputPipe, MemoryOutputPipe)> {
        let stdout = MemoryOutputPipe::new(OUTPUT_CAPACITY);
        let stderr = MemoryOutputPipe::new(OUTPUT_CAPACITY);
        let wasi = WasiCtxBuilder::new()
            .arg(program.wasm.file_name().unwrap().to_string_lossy())
            .stdout(stdout.clone())
            .stderr(stderr.clone())
            .preopened_dir(&program.dir, ".", FsPerms::ReadWrite)
            .map_err(|e| anyhow!("{e:?}"))?
            .build_p1();
        let store = Store::new(
            engine,
            Host {
                wasi,
                start: None,
                end: None,
            },
        );
        Ok((store, stdout, stderr))
    }

    /// Compiles, instantiates and runs `program` once.
    pub fn run(
        engine: &Engine,
        linker: &Linker<Host>,
        program: &Program,
        bytes: &[u8],
    ) -> Result<Outcome> {
        let t = Instant::now();
        let module = Module::new(engine, bytes).map_err(|e| anyhow!("{e:?}"))?;
        let compile = t.elapsed();

        let (mut store, stdout, stderr) = store(engine, program)?;
        let t = Instant::now();
        let instance = linker
            .instantiate(&mut store, &module)
            .map_err(|e| anyhow!("{e:?}"))?;
        let instantiate = t.elapsed();

        let start = instance
            .get_typed_func::<(), ()>(&mut store, "_start")
            .map_err(|e| anyhow!("{e:?}"))
            .context("no `_start`")?;
        match start.call(&mut store, ()) {
            Ok(()) => {}
            Err(e) if e.downcast_ref::<I32Exit>().map(|x| x.0) == Some(0) => {}
            Err(e) => {
                let err = String::from_utf8_lossy(&stderr.contents()).into_owned();
                bail!("{e:?}; stderr: {err}");
            }
        }
        let (Some(s), Some(e)) = (store.data().start, store.data().end) else {
            bail!("the program did not call both bench.start and bench.end");
        };
        Ok(Outcome {
            sample: Sample {
                compile,
                instantiate,
                execute: e.saturating_duration_since(s),
            },
            stdout: stdout.contents().to_vec(),
            stderr: stderr.contents().to_vec(),
        })
    }

    /// Median time to instantiate `bytes` with `engine` over `runs` runs.
    pub fn instantiate_time(
        engine: &Engine,
        program: &Program,
        bytes: &[u8],
        runs: usize,
    ) -> Result<Duration> {
        let linker = linker(engine)?;
        let module = Module::new(engine, bytes).map_err(|e| anyhow!("{e:?}"))?;
        let mut times = Vec::new();
        for _ in 0..runs {
            let (mut store, _, _) = store(engine, program)?;
            let t = Instant::now();
            linker
                .instantiate(&mut store, &module)
                .map_err(|e| anyhow!("{e:?}"))?;
            times.push(t.elapsed());
            // Dropping the store returns its slots to the pool.
        }
        Ok(super::median(times))
    }

    /// Median time of `Module::deserialize` of the module's serialized
    /// form (Wasmtime's counterpart of a cache hit), over `runs` loads.
    pub fn deserialize_time(engine: &Engine, bytes: &[u8], runs: usize) -> Result<Duration> {
        let module = Module::new(engine, bytes).map_err(|e| anyhow!("{e:?}"))?;
        let serialized = module.serialize().map_err(|e| anyhow!("{e:?}"))?;
        let mut times = Vec::new();
        for _ in 0..runs {
            let t = Instant::now();
            // SAFETY: the bytes were produced by `serialize` of this engine
            // just above and are not modified.
            unsafe { Module::deserialize(engine, &serialized) }.map_err(|e| anyhow!("{e:?}"))?;
            times.push(t.elapsed());
        }
        Ok(super::median(times))
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2
    }
}

/// Checks a run's output against the expected files.
fn check(program: &Program, runtime: &str, out: &Outcome) -> Result<()> {
    for (what, expected, got) in [
        ("stdout", &program.stdout, &out.stdout),
        ("stderr", &program.stderr, &out.stderr),
    ] {
        if let Some(expected) = expected
            && expected != got
        {
            bail!(
                "{}: {runtime}'s {what} differs from the expected output ({} bytes expected, {} got)",
                program.name,
                expected.len(),
                got.len()
            );
        }
    }
    Ok(())
}

/// Medians of one program under both runtimes.
struct Row {
    name: String,
    petrel: Sample,
    wasmtime: Sample,
}

struct Options {
    root: PathBuf,
    runs: usize,
    only: Vec<String>,
    short: bool,
    pooling: bool,
    memory64_only: bool,
}

fn parse_options() -> Result<Options> {
    let mut opts = Options {
        root: Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/bench-wasm"),
        runs: 5,
        only: Vec::new(),
        short: false,
        pooling: true,
        memory64_only: false,
    };
    let mut args = std::env::args().skip(1);
    let mut runs_given = false;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--short" => opts.short = true,
            "--runs" => {
                let n = args.next().context("`--runs` needs a number")?;
                opts.runs = n.parse().context("`--runs` needs a number")?;
                if opts.runs == 0 {
                    bail!("`--runs` must be at least 1");
                }
                runs_given = true;
            }
            "--only" => opts
                .only
                .push(args.next().context("`--only` needs a name")?),
            "--dir" => opts.root = PathBuf::from(args.next().context("`--dir` needs a path")?),
            "--no-pooling" => opts.pooling = false,
            "--memory64" => opts.memory64_only = true,
            "-h" | "--help" => {
                println!(
                    "petrel-bench [--short] [--runs N] [--only NAME]... [--dir BENCH_WASM] [--no-pooling]\n\
                     petrel-bench --memory64 [--runs N]\n\
                     Runs the bench-wasm programs under Petrel and Wasmtime (median of N runs, default 5;\n\
                     --short: {} with 1 run each) and prints a Markdown table; a full run then\n\
                     times a memory-heavy kernel as memory32 and memory64 modules under both\n\
                     (--memory64: only that table).",
                    SHORT.join(", ")
                );
                std::process::exit(0);
            }
            other => bail!("unknown argument `{other}` (see --help)"),
        }
    }
    if opts.short {
        if opts.only.is_empty() {
            opts.only = SHORT.iter().map(|s| s.to_string()).collect();
        }
        if !runs_given {
            opts.runs = 1;
        }
    }
    Ok(opts)
}

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1e3;
    // Sub-millisecond regions keep three significant digits.
    if ms < 0.1 {
        format!("{ms:.5}")
    } else {
        format!("{ms:.2}")
    }
}

fn us(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1e6)
}

/// Petrel/Wasmtime (a zero duration counts as one nanosecond).
fn ratio(p: Duration, w: Duration) -> f64 {
    p.as_nanos().max(1) as f64 / w.as_nanos().max(1) as f64
}

fn geomean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = values.fold((0.0, 0), |(s, n), v| (s + v.ln(), n + 1));
    (sum / n as f64).exp()
}

fn main() -> Result<()> {
    let first = std::env::args().nth(1);
    if first.as_deref() == Some("--wasi-errno") {
        let bless = std::env::args().nth(2).as_deref() == Some("--bless");
        return wasi_errno::run(bless);
    }
    let opts = parse_options()?;
    if opts.memory64_only {
        return memory64::run(opts.runs);
    }
    let wall = Instant::now();
    let mut programs = discover(&opts.root)?;
    if !opts.only.is_empty() {
        for name in &opts.only {
            if !programs.iter().any(|p| &p.name == name) {
                bail!("no program named `{name}`");
            }
        }
        programs.retain(|p| opts.only.contains(&p.name));
    }

    let p_engine = petrel_side::engine()?;
    let p_linker = petrel_side::linker(&p_engine)?;
    let w_engine = wasmtime_side::engine()?;
    let w_linker = wasmtime_side::linker(&w_engine)?;

    let mut rows = Vec::new();
    let mut failures = Vec::new();
    for program in &programs {
        eprint!("{} ", program.name);
        let bytes = std::fs::read(&program.wasm)?;
        let mut p_samples = Vec::new();
        let mut w_samples = Vec::new();
        let result: Result<()> = (|| {
            let mut runs = opts.runs;
            let mut i = 0;
            while i < runs {
                i += 1;
                let p = petrel_side::run(&p_engine, &p_linker, program, &bytes)
                    .with_context(|| format!("{} under Petrel", program.name))?;
                check(program, "Petrel", &p)?;
                p_samples.push(p.sample);
                let w = wasmtime_side::run(&w_engine, &w_linker, program, &bytes)
                    .with_context(|| format!("{} under Wasmtime", program.name))?;
                check(program, "Wasmtime", &w)?;
                w_samples.push(w.sample);
                eprint!(".");
                // A region of a few microseconds is dominated by the clock
                // and by cold caches of freshly compiled code: its median
                // needs many more samples than a long one to settle. Both
                // runtimes get the same extra runs.
                if i == runs && runs < TINY_REGION_RUNS && !opts.short {
                    let p_med = median(p_samples.iter().map(|x| x.execute).collect());
                    let w_med = median(w_samples.iter().map(|x| x.execute).collect());
                    if p_med.max(w_med) < TINY_REGION {
                        runs = TINY_REGION_RUNS;
                    }
                }
            }
            Ok(())
        })();
        eprintln!();
        if let Err(e) = result {
            eprintln!("FAILED: {e:#}");
            failures.push(program.name.clone());
            continue;
        }
        let med = |s: &[Sample]| Sample {
            compile: median(s.iter().map(|x| x.compile).collect()),
            instantiate: median(s.iter().map(|x| x.instantiate).collect()),
            execute: median(s.iter().map(|x| x.execute).collect()),
        };
        rows.push(Row {
            name: program.name.clone(),
            petrel: med(&p_samples),
            wasmtime: med(&w_samples),
        });
    }

    println!(
        "| program | compile Petrel (ms) | compile Wasmtime (ms) | ratio | instantiate Petrel (us) | instantiate Wasmtime (us) | ratio | execute Petrel (ms) | execute Wasmtime (ms) | ratio |"
    );
    println!("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
    for r in &rows {
        println!(
            "| {} | {} | {} | {:.2} | {} | {} | {:.2} | {} | {} | {:.2} |",
            r.name,
            ms(r.petrel.compile),
            ms(r.wasmtime.compile),
            ratio(r.petrel.compile, r.wasmtime.compile),
            us(r.petrel.instantiate),
            us(r.wasmtime.instantiate),
            ratio(r.petrel.instantiate, r.wasmtime.instantiate),
            ms(r.petrel.execute),
            ms(r.wasmtime.execute),
            ratio(r.petrel.execute, r.wasmtime.execute),
        );
    }
    if !rows.is_empty() {
        let g = |f: fn(&Sample) -> Duration| {
            geomean(rows.iter().map(|r| ratio(f(&r.petrel), f(&r.wasmtime))))
        };
        println!(
            "| **geometric mean** | | | **{:.2}** | | | **{:.2}** | | | **{:.2}** |",
            g(|s| s.compile),
            g(|s| s.instantiate),
            g(|s| s.execute),
        );
        let worst = rows
            .iter()
            .map(|r| (ratio(r.petrel.execute, r.wasmtime.execute), r.name.as_str()))
            .fold((0.0, ""), |a, b| if b.0 > a.0 { b } else { a });
        println!();
        println!(
            "Highest execution ratio: {} ({:.2}). {} program(s), median of {} run(s) ({} for regions under 10 us).",
            worst.1,
            worst.0,
            rows.len(),
            opts.runs,
            TINY_REGION_RUNS.max(opts.runs)
        );
    }
    if opts.pooling
        && let Some(noop) = programs.iter().find(|p| p.name == "noop")
        && let Some(row) = rows.iter().find(|r| r.name == "noop")
    {
        let bytes = std::fs::read(&noop.wasm)?;
        // Many instantiations of one compiled module each, alternating
        // runtimes, so both reach their pools' steady state.
        let runs = opts.runs.max(TINY_REGION_RUNS);
        let w_engine = wasmtime_side::pooling_engine()?;
        let p_engine = petrel_side::pooling_engine()?;
        let mut w = Vec::new();
        let mut p = Vec::new();
        for _ in 0..3 {
            w.push(wasmtime_side::instantiate_time(
                &w_engine, noop, &bytes, runs,
            )?);
            p.push(petrel_side::instantiate_time(
                &p_engine, noop, &bytes, runs,
            )?);
        }
        let (w, p) = (median(w), median(p));
        println!();
        println!(
            "Instantiation of `noop` with both runtimes' pooling allocators: Petrel {} us, Wasmtime {} us, ratio {:.2} (the middle of 3 alternating rounds, each the median of {runs} instantiations). Petrel's default (on-demand) allocator, as in the table: {} us.",
            us(p),
            us(w),
            ratio(p, w),
            us(row.petrel.instantiate)
        );
    }
    if !rows.is_empty() {
        // The compilation cache: a hit against compiling, and against
        // Wasmtime's `Module::deserialize` of its own serialized module.
        println!();
        println!(
            "| program | compile Petrel (ms) | cache hit Petrel (ms) | compile / hit | Wasmtime deserialize (ms) | hit / deserialize |"
        );
        println!("|---|--:|--:|--:|--:|--:|");
        let runs = opts.runs.max(5);
        let mut speedups = Vec::new();
        for r in &rows {
            let program = programs
                .iter()
                .find(|p| p.name == r.name)
                .expect("a measured program");
            let bytes = std::fs::read(&program.wasm)?;
            let hit = petrel_side::cache_hit_time(&bytes, runs)?;
            let de = wasmtime_side::deserialize_time(&w_engine, &bytes, runs)?;
            speedups.push(ratio(r.petrel.compile, hit));
            println!(
                "| {} | {} | {} | {:.1} | {} | {:.2} |",
                r.name,
                ms(r.petrel.compile),
                ms(hit),
                ratio(r.petrel.compile, hit),
                ms(de),
                ratio(hit, de)
            );
        }
        println!(
            "| **geometric mean** | | | **{:.1}** | | |",
            geomean(speedups.into_iter())
        );
    }
    if opts.only.is_empty() && !opts.short {
        memory64::run(opts.runs)?;
    }
    eprintln!("total time: {:.1} s", wall.elapsed().as_secs_f64());
    if !failures.is_empty() {
        bail!(
            "{} program(s) failed: {}",
            failures.len(),
            failures.join(", ")
        );
    }
    Ok(())
}
