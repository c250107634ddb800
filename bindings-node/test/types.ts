// Compiled by `tsc --noEmit` only: the declarations describe the API as used.
import { Engine, Func, FuncType, Instance, Linker, Memory, Module, Store, Trap, TrapCode, ValKind, WasiConfig, WebAssembly as PWA } from 'petrel';

const engine = new Engine({ consumeFuel: true, maxWasmStack: 1 << 20 });
const store = new Store<{ count: number }>(engine, { count: 0 });
store.setFuel(1000n);
store.setLimits({ memorySize: 1 << 20 });
const module: Module = new Module(engine, '(module)');
const hello = new Func(store, new FuncType([], ['i32']), () => 42);
const instance = new Instance(store, module, [hello]);
const run = instance.getExport('run');
if (run instanceof Func) {
  const r: unknown = run.call(1, 2n);
  void r;
}
const mem = instance.exports.memory;
if (mem instanceof Memory) {
  const view: Uint8Array = new Uint8Array(mem.buffer);
  void view;
}
const linker = new Linker(engine);
linker.defineFunc('host', 'f', { params: ['i32'], results: [] }, (caller, x: number) => caller.getExport(String(x)), { caller: true });
const wasi = new WasiConfig();
wasi.argv = ['a'];
wasi.env = { A: 'b' };
wasi.captureStdout();
store.setWasi(wasi);
try {
  hello.call();
} catch (e) {
  if (e instanceof Trap) {
    const code: TrapCode = e.code;
    const names: (string | null)[] = e.frames.map((f) => f.funcName);
    void code;
    void names;
  }
}
const k: ValKind = ValKind.I64;
void k;
const ok: boolean = PWA.validate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
void ok;
void hello.callAsync().then((v: unknown) => v);
