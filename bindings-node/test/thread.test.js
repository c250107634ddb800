'use strict';
// petrel/testing's callOnNewThread: a call on a new OS thread (the addon's
// std::thread), the JS thread blocked until it ends. A store is used by one
// thread at a time: from inside a host function the call meets the C API's
// gate and fails with a JS error; the store keeps working.
const test = require('node:test');
const assert = require('node:assert/strict');
const p = require('petrel');
const { callOnNewThread } = require('petrel/testing');

const { Val } = p;

function setup() {
  const engine = new p.Engine();
  const store = new p.Store(engine);
  const linker = new p.Linker(engine);
  const outcomes = [];
  linker.defineFunc('host', 'other_thread', { params: [], results: [] }, (c) => {
    try {
      outcomes.push({ ok: callOnNewThread(c.getExport('add'), 1, Val.i32(2)) });
    } catch (e) {
      outcomes.push({ error: e });
    }
    // The JS thread's own use of the store goes on.
    outcomes.push({ size: c.getExport('memory').size });
  }, { caller: true });
  linker.defineFunc('host', 'js', { params: [], results: [] }, () => {});
  const module = new p.Module(engine, `(module
    (import "host" "other_thread" (func $o))
    (import "host" "js" (func $js))
    (memory (export "memory") 1)
    (func (export "run") call $o)
    (func (export "calls_js") call $js)
    (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
    (func $boom (export "boom") unreachable)
    (func $rec (export "rec") (param i32) (result i32) (call $rec (local.get 0))))`);
  const instance = linker.instantiate(store, module);
  return { store, x: instance.exports, outcomes };
}

test('on an idle store the call runs on the other thread', () => {
  const { x } = setup();
  const r = callOnNewThread(x.add, 40, Val.i32(2));
  assert.equal(r.length, 1);
  assert.ok(r[0].equals(Val.i32(42)));
  for (let i = 0; i < 20; i++) assert.equal(callOnNewThread(x.add, i, 1)[0].value, i + 1);
});

test('from inside a host function the store is busy: a thread error, and the store works afterwards', () => {
  const { x, outcomes } = setup();
  for (let i = 0; i < 3; i++) {
    x.run.call();
    const [first, second] = outcomes.splice(0);
    assert.ok(first.error instanceof p.PetrelError, String(first.error));
    assert.match(first.error.message, /in use by another thread/);
    assert.deepEqual(second, { size: 1 });
    assert.equal(x.add.call(1, 2), 3);
  }
  assert.equal(callOnNewThread(x.add, 1, 2)[0].value, 3);
});

test('errors on the other thread are JS errors; JS keeps working', () => {
  const { x, store } = setup();
  assert.throws(
    () => callOnNewThread(x.boom),
    (e) => e instanceof p.Trap && e.codeName === 'unreachable' && e.frames[0].funcName === 'boom',
  );
  assert.throws(() => callOnNewThread(x.rec, 1), (e) => e instanceof p.Trap && e.codeName === 'stack_overflow');
  // No JS runs on that thread: a host function reached there fails the call.
  assert.throws(() => callOnNewThread(x.calls_js), /cannot run outside the JS thread/);
  assert.throws(() => callOnNewThread(x.add, 1), TypeError);
  assert.throws(() => callOnNewThread(x.add, 1, Val.f32(1)), TypeError);
  assert.throws(() => callOnNewThread({}), TypeError);
  assert.equal(x.add.call(2, 3), 5);
  store.close();
  assert.throws(() => callOnNewThread(x.add, 1, 2), /store is closed/);
});

test('an async call in flight makes the store busy for the thread too', async () => {
  const { x } = setup();
  const pending = x.add.callAsync(1, 2);
  assert.throws(() => callOnNewThread(x.add, 1, 2), p.StoreBusyError);
  assert.equal(await pending, 3);
  assert.equal(callOnNewThread(x.add, 1, 2)[0].value, 3);
});
