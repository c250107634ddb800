'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const p = require('petrel');

const WAT = `(module
  (import "h" "f" (func $f (param i32) (result i32)))
  (memory (export "mem") 1 10)
  (global (export "g") (mut i64) (i64.const 7))
  (table (export "t") 2 funcref)
  (func $rec (export "rec") (param i32) (result i32) (call $rec (local.get 0)))
  (func $inner (export "boom") unreachable)
  (func (export "oob") (result i32) (i32.load (i32.const 1000000)))
  (func (export "callh") (param i32) (result i32) (call $f (local.get 0)))
  (func (export "add64") (param i64 i64) (result i64) (i64.add (local.get 0) (local.get 1)))
  (func (export "swap") (param f32 f64) (result f64 f32) (local.get 1) (local.get 0))
  (func (export "spin") (loop br 0)))`;

function setup(config = { consumeFuel: true }) {
  const engine = new p.Engine(config);
  const store = new p.Store(engine);
  const module = new p.Module(engine, WAT);
  const thrown = new Error('mine');
  const f = new p.Func(store, new p.FuncType(['i32'], ['i32']), (x) => {
    if (x === 7) throw thrown;
    return x * 2;
  });
  if (config.consumeFuel) store.setFuel(10_000_000n);
  const instance = new p.Instance(store, module, [f]);
  return { engine, store, module, instance, x: instance.exports, thrown };
}

test('calls with numbers, bigint and several results', () => {
  const { x } = setup();
  assert.equal(x.callh.call(21), 42);
  assert.equal(x.add64.call(1n << 62n, 5n), (1n << 62n) + 5n);
  assert.deepEqual(x.swap.call(1.5, 2.25), [2.25, 1.5]);
  assert.equal(x.callh.fn(4), 8);
});

test('a thrown JS value comes back out of the wasm call as the same value', () => {
  const { x, thrown } = setup();
  assert.throws(() => x.callh.call(7), (e) => e === thrown);
  const sym = Symbol('s');
  const { store } = setup();
  const g = new p.Func(store, { params: [], results: [] }, () => {
    throw sym;
  });
  assert.throws(() => g.call(), (e) => e === sym);
});

test('traps, stack overflow and out-of-bounds in one process; JS keeps working', () => {
  const { x } = setup();
  for (let i = 0; i < 3; i++) {
    assert.throws(() => x.boom.call(), (e) => e instanceof p.Trap && e.code === p.TrapCode.UNREACHABLE && e.frames[0].funcName === 'inner');
    assert.throws(() => x.oob.call(), (e) => e instanceof p.Trap && e.codeName === 'memory_out_of_bounds');
    assert.throws(() => x.rec.call(1), (e) => e instanceof p.Trap && e.codeName === 'stack_overflow' && e.frames.length > 0);
  }
  assert.equal([1, 2, 3].map((v) => v * 2).join(), '2,4,6');
  assert.equal(x.callh.call(1), 2);
});

test('traps while Node is busy: a worker thread allocating, timers firing, the GC running', async () => {
  const { Worker } = require('node:worker_threads');
  const worker = new Worker(
    `const { parentPort } = require('node:worker_threads');
     let keep = [];
     parentPort.postMessage('started');
     for (;;) { keep.push(new Array(1000).fill(Math.random())); if (keep.length > 200) keep = []; }`,
    { eval: true },
  );
  await new Promise((resolve) => worker.once('message', resolve));
  const timer = setInterval(() => Math.sqrt(Math.random()), 1);
  try {
    const { x } = setup();
    for (let i = 0; i < 200; i++) {
      assert.throws(() => x.boom.call(), (e) => e instanceof p.Trap && e.code === p.TrapCode.UNREACHABLE);
      assert.throws(() => x.oob.call(), (e) => e instanceof p.Trap && e.codeName === 'memory_out_of_bounds');
      if (i % 20 === 0) {
        assert.throws(() => x.rec.call(1), (e) => e instanceof p.Trap && e.codeName === 'stack_overflow');
        // Let the timers and the worker's messages run between rounds.
        await new Promise((resolve) => setImmediate(resolve));
      }
      const garbage = Array.from({ length: 100 }, (_, k) => ({ k, s: `${k}` }));
      assert.equal(garbage.length, 100);
    }
    if (global.gc) global.gc();
    assert.equal(x.callh.call(1), 2);
  } finally {
    clearInterval(timer);
    await worker.terminate();
  }
});

