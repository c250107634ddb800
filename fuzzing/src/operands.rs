//! Fuzz target `operands`: operations first, then operands that hit.
//!
//! Random operands for a bulk memory or table instruction almost always
//! trap out of bounds, which leaves the paths that copy, fill, initialise
//! and grow unfuzzed. This target picks the operation first
//! (`memory.copy`/`fill`/`init`, `data.drop`, `memory.grow` to the
//! maximum and one page past it, `table.init`/`copy`/`fill`/`grow`/`get`/
//! `set`/`size`, `elem.drop`, loads and stores at the last bytes of
//! memory) and then chooses operands from a model of the instance's
//! state (memory and table sizes, segment lengths, what was dropped), so
//! that almost every operation succeeds; now and then it places an
//! operand exactly one past the edge, and that function ends there.
//!
//! The generated module has no imports and exports its memory, a
//! checksum global that every result is folded into, a few functions of
//! up to four operations each, and a last function that folds each table
//! element into the checksum (null, or the constant the function it
//! holds returns). It runs in Petrel and in wasmi through the
//! differential target's comparison ([`crate::differential`]): same
//! results or traps, same memory bytes, same checksum.

use crate::differential::{Counters, Counts, compare};
use crate::{Input, Rng};
use std::fmt::Write;

static COUNTERS: Counters = Counters::new();

/// The counts so far.
pub fn counts() -> Counts {
    COUNTERS.get()
}

const PAGE: u64 = 65536;
/// Functions that may sit in tables: `$f{k}` returns `100 + k`.
const FUNCS: usize = 4;
/// Funcref tables (`$t0`, `$t1`) and one externref table (`$x`).
const TABLES: usize = 2;

/// The generator's model of the instance.
struct Model {
    pages: u64,
    max_pages: u64,
    data: Vec<Vec<u8>>,
    data_dropped: Vec<bool>,
    /// Funcref segments: each item `Some(k)` is `ref.func $f{k}`.
    elems: Vec<Vec<Option<usize>>>,
    elem_dropped: Vec<bool>,
    tables: [(u64, u64); TABLES],
    extern_table: (u64, u64),
}

impl Model {
    fn bytes(&self) -> u64 {
        self.pages * PAGE
    }

    fn data_len(&self, i: usize) -> u64 {
        if self.data_dropped[i] {
            0
        } else {
            self.data[i].len() as u64
        }
    }

    fn elem_len(&self, i: usize) -> u64 {
        if self.elem_dropped[i] {
            0
        } else {
            self.elems[i].len() as u64
        }
    }
}

/// `(start, len)` of a range inside `size` (in bounds), or one exactly
/// one past its end when `edge`.
fn range(input: &mut Input<'_>, size: u64, edge: bool) -> (u64, u64) {
    let len = match input.byte() % 4 {
        0 => 0,
        1 => size,
        _ => input.below(size as usize + 1) as u64,
    }
    .min(size);
    let start = match input.byte() % 3 {
        0 => 0,
        1 => size - len,
        _ => input.below((size - len) as usize + 1) as u64,
    };
    if edge {
        if len == 0 || input.byte().is_multiple_of(2) {
            let n = len.max(1);
            (size + 1 - n, n)
        } else {
            (start, size - start + 1)
        }
    } else {
        (start, len)
    }
}

/// Folds the i32 on the stack into the checksum.
const FOLD32: &str =
    "i64.extend_i32_s global.get $sum i64.const 31 i64.mul i64.add global.set $sum";

