'use strict';
// A `WebAssembly`-compatible namespace running on Petrel: code written for
// the built-in JS API runs in Petrel's sandbox by changing one import.
// Options (per namespace from `create(options)`, or per instantiation):
// `fuel` (units of wasm work before a RuntimeError), `maxMemoryBytes`
// (cap on any one memory), `maxTableElements`, `maxInstances`.
// Everything of one namespace lives in one Petrel store, so memories,
// tables and globals made with `new Memory(...)` can be imported anywhere.

const P = require('./index');

class CompileError extends Error {
  constructor(m) {
    super(m);
    this.name = 'CompileError';
  }
}
class LinkError extends Error {
  constructor(m) {
    super(m);
    this.name = 'LinkError';
  }
}
class RuntimeError extends Error {
  constructor(m, trap) {
    super(m);
    this.name = 'RuntimeError';
    if (trap) {
      this.code = trap.code;
      this.codeName = trap.codeName;
      this.frames = trap.frames;
    }
  }
}

const KIND = { func: 'function', table: 'table', memory: 'memory', global: 'global' };

function bytesOf(source) {
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (ArrayBuffer.isView(source)) return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  throw new TypeError('WebAssembly: argument must be a BufferSource');
}

function runtime(e) {
  if (e instanceof P.Trap) return new RuntimeError(e.message, e);
  if (e instanceof P.PetrelError) return new RuntimeError(e.message);
  return e;
}

function toWasm(kind, v) {
  switch (kind) {
    case 'i32':
      return Number(v) | 0;
    case 'i64':
      if (typeof v === 'number' || v === undefined) throw new TypeError(`Cannot convert ${v} to a BigInt`);
      return BigInt.asIntN(64, BigInt(v));
    case 'f32':
      return Math.fround(Number(v));
    case 'f64':
      return Number(v);
    default:
      return v === undefined ? null : v;
  }
}