test('fuel and epoch deadlines', () => {
  const { x, store } = setup();
  store.setFuel(1000n);
  assert.throws(() => x.spin.call(), (e) => e instanceof p.Trap && e.codeName === 'out_of_fuel');
  assert.equal(store.getFuel(), 0n);
  const engine = new p.Engine({ epochInterruption: true });
  const s2 = new p.Store(engine);
  const m = new p.Module(engine, '(module (func (export "spin") (loop br 0)))');
  const i = new p.Instance(s2, m, []);
  s2.setEpochDeadline(1);
  engine.incrementEpoch();
  assert.throws(() => i.exports.spin.call(), (e) => e instanceof p.Trap && e.codeName === 'interrupt');
});

test('wrong arity and types are TypeErrors', () => {
  const { x } = setup();
  assert.throws(() => x.callh.call(), TypeError);
  assert.throws(() => x.callh.call(1n), TypeError);
  assert.throws(() => x.add64.call(1, 2), TypeError);
});

test('memory buffer is a view without copy; detached on growth', () => {
  const { x } = setup();
  const mem = x.mem;
  const b = mem.buffer;
  new Uint8Array(b)[5] = 9;
  assert.deepEqual([...mem.read(5, 1)], [9]);
  assert.equal(mem.grow(1), 1);
  assert.equal(b.byteLength, 0);
  assert.equal(mem.buffer.byteLength, 2 * 65536);
  assert.equal(new Uint8Array(mem.buffer)[5], 9);
  assert.throws(() => mem.read(3 * 65536, 1), p.Trap);
});

test('64-bit memories and tables: i64 sizes, traps, types; byte-sized pages', () => {
  const store = new p.Store(new p.Engine());
  const wat = `(module (memory (export "mem") i64 1 4) (table (export "t") i64 2 funcref)
    (func (export "grow") (param i64) (result i64) local.get 0 memory.grow)
    (func (export "load") (param i64) (result i32) local.get 0 i32.load8_u))`;
  const x = new p.Instance(store, new p.Module(store.engine, wat), []).exports;
  assert.equal(x.grow.call(2n), 1n);
  assert.equal(x.grow.call(2n), -1n);
  assert.equal(x.mem.size, 3);
  assert.deepEqual(x.mem.type, { min: 3, max: 4, is64: true, pageSize: 65536 });
  assert.throws(() => x.load.call(1n << 32n), (e) => e instanceof p.Trap && e.codeName === 'memory_out_of_bounds');
  assert.equal(x.t.type.is64, true);
  const m = new p.Module(store.engine, wat);
  assert.equal(m.exports.find((e) => e.name === 'mem').type.is64, true);
  const own = new p.Memory(store, { min: 1, max: 2 ** 40, is64: true });
  assert.deepEqual(own.type, { min: 1, max: 2 ** 40, is64: true, pageSize: 65536 });
  assert.throws(() => new p.Memory(store, { min: 1, max: 2 ** 40 }), p.PetrelError);
  const bytes = new p.Memory(store, { min: 3, pageSize: 1 });
  assert.equal(bytes.buffer.byteLength, 3);
  assert.equal(bytes.grow(2), 3);
  assert.equal(bytes.buffer.byteLength, 5);
  assert.equal(bytes.type.pageSize, 1);
  assert.equal(new p.Table(store, { min: 1, max: 2 ** 40, is64: true }).type.is64, true);
});

test('a memory that may move: grown buffers are detached when the call returns or calls the host', () => {
  for (const [config, decl] of [
    [{}, 'i64 1'],
    [{ staticMemoryGuard: false }, '1'],
  ]) {
    const engine = new p.Engine(config);
    const store = new p.Store(engine);
    const idx = decl.startsWith('i64') ? 'i64' : 'i32';
    let seen;
    let held;
    const host = new p.Func(store, new p.FuncType([], []), () => {
      seen = held.byteLength;
    });
    const wat = `(module (import "" "h" (func $h)) (memory (export "mem") ${decl})
      (func (export "grow") (param ${idx}) (result ${idx}) local.get 0 memory.grow)
      (func (export "grow_then_host") (param ${idx}) local.get 0 memory.grow drop call $h))`;
    const x = new p.Instance(store, new p.Module(engine, wat), [host]).exports;
    const arg = (n) => (idx === 'i64' ? BigInt(n) : n);
    held = x.mem.buffer;
    new Uint8Array(held)[7] = 42;
    x.grow.call(arg(7));
    assert.equal(held.byteLength, 0);
    held = x.mem.buffer;
    assert.equal(held.byteLength, 8 * 65536);
    assert.equal(new Uint8Array(held)[7], 42);
    x.grow_then_host.call(arg(8));
    assert.equal(seen, 0);
    assert.equal(x.mem.buffer.byteLength, 16 * 65536);
  }
});

