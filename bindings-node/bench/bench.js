'use strict';
// Petrel against Node's built-in WebAssembly, in the same process: ns per
// call of an exported add(i32, i32) from JS, ns per wasm-to-JS host call,
// µs per instantiation of a small module, MB/s reading 1 MiB of linear
// memory into JS. Medians of several rounds. Not a test: it prints.
// Run: node bench/bench.js [--rounds N]

const p = require('petrel');

const roundsArg = process.argv.indexOf('--rounds');
const ROUNDS = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 7;

const WAT = `(module
  (import "host" "h" (func $h (param i32)))
  (memory (export "memory") 17)
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "hostLoop") (param $n i32)
    (loop $l
      (call $h (local.get $n))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (local.get $n)))))`;
const SMALL = p.wat2wasm(`(module (memory 1) (global (mut i32) (i32.const 0))
  (table 4 funcref) (func $f (result i32) (i32.const 1)) (elem (i32.const 0) $f)
  (func (export "f") (result i32) (call $f)) (data (i32.const 0) "hello"))`);
const BYTES = p.wat2wasm(WAT);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function time(fn, n) {
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    fn(n);
    rounds.push(Number(process.hrtime.bigint() - t0) / n);
  }
  return median(rounds);
}

function builtin() {
  let count = 0;
  const imports = { host: { h: () => { count++; } } };
  const instance = new WebAssembly.Instance(new WebAssembly.Module(BYTES), imports);
  const x = instance.exports;
  const small = new WebAssembly.Module(SMALL);
  const dst = new Uint8Array(1 << 20);
  return {
    add: time((n) => { let s = 0; for (let i = 0; i < n; i++) s = x.add(s, i); return s; }, 1_000_000),
    host: time((n) => x.hostLoop(n), 1_000_000),
    inst: time((n) => { for (let i = 0; i < n; i++) new WebAssembly.Instance(small, {}); }, 2000) / 1000,
    read: time((n) => { for (let i = 0; i < n; i++) dst.set(new Uint8Array(x.memory.buffer, 0, 1 << 20)); }, 200),
    count,
  };
}

function petrel() {
  const engine = new p.Engine();
  const store = new p.Store(engine);
  let count = 0;
  const h = new p.Func(store, new p.FuncType(['i32'], []), () => { count++; });
  const instance = new p.Instance(store, new p.Module(engine, BYTES), [h]);
  const add = instance.exports.add.fn;
  const hostLoop = instance.exports.hostLoop.fn;
  const mem = instance.exports.memory;
  const small = new p.Module(engine, SMALL);
  const dst = new Uint8Array(1 << 20);
  return {
    add: time((n) => { let s = 0; for (let i = 0; i < n; i++) s = add(s, i); return s; }, 1_000_000),
    host: time((n) => hostLoop(n), 1_000_000),
    inst: time((n) => {
      const s = new p.Store(engine);
      for (let i = 0; i < n; i++) new p.Instance(s, small, []);
      s.close();
    }, 2000) / 1000,
    read: time((n) => { for (let i = 0; i < n; i++) dst.set(new Uint8Array(mem.buffer, 0, 1 << 20)); }, 200),
    count,
  };
}

const b = builtin();
const q = petrel();
const mbps = (nsPerMiB) => 1e9 / nsPerMiB;
const rows = [
  ['add(i32, i32) call from JS', 'ns', q.add, b.add],
  ['wasm-to-JS host call', 'ns', q.host, b.host],
  ['instantiate a small module', 'µs', q.inst, b.inst],
];
console.log(`${'Node binding benchmark'.padEnd(30)} ${'Petrel'.padStart(10)} ${'built-in'.padStart(10)} ${'ratio'.padStart(7)}   (median of ${ROUNDS} rounds)`);
for (const [name, unit, pv, bv] of rows) {
  console.log(`${`${name} (${unit})`.padEnd(30)} ${pv.toFixed(1).padStart(10)} ${bv.toFixed(1).padStart(10)} ${(pv / bv).toFixed(2).padStart(7)}`);
}
console.log(`${'read 1 MiB of memory (MB/s)'.padEnd(30)} ${mbps(q.read).toFixed(0).padStart(10)} ${mbps(b.read).toFixed(0).padStart(10)} ${(mbps(q.read) / mbps(b.read)).toFixed(2).padStart(7)}`);
