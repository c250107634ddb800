//! Runs every `.wast` file at the root of `shared/spec-testsuite/` (the Wasm
//! 2.0 spec tests) through the library runner and compares the directives
//! that fail or are skipped with the committed list of known gaps,
//! `tests/spec_expected_failures.txt` (its header documents the format).
//! The WebAssembly 3.0 proposals of issue 13 ([`PROPOSALS`]) run the same
//! way against `tests/proposals_expected_failures.txt`, their files named
//! `proposal/file.wast`.
//!
//! The test fails when a directive fails (or is skipped) without being
//! listed, or when a `file.wast:LINE` entry is stale because its directive
//! now passes. Run with `--nocapture` to see per-file counts.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use petrel_cli::wast::{FileReport, Issue, Profile, run_file_with};

/// At most this many scripts run at once.
const THREADS: usize = 2;

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/spec-testsuite")
}

/// The parsed expected-failures list.
#[derive(Default)]
struct Expected {
    /// file name -> line -> reason
    lines: BTreeMap<String, BTreeMap<usize, String>>,
    /// (glob, reason)
    globs: Vec<(String, String)>,
}

impl Expected {
    fn parse(text: &str) -> Expected {
        let mut expected = Expected::default();
        for (n, raw) in text.lines().enumerate() {
            let (entry, reason) = match raw.split_once('#') {
                Some((entry, reason)) => (entry.trim(), reason.trim()),
                None => (raw.trim(), ""),
            };
            if entry.is_empty() {
                continue;
            }
            assert!(
                !entry.contains(char::is_whitespace),
                "spec_expected_failures.txt:{}: one entry per line, reasons after `#`: {raw:?}",
                n + 1
            );
            match entry.rsplit_once(':') {
                Some((file, line)) => {
                    let line: usize = line.parse().unwrap_or_else(|_| {
                        panic!(
                            "spec_expected_failures.txt:{}: bad line number in {entry:?}",
                            n + 1
                        )
                    });
                    expected
                        .lines
                        .entry(file.to_string())
                        .or_default()
                        .insert(line, reason.to_string());
                }
                None => expected.globs.push((entry.to_string(), reason.to_string())),
            }
        }
        expected
    }

    /// Whether the issue is a known gap.
    fn covers(&self, file: &str, line: usize) -> bool {
        self.globs.iter().any(|(glob, _)| glob_match(glob, file))
            || self
                .lines
                .get(file)
                .is_some_and(|lines| lines.contains_key(&line))
    }
}

