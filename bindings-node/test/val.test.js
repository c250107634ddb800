'use strict';
// Val: typed values with bit-exact floats, and the TypeError for a Val of
// another type (no conversion) in calls, host results, globals and tables.
const test = require('node:test');
const assert = require('node:assert/strict');
const p = require('petrel');

const { Val } = p;
const SNAN64 = 0x7ff0000000000001n; // signalling: quiet bit clear, payload 1
const SNAN32 = 0x7fa00001;
const NEG_SNAN64 = 0xfff4000000000abcn;

const WAT = `(module
  (import "h" "echo" (func $echo (param f64) (result f64)))
  (import "h" "echo32" (func $echo32 (param f32) (result f32)))
  (import "h" "wrong" (func $wrong (result i32)))
  (global $g32 (export "g32") (mut f32) (f32.const 0))
  (global $g64 (export "g64") (mut f64) (f64.const 0))
  (table (export "t") 1 funcref)
  (func (export "f64") (param f64) (result f64) local.get 0)
  (func (export "f32") (param f32) (result f32) local.get 0)
  (func (export "f64bits") (param f64) (result i64) local.get 0 i64.reinterpret_f64)
  (func (export "f32bits") (param f32) (result i32) local.get 0 i32.reinterpret_f32)
  (func (export "via_host") (param f64) (result f64) local.get 0 call $echo)
  (func (export "via_host32") (param f32) (result f32) local.get 0 call $echo32)
  (func (export "call_wrong") (result i32) call $wrong)
  (func (export "g32bits") (result i32) global.get $g32 i32.reinterpret_f32)
  (func (export "set_g64_bits") (param i64) local.get 0 f64.reinterpret_i64 global.set $g64)
  (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  (func (export "add64") (param i64 i64) (result i64) local.get 0 local.get 1 i64.add)
  (func (export "id") (param funcref) (result funcref) local.get 0)
  (func (export "mixed") (param i32 funcref f64) (result f64 i32) local.get 2 local.get 0)
  (func (export "v") (param v128) (result v128) local.get 0))`;

function setup() {
  const engine = new p.Engine();
  const store = new p.Store(engine);
  const linker = new p.Linker(engine);
  const seen = [];
  linker.defineFunc('h', 'echo', { params: ['f64'], results: ['f64'] }, (x) => {
    seen.push(x);
    return x;
  }, { vals: true });
  linker.defineFunc('h', 'echo32', { params: ['f32'], results: ['f32'] }, (_c, x) => {
    seen.push(x);
    return x;
  }, { vals: true, caller: true });
  linker.defineFunc('h', 'wrong', { params: [], results: ['i32'] }, () => Val.f32(1));
  const instance = linker.instantiate(store, new p.Module(engine, WAT));
  return { engine, store, x: instance.exports, seen };
}

