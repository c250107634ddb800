// Compiled by `tsc --noEmit` only: the declarations describe the API as used.
import { Engine, Func, FuncType, Global, Instance, Linker, Memory, Module, Store, Trap, TrapCode, Val, ValKind, ValKindName, WasiConfig, WebAssembly as PWA } from 'petrel';
import { callOnNewThread } from 'petrel/testing';

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

// Typed values.
const nan: Val<'f64'> = Val.f64Bits(0x7ff0000000000001n);
const nanBits: bigint = nan.bits;
const i: Val<'i32'> = Val.i32(-1);
const iBits: number = i.bits;
const iValue: number = i.value;
const v: Val = Val.of('v128', 5n);
const anyVal: Val = Val.f32Bits(0x7fa00001);
void [nanBits, iBits, iValue, v, anyVal];
const add = instance.getExport('add');
if (add instanceof Func) {
  const results: Val[] = add.callVals(Val.i32(1), 2);
  const kind: ValKindName = results[0].kind;
  void kind;
  void add.callValsAsync(Val.i32(1), Val.i32(2)).then((r: Val[]) => r[0].equals(Val.i32(3)));
}
const glob = instance.exports.g;
if (glob instanceof Global) {
  glob.setVal(Val.f32Bits(0x7fa00001));
  glob.value = Val.f32(1.5);
  const got: Val = glob.getVal();
  void got;
}
new Func(store, new FuncType(['f64'], ['f64']), (x: Val) => x, { vals: true });
const threaded: Val[] = callOnNewThread(hello);
void threaded;
// @ts-expect-error an i64 is made from a bigint
Val.i64(1);
// @ts-expect-error the bits of an f64 are a bigint
const wrongBits: number = nan.bits;
void wrongBits;
// @ts-expect-error Vals come from the static constructors
new Val();