function create(options = {}) {
  const engine = new P.Engine({ consumeFuel: options.fuel !== undefined });
  const store = new P.Store(engine);
  const ns = {};
  const FUNC = Symbol('petrel.func');
  const wrappers = new WeakMap();

  function applyLimits(o) {
    if (o.fuel !== undefined) store.setFuel(BigInt(o.fuel));
    if (o.maxMemoryBytes !== undefined || o.maxTableElements !== undefined || o.maxInstances !== undefined) {
      store.setLimits({ memorySize: o.maxMemoryBytes ?? -1, tableElements: o.maxTableElements ?? -1, instances: o.maxInstances ?? -1 });
    }
  }
  applyLimits(options);

  function exportFunc(f) {
    const t = f.type;
    const params = t.params.map((k) => ['i32', 'i64', 'f32', 'f64', 'v128', 'funcref', 'externref'][k]);
    const results = t.results.length;
    const call = f.fn;
    const w = function (...args) {
      const a = params.map((k, i) => toWasm(k, args[i]));
      let r;
      try {
        r = call(...a);
      } catch (e) {
        throw runtime(e);
      }
      return results === 0 ? undefined : r;
    };
    Object.defineProperty(w, FUNC, { value: f });
    Object.defineProperty(w, 'length', { value: params.length });
    return w;
  }

  function wrapExtern(x) {
    if (wrappers.has(x)) return wrappers.get(x);
    let w;
    if (x instanceof P.Func) w = exportFunc(x);
    else if (x instanceof P.Memory) w = Object.assign(Object.create(ns.Memory.prototype), { _m: x });
    else if (x instanceof P.Table) w = Object.assign(Object.create(ns.Table.prototype), { _t: x });
    else w = Object.assign(Object.create(ns.Global.prototype), { _g: x });
    wrappers.set(x, w);
    return w;
  }

  class Module {
    constructor(source, opts) {
      const bytes = bytesOf(source);
      try {
        P.Module.validate(engine, bytes);
        this._m = new P.Module(engine, bytes);
      } catch (e) {
        throw new CompileError(e.message);
      }
      this._opts = opts;
    }
    static exports(m) {
      return m._m.exports.map((e) => ({ name: e.name, kind: KIND[e.kind] }));
    }
    static imports(m) {
      return m._m.imports.map((i) => ({ module: i.module, name: i.name, kind: KIND[i.kind] }));
    }
    static customSections() {
      return [];
    }
  }

  class Instance {
    constructor(module, importObject, opts) {
      if (!(module instanceof Module)) throw new TypeError('WebAssembly.Instance: argument 0 must be a WebAssembly.Module');
      const imports = module._m.imports;
      if (imports.length > 0 && (importObject === undefined || importObject === null || typeof importObject !== 'object')) {
        throw new TypeError('WebAssembly.Instance: imports argument must be present and must be an object');
      }
      const items = imports.map((imp) => {
        const ns2 = importObject[imp.module];
        if (ns2 === undefined || ns2 === null || (typeof ns2 !== 'object' && typeof ns2 !== 'function')) {
          throw new TypeError(`WebAssembly.Instance: Import #0 "${imp.module}": module is not an object or function`);
        }
        const v = ns2[imp.name];
        switch (imp.kind) {
          case 'func': {
            if (typeof v !== 'function') throw new LinkError(`WebAssembly.Instance: Import "${imp.module}" "${imp.name}": function import requires a callable`);
            if (v[FUNC]) return v[FUNC];
            const results = imp.type.results.map((k) => ['i32', 'i64', 'f32', 'f64', 'v128', 'funcref', 'externref'][k]);
            return new P.Func(store, imp.type, (...args) => {
              const r = v(...args);
              if (results.length === 0) return undefined;
              if (results.length === 1) return toWasm(results[0], r);
              const arr = [...r];
              return results.map((k, i) => toWasm(k, arr[i]));
            });
          }
          case 'memory':
            if (!(v instanceof ns.Memory)) throw new LinkError(`WebAssembly.Instance: Import "${imp.module}" "${imp.name}": memory import must be a WebAssembly.Memory object`);
            return v._m;
          case 'table':
            if (!(v instanceof ns.Table)) throw new LinkError(`WebAssembly.Instance: Import "${imp.module}" "${imp.name}": table import requires a WebAssembly.Table`);
            return v._t;
          default: {
            if (v instanceof ns.Global) return v._g;
            if (typeof v === 'number' || typeof v === 'bigint') {
              return new P.Global(store, { content: imp.type.content, mutable: false }, toWasm(imp.type.content, v));
            }
            throw new LinkError(`WebAssembly.Instance: Import "${imp.module}" "${imp.name}": global import must be a number, valid Wasm reference, or WebAssembly.Global object`);
          }
        }
      });
      applyLimits({ ...module._opts, ...opts });
      let inst;
      try {
        inst = new P.Instance(store, module._m, items);
      } catch (e) {
        if (e instanceof P.Trap) throw runtime(e);
        if (e instanceof P.PetrelError) {
          if (/resource limit|failed to grow/.test(e.message)) throw new RangeError(e.message);
          throw new LinkError(e.message);
        }
        throw e;
      }
      const exports = Object.create(null);
      for (const [name, x] of Object.entries(inst.exports)) exports[name] = wrapExtern(x);
      Object.defineProperty(this, 'exports', { value: Object.freeze(exports), enumerable: true });
    }
  }

  class Memory {
    constructor(descriptor) {
      if (typeof descriptor !== 'object' || descriptor === null) throw new TypeError('WebAssembly.Memory(): Argument 0 must be a memory descriptor');
      const initial = Number(descriptor.initial ?? descriptor.minimum);
      if (!Number.isInteger(initial) || initial < 0 || initial > 65536) throw new TypeError('WebAssembly.Memory(): Property \'initial\' is required and must be a valid size');
      try {
        this._m = new P.Memory(store, { min: initial, max: descriptor.maximum });
      } catch (e) {
        throw new RangeError(e.message);
      }
    }
    get buffer() {
      return this._m.buffer;
    }
    grow(delta) {
      try {
        const old = this._m.grow(delta);
        this._m._detach();
        return old;
      } catch (e) {
        throw new RangeError(`WebAssembly.Memory.grow(): Maximum memory size exceeded (${e.message})`);
      }
    }
  }

  class Table {
    constructor(descriptor, value) {
      const element = { anyfunc: 'funcref', funcref: 'funcref', externref: 'externref' }[descriptor?.element];
      if (!element) throw new TypeError('WebAssembly.Table(): Descriptor property \'element\' must be a WebAssembly reference type');
      this._t = new P.Table(store, { element, min: Number(descriptor.initial), max: descriptor.maximum }, unwrapRef(value));
    }
    get length() {
      return this._t.size;
    }
    get(i) {
      try {
        const v = this._t.get(i);
        return v instanceof P.Func ? wrapExtern(v) : (v ?? null);
      } catch (e) {
        throw new RangeError(e.message);
      }
    }
    set(i, v) {
      try {
        this._t.set(i, unwrapRef(v));
      } catch (e) {
        throw new RangeError(e.message);
      }
    }
    grow(delta, v) {
      try {
        return this._t.grow(delta, unwrapRef(v));
      } catch (e) {
        throw new RangeError(e.message);
      }
    }
  }

  function unwrapRef(v) {
    if (v === undefined || v === null) return null;
    if (typeof v === 'function' && v[FUNC]) return v[FUNC];
    return v;
  }

  class Global {
    constructor(descriptor, v) {
      const content = descriptor?.value;
      if (!['i32', 'i64', 'f32', 'f64', 'externref', 'anyfunc', 'funcref'].includes(content)) throw new TypeError('WebAssembly.Global(): Descriptor property \'value\' must be a WebAssembly type');
      const c = content === 'anyfunc' ? 'funcref' : content;
      const init = v === undefined ? (c === 'i64' ? 0n : c.endsWith('ref') ? null : 0) : toWasm(c, v);
      this._g = new P.Global(store, { content: c, mutable: Boolean(descriptor.mutable) }, unwrapRef(init));
    }
    get value() {
      const v = this._g.value;
      return v instanceof P.Func ? wrapExtern(v) : v;
    }
    set value(v) {
      const t = this._g.type;
      if (!t.mutable) throw new TypeError("WebAssembly.Global.value: Can't set the value of an immutable global.");
      this._g.value = unwrapRef(toWasm(t.content, v));
    }
    valueOf() {
      return this.value;
    }
  }

  Object.assign(ns, {
    Module,
    Instance,
    Memory,
    Table,
    Global,
    CompileError,
    LinkError,
    RuntimeError,
    validate(source) {
      try {
        P.Module.validate(engine, bytesOf(source));
        return true;
      } catch (e) {
        if (e instanceof TypeError) throw e;
        return false;
      }
    },
    async compile(source) {
      return new Module(source);
    },
    async instantiate(source, importObject, opts) {
      if (source instanceof Module) return new Instance(source, importObject, opts);
      const module = new Module(source);
      return { module, instance: new Instance(module, importObject, opts) };
    },
    /** A namespace of its own (engine and store) with these limits. */
    create,
    /** The namespace's Petrel store (fuel, limits, close). */
    store,
  });
  return ns;
}

module.exports = create();