test('Val constructors: kind, value, bits, and ranges', () => {
  assert.equal(Val.i32(-1).kind, 'i32');
  assert.equal(Val.i32(-1).value, -1);
  assert.equal(Val.i32(-1).bits, 0xffffffff);
  assert.equal(Val.i32(0xffffffff).value, -1);
  assert.throws(() => Val.i32(2 ** 32), RangeError);
  assert.throws(() => Val.i32(1.5), RangeError);
  assert.throws(() => Val.i32(1n), TypeError);
  assert.equal(Val.i64(2n ** 64n - 1n).value, -1n);
  assert.equal(Val.i64(-1n).bits, 2n ** 64n - 1n);
  assert.throws(() => Val.i64(1), TypeError);
  assert.throws(() => Val.i64(2n ** 64n), RangeError);
  assert.equal(Val.f32(1.5).bits, 0x3fc00000);
  assert.equal(Val.f32(0.1).value, Math.fround(0.1));
  assert.equal(Val.f64(-0).bits, 0x8000000000000000n);
  assert.ok(Object.is(Val.f64(-0).value, -0));
  assert.equal(Val.f32Bits(SNAN32).bits, SNAN32);
  assert.equal(Val.f32Bits(BigInt(SNAN32)).bits, SNAN32);
  assert.equal(Val.f32Bits(-1).bits, 0xffffffff);
  assert.ok(Number.isNaN(Val.f32Bits(SNAN32).value));
  assert.equal(Val.f64Bits(SNAN64).bits, SNAN64);
  assert.equal(Val.f64Bits(-1n).bits, 2n ** 64n - 1n);
  assert.throws(() => Val.f64Bits(1), TypeError);
  assert.throws(() => Val.f32Bits(2 ** 32), RangeError);
  const bytes = new Uint8Array(16);
  bytes[0] = 1;
  bytes[15] = 0x80;
  assert.equal(Val.v128(bytes).bits, (0x80n << 120n) | 1n);
  assert.equal(Val.v128(-1n).bits, 2n ** 128n - 1n);
  assert.throws(() => Val.v128(2n ** 128n), RangeError);
  assert.throws(() => Val.v128(new Uint8Array(15)), RangeError);
  assert.throws(() => Val.v128(1), TypeError);
  assert.equal(Val.funcref(null).value, null);
  assert.throws(() => Val.funcref({}), TypeError);
  assert.throws(() => Val.funcref(null).bits, TypeError);
  const host = { any: 'thing' };
  assert.equal(Val.externref(host).value, host);
  assert.equal(Val.externref(undefined).value, null);
  assert.throws(() => new Val(), TypeError);
  assert.ok(Object.isFrozen(Val.i32(1)));
  assert.ok(Val.of('f64', 1.5).equals(Val.f64(1.5)));
  assert.ok(Val.of(p.ValKind.I64, 3n).equals(Val.i64(3n)));
  assert.ok(!Val.f64Bits(SNAN64).equals(Val.f64(Number.NaN)));
  assert.ok(!Val.i32(1).equals(Val.f32Bits(1)));
  assert.equal(String(Val.f64Bits(SNAN64)), 'Val.f64Bits(0x7ff0000000000001n)');
  assert.equal(String(Val.f32Bits(SNAN32)), 'Val.f32Bits(0x7fa00001)');
  assert.equal(String(Val.f64(-0)), 'Val.f64(-0)');
  assert.equal(String(Val.i64(-2n)), 'Val.i64(-2n)');
});

test('a signalling NaN survives a call both ways, bit for bit', async () => {
  const { x } = setup();
  for (const bits of [SNAN64, NEG_SNAN64, 0x7ff8000000000abcn, 0x8000000000000000n]) {
    const [r] = x.f64.callVals(Val.f64Bits(bits));
    assert.equal(r.kind, 'f64');
    assert.equal(r.bits, bits);
    // wasm sees the exact bits (the numeric fast path writes Vals too).
    assert.equal(x.f64bits.call(Val.f64Bits(bits)), BigInt.asIntN(64, bits));
    assert.equal(x.f64bits.callVals(Val.f64Bits(bits))[0].bits, bits);
  }
  assert.equal(x.f32.callVals(Val.f32Bits(SNAN32))[0].bits, SNAN32);
  assert.equal(x.f32bits.call(Val.f32Bits(SNAN32)), SNAN32);
  const [async] = await x.f64.callValsAsync(Val.f64Bits(SNAN64));
  assert.equal(async.bits, SNAN64);
  // Several results, mixed with a reference parameter (the generic path).
  const [f, i] = x.mixed.callVals(7, Val.funcref(null), Val.f64Bits(SNAN64));
  assert.equal(f.bits, SNAN64);
  assert.ok(i.equals(Val.i32(7)));
});

test('a signalling NaN survives a host function taking and returning Vals', () => {
  const { x, seen } = setup();
  assert.equal(x.via_host.callVals(Val.f64Bits(SNAN64))[0].bits, SNAN64);
  assert.equal(seen[0].bits, SNAN64);
  assert.equal(x.via_host32.callVals(Val.f32Bits(SNAN32))[0].bits, SNAN32);
  assert.equal(seen[1].bits, SNAN32);
});