fn gen_module(input: &mut Input<'_>) -> String {
    let pages = input.below(3) as u64;
    let max_pages = pages + input.below(4) as u64;
    let data: Vec<Vec<u8>> = (0..input.below(4) + 1)
        .map(|_| {
            let n = match input.byte() % 4 {
                0 => 0,
                1 => input.below(4096),
                _ => input.below(64),
            };
            // Contents from one seed byte: the input is better spent on
            // operations.
            let seed = input.byte();
            (0..n)
                .map(|i| (i as u8).wrapping_mul(seed | 1).rotate_left(3) ^ seed)
                .collect()
        })
        .collect();
    let elems: Vec<Vec<Option<usize>>> = (0..input.below(3) + 1)
        .map(|_| {
            (0..input.below(7))
                .map(|_| {
                    let k = input.below(FUNCS + 1);
                    (k < FUNCS).then_some(k)
                })
                .collect()
        })
        .collect();
    let table = |input: &mut Input<'_>| {
        let min = input.below(9) as u64;
        (min, min + input.below(9) as u64)
    };
    let tables = [table(input), table(input)];
    let extern_table = table(input);
    let mut m = Model {
        pages,
        max_pages,
        data_dropped: vec![false; data.len()],
        data,
        elem_dropped: vec![false; elems.len()],
        elems,
        tables,
        extern_table,
    };

    let mut wat = String::from("(module\n  (type $r (func (result i32)))\n");
    let _ = writeln!(
        wat,
        "  (memory (export \"mem\") {} {})",
        m.pages, m.max_pages
    );
    for (i, (min, max)) in m.tables.iter().enumerate() {
        let _ = writeln!(wat, "  (table $t{i} {min} {max} funcref)");
    }
    let _ = writeln!(
        wat,
        "  (table $x {} {} externref)",
        m.extern_table.0, m.extern_table.1
    );
    let _ = writeln!(
        wat,
        "  (global $sum (export \"sum\") (mut i64) (i64.const 0))"
    );
    for k in 0..FUNCS {
        let _ = writeln!(wat, "  (func $f{k} (type $r) i32.const {})", 100 + k);
    }
    let declared: String = (0..FUNCS).map(|k| format!(" $f{k}")).collect();
    let _ = writeln!(wat, "  (elem declare func{declared})");
    for (i, d) in m.data.iter().enumerate() {
        let text: String = d.iter().map(|b| format!("\\{b:02x}")).collect();
        let _ = writeln!(wat, "  (data $d{i} \"{text}\")");
    }
    for (i, e) in m.elems.iter().enumerate() {
        let items: String = e
            .iter()
            .map(|k| match k {
                Some(k) => format!(" (ref.func $f{k})"),
                None => " (ref.null func)".to_string(),
            })
            .collect();
        let _ = writeln!(wat, "  (elem $e{i} funcref{items})");
    }
    // An active segment in bounds of the initial memory, when it fits.
    if let Some(d) = m.data.first().filter(|d| d.len() as u64 <= m.bytes()) {
        let at = m.bytes() - d.len() as u64;
        let text: String = d.iter().map(|b| format!("\\{b:02x}")).collect();
        let _ = writeln!(wat, "  (data (i32.const {at}) \"{text}\")");
    }

    for f in 0..input.below(6) + 1 {
        let _ = write!(wat, "  (func (export \"op{f}\")");
        for _ in 0..input.below(4) + 1 {
            // One time in sixteen, an operand one past the edge: the
            // function traps there, so it is its last operation. (Not on
            // 0: an exhausted input reads zeros.)
            let edge = input.byte() % 16 == 15;
            wat.push_str("\n    ");
            op(&mut m, input, edge, &mut wat);
            if edge {
                break;
            }
        }
        wat.push_str(")\n");
    }

    // Fold every table element into the checksum.
    let _ = write!(wat, "  (func (export \"tables\") (local $i i32)");
    for t in 0..TABLES {
        let _ = write!(
            wat,
            "
    (local.set $i (i32.const 0))
    (block $done{t} (loop $next{t}
      (br_if $done{t} (i32.ge_u (local.get $i) (table.size $t{t})))
      (if (ref.is_null (table.get $t{t} (local.get $i)))
        (then (i32.const -1) {FOLD32})
        (else (call_indirect $t{t} (type $r) (local.get $i)) {FOLD32}))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next{t})))"
        );
    }
    let _ = write!(
        wat,
        "
    (local.set $i (i32.const 0))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (table.size $x)))
      (ref.is_null (table.get $x (local.get $i))) {FOLD32}
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
    (table.size $x) {FOLD32})\n)"
    );
    wat
}

