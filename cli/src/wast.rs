//! A `.wast` script runner over the public `petrel` API.
//!
//! Scripts are parsed with the `wast` crate and every directive is executed
//! against a fresh [`Engine`] (default [`Config`] with SIMD enabled) and a
//! [`Store<()>`]. Imports are resolved by a [`Linker`] (shadowing allowed) that
//! holds the standard `spectest` module and every instance `register`ed by the
//! script.
//!
//! Each directive ends up in exactly one of three buckets:
//!
//! - **passed**;
//! - **failed**, with a message (this includes a panic inside the core, which
//!   is caught per directive so the rest of the script still runs);
//! - **skipped**, with the reason, for directives this runner cannot execute
//!   (components, threads, exceptions, GC reference results, ...). Nothing is
//!   ignored silently.
//!
//! # Matching rules
//!
//! - `assert_return`: integers compare exactly, floats compare their bit
//!   patterns exactly, `nan:canonical` / `nan:arithmetic` follow the spec
//!   definitions, `v128` compares lane by lane with the lane shape of the
//!   expectation (float lanes may be NaN patterns), `ref.null` matches a null of
//!   the right kind, `ref.func` any non-null funcref, `ref.extern N` an
//!   externref whose payload is the `u32` `N` (the runner creates one
//!   [`ExternRef`] per distinct `N` used as an argument), `either` any of its
//!   alternatives.
//! - `assert_trap` / `assert_exhaustion`: the error must carry a [`Trap`], and
//!   the expected text must match the trap's message, see
//!   [`trap_message_matches`].
//! - `assert_invalid` / `assert_malformed` / `assert_unlinkable`: only the
//!   fact that an error occurred is checked; error wording differs between
//!   implementations. Text that the `wast` crate cannot parse or encode counts
//!   as malformed (and as invalid: the text format resolves names, so some
//!   invalid modules are already rejected there). `assert_unlinkable` requires
//!   the module to compile and its instantiation to fail.
//! - `assert_trap` on a module (the spec's "uninstantiable" form) requires
//!   the module to compile and its instantiation to fail with a matching trap.

use std::collections::HashMap;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use ::wast::core::{AbstractHeapType, HeapType, NanPattern, V128Pattern, WastArgCore, WastRetCore};
use ::wast::lexer::Lexer;
use ::wast::parser::{self, ParseBuffer};
use ::wast::token::{F32, F64, Id, Span};
use ::wast::{QuoteWat, Wast, WastArg, WastDirective, WastExecute, WastInvoke, WastRet, Wat};
use petrel::{
    Config, Engine, ExternRef, FuncType, Global, GlobalType, Instance, Linker, Memory, MemoryType,
    Module, Mutability, Ref, RefType, Store, Table, TableType, Trap, Val, ValType,
};

/// Whether a reported directive failed or was skipped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// The directive ran and did not behave as the script expects.
    Failed,
    /// The runner cannot execute this directive; the message says why.
    Skipped,
}

/// One directive that did not pass: where it is, what it is, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    /// The script's path, as given to [`run_file`] / [`run_script`].
    pub file: String,
    /// 1-based line of the directive (0 when the file could not be read).
    pub line: usize,
    /// 1-based column of the directive (0 when the file could not be read).
    pub col: usize,
    /// The directive kind, e.g. `assert_return` or `module`.
    pub kind: &'static str,
    /// Failed or skipped.
    pub status: Status,
    /// What went wrong, or why the directive was skipped.
    pub message: String,
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}: {}",
            self.file, self.line, self.col, self.kind, self.message
        )
    }
}

/// The outcome of running one script.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileReport {
    /// The script's path, as given to [`run_file`] / [`run_script`].
    pub file: String,
    /// Number of directives that passed.
    pub passed: usize,
    /// Directives that failed, in script order.
    pub failures: Vec<Issue>,
    /// Directives that were skipped, in script order.
    pub skips: Vec<Issue>,
}

impl FileReport {
    /// Number of directives that failed.
    pub fn failed(&self) -> usize {
        self.failures.len()
    }

    /// Number of directives that were skipped.
    pub fn skipped(&self) -> usize {
        self.skips.len()
    }

    /// `file: N passed, M failed, K skipped`.
    pub fn summary(&self) -> String {
        format!(
            "{}: {} passed, {} failed, {} skipped",
            self.file,
            self.passed,
            self.failed(),
            self.skipped()
        )
    }

    fn push(&mut self, issue: Issue) {
        match issue.status {
            Status::Failed => self.failures.push(issue),
            Status::Skipped => self.skips.push(issue),
        }
    }
}

/// Which WebAssembly a script is run against.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum Profile {
    /// Every proposal Petrel implements, also those off by default (the
    /// spec scripts of each proposal assume theirs is on).
    #[default]
    Latest,
    /// Every implemented proposal but multi-memory: for the proposal
    /// folders forked before multi-memory (`function-references`), whose
    /// `binary.wast` still requires the reserved byte of `memory.size` and
    /// `memory.grow` to be one zero byte (with multi-memory it is a memory
    /// index, and `0x80 0x00` is index 0).
    LatestSingleMemory,
    /// WebAssembly 2.0 exactly (SIMD included): the 3.0 proposals off, as
    /// the 2.0 spec scripts expect (they check, for example, that a second
    /// memory is invalid).
    Wasm2,
}

