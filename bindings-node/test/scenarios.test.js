'use strict';
// Runner of the shared scenario suite (scenarios/README.md is the
// contract) on the public `petrel` package. The suite is read from
// $PETREL_SCENARIOS or the repository's scenarios/; when it is absent the
// run FAILS (never skips). Expected failures: bindings-node/scenarios_expected_failures.txt
// (a listed scenario that passes fails the run, so the list only shrinks).
// A handle used "with another store" is rebuilt on that store with the
// classes' internal `_make` (the public API binds each handle to its store).
// Typed values are `Val`s throughout (arguments, results, host function
// arguments, globals, tables): floats travel as bits, and a value of the
// wrong type is the API's TypeError. `call_on_other_thread` uses
// `petrel/testing`'s callOnNewThread (a native OS thread, joined).
const test = require('node:test');
const fs = require('node:fs');
const path = require('node:path');
const p = require('petrel');
const { callOnNewThread } = require('petrel/testing');

const { Val } = p;
const DIR = process.env.PETREL_SCENARIOS || path.join(__dirname, '..', '..', 'scenarios');
const EXPECTED = path.join(__dirname, '..', 'scenarios_expected_failures.txt');

class HostError extends Error {}

/** A scenario's typed value as a Val (`ctx` resolves funcref exports). */
function parseValue(v, ctx) {
  const [k] = Object.keys(v);
  const s = v[k];
  switch (k) {
    case 'i32':
      return Val.i32(Number(BigInt.asIntN(32, BigInt(s))));
    case 'i64':
      return Val.i64(BigInt.asIntN(64, BigInt(s)));
    case 'f32':
      return Val.f32Bits(Number(BigInt(s)));
    case 'f64':
      return Val.f64Bits(BigInt(s));
    case 'v128':
      return Val.v128(BigInt(s));
    case 'funcref':
      return Val.funcref(s === null ? null : ctx.item(s.instance, s.export));
    default:
      return Val.externref(s === null ? null : { ext: BigInt(s) });
  }
}

/** A Val as it is compared: its type, and its bits (references: null, non-null, the host value). */
function bitsOf(x) {
  if (!(x instanceof Val)) throw new TypeError(`the binding gave ${typeof x}, not a Val`);
  const k = x.kind;
  if (k === 'funcref') return { k, b: x.value === null ? 'null' : 'non-null' };
  if (k === 'externref') return { k, b: x.value === null ? 'null' : `${x.value.ext}` };
  return { k, b: `${x.bits}` };
}

function expectBits(v) {
  const [k] = Object.keys(v);
  if (k === 'funcref') return { k, b: v[k] === null ? 'null' : 'non-null' };
  if (k === 'externref') return { k, b: v[k] === null ? 'null' : `${BigInt(v[k])}` };
  return bitsOf(parseValue(v));
}

function classify(e, hostSide) {
  if (e instanceof HostError) return { error: 'host_error', message: e.message, e };
  if (e instanceof p.Trap) {
    if (hostSide && (e.codeName === 'memory_out_of_bounds' || e.codeName === 'table_out_of_bounds')) return { error: 'out_of_bounds' };
    return { error: 'trap', trap: e.codeName, frames: e.frames.map((f) => f.funcName) };
  }
  if (e instanceof p.StoreBusyError) return { error: 'thread' };
  const m = String(e?.message ?? e);
  if (e instanceof TypeError) return { error: m.includes('arguments, got') ? 'arity' : 'type_mismatch' };
  const table = [
    [['wrong store', 'is not in this store'], 'wrong_store'],
    [['store is closed'], 'closed_store'],
    [['in use by another thread'], 'thread'],
    [['while it is in use'], 'in_use'],
    [['failed to parse WebAssembly text', 'invalid WebAssembly module'], 'compile'],
    [['serialized module', 'serialized Petrel module', 'compiled Petrel module', 'the compiled module', 'authentication failed'], 'deserialize'],
    [['unknown import', 'incompatible import type', 'imports, found', 'already defined', 'different engine'], 'link'],
    [['resource limit exceeded', 'failed to grow'], 'limit'],
    [['immutable global'], 'immutable'],
    [['is not enabled'], 'not_enabled'],
    [[' arguments, got '], 'arity'],
    [['cannot hold a', ', expected ', 'is not a value of type'], 'type_mismatch'],
  ];
  for (const [subs, kind] of table) if (subs.some((s) => m.includes(s))) return { error: kind };
  return { error: 'unclassified', message: m };
}