/// Appends one operation with operands from the model (one past an edge
/// when `edge`) and updates the model.
fn op(m: &mut Model, input: &mut Input<'_>, edge: bool, wat: &mut String) {
    let nd = m.data.len();
    let ne = m.elems.len();
    match input.byte() % 15 {
        0 => {
            let (d, n) = range(input, m.bytes(), edge);
            let v = input.byte();
            let _ = write!(
                wat,
                "(memory.fill (i32.const {d}) (i32.const {v}) (i32.const {n}))"
            );
        }
        1 => {
            let (d, n) = range(input, m.bytes(), edge);
            let (s, _) = range(input, m.bytes() - n.min(m.bytes()), false);
            let _ = write!(
                wat,
                "(memory.copy (i32.const {d}) (i32.const {s}) (i32.const {n}))"
            );
        }
        2 => {
            let seg = input.below(nd);
            let len = m.data_len(seg);
            let (s, n) = range(input, len, edge);
            let n = n.min(m.bytes());
            let (d, _) = range(input, m.bytes() - n, false);
            let _ = write!(
                wat,
                "(memory.init $d{seg} (i32.const {d}) (i32.const {s}) (i32.const {n}))"
            );
        }
        3 => {
            let seg = input.below(nd);
            m.data_dropped[seg] = true;
            let _ = write!(wat, "(data.drop $d{seg})");
        }
        4 => {
            let room = m.max_pages - m.pages;
            let delta = match input.byte() % 4 {
                0 => 0,
                1 => room.min(1),
                2 => room,
                _ => room + 1,
            };
            if m.pages + delta <= m.max_pages {
                m.pages += delta;
            }
            let _ = write!(wat, "(memory.grow (i32.const {delta})) {FOLD32}");
        }
        5 => {
            let _ = write!(wat, "(memory.size) {FOLD32}");
        }
        6 => {
            // A load and a store at the last bytes of memory.
            let width = [1u64, 2, 4, 8][input.below(4)];
            let at = (m.bytes() + u64::from(edge)).saturating_sub(width);
            let (load, store) = match width {
                1 => ("i64.load8_u", "i64.store8"),
                2 => ("i64.load16_s", "i64.store16"),
                4 => ("i64.load32_u", "i64.store32"),
                _ => ("i64.load", "i64.store"),
            };
            let v = input.u32();
            let _ = write!(
                wat,
                "(global.set $sum (i64.add (global.get $sum) ({load} (i32.const {at})))) ({store} (i32.const {at}) (i64.const {v}))"
            );
        }
        7 => {
            let t = input.below(TABLES);
            let seg = input.below(ne);
            let (s, n) = range(input, m.elem_len(seg), edge);
            let size = m.tables[t].0;
            let n = n.min(size);
            let (d, _) = range(input, size - n, false);
            let _ = write!(
                wat,
                "(table.init $t{t} $e{seg} (i32.const {d}) (i32.const {s}) (i32.const {n}))"
            );
        }
        8 => {
            let seg = input.below(ne);
            m.elem_dropped[seg] = true;
            let _ = write!(wat, "(elem.drop $e{seg})");
        }
        9 => {
            let (a, b) = (input.below(TABLES), input.below(TABLES));
            let (d, n) = range(input, m.tables[a].0, edge);
            let n = n.min(m.tables[b].0);
            let (s, _) = range(input, m.tables[b].0 - n, false);
            let _ = write!(
                wat,
                "(table.copy $t{a} $t{b} (i32.const {d}) (i32.const {s}) (i32.const {n}))"
            );
        }
        10 => {
            let t = input.below(TABLES);
            let (d, n) = range(input, m.tables[t].0, edge);
            let r = funcref(input);
            let _ = write!(
                wat,
                "(table.fill $t{t} (i32.const {d}) {r} (i32.const {n}))"
            );
        }
        11 => {
            let t = input.below(TABLES);
            let (size, max) = m.tables[t];
            let delta = grow_delta(input, max - size);
            if size + delta <= max {
                m.tables[t].0 += delta;
            }
            let r = funcref(input);
            let _ = write!(wat, "(table.grow $t{t} {r} (i32.const {delta})) {FOLD32}");
        }
        12 => {
            let t = input.below(TABLES);
            let size = m.tables[t].0;
            let i = if edge {
                size
            } else {
                input.below(size.max(1) as usize) as u64
            };
            let r = funcref(input);
            let _ = write!(wat, "(table.set $t{t} (i32.const {i}) {r})");
        }
        13 => {
            let (size, max) = m.extern_table;
            let delta = grow_delta(input, max - size);
            if size + delta <= max {
                m.extern_table.0 += delta;
            }
            let _ = write!(
                wat,
                "(table.grow $x (ref.null extern) (i32.const {delta})) {FOLD32}"
            );
        }
        _ => {
            let (d, n) = range(input, m.extern_table.0, edge);
            let _ = write!(
                wat,
                "(table.fill $x (i32.const {d}) (ref.null extern) (i32.const {n}))"
            );
        }
    }
}

/// A growth of 0, 1, exactly to the maximum, or one past it.
fn grow_delta(input: &mut Input<'_>, room: u64) -> u64 {
    match input.byte() % 4 {
        0 => 0,
        1 => room.min(1),
        2 => room,
        _ => room + 1,
    }
}

fn funcref(input: &mut Input<'_>) -> String {
    let k = input.below(FUNCS + 1);
    if k < FUNCS {
        format!("(ref.func $f{k})")
    } else {
        "(ref.null func)".to_string()
    }
}

/// Runs one fuzz input; panics on a divergence.
pub fn run(data: &[u8]) {
    let mut input = Input::new(data);
    let text = gen_module(&mut input);
    let wasm = match wat::parse_str(&text) {
        Ok(w) => w,
        Err(e) => panic!("the generator wrote an invalid module: {e}\n{text}"),
    };
    COUNTERS
        .generated
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    compare(&wasm, &mut input, &COUNTERS);
}

/// Runs `cases` deterministic inputs from `seed`; returns the counts of
/// this process.
pub fn smoke(seed: u64, cases: usize) -> Counts {
    let mut rng = Rng::new(seed);
    for _ in 0..cases {
        let len = 16 + rng.below(256);
        run(&rng.bytes(len));
    }
    counts()
}