impl Profile {
    /// The engine configuration of this profile.
    fn config(self) -> Config {
        let mut config = Config::new();
        config.wasm_simd(true);
        match self {
            Profile::Latest | Profile::LatestSingleMemory => {
                config
                    .wasm_wide_arithmetic(true)
                    .wasm_custom_page_sizes(true)
                    .wasm_function_references(true)
                    .wasm_exceptions(true)
                    .wasm_multi_memory(self == Profile::Latest);
            }
            Profile::Wasm2 => {
                config
                    .wasm_extended_const(false)
                    .wasm_multi_memory(false)
                    .wasm_relaxed_simd(false)
                    .wasm_tail_call(false)
                    .wasm_wide_arithmetic(false)
                    .wasm_memory64(false)
                    .wasm_custom_page_sizes(false);
            }
        }
        config
    }
}

/// Reads and runs the script at `path` with every implemented proposal on.
/// An unreadable file is reported as a single failure (line 0), never as a
/// panic.
pub fn run_file(path: &Path) -> FileReport {
    run_file_with(path, Profile::Latest)
}

/// Reads and runs the script at `path` against `profile`.
pub fn run_file_with(path: &Path, profile: Profile) -> FileReport {
    let name = path.display().to_string();
    match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(source) => run_script_with(&name, &source, profile),
            Err(_) => file_error(name, "script is not valid UTF-8".to_string()),
        },
        Err(e) => file_error(name, format!("cannot read script: {e}")),
    }
}

fn file_error(file: String, message: String) -> FileReport {
    let mut report = FileReport {
        file: file.clone(),
        ..FileReport::default()
    };
    report.push(Issue {
        file,
        line: 0,
        col: 0,
        kind: "file",
        status: Status::Failed,
        message,
    });
    report
}

/// Runs the script `source` with every implemented proposal on; `file` is
/// only used to label the report.
///
/// A script that does not parse is reported as one failure at the parse
/// error's position.
pub fn run_script(file: &str, source: &str) -> FileReport {
    run_script_with(file, source, Profile::Latest)
}

/// Runs the script `source` against `profile`.
pub fn run_script_with(file: &str, source: &str, profile: Profile) -> FileReport {
    let mut report = FileReport {
        file: file.to_string(),
        ..FileReport::default()
    };
    let issue = |span: Span, kind, status, message| {
        let (line, col) = span.linecol_in(source);
        Issue {
            file: file.to_string(),
            line: line + 1,
            col: col + 1,
            kind,
            status,
            message,
        }
    };

    // The spec tests deliberately use bidi-control and other confusable
    // characters in names (names.wast): allow them.
    let mut lexer = Lexer::new(source);
    lexer.allow_confusing_unicode(true);
    let buf = match ParseBuffer::new_with_lexer(lexer) {
        Ok(buf) => buf,
        Err(e) => {
            report.push(issue(e.span(), "parse", Status::Failed, e.message()));
            return report;
        }
    };
    let script = match parser::parse::<Wast>(&buf) {
        Ok(script) => script,
        Err(e) => {
            report.push(issue(e.span(), "parse", Status::Failed, e.message()));
            return report;
        }
    };

    let mut runner = match catch_unwind(|| Runner::new(profile)) {
        Ok(Ok(runner)) => runner,
        Ok(Err(e)) => {
            let msg = format!("cannot set up the engine and spectest: {e:#}");
            report.push(issue(Span::from_offset(0), "setup", Status::Failed, msg));
            return report;
        }
        Err(payload) => {
            let msg = format!("panic while setting up: {}", panic_message(&*payload));
            report.push(issue(Span::from_offset(0), "setup", Status::Failed, msg));
            return report;
        }
    };

    for directive in script.directives {
        let span = directive.span();
        let kind = directive_kind(&directive);
        let outcome = catch_unwind(AssertUnwindSafe(|| runner.run(directive)));
        match outcome {
            Ok(Ok(())) => report.passed += 1,
            Ok(Err(Problem::Fail(msg))) => report.push(issue(span, kind, Status::Failed, msg)),
            Ok(Err(Problem::Skip(msg))) => report.push(issue(span, kind, Status::Skipped, msg)),
            Err(payload) => {
                let msg = format!("panic: {}", panic_message(&*payload));
                report.push(issue(span, kind, Status::Failed, msg));
            }
        }
    }
    report
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "<non-string panic payload>".to_string()
    }
}