async function runScenario(sc) {
  const cfg = sc.config ?? {};
  let engine = new p.Engine({
    consumeFuel: cfg.consume_fuel,
    epochInterruption: cfg.epoch_interruption,
    ...(cfg.static_memory_guard !== undefined ? { staticMemoryGuard: cfg.static_memory_guard } : {}),
    ...(cfg.max_wasm_stack !== undefined ? { maxWasmStack: Number(cfg.max_wasm_stack) } : {}),
    ...(cfg.wasm_wide_arithmetic !== undefined ? { wasmWideArithmetic: cfg.wasm_wide_arithmetic } : {}),
    ...(cfg.wasm_custom_page_sizes !== undefined ? { wasmCustomPageSizes: cfg.wasm_custom_page_sizes } : {}),
  });
  const linker = new p.Linker(engine);
  const stores = { main: new p.Store(engine) };
  const modules = {};
  const instances = {};
  const log = [];
  let lastHostError = null;
  const ctx = {
    item(inst, name) {
      const x = instances[inst].getExport(name);
      if (!x) throw new Error(`no export ${name}`);
      return x;
    },
  };
  const module = (name) => {
    if (!modules[name]) {
      const src = sc.modules[name];
      modules[name] = new p.Module(engine, typeof src === 'string' ? src : Buffer.from(src.hex, 'hex'));
    }
    return modules[name];
  };
  // Host functions take Vals ({ vals: true }) and return Vals.
  const hostFn = (def) => {
    const results = def.results;
    const zero = (k) => ({ i32: Val.i32(0), i64: Val.i64(0n), f32: Val.f32Bits(0), f64: Val.f64Bits(0n), v128: Val.v128(0n), funcref: Val.funcref(null), externref: Val.externref(null) })[k];
    const one = (r) => (results.length === 1 ? r[0] : results.length === 0 ? undefined : r);
    switch (def.func) {
      case 'add':
        return (_c, a, b) => (def.params[0] === 'i64' ? Val.i64(BigInt.asIntN(64, a.value + b.value)) : Val.i32((a.value + b.value) | 0));
      case 'echo':
        return (_c, ...a) => one(a);
      case 'nop':
        return () => one(results.map(zero));
      case 'throw_host_error':
        return () => {
          lastHostError = new HostError(def.message);
          throw lastHostError;
        };
      case 'trap':
        return () => {
          throw new p.Trap(def.trap, p.TrapCode[def.trap.toUpperCase()]);
        };
      case 'call_back_into_wasm':
        return (c, ...a) => one(c.getExport(def.export).callVals(...a));
      case 'record':
        return (_c, ...a) => {
          for (const x of a) log.push(bitsOf(x));
        };
      case 'record_memory_byte':
        return (c, addr) => {
          log.push(bitsOf(Val.i32(c.getExport('memory').read(addr.bits, 1)[0])));
        };
      case 'grow_memory':
        return (c, n) => {
          try {
            return Val.i32(c.getExport('memory').grow(n.value));
          } catch {
            return Val.i32(-1);
          }
        };
      case 'call_on_other_thread':
        return (c) => {
          const f = c.getExport(def.export);
          const args = (def.args ?? []).map((a) => parseValue(a, ctx));
          try {
            callOnNewThread(f, ...args);
            log.push({ ok: true });
          } catch (e) {
            log.push({ error: classify(e).error });
          }
        };
      case 'increment_epoch':
        return () => engine.incrementEpoch();
      case 'close_store':
        return (c) => {
          try {
            c.store.close();
            log.push({ ok: true });
          } catch (e) {
            log.push({ error: classify(e).error });
          }
        };
      default:
        throw new Error(`host function ${def.func} is not implemented by this runner`);
    }
  };
  const HOST_OPTIONS = { caller: true, vals: true };
  const defineHost = (def) => linker.defineFunc(def.module, def.name, { params: def.params, results: def.results }, hostFn(def), HOST_OPTIONS);
  if (sc.wasi) linker.defineWasi();
  for (const h of sc.host ?? []) defineHost(h);

  const onStore = (x, store) => (store === undefined || x.store === store ? x : x.constructor._make(store, x._h));
  const storeOf = (st) => (st.store ? stores[st.store] : st.instance ? instances[st.instance].store : stores.main);

  async function step(st) {
    const store = storeOf(st);
    const item = (kind) => {
      const x = instances[st.instance].getExport(st.export);
      if (!(x instanceof kind)) throw Object.assign(new Error('not found'), { notFound: true });
      return onStore(x, st.store ? stores[st.store] : undefined);
    };
    switch (st.op) {
      case 'store_new':
        stores[st.store] = new p.Store(engine);
        return 'ok';
      case 'compile':
        module(st.module);
        return 'ok';
      case 'instantiate': {
        const s = stores[st.store ?? 'main'];
        if (!st.imports) instances[st.as] = linker.instantiate(s, module(st.module));
        else {
          const items = st.imports.map((im) => {
            if (im.host) {
              const def = sc.host.find((h) => h.name === im.host);
              return new p.Func(stores[im.store ?? 'main'], { params: def.params, results: def.results }, hostFn(def), HOST_OPTIONS);
            }
            return ctx.item(im.instance, im.export);
          });
          instances[st.as] = new p.Instance(s, module(st.module), items);
        }
        return 'ok';
      }
      case 'exports': {
        const inst = onStore(instances[st.instance], st.store ? stores[st.store] : undefined);
        inst._exports = null;
        void inst.exports;
        return 'ok';
      }
      case 'call':
      case 'host_call': {
        let f;
        if (st.op === 'host_call') {
          const def = sc.host.find((h) => h.name === st.host);
          f = new p.Func(store, { params: def.params, results: def.results }, hostFn(def), HOST_OPTIONS);
        } else f = item(p.Func);
        const args = st.args.map((a) => parseValue(a, ctx));
        const r = st.on_thread ? await f.callValsAsync(...args) : f.callVals(...args);
        return { results: r.map(bitsOf) };
      }
      case 'memory_size':
        return { size: `${item(p.Memory).size}` };
      case 'memory_grow':
        return { old_size: `${item(p.Memory).grow(Number(st.delta))}` };
      case 'memory_read':
        return { bytes: Buffer.from(item(p.Memory).read(Number(st.offset), Number(st.length))).toString('hex') };
      case 'memory_write':
        item(p.Memory).write(Number(st.offset), Buffer.from(st.bytes, 'hex'));
        return 'ok';
      case 'table_size':
        return { size: `${item(p.Table).size}` };
      case 'table_get':
        return { value: bitsOf(item(p.Table).getVal(Number(st.index))) };
      case 'table_set':
        item(p.Table).set(Number(st.index), parseValue(st.value, ctx));
        return 'ok';
      case 'table_grow':
        return { old_size: `${item(p.Table).grow(Number(st.delta), parseValue(st.init, ctx))}` };
      case 'global_get':
        return { value: bitsOf(item(p.Global).getVal()) };
      case 'global_set':
        item(p.Global).setVal(parseValue(st.value, ctx));
        return 'ok';
      case 'set_fuel':
        store.setFuel(BigInt(st.fuel));
        return 'ok';
      case 'get_fuel':
        return { fuel: `${store.getFuel()}` };
      case 'set_epoch_deadline':
        store.setEpochDeadline(BigInt(st.ticks));
        return 'ok';
      case 'increment_epoch':
        engine.incrementEpoch();
        return 'ok';
      case 'set_limits':
        store.setLimits({ memorySize: BigInt(st.memory_size), tableElements: BigInt(st.table_elements), instances: BigInt(st.instances) });
        return 'ok';
      case 'close_store':
        stores[st.store].close();
        return 'ok';
      case 'drop_engine':
        engine.close();
        engine = { incrementEpoch: () => {}, _raw: null };
        return 'ok';
      case 'drop_module':
        modules[st.module].close();
        return 'ok';
      case 'serialize': {
        let b = Buffer.from(module(st.module).serialize());
        const n = b.length;
        switch (st.corrupt) {
          case 'truncate_half':
            b = b.subarray(0, Math.floor(n / 2));
            break;
          case 'flip_first_byte':
            b[0] ^= 0xff;
            break;
          case 'flip_middle_byte':
            b[Math.floor(n / 2)] ^= 0xff;
            break;
          case 'flip_last_byte':
            b[n - 1] ^= 0xff;
            break;
          case 'empty':
            b = Buffer.alloc(0);
            break;
          case 'append_byte':
            b = Buffer.concat([b, Buffer.alloc(1)]);
            break;
        }
        modules[st.as] = p.Module.deserialize(engine, b);
        return 'ok';
      }
      case 'linker_define':
        linker.define(stores[st.store ?? 'main'], st.module, st.name, onStore(ctx.item(st.instance, st.export), undefined));
        return 'ok';
      case 'linker_define_instance':
        linker.defineInstance(st.store ? stores[st.store] : instances[st.instance].store, st.module, instances[st.instance]);
        return 'ok';
      case 'linker_define_host':
        defineHost(st.host);
        return 'ok';
      case 'linker_allow_shadowing':
        linker.allowShadowing = st.allow;
        return 'ok';
      case 'wasi_run': {
        const w = new p.WasiConfig();
        w.argv = st.args ?? [];
        w.env = st.env ?? [];
        w.stdin = Buffer.from(st.stdin ?? '', 'utf8');
        w.captureStdout();
        w.captureStderr();
        store.setWasi(w);
        const inst = linker.instantiate(store, module(st.module));
        let code = 0;
        try {
          inst.getExport('_start').call();
        } catch (e) {
          if (e instanceof p.WasiExit) code = e.status;
          else throw e;
        }
        return { exit_code: code, stdout: store.wasiStdout().toString('utf8'), stderr: store.wasiStderr().toString('utf8') };
      }
      case 'log': {
        const l = log.splice(0);
        return { log: l };
      }
      default:
        throw new Error(`op ${st.op} is not implemented by this runner`);
    }
  }

  const normalizeExpect = (ex) => {
    if (ex === 'ok' || ex === undefined) return 'ok';
    if (ex.results) return { results: ex.results.map(expectBits) };
    if (ex.value !== undefined) return { value: expectBits(ex.value) };
    if (ex.log) return { log: ex.log.map((e) => (e.ok || e.error ? e : expectBits(e))) };
    return ex;
  };

  for (const [i, st] of sc.steps.entries()) {
    const n = st.repeat ?? 1;
    const want = normalizeExpect(st.expect);
    for (let r = 0; r < n; r++) {
      let got;
      try {
        got = await step(st);
      } catch (e) {
        if (e?.notFound) got = { error: 'not_found' };
        else got = classify(e, ['memory_read', 'memory_write', 'table_get', 'table_set', 'table_grow', 'memory_grow'].includes(st.op));
      }
      let ok;
      if (want.error) {
        ok = got.error === want.error;
        if (ok && want.trap) ok = got.trap === want.trap && (!want.frames || JSON.stringify(got.frames) === JSON.stringify(want.frames));
        if (ok && want.error === 'host_error') ok = got.message === want.message && got.e === lastHostError;
      } else ok = JSON.stringify(got) === JSON.stringify(want);
      if (!ok) {
        const show = (x) => JSON.stringify(x, (_, v) => (typeof v === 'bigint' ? `${v}` : v instanceof Error ? v.message : v));
        return `step ${i} (${st.op}): expected ${show(want)}, got ${show(got)}`;
      }
    }
  }
  for (const s of Object.values(stores)) {
    try {
      s.close();
    } catch {}
  }
  return null;
}