/// `*` matches any run of characters, `?` exactly one; everything else is
/// literal.
fn glob_match(pattern: &str, text: &str) -> bool {
    fn go(p: &[char], t: &[char]) -> bool {
        match p.split_first() {
            None => t.is_empty(),
            Some(('*', rest)) => (0..=t.len()).any(|i| go(rest, &t[i..])),
            Some(('?', rest)) => !t.is_empty() && go(rest, &t[1..]),
            Some((c, rest)) => t.first() == Some(c) && go(rest, &t[1..]),
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    go(&p, &t)
}

/// The proposal folders under `proposals/` that run (issue 13's), each
/// with its profile: every implemented proposal on, but for
/// `function-references`, forked before multi-memory, whose `binary.wast`
/// requires `memory.size`'s reserved byte to be one zero byte (with
/// multi-memory it is a memory index, and `0x80 0x00` is index 0).
const PROPOSALS: &[(&str, Profile)] = &[
    ("annotations", Profile::Latest),
    ("custom-page-sizes", Profile::Latest),
    ("extended-const", Profile::Latest),
    ("function-references", Profile::LatestSingleMemory),
    ("memory64", Profile::Latest),
    ("multi-memory", Profile::Latest),
    ("relaxed-simd", Profile::Latest),
    ("tail-call", Profile::Latest),
    ("wide-arithmetic", Profile::Latest),
];

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Runs `files`, each with its profile, on at most [`THREADS`] threads;
/// the reports come back in the order of `files`.
fn run_all(files: &[(PathBuf, Profile)]) -> Vec<FileReport> {
    let next = Mutex::new(0usize);
    let reports: Mutex<Vec<Option<FileReport>>> = Mutex::new(vec![None; files.len()]);
    std::thread::scope(|scope| {
        for _ in 0..THREADS.min(files.len()) {
            scope.spawn(|| {
                loop {
                    let i = {
                        let mut next = next.lock().unwrap();
                        let i = *next;
                        *next += 1;
                        i
                    };
                    let Some((file, profile)) = files.get(i) else {
                        break;
                    };
                    let report = run_file_with(file, *profile);
                    reports.lock().unwrap()[i] = Some(report);
                }
            });
        }
    });
    reports
        .into_inner()
        .unwrap()
        .into_iter()
        .map(|r| r.expect("every file was run"))
        .collect()
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn spec_testsuite() {
    let dir = suite_dir();
    let files = wast_files(&dir);
    assert!(!files.is_empty(), "no .wast files in {}", dir.display());
    let named: Vec<(String, PathBuf, Profile)> = files
        .into_iter()
        .map(|p| (file_name(&p), p, Profile::Wasm2))
        .collect();
    check_suite("spec", &named, "tests/spec_expected_failures.txt");
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn proposals_testsuite() {
    let dir = suite_dir().join("proposals");
    let mut named = Vec::new();
    for (proposal, profile) in PROPOSALS {
        let files = wast_files(&dir.join(proposal));
        assert!(!files.is_empty(), "no .wast files in proposals/{proposal}");
        named.extend(
            files
                .into_iter()
                .map(|p| (format!("{proposal}/{}", file_name(&p)), p, *profile)),
        );
    }
    check_suite("proposals", &named, "tests/proposals_expected_failures.txt");
}

/// The `.wast` files directly in `dir`, sorted.
fn wast_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "wast"))
        .collect();
    files.sort();
    files
}

/// Runs `named` (name, path, profile) scripts and checks failures and
/// skips against the expected-failures list at `list` (relative to the
/// crate).
fn check_suite(label: &str, named: &[(String, PathBuf, Profile)], list: &str) {
    let files: Vec<(PathBuf, Profile)> = named.iter().map(|(_, p, pr)| (p.clone(), *pr)).collect();
    let expected_path = Path::new(env!("CARGO_MANIFEST_DIR")).join(list);
    let expected = Expected::parse(
        &std::fs::read_to_string(&expected_path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", expected_path.display())),
    );

    let reports = run_all(&files);

    let (mut passed, mut failed, mut skipped, mut known) = (0, 0, 0, 0);
    let mut unexpected: Vec<&Issue> = Vec::new();
    // file name -> lines that failed or were skipped
    let mut not_passing: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    for ((name, _, _), report) in named.iter().zip(&reports) {
        let name = name.clone();
        println!(
            "{name}: {} passed, {} failed, {} skipped",
            report.passed,
            report.failed(),
            report.skipped()
        );
        passed += report.passed;
        failed += report.failed();
        skipped += report.skipped();
        for issue in report.failures.iter().chain(&report.skips) {
            not_passing
                .entry(name.clone())
                .or_default()
                .insert(issue.line);
            if expected.covers(&name, issue.line) {
                known += 1;
            } else {
                unexpected.push(issue);
            }
        }
    }

    let run_names: BTreeSet<String> = named.iter().map(|(n, _, _)| n.clone()).collect();
    let mut stale = Vec::new();
    for (file, lines) in &expected.lines {
        for (line, reason) in lines {
            let still_failing = not_passing
                .get(file)
                .is_some_and(|failing| failing.contains(line));
            if !still_failing {
                let why = if run_names.contains(file) {
                    "now passes"
                } else {
                    "no such file in the suite"
                };
                stale.push(format!("{file}:{line}  # {reason} ({why})"));
            }
        }
    }

    println!("{label}: {passed} passed, {failed} failed ({known} expected), {skipped} skipped");

    let mut problems = String::new();
    if !unexpected.is_empty() {
        problems.push_str(&format!(
            "{} directive(s) failed or were skipped and are not in {list}:\n",
            unexpected.len()
        ));
        for issue in &unexpected {
            let status = match issue.status {
                petrel_cli::wast::Status::Failed => "FAIL",
                petrel_cli::wast::Status::Skipped => "SKIP",
            };
            let name = file_name(Path::new(&issue.file));
            problems.push_str(&format!(
                "  {status} {name}:{}:{}: {}: {}\n",
                issue.line, issue.col, issue.kind, issue.message
            ));
        }
    }
    if !stale.is_empty() {
        problems.push_str(&format!(
            "{} stale entr(y/ies) in {list}: these directives pass now, delete the lines:\n",
            stale.len()
        ));
        for entry in &stale {
            problems.push_str(&format!("  {entry}\n"));
        }
    }
    assert!(problems.is_empty(), "{problems}");
}

#[test]
fn expected_failures_format() {
    let e = Expected::parse(
        "# header\n\
         \n\
         simd_*.wast  # SIMD\n\
         elem.wast:12  # a reason\n\
         data.wast:3\n",
    );
    assert!(e.covers("simd_lane.wast", 99));
    assert!(!e.covers("simd.wat", 1));
    assert!(e.covers("elem.wast", 12));
    assert!(!e.covers("elem.wast", 13));
    assert!(e.covers("data.wast", 3));
    assert_eq!(e.lines["elem.wast"][&12], "a reason");
    assert!(glob_match("a?c*", "abcdef"));
    assert!(!glob_match("a?c", "ac"));
    assert!(glob_match("*", ""));
}