test('globals and tables', () => {
  const { x, store } = setup();
  assert.equal(x.g.value, 7n);
  x.g.value = 9n;
  assert.equal(x.g.value, 9n);
  assert.equal(x.t.size, 2);
  assert.equal(x.t.get(0), null);
  x.t.set(1, x.callh);
  assert.equal(x.t.get(1).call(5), 10);
  assert.equal(x.t.grow(3, null), 2);
  const g = new p.Global(store, { content: 'f64', mutable: false }, 1.25);
  assert.equal(g.value, 1.25);
  assert.throws(() => {
    g.value = 2;
  }, p.PetrelError);
});

test('limits, serialize and deserialize', () => {
  const { engine, store, module, x } = setup();
  store.setLimits({ memorySize: 2 * 65536 });
  assert.throws(() => x.mem.grow(5));
  const bytes = module.serialize();
  const m2 = p.Module.deserialize(engine, bytes);
  assert.deepEqual(
    m2.exports.map((e) => e.name),
    module.exports.map((e) => e.name),
  );
  assert.throws(() => p.Module.deserialize(engine, bytes.subarray(0, 10)), p.PetrelError);
});

test('module keys: a shared key loads, another key does not', () => {
  const key = new p.Config().generateModuleKey();
  assert.equal(key.length, 32);
  const wat = '(module (func (export "f") (result i32) i32.const 7))';
  const a = new p.Engine(new p.Config({ moduleKey: key }));
  const b = new p.Engine(new p.Config({ moduleKey: key }));
  const other = new p.Engine(new p.Config({ moduleKey: new Uint8Array(32) }));
  const bytes = new p.Module(a, wat).serialize();
  assert.deepEqual(p.Module.deserialize(b, bytes).exports.map((e) => e.name), ['f']);
  assert.throws(() => p.Module.deserialize(other, bytes), /authentication failed/);
  assert.throws(() => new p.Config({ moduleKey: new Uint8Array(31) }), p.PetrelError);
  assert.throws(() => new p.Config({ moduleKey: 'not bytes' }), TypeError);
});

test('linker, caller and WASI with captured output', () => {
  const engine = new p.Engine();
  const linker = new p.Linker(engine);
  const seen = [];
  linker.defineFunc('h', 'f', { params: ['i32'], results: ['i32'] }, (caller, v) => {
    seen.push(caller.getExport('mem') instanceof p.Memory);
    return v + 1;
  }, { caller: true });
  linker.defineWasi();
  const store = new p.Store(engine);
  const inst = linker.instantiate(store, new p.Module(engine, WAT));
  assert.equal(inst.exports.callh.call(1), 2);
  assert.deepEqual(seen, [true]);
  const wasi = new p.WasiConfig();
  wasi.argv = ['prog'];
  wasi.captureStdout();
  const s2 = new p.Store(engine);
  s2.setWasi(wasi);
  const prog = new p.Module(engine, `(module
    (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
    (memory (export "memory") 1)
    (data (i32.const 16) "hi\\n")
    (func (export "_start")
      (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 3))
      (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
      (call $exit (i32.const 3))))`);
  const i2 = linker.instantiate(s2, prog);
  assert.throws(() => i2.exports._start.call(), (e) => e instanceof p.WasiExit && e.status === 3);
  assert.equal(s2.wasiStdout().toString(), 'hi\n');
});

test('async calls return promises; the store is busy meanwhile', async () => {
  const { x, store } = setup();
  const pr = x.add64.callAsync(2n, 3n);
  assert.throws(() => x.add64.call(1n, 1n), p.StoreBusyError);
  assert.equal(await pr, 5n);
  await assert.rejects(x.callh.callAsync(3), /async call/);
  await assert.rejects(x.boom.callAsync(), (e) => e instanceof p.Trap && e.codeName === 'unreachable');
  assert.equal(x.add64.call(1n, 2n), 3n);
  store.close();
  assert.throws(() => x.add64.call(1n, 2n), /store is closed/);
});

test('misuse is an error, never a crash', () => {
  const a = setup();
  const b = setup();
  assert.throws(() => b.x.t.set(0, a.x.callh), /store/);
  assert.throws(() => new p.Instance(b.store, b.module, [a.x.callh]));
  a.store.close();
  assert.throws(() => a.x.mem.buffer, /closed/);
  a.engine.close();
  assert.throws(() => new p.Store(a.engine), /deleted/);
});