test('a signalling NaN survives a global both ways, bit for bit', () => {
  const { x, store } = setup();
  x.g32.setVal(Val.f32Bits(SNAN32));
  assert.equal(x.g32.getVal().bits, SNAN32);
  assert.equal(x.g32bits.call(), SNAN32);
  x.g32.value = Val.f32Bits(0x7fc0abcd);
  assert.equal(x.g32.getVal().bits, 0x7fc0abcd);
  x.set_g64_bits.call(BigInt.asIntN(64, SNAN64));
  assert.equal(x.g64.getVal().bits, SNAN64);
  const g = new p.Global(store, { content: 'f64', mutable: true }, Val.f64Bits(NEG_SNAN64));
  assert.equal(g.getVal().bits, NEG_SNAN64);
  g.value = 2.5;
  assert.equal(g.value, 2.5);
  assert.ok(g.getVal().equals(Val.f64(2.5)));
});

test('v128 and references as Vals', () => {
  const { x } = setup();
  const v = 0x0102030405060708090a0b0c0d0e0f10n;
  assert.equal(x.v.callVals(Val.v128(v))[0].bits, v);
  assert.equal(x.v.call(Val.v128(v))[0], 0x10); // plain: lane byte 0 first
  const [r] = x.id.callVals(Val.funcref(x.add));
  assert.equal(r.kind, 'funcref');
  assert.equal(r.value.call(2, 3), 5);
  x.t.set(0, Val.funcref(x.add));
  assert.equal(x.t.getVal(0).value.call(1, 1), 2);
  assert.equal(x.t.grow(1, Val.funcref(null)), 1);
  assert.ok(x.t.getVal(1).equals(Val.funcref(null)));
});

test('a Val of another type is a TypeError, never converted', async () => {
  const { x } = setup();
  assert.equal(x.add.call(Val.i32(1), 2), 3);
  assert.ok(x.add.callVals(1, Val.i32(2))[0].equals(Val.i32(3)));
  // The f32 2.0 is not the i32 2.
  assert.throws(() => x.add.call(1, Val.f32(2)), TypeError);
  assert.throws(() => x.add.callVals(1, Val.f32(2)), TypeError);
  assert.throws(() => x.add.fn(Val.i64(1n), 2), TypeError);
  assert.throws(() => x.add64.call(Val.i32(1), 2n), TypeError);
  assert.throws(() => x.f64.call(Val.i32(1)), TypeError);
  assert.throws(() => x.f64.call(Val.f32(1)), TypeError);
  assert.throws(() => x.f32.call(Val.f64(1)), TypeError);
  assert.throws(() => x.id.call(Val.externref(1)), TypeError);
  assert.throws(() => x.mixed.call(Val.f32(1), null, 1), TypeError);
  await assert.rejects(x.add.callAsync(1, Val.f64(2)), TypeError);
  await assert.rejects(x.add.callValsAsync(1, Val.f64(2)), TypeError);
  // A host function returning a Val of another type: the wasm call fails with that TypeError.
  assert.throws(() => x.call_wrong.call(), TypeError);
  // Globals and tables.
  x.g32.setVal(Val.f32(1.5));
  assert.throws(() => x.g32.setVal(Val.f64(2)), TypeError);
  assert.throws(() => {
    x.g32.value = Val.i32(2);
  }, TypeError);
  assert.throws(() => x.g32.setVal(2), TypeError);
  assert.equal(x.g32.value, 1.5);
  assert.throws(() => x.t.set(0, Val.externref(null)), TypeError);
  assert.throws(() => x.t.grow(1, Val.i32(0)), TypeError);
  // The store works after every refusal.
  assert.equal(x.add.call(2, 2), 4);
});