test('the shared scenario suite', async () => {
  if (!fs.existsSync(DIR)) throw new Error(`the scenario suite is missing: ${DIR} (set PETREL_SCENARIOS)`);
  const expected = new Map();
  for (const line of fs.readFileSync(EXPECTED, 'utf8').split('\n')) {
    const t = line.trim();
    if (!t || t.startsWith('#')) continue;
    const sp = t.indexOf(' ');
    expected.set(sp < 0 ? t : t.slice(0, sp), sp < 0 ? '' : t.slice(sp + 1));
  }
  const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
  let passed = 0;
  let failed = 0;
  const problems = [];
  const seen = new Set();
  for (const f of files) {
    for (const sc of JSON.parse(fs.readFileSync(path.join(DIR, f), 'utf8')).scenarios) {
      if (seen.has(sc.name)) problems.push(`duplicate scenario ${sc.name}`);
      seen.add(sc.name);
      let why;
      try {
        why = await runScenario(sc);
      } catch (e) {
        why = `runner error: ${e?.message ?? e}`;
      }
      if (why === null) {
        passed++;
        if (expected.has(sc.name)) problems.push(`${sc.name}: passes but is on the expected-failures list`);
      } else {
        failed++;
        console.log(`FAIL ${sc.name}: ${why}${expected.has(sc.name) ? ' (expected)' : ''}`);
        if (!expected.has(sc.name)) problems.push(`${sc.name}: ${why}`);
      }
    }
  }
  console.log(`scenarios: ${passed} passed, ${failed} failed`);
  if (problems.length) throw new Error(`unexpected scenario results:\n${problems.join('\n')}`);
});