/// The name of a directive, as written in scripts.
fn directive_kind(d: &WastDirective<'_>) -> &'static str {
    match d {
        WastDirective::Module(_) => "module",
        WastDirective::ModuleDefinition(_) => "module definition",
        WastDirective::ModuleInstance { .. } => "module instance",
        WastDirective::AssertMalformed { .. } => "assert_malformed",
        WastDirective::AssertInvalid { .. } => "assert_invalid",
        WastDirective::AssertInvalidCustom { .. } => "assert_invalid_custom",
        WastDirective::AssertMalformedCustom { .. } => "assert_malformed_custom",
        WastDirective::Register { .. } => "register",
        WastDirective::Invoke(_) => "invoke",
        WastDirective::AssertTrap {
            exec: WastExecute::Wat(_),
            ..
        } => "assert_trap (module)",
        WastDirective::AssertTrap { .. } => "assert_trap",
        WastDirective::AssertReturn { .. } => "assert_return",
        WastDirective::AssertExhaustion { .. } => "assert_exhaustion",
        WastDirective::AssertUnlinkable { .. } => "assert_unlinkable",
        WastDirective::AssertException { .. } => "assert_exception",
        WastDirective::AssertSuspension { .. } => "assert_suspension",
        WastDirective::Thread(_) => "thread",
        WastDirective::Wait { .. } => "wait",
    }
}

/// Why a directive did not pass.
enum Problem {
    Fail(String),
    Skip(String),
}

impl From<anyhow::Error> for Problem {
    fn from(e: anyhow::Error) -> Self {
        Problem::Fail(format!("{e:#}"))
    }
}

type DResult<T> = Result<T, Problem>;

fn fail<T>(msg: impl Into<String>) -> DResult<T> {
    Err(Problem::Fail(msg.into()))
}

fn skip<T>(msg: impl Into<String>) -> DResult<T> {
    Err(Problem::Skip(msg.into()))
}

/// The state of one script run.
struct Runner {
    engine: Engine,
    store: Store<()>,
    linker: Linker<()>,
    /// The most recently instantiated module (target of unnamed invokes).
    current: Option<Instance>,
    /// Whether the most recent module directive failed (for messages).
    current_failed: bool,
    /// Instances with a `$name`.
    named: HashMap<String, Instance>,
    /// `module definition`s with a `$name`.
    definitions: HashMap<String, Module>,
    /// The most recent `module definition`.
    last_definition: Option<Module>,
    /// One host reference per distinct `ref.extern N` argument.
    externrefs: HashMap<u32, ExternRef>,
}

impl Runner {
    fn new(profile: Profile) -> anyhow::Result<Runner> {
        let engine = Engine::new(&profile.config())?;
        let mut store = Store::new(&engine, ());
        let mut linker = Linker::new(&engine);
        linker.allow_shadowing(true);
        define_spectest(&mut linker, &mut store)?;
        Ok(Runner {
            engine,
            store,
            linker,
            current: None,
            current_failed: false,
            named: HashMap::new(),
            definitions: HashMap::new(),
            last_definition: None,
            externrefs: HashMap::new(),
        })
    }

    fn run(&mut self, directive: WastDirective<'_>) -> DResult<()> {
        match directive {
            WastDirective::Module(mut module) => {
                let name = module.name();
                let instance = self.compile(&mut module).and_then(|module| {
                    self.instantiate(&module)
                        .map_err(|e| Problem::Fail(format!("instantiation failed: {e:#}")))
                });
                self.set_current(name, instance)
            }
            WastDirective::ModuleDefinition(mut module) => {
                let name = module.name();
                let module = self.compile(&mut module)?;
                if let Some(name) = name {
                    self.definitions
                        .insert(name.name().to_string(), module.clone());
                }
                self.last_definition = Some(module);
                Ok(())
            }
            WastDirective::ModuleInstance {
                instance, module, ..
            } => {
                let module = match module {
                    Some(id) => self.definitions.get(id.name()).cloned(),
                    None => self.last_definition.clone(),
                };
                let inst = match module {
                    Some(module) => self
                        .instantiate(&module)
                        .map_err(|e| Problem::Fail(format!("instantiation failed: {e:#}"))),
                    None => fail("no such module definition"),
                };
                self.set_current(instance, inst)
            }
            WastDirective::Register { name, module, .. } => {
                let instance = self.instance(module)?;
                self.linker
                    .instance(&mut self.store, name, instance)
                    .map_err(|e| Problem::Fail(format!("register failed: {e:#}")))?;
                Ok(())
            }
            WastDirective::Invoke(invoke) => match self.invoke(&invoke)? {
                Ok(_) => Ok(()),
                Err(e) => fail(format!("invoke failed: {}", describe_error(&e))),
            },
            WastDirective::AssertReturn { exec, results, .. } => {
                let actual = match self.execute(exec)? {
                    Ok(values) => values,
                    Err(e) => {
                        return fail(format!("expected a return, got {}", describe_error(&e)));
                    }
                };
                self.check_results(&actual, &results)
            }
            WastDirective::AssertTrap { exec, message, .. } => {
                let outcome = match exec {
                    WastExecute::Invoke(invoke) => self.invoke(&invoke)?,
                    WastExecute::Wat(wat) => {
                        let mut module = QuoteWat::Wat(wat);
                        let module = self.compile(&mut module)?;
                        self.instantiate(&module).map(|_| Vec::new())
                    }
                    WastExecute::Get { .. } => return fail("`get` cannot trap"),
                };
                expect_trap(outcome, message)
            }
            WastDirective::AssertExhaustion { call, message, .. } => {
                expect_trap(self.invoke(&call)?, message)
            }
            WastDirective::AssertInvalid {
                mut module,
                message,
                ..
            } => self.expect_rejected(&mut module, "invalid", message),
            WastDirective::AssertMalformed {
                mut module,
                message,
                ..
            } => self.expect_rejected(&mut module, "malformed", message),
            WastDirective::AssertUnlinkable {
                module, message, ..
            } => {
                let mut module = QuoteWat::Wat(module);
                let module = self.compile(&mut module)?;
                match self.instantiate(&module) {
                    Ok(_) => fail(format!(
                        "instantiation succeeded, expected a link error ({message})"
                    )),
                    Err(_) => Ok(()),
                }
            }
            WastDirective::AssertInvalidCustom { .. }
            | WastDirective::AssertMalformedCustom { .. } => {
                skip("custom-section validation is not supported")
            }
            WastDirective::AssertException { .. } => skip("exception handling is not supported"),
            WastDirective::AssertSuspension { .. } => skip("stack switching is not supported"),
            WastDirective::Thread(_) | WastDirective::Wait { .. } => {
                skip("threads in scripts are not supported")
            }
        }
    }

    /// Makes the outcome of a `module` directive the current module (and
    /// the named one). A failed module leaves no current module behind, so
    /// that later directives fail with a clear message instead of running
    /// against an older module that happens to export the same names.
    fn set_current(&mut self, name: Option<Id<'_>>, instance: DResult<Instance>) -> DResult<()> {
        let (current, outcome) = match instance {
            Ok(instance) => (Some(instance), Ok(())),
            Err(problem) => (None, Err(problem)),
        };
        if let Some(name) = name {
            match current {
                Some(instance) => self.named.insert(name.name().to_string(), instance),
                None => self.named.remove(name.name()),
            };
        }
        self.current = current;
        self.current_failed = current.is_none();
        outcome
    }

    /// The named instance, or the current one.
    fn instance(&self, name: Option<Id<'_>>) -> DResult<Instance> {
        match name {
            Some(id) => match self.named.get(id.name()) {
                Some(instance) => Ok(*instance),
                None => fail(format!(
                    "no instance named ${} (never defined, or its module failed)",
                    id.name()
                )),
            },
            None => match self.current {
                Some(instance) => Ok(instance),
                None if self.current_failed => {
                    fail("the current module failed to compile or instantiate")
                }
                None => fail("no module instantiated yet"),
            },
        }
    }

    /// Encodes a script module to its binary form.
    fn encode(module: &mut QuoteWat<'_>) -> DResult<Result<Vec<u8>, ::wast::Error>> {
        match module {
            QuoteWat::QuoteComponent(..) | QuoteWat::Wat(Wat::Component(_)) => {
                skip("the component model is not supported")
            }
            _ => Ok(module.encode()),
        }
    }

    /// Encodes and compiles a module that the script expects to be valid.
    fn compile(&self, module: &mut QuoteWat<'_>) -> DResult<Module> {
        let bytes = Self::encode(module)?
            .map_err(|e| Problem::Fail(format!("cannot encode module: {}", e.message())))?;
        Module::from_binary(&self.engine, &bytes)
            .map_err(|e| Problem::Fail(format!("compilation failed: {e:#}")))
    }

    fn instantiate(&mut self, module: &Module) -> anyhow::Result<Instance> {
        self.linker.instantiate(&mut self.store, module)
    }

    /// `assert_invalid` / `assert_malformed`: some error must occur while
    /// encoding or compiling.
    fn expect_rejected(&self, module: &mut QuoteWat<'_>, what: &str, message: &str) -> DResult<()> {
        let Ok(bytes) = Self::encode(module)? else {
            // The text format already rejects it.
            return Ok(());
        };
        match Module::from_binary(&self.engine, &bytes) {
            Ok(_) => fail(format!(
                "module compiled successfully, expected it to be {what} ({message})"
            )),
            Err(_) => Ok(()),
        }
    }

    /// Runs an `invoke`, `get` or module instantiation. The outer result
    /// reports problems with the script itself (unknown export, unsupported
    /// argument); the inner one is the wasm-level outcome.
    fn execute(&mut self, exec: WastExecute<'_>) -> DResult<anyhow::Result<Vec<Val>>> {
        match exec {
            WastExecute::Invoke(invoke) => self.invoke(&invoke),
            WastExecute::Get { module, global, .. } => {
                let instance = self.instance(module)?;
                match instance.get_global(&mut self.store, global) {
                    Some(g) => Ok(Ok(vec![g.get(&mut self.store)?])),
                    None => fail(format!("no global export `{global}`")),
                }
            }
            WastExecute::Wat(wat) => {
                let mut module = QuoteWat::Wat(wat);
                let module = self.compile(&mut module)?;
                Ok(self.instantiate(&module).map(|_| Vec::new()))
            }
        }
    }

    fn invoke(&mut self, invoke: &WastInvoke<'_>) -> DResult<anyhow::Result<Vec<Val>>> {
        let instance = self.instance(invoke.module)?;
        let Some(func) = instance.get_func(&mut self.store, invoke.name) else {
            return fail(format!("no function export `{}`", invoke.name));
        };
        let mut args = Vec::with_capacity(invoke.args.len());
        for arg in &invoke.args {
            args.push(self.arg(arg)?);
        }
        let ty = func.ty(&self.store)?;
        let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
        Ok(func
            .call(&mut self.store, &args, &mut results)
            .map(|()| results))
    }

    fn arg(&mut self, arg: &WastArg<'_>) -> DResult<Val> {
        let WastArg::Core(arg) = arg else {
            return skip("component-model arguments are not supported");
        };
        Ok(match arg {
            WastArgCore::I32(v) => Val::I32(*v),
            WastArgCore::I64(v) => Val::I64(*v),
            WastArgCore::F32(v) => Val::F32(v.bits),
            WastArgCore::F64(v) => Val::F64(v.bits),
            WastArgCore::V128(v) => Val::V128(u128::from_le_bytes(v.to_le_bytes())),
            WastArgCore::RefNull(heap) => match null_kind(heap) {
                Some(RefType::ExternRef) => Val::ExternRef(None),
                Some(_) => Val::FuncRef(None),
                None => return skip(format!("ref.null {heap:?} arguments are not supported")),
            },
            WastArgCore::RefExtern(n) => {
                let r = match self.externrefs.get(n) {
                    Some(r) => *r,
                    None => {
                        let r = ExternRef::new(&mut self.store, *n);
                        self.externrefs.insert(*n, r);
                        r
                    }
                };
                Val::ExternRef(Some(r))
            }
            WastArgCore::RefHost(_) => {
                return skip("ref.host (GC host references) is not supported");
            }
        })
    }

    fn check_results(&self, actual: &[Val], expected: &[WastRet<'_>]) -> DResult<()> {
        if actual.len() != expected.len() {
            return fail(format!(
                "expected {} result(s), got {}: {}",
                expected.len(),
                actual.len(),
                format_vals(actual)
            ));
        }
        for (i, (got, want)) in actual.iter().zip(expected).enumerate() {
            let WastRet::Core(want) = want else {
                return skip("component-model results are not supported");
            };
            if !self.matches(got, want)? {
                return fail(format!(
                    "result {i}: expected {}, got {}",
                    describe_ret(want),
                    describe_val(got)
                ));
            }
        }
        Ok(())
    }

    /// Whether `got` matches the expectation; `Skip` for expectations this
    /// runner cannot check.
    fn matches(&self, got: &Val, want: &WastRetCore<'_>) -> DResult<bool> {
        Ok(match (want, got) {
            (WastRetCore::I32(w), Val::I32(g)) => w == g,
            (WastRetCore::I64(w), Val::I64(g)) => w == g,
            (WastRetCore::F32(w), Val::F32(g)) => f32_matches(w, *g),
            (WastRetCore::F64(w), Val::F64(g)) => f64_matches(w, *g),
            (WastRetCore::V128(w), Val::V128(g)) => v128_matches(w, *g),
            (WastRetCore::RefNull(heap), got) => {
                let kind = match heap {
                    None => None,
                    Some(heap) => match null_kind(heap) {
                        Some(kind) => Some(kind),
                        None => {
                            return skip(format!("ref.null {heap:?} results are not supported"));
                        }
                    },
                };
                matches!(
                    (kind, got),
                    (None | Some(RefType::FuncRef), Val::FuncRef(None))
                        | (None | Some(RefType::ExternRef), Val::ExternRef(None))
                )
            }
            // The function's identity is not checked, only that it is non-null.
            (WastRetCore::RefFunc(_), Val::FuncRef(f)) => f.is_some(),
            (WastRetCore::RefExtern(None), Val::ExternRef(r)) => r.is_some(),
            (WastRetCore::RefExtern(Some(n)), Val::ExternRef(Some(r))) => {
                let data = r.data(&self.store)?;
                data.downcast_ref::<u32>() == Some(n)
            }
            (WastRetCore::Either(alternatives), got) => {
                for alternative in alternatives {
                    if self.matches(got, alternative)? {
                        return Ok(true);
                    }
                }
                false
            }
            (
                WastRetCore::RefHost(_)
                | WastRetCore::RefAny
                | WastRetCore::RefEq
                | WastRetCore::RefArray
                | WastRetCore::RefStruct
                | WastRetCore::RefI31
                | WastRetCore::RefI31Shared,
                _,
            ) => return skip("GC reference results are not supported"),
            _ => false,
        })
    }
}

/// Which kind of null a `ref.null <heaptype>` denotes, if petrel has it.
fn null_kind(heap: &HeapType<'_>) -> Option<RefType> {
    match heap {
        HeapType::Abstract {
            shared: false,
            ty: AbstractHeapType::Func | AbstractHeapType::NoFunc,
        }
        | HeapType::Concrete(_)
        | HeapType::Exact(_) => Some(RefType::FuncRef),
        HeapType::Abstract {
            shared: false,
            ty: AbstractHeapType::Extern | AbstractHeapType::NoExtern,
        } => Some(RefType::ExternRef),
        HeapType::Abstract { .. } => None,
    }
}

fn f32_matches(want: &NanPattern<F32>, got: u32) -> bool {
    match want {
        NanPattern::Value(w) => w.bits == got,
        // Sign may be anything; exponent all ones, payload exactly the quiet bit.
        NanPattern::CanonicalNan => got & 0x7fff_ffff == 0x7fc0_0000,
        // Exponent all ones and the quiet bit set; the rest of the payload is free.
        NanPattern::ArithmeticNan => got & 0x7fc0_0000 == 0x7fc0_0000,
    }
}

fn f64_matches(want: &NanPattern<F64>, got: u64) -> bool {
    match want {
        NanPattern::Value(w) => w.bits == got,
        NanPattern::CanonicalNan => got & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
        NanPattern::ArithmeticNan => got & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000,
    }
}

fn v128_matches(want: &V128Pattern, got: u128) -> bool {
    let bytes = got.to_le_bytes();
    let lane = |i: usize, size: usize| -> u64 {
        let mut buf = [0u8; 8];
        buf[..size].copy_from_slice(&bytes[i * size..(i + 1) * size]);
        u64::from_le_bytes(buf)
    };
    match want {
        V128Pattern::I8x16(w) => (0..16).all(|i| lane(i, 1) as u8 == w[i] as u8),
        V128Pattern::I16x8(w) => (0..8).all(|i| lane(i, 2) as u16 == w[i] as u16),
        V128Pattern::I32x4(w) => (0..4).all(|i| lane(i, 4) as u32 == w[i] as u32),
        V128Pattern::I64x2(w) => (0..2).all(|i| lane(i, 8) == w[i] as u64),
        V128Pattern::F32x4(w) => (0..4).all(|i| f32_matches(&w[i], lane(i, 4) as u32)),
        V128Pattern::F64x2(w) => (0..2).all(|i| f64_matches(&w[i], lane(i, 8))),
    }
}

/// Checks that `outcome` is a trap whose message matches `expected`.
fn expect_trap(outcome: anyhow::Result<Vec<Val>>, expected: &str) -> DResult<()> {
    match outcome {
        Ok(values) => fail(format!(
            "expected trap `{expected}`, got success: {}",
            format_vals(&values)
        )),
        Err(e) => match find_trap(&e) {
            Some(trap) => {
                let code = trap.code().to_string();
                let full = trap.to_string();
                if trap_message_matches(expected, &code) || trap_message_matches(expected, &full) {
                    Ok(())
                } else {
                    fail(format!("expected trap `{expected}`, got trap `{code}`"))
                }
            }
            None => fail(format!(
                "expected trap `{expected}`, got non-trap error: {e:#}"
            )),
        },
    }
}

/// The [`Trap`] carried by `err`, looking through added context.
fn find_trap(err: &anyhow::Error) -> Option<&Trap> {
    err.downcast_ref::<Trap>()
        .or_else(|| err.chain().find_map(|e| e.downcast_ref::<Trap>()))
}

fn describe_error(err: &anyhow::Error) -> String {
    match find_trap(err) {
        Some(trap) => format!("trap `{}`", trap.code()),
        None => format!("error: {err:#}"),
    }
}

/// Spellings that name the same trap. The spec interpreter's wording comes
/// first in each group; the others are the wording of other engines or of
/// older spec versions:
///
/// - `undefined element`: a `call_indirect` / table access past the end of
///   the table, i.e. an out-of-bounds table access;
/// - `uninitialized element`: a `call_indirect` through a null entry, what
///   Wasmtime calls an indirect call to null;
/// - `null function reference`: `call_ref` or `ref.as_non_null` of null,
///   Petrel's `TrapCode::NullReference` ("null reference");
/// - the rest are alternative wordings of the same condition.
const TRAP_SYNONYMS: &[&[&str]] = &[
    &[
        "undefined element",
        "out of bounds table access",
        "table out of bounds",
    ],
    &["uninitialized element", "indirect call to null"],
    &[
        "indirect call type mismatch",
        "indirect call signature mismatch",
        "bad signature",
    ],
    &["call stack exhausted", "stack overflow"],
    &["out of bounds memory access", "memory out of bounds"],
    &["integer divide by zero", "integer division by zero"],
    &["invalid conversion to integer", "bad conversion to integer"],
    &["unreachable", "unreachable code reached"],
    &["null function reference", "null reference"],
];

/// Whether a script's expected trap text matches a trap message.
///
/// It matches when, after dropping a trailing element index from the
/// expectation (`uninitialized element 2` is compared as
/// `uninitialized element`):
///
/// 1. the message contains the expectation, or the expectation starts with
///    the message; or
/// 2. both are spellings of the same trap per the synonym table
///    (`TRAP_SYNONYMS`, e.g. `undefined element` and
///    `out of bounds table access`).
pub fn trap_message_matches(expected: &str, actual: &str) -> bool {
    let expected = strip_trailing_index(expected.trim());
    let actual = actual.trim();
    if actual.is_empty() {
        return false;
    }
    if actual.contains(expected) || expected.starts_with(actual) {
        return true;
    }
    TRAP_SYNONYMS.iter().any(|group| {
        group.iter().any(|e| expected.starts_with(e)) && group.iter().any(|a| actual.contains(a))
    })
}

/// `uninitialized element 2` -> `uninitialized element`.
fn strip_trailing_index(text: &str) -> &str {
    match text.rsplit_once(' ') {
        Some((head, tail)) if !tail.is_empty() && tail.bytes().all(|b| b.is_ascii_digit()) => head,
        _ => text,
    }
}

fn describe_val(val: &Val) -> String {
    match val {
        Val::I32(v) => format!("i32:{v} (0x{:08x})", *v as u32),
        Val::I64(v) => format!("i64:{v} (0x{:016x})", *v as u64),
        Val::F32(b) => format!("f32:{} (0x{b:08x})", f32::from_bits(*b)),
        Val::F64(b) => format!("f64:{} (0x{b:016x})", f64::from_bits(*b)),
        Val::V128(v) => format!("v128:0x{v:032x}"),
        Val::FuncRef(None) => "ref.null func".to_string(),
        Val::FuncRef(Some(_)) => "ref.func".to_string(),
        Val::ExternRef(None) => "ref.null extern".to_string(),
        Val::ExternRef(Some(_)) => "ref.extern".to_string(),
    }
}

fn format_vals(values: &[Val]) -> String {
    let parts: Vec<String> = values.iter().map(describe_val).collect();
    format!("[{}]", parts.join(", "))
}

fn describe_ret(ret: &WastRetCore<'_>) -> String {
    match ret {
        WastRetCore::I32(v) => format!("i32:{v} (0x{:08x})", *v as u32),
        WastRetCore::I64(v) => format!("i64:{v} (0x{:016x})", *v as u64),
        WastRetCore::F32(NanPattern::Value(v)) => {
            format!("f32:{} (0x{:08x})", f32::from_bits(v.bits), v.bits)
        }
        WastRetCore::F64(NanPattern::Value(v)) => {
            format!("f64:{} (0x{:016x})", f64::from_bits(v.bits), v.bits)
        }
        other => format!("{other:?}"),
    }
}

/// Defines the standard `spectest` module in `linker`.
fn define_spectest(linker: &mut Linker<()>, store: &mut Store<()>) -> anyhow::Result<()> {
    use ValType::{F32, F64, I32, I64};
    let prints: [(&str, &[ValType]); 7] = [
        ("print", &[]),
        ("print_i32", &[I32]),
        ("print_i64", &[I64]),
        ("print_f32", &[F32]),
        ("print_f64", &[F64]),
        ("print_i32_f32", &[I32, F32]),
        ("print_f64_f64", &[F64, F64]),
    ];
    for (name, params) in prints {
        // The printers are silent: scripts call them only to exercise imports,
        // and output would interleave with the report.
        let ty = FuncType::new(params.iter().copied(), []);
        linker.func_new("spectest", name, ty, |_caller, _params, _results| Ok(()))?;
    }

    let globals = [
        ("global_i32", Val::I32(666)),
        ("global_i64", Val::I64(666)),
        ("global_f32", Val::F32(666.6f32.to_bits())),
        ("global_f64", Val::F64(666.6f64.to_bits())),
    ];
    for (name, val) in globals {
        let ty = GlobalType::new(val.ty(), Mutability::Const);
        let global = Global::new(&mut *store, ty, val)?;
        linker.define(&*store, "spectest", name, global)?;
    }

    let table = Table::new(
        &mut *store,
        TableType::new(RefType::FuncRef, 10, Some(20)),
        Ref::Func(None),
    )?;
    linker.define(&*store, "spectest", "table", table)?;
    // The memory64 scripts import a 64-bit table too (as Wasmtime's
    // `spectest` defines it).
    let table64 = Table::new(
        &mut *store,
        TableType::new64(RefType::FuncRef, 10, Some(20)),
        Ref::Func(None),
    )?;
    linker.define(&*store, "spectest", "table64", table64)?;

    let memory = Memory::new(&mut *store, MemoryType::new(1, Some(2)))?;
    linker.define(&*store, "spectest", "memory", memory)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `script` and returns (passed, failed lines, skipped lines).
    fn run(script: &str) -> (usize, Vec<usize>, Vec<usize>) {
        let report = run_script("test.wast", script);
        for issue in report.failures.iter().chain(&report.skips) {
            eprintln!("{issue}");
        }
        let lines = |issues: &[Issue]| issues.iter().map(|i| i.line).collect::<Vec<_>>();
        (report.passed, lines(&report.failures), lines(&report.skips))
    }

    #[test]
    #[cfg_attr(miri, ignore = "runs compiled wasm code")]
    fn passing_directives() {
        let script = r#"
(module $m
  (import "spectest" "print_i32" (func $print (param i32)))
  (import "spectest" "global_i32" (global $g i32))
  (import "spectest" "memory" (memory 1 2))
  (import "spectest" "table" (table 10 20 funcref))
  (global (export "glob") i32 (i32.const 7))
  (func (export "g") (result i32) (call $print (global.get $g)) (global.get $g))
  (func (export "id_ext") (param externref) (result externref) (local.get 0))
  (func (export "null_func") (result funcref) (ref.null func))
  (func (export "some_func") (result funcref) (ref.func 1))
  (func (export "nan") (result f32) (f32.div (f32.const 0) (f32.const 0)))
  (func (export "neg0") (result f64) (f64.const -0))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func $rec (export "rec") (call $rec))
  (func (export "pages") (result i32) (memory.size)))
(assert_return (invoke "g") (i32.const 666))
(assert_return (get "glob") (i32.const 7))
(assert_return (get $m "glob") (i32.const 7))
(assert_return (invoke "id_ext" (ref.extern 5)) (ref.extern 5))
(assert_return (invoke "id_ext" (ref.null extern)) (ref.null extern))
(assert_return (invoke "null_func") (ref.null func))
(assert_return (invoke "some_func") (ref.func))
(assert_return (invoke "nan") (f32.const nan:canonical))
(assert_return (invoke "nan") (f32.const nan:arithmetic))
(assert_return (invoke "neg0") (f64.const -0))
(assert_return (invoke "pages") (either (i32.const 1) (i32.const 2)))
(assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer divide by zero")
(assert_trap (invoke "div" (i32.const 0x80000000) (i32.const -1)) "integer overflow")
(assert_exhaustion (invoke "rec") "call stack exhausted")
(invoke "g")
(register "M" $m)
(module (import "M" "glob" (global i32)) (func (export "h") (result i32) (global.get 0)))
(assert_return (invoke "h") (i32.const 7))
(assert_unlinkable (module (import "M" "nope" (func))) "unknown import")
(assert_unlinkable (module (import "M" "glob" (global i64))) "incompatible import type")
(assert_trap (module (func unreachable) (start 0)) "unreachable")
(assert_trap (module (table 1 funcref) (elem (i32.const 5) func 0) (func)) "out of bounds table access")
(assert_invalid (module (func (result i32) (i64.const 1))) "type mismatch")
(assert_malformed (module quote "(func (i32.const))") "unexpected token")
(assert_malformed (module binary "\00asm\02\00\00\00") "unknown binary version")
"#;
        let (passed, failed, skipped) = run(script);
        assert_eq!(failed, Vec::<usize>::new());
        assert_eq!(skipped, Vec::<usize>::new());
        assert_eq!(passed, 26);
    }

    #[test]
    #[cfg_attr(miri, ignore = "runs compiled wasm code")]
    fn failing_directives_are_caught() {
        // Every directive from line 4 on must fail; each is on its own line.
        let script = r#"(module
  (func (export "one") (result i32) (i32.const 1))
  (func (export "nan") (result f32) (f32.const nan:0x200000)))
(assert_return (invoke "one") (i32.const 2))
(assert_return (invoke "one"))
(assert_return (invoke "nan") (f32.const nan:canonical))
(assert_return (invoke "one") (i64.const 1))
(assert_return (invoke "missing") (i32.const 1))
(assert_trap (invoke "one") "unreachable")
(assert_exhaustion (invoke "one") "call stack exhausted")
(assert_invalid (module (func)) "type mismatch")
(assert_malformed (module binary "\00asm\01\00\00\00") "unexpected end")
(assert_unlinkable (module (func)) "unknown import")
(assert_trap (module (func)) "unreachable")
(assert_return (invoke "one" (i32.const 1)) (i32.const 1))
(assert_return (get "one") (i32.const 1))
(module (func (export "f") unreachable))
(assert_trap (invoke "f") "integer overflow")
(module (import "nowhere" "f" (func)))
(assert_return (invoke "f"))
(register "X" $nope)
"#;
        let (passed, failed, skipped) = run(script);
        assert_eq!(passed, 2, "only the two good modules pass");
        assert_eq!(
            failed,
            vec![4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 19, 20, 21]
        );
        assert!(skipped.is_empty());
    }

    #[test]
    fn unsupported_directives_are_skipped() {
        let script = r#"(module (func (export "f")))
(assert_exception (invoke "f"))
(assert_return (invoke "f" (ref.host 1)))
(component)
"#;
        let (passed, failed, skipped) = run(script);
        assert_eq!((passed, failed), (1, vec![]));
        assert_eq!(skipped, vec![2, 3, 4]);
    }

    #[test]
    fn parse_errors_and_positions() {
        let report = run_script("bad.wast", "(module)\n(assert_return (invoke \"f\"\n");
        assert_eq!(report.passed, 0);
        assert_eq!(report.failed(), 1);
        assert_eq!(report.failures[0].kind, "parse");
        assert_eq!(report.failures[0].line, 3);

        let report = run_script("pos.wast", "(module)\n  (assert_return (invoke \"f\"))\n");
        assert_eq!(report.failures.len(), 1);
        let issue = &report.failures[0];
        assert_eq!((issue.line, issue.col, issue.kind), (2, 4, "assert_return"));
        assert!(
            issue
                .to_string()
                .starts_with("pos.wast:2:4: assert_return: ")
        );
        assert_eq!(report.summary(), "pos.wast: 1 passed, 1 failed, 0 skipped");

        let report = run_file(Path::new("/nonexistent/x.wast"));
        assert_eq!((report.failed(), report.failures[0].line), (1, 0));
    }

    #[test]
    #[cfg_attr(miri, ignore = "runs compiled wasm code")]
    fn trap_messages() {
        assert!(trap_message_matches("unreachable", "unreachable"));
        assert!(trap_message_matches(
            "out of bounds memory access",
            "wasm trap: out of bounds memory access"
        ));
        assert!(trap_message_matches(
            "undefined element",
            "out of bounds table access"
        ));
        assert!(trap_message_matches(
            "uninitialized element 2",
            "uninitialized element"
        ));
        assert!(trap_message_matches(
            "uninitialized element",
            "indirect call to null"
        ));
        assert!(trap_message_matches(
            "call stack exhausted",
            "stack overflow"
        ));
        assert!(trap_message_matches(
            "null function reference",
            &petrel::TrapCode::NullReference.to_string()
        ));
        assert!(!trap_message_matches(
            "null function reference",
            "uninitialized element"
        ));
        assert!(!trap_message_matches(
            "integer overflow",
            "integer divide by zero"
        ));
        assert!(!trap_message_matches(
            "undefined element",
            "uninitialized element"
        ));
        assert!(!trap_message_matches("unreachable", ""));
    }

    #[test]
    fn nan_patterns() {
        let canonical = NanPattern::<F32>::CanonicalNan;
        let arithmetic = NanPattern::<F32>::ArithmeticNan;
        assert!(f32_matches(&canonical, 0x7fc0_0000));
        assert!(f32_matches(&canonical, 0xffc0_0000));
        assert!(!f32_matches(&canonical, 0x7fc0_0001));
        assert!(f32_matches(&arithmetic, 0x7fc0_0001));
        assert!(!f32_matches(&arithmetic, 0x7f80_0001));
        assert!(!f32_matches(&arithmetic, 0x3f80_0000));
        assert!(f64_matches(
            &NanPattern::<F64>::CanonicalNan,
            0xfff8_0000_0000_0000
        ));
        assert!(!f64_matches(
            &NanPattern::<F64>::ArithmeticNan,
            0x7ff0_0000_0000_0001
        ));
    }

    #[test]
    fn v128_lanes() {
        let v = u128::from_le_bytes([
            1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0xc0, 0x7f, 0, 0, 0x80, 0x3f,
        ]);
        assert!(v128_matches(
            &V128Pattern::I32x4([1, -1, 0x7fc0_0000, 0x3f80_0000]),
            v
        ));
        assert!(!v128_matches(&V128Pattern::I32x4([1, -1, 0, 0]), v));
        assert!(v128_matches(
            &V128Pattern::F32x4([
                NanPattern::Value(F32 { bits: 1 }),
                NanPattern::ArithmeticNan,
                NanPattern::CanonicalNan,
                NanPattern::Value(F32 {
                    bits: 1.0f32.to_bits()
                }),
            ]),
            v
        ));
        assert!(v128_matches(
            &V128Pattern::I8x16([1, 0, 0, 0, -1, -1, -1, -1, 0, 0, -64, 127, 0, 0, -128, 63]),
            v
        ));
        assert!(v128_matches(
            &V128Pattern::I16x8([1, 0, -1, -1, 0, 0x7fc0, 0, 0x3f80]),
            v
        ));
    }
}
