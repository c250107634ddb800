'use strict';
// The same cases against Node's built-in WebAssembly and Petrel's
// namespace; the outcomes must be identical.
const test = require('node:test');
const assert = require('node:assert/strict');
const { wat2wasm, WebAssembly: PetrelWA } = require('petrel');

const MOD = wat2wasm(`(module
  (import "env" "log" (func $log (param i32) (result i32)))
  (import "env" "mem" (memory 1 4))
  (import "env" "g" (global $g i32))
  (global $mg (export "mg") (mut i64) (i64.const 5))
  (table (export "tab") 2 funcref)
  (func $add (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "add64") (param i64 i64) (result i64) (i64.add (local.get 0) (local.get 1)))
  (func (export "f32") (param f32) (result f32) (local.get 0))
  (func (export "trap") (result i32) unreachable)
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "callLog") (param i32) (result i32) (call $log (local.get 0)))
  (func (export "getG") (result i32) (global.get $g))
  (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "pair") (result i32 i64) (i32.const 1) (i64.const 2))
  (elem (i32.const 0) $add))`);

function outcome(f) {
  try {
    const v = f();
    return { ok: typeof v === 'bigint' ? `${v}n` : v };
  } catch (e) {
    return { error: e?.constructor?.name ?? typeof e };
  }
}

function run(WA) {
  const out = {};
  const mem = new WA.Memory({ initial: 1, maximum: 4 });
  new Uint8Array(mem.buffer)[7] = 42;
  const g = new WA.Global({ value: 'i32', mutable: false }, 99);
  const thrown = { mine: true };
  const env = {
    log: (x) => {
      if (x === 13) throw thrown;
      return x * 3;
    },
    mem,
    g,
  };
  out.validate = [WA.validate(MOD), WA.validate(new Uint8Array([0, 97, 115, 109, 2, 0, 0, 0]))];
  out.compileError = outcome(() => new WA.Module(new Uint8Array([1, 2, 3])));
  const module = new WA.Module(MOD);
  out.moduleExports = WA.Module.exports(module);
  out.moduleImports = WA.Module.imports(module);
  out.linkMissing = outcome(() => new WA.Instance(module, { env: { mem, g } }));
  out.linkWrongKind = outcome(() => new WA.Instance(module, { env: { ...env, mem: 5 } }));
  out.noImports = outcome(() => new WA.Instance(module));
  const { exports: x } = new WA.Instance(module, { env });
  out.keys = Object.keys(x);
  out.add = [x.add(2, 3), x.add(2 ** 32 + 5, 1), x.add(-1, 0), x.add(), x.add(1.9, '2')];
  out.add64 = outcome(() => x.add64(1n << 63n, 1n));
  out.add64Number = outcome(() => x.add64(1, 2));
  out.f32 = x.f32(0.1);
  out.trap = outcome(() => x.trap());
  out.div = outcome(() => x.div(1, 0));
  out.callLog = x.callLog(5);
  out.hostThrows = outcome(() => x.callLog(13));
  out.sameThrown = (() => {
    try {
      x.callLog(13);
    } catch (e) {
      return e === thrown;
    }
  })();
  out.getG = x.getG();
  out.load = x.load(7);
  out.oob = outcome(() => x.load(65536 * 4));
  const before = mem.buffer;
  out.grow = [mem.grow(1), before.byteLength, mem.buffer.byteLength, x.grow(1), mem.buffer.byteLength];
  out.growTooMuch = outcome(() => mem.grow(10));
  out.mg = [x.mg.value, (() => { x.mg.value = 7n; return x.mg.value; })()];
  out.tab = [x.tab.length, typeof x.tab.get(0), x.tab.get(0)(4, 5), x.tab.get(1)];
  out.tabOob = outcome(() => x.tab.get(5));
  out.pair = x.pair();
  out.immutable = outcome(() => { g.value = 1; });
  return JSON.parse(JSON.stringify(out, (_, v) => (typeof v === 'bigint' ? `${v}n` : v)));
}

module.exports = { run };
if (process.env.WA_DIFF) { const a = run(globalThis.WebAssembly), b = run(PetrelWA); for (const k of Object.keys(a)) if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) console.log(k, JSON.stringify(a[k]), JSON.stringify(b[k])); }
test('Petrel\'s WebAssembly namespace gives the same results as the built-in', () => {
  const builtin = run(globalThis.WebAssembly);
  const petrel = run(PetrelWA);
  assert.deepEqual(petrel, builtin);
});

test('instantiate and compile return promises', async () => {
  for (const WA of [globalThis.WebAssembly, PetrelWA]) {
    const bytes = wat2wasm('(module (func (export "f") (result i32) (i32.const 7)))');
    const { instance, module } = await WA.instantiate(bytes);
    assert.equal(instance.exports.f(), 7);
    const i2 = await WA.instantiate(await WA.compile(bytes));
    assert.equal(i2.exports.f(), 7);
    assert.ok(module instanceof WA.Module);
    await assert.rejects(WA.compile(new Uint8Array([0])), WA.CompileError);
  }
});

test('sandbox options: fuel and memory cap', () => {
  const WA = PetrelWA.create({ fuel: 10000, maxMemoryBytes: 2 * 65536 });
  const bytes = wat2wasm('(module (memory (export "m") 1) (func (export "spin") (loop br 0)))');
  const { exports: x } = new WA.Instance(new WA.Module(bytes));
  assert.throws(() => x.spin(), (e) => e instanceof WA.RuntimeError && e.codeName === 'out_of_fuel');
  assert.equal(x.m.grow(1), 1);
  assert.throws(() => x.m.grow(1), RangeError);
});
