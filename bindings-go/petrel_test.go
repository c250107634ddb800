package petrel

import (
	"errors"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
)

func mustModule(t *testing.T, engine *Engine, wat string) *Module {
	t.Helper()
	m, err := NewModule(engine, []byte(wat))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func instantiate(t *testing.T, store *Store, wat string, imports ...AsExtern) *Instance {
	t.Helper()
	inst, err := NewInstance(store, mustModule(t, store.Engine(), wat), imports)
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

const addWat = `(module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))`

func TestFunc_Call(t *testing.T) {
	store := NewStore(NewEngine())
	defer store.Close()
	add := instantiate(t, store, addWat).GetFunc(store, "add")
	got, err := add.Call(store, int32(2), 3)
	if err != nil || got != int32(5) {
		t.Fatalf("add(2, 3) = %v, %v", got, err)
	}
	if _, err := add.Call(store, 1); err == nil || !strings.Contains(err.Error(), "expected 2 arguments") {
		t.Fatalf("wrong arity: %v", err)
	}
	if _, err := add.Call(store, 1.5, 2); err == nil || !strings.Contains(err.Error(), "argument 0 is float64") {
		t.Fatalf("wrong type: %v", err)
	}
	res, err := add.CallTyped(store, []Val{ValI32(40), ValI32(2)})
	if err != nil || res[0].I32() != 42 {
		t.Fatalf("CallTyped = %v, %v", res, err)
	}
}

func TestTypedFunc(t *testing.T) {
	store := NewStore(NewEngine())
	add := instantiate(t, store, addWat).GetFunc(store, "add")
	typed, err := NewTypedFunc2[int32, int32, int32](store, add)
	if err != nil {
		t.Fatal(err)
	}
	for i := int32(0); i < 100; i++ {
		if r, err := typed.Call(store, i, -1); err != nil || r != i-1 {
			t.Fatalf("typed add = %v, %v", r, err)
		}
	}
	if _, err := NewTypedFunc2[int64, int32, int32](store, add); err == nil {
		t.Fatal("a mismatched typed signature was accepted")
	}
	allocs := testing.AllocsPerRun(1000, func() { _, _ = typed.Call(store, 1, 2) })
	if allocs != 0 {
		t.Fatalf("typed call allocates %v times", allocs)
	}
	wat := `(module (func (export "f") (param i64 f64 f32) (result f64)
		local.get 0 f64.convert_i64_s local.get 1 f64.add local.get 2 f64.promote_f32 f64.add))`
	f3, err := NewTypedFunc3[int64, float64, float32, float64](store, instantiate(t, store, wat).GetFunc(store, "f"))
	if err != nil {
		t.Fatal(err)
	}
	if r, err := f3.Call(store, 1, 0.5, 0.25); err != nil || r != 1.75 {
		t.Fatalf("f = %v, %v", r, err)
	}
}

func TestTrap_CodeAndFrames(t *testing.T) {
	store := NewStore(NewEngine())
	inst := instantiate(t, store, `(module
		(func $inner (export "inner") unreachable)
		(func $outer (export "outer") call $inner)
		(func (export "div") (param i32) (result i32) i32.const 1 local.get 0 i32.div_s))`)
	_, err := inst.GetFunc(store, "outer").Call(store)
	var trap *Trap
	if !errors.As(err, &trap) {
		t.Fatalf("expected a trap, got %v", err)
	}
	if trap.Code() == nil || *trap.Code() != UnreachableCodeReached {
		t.Fatalf("code = %v", trap.Code())
	}
	var names []string
	for _, f := range trap.Frames() {
		if f.FuncName() != nil {
			names = append(names, *f.FuncName())
		}
	}
	if strings.Join(names, ",") != "inner,outer" {
		t.Fatalf("frames = %v", names)
	}
	_, err = inst.GetFunc(store, "div").Call(store, int32(0))
	if !errors.As(err, &trap) || *trap.Code() != IntegerDivisionByZero {
		t.Fatalf("div by zero: %v", err)
	}
	if trap.Code().String() != "integer_division_by_zero" {
		t.Fatalf("String() = %q", trap.Code().String())
	}
}

// Traps (unreachable, stack overflow, out-of-bounds) while other goroutines
// allocate and the GC runs: Petrel's signal handler must chain to the Go
// runtime's and leave it working.
func TestTraps_UnderGCPressure(t *testing.T) {
	store := NewStore(NewEngine())
	inst := instantiate(t, store, `(module (memory 1)
		(func $rec (export "rec") (param i32) (result i32) local.get 0 i32.const 1 i32.add call $rec)
		(func (export "oob") (result i32) i32.const 70000 i32.load)
		(func (export "boom") unreachable))`)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	allocating(stop, &wg)
	want := map[string]TrapCode{"rec": StackOverflow, "oob": MemoryOutOfBounds, "boom": UnreachableCodeReached}
	for i := 0; i < 30; i++ {
		for name, code := range want {
			f := inst.GetFunc(store, name)
			var err error
			if name == "rec" {
				_, err = f.Call(store, int32(0))
			} else {
				_, err = f.Call(store)
			}
			var trap *Trap
			if !errors.As(err, &trap) || trap.Code() == nil || *trap.Code() != code {
				t.Fatalf("%s: expected %v, got %v", name, code, err)
			}
		}
	}
	close(stop)
	wg.Wait()
	// A nil dereference in Go still becomes a Go panic after all that.
	defer func() {
		if recover() == nil {
			t.Fatal("a Go nil dereference did not panic")
		}
	}()
	var p *int
	_ = *p
}

func TestHostFunc_PanicUnwinds(t *testing.T) {
	store := NewStore(NewEngine())
	calls := 0
	boom := WrapFunc(store, func(x int32) int32 {
		calls++
		if x == 7 {
			panic("seven")
		}
		return x * 2
	})
	inst := instantiate(t, store, `(module (import "h" "f" (func $f (param i32) (result i32)))
		(func (export "run") (param i32) (result i32) local.get 0 call $f))`, boom)
	run := inst.GetFunc(store, "run")
	func() {
		defer func() {
			if r := recover(); r != "seven" {
				t.Fatalf("recovered %v", r)
			}
		}()
		_, _ = run.Call(store, int32(7))
		t.Fatal("no panic")
	}()
	// The store still works.
	if r, err := run.Call(store, int32(4)); err != nil || r != int32(8) {
		t.Fatalf("after panic: %v, %v", r, err)
	}
}

func TestHostFunc_ErrorComesBack(t *testing.T) {
	store := NewStore(NewEngine())
	sentinel := errors.New("host says no")
	fail := WrapFunc(store, func(c *Caller) error { return sentinel })
	inst := instantiate(t, store, `(module (import "h" "f" (func $f)) (func (export "run") call $f))`, fail)
	_, err := inst.GetFunc(store, "run").Call(store)
	if !errors.Is(err, sentinel) {
		t.Fatalf("got %v", err)
	}
	trapper := NewFunc(store, NewFuncType(nil, nil), func(*Caller, []Val) ([]Val, *Trap) { return nil, NewTrap("custom") })
	inst = instantiate(t, store, `(module (import "h" "f" (func $f)) (func (export "run") call $f))`, trapper)
	_, err = inst.GetFunc(store, "run").Call(store)
	var trap *Trap
	if !errors.As(err, &trap) || trap.Message() != "custom" {
		t.Fatalf("got %v", err)
	}
}

func TestCaller_ReentersStore(t *testing.T) {
	engine := NewEngine()
	store := NewStoreWithData(engine, "state")
	if store.Data() != "state" {
		t.Fatal("Store.Data")
	}
	linker := NewLinker(engine)
	err := linker.FuncNew("h", "peek", NewFuncType([]*ValType{NewValType(KindI32)}, []*ValType{NewValType(KindI32)}),
		func(c *Caller, args []Val) ([]Val, *Trap) {
			if c.Data() != "state" {
				return nil, NewTrap("Caller.Data")
			}
			mem := c.GetExport("memory").Memory()
			data := mem.UnsafeData(c)
			double := c.GetExport("double").Func()
			r, err := double.Call(c, int32(data[args[0].I32()]))
			if err != nil {
				return nil, NewTrap(err.Error())
			}
			return []Val{ValI32(r.(int32))}, nil
		})
	if err != nil {
		t.Fatal(err)
	}
	inst, err := linker.Instantiate(store, mustModule(t, engine, `(module
		(import "h" "peek" (func $peek (param i32) (result i32)))
		(memory (export "memory") 1) (data (i32.const 5) "\15")
		(func (export "double") (param i32) (result i32) local.get 0 i32.const 2 i32.mul)
		(func (export "run") (result i32) i32.const 5 call $peek))`))
	if err != nil {
		t.Fatal(err)
	}
	if r, err := inst.GetFunc(store, "run").Call(store); err != nil || r != int32(42) {
		t.Fatalf("run = %v, %v", r, err)
	}
}

func TestStore_UsedFromTwoGoroutines(t *testing.T) {
	store := NewStore(NewEngine())
	entered := make(chan struct{})
	release := make(chan struct{})
	block := WrapFunc(store, func() { close(entered); <-release })
	inst := instantiate(t, store, `(module (import "h" "f" (func $f)) (func (export "run") call $f)
		(func (export "nop")))`, block)
	run, nop := inst.GetFunc(store, "run"), inst.GetFunc(store, "nop")
	done := make(chan error)
	go func() { _, err := run.Call(store); done <- err }()
	<-entered
	_, err := nop.Call(store)
	if err == nil || !strings.Contains(err.Error(), "in use by another thread") {
		t.Errorf("second goroutine: %v", err)
	}
	if err := store.Close(); err == nil {
		t.Error("closing a store in use succeeded")
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestStore_MisuseIsAnError(t *testing.T) {
	engine := NewEngine()
	a, b := NewStore(engine), NewStore(engine)
	add := instantiate(t, a, addWat).GetFunc(a, "add")
	if _, err := add.Call(b, int32(1), int32(2)); err == nil {
		t.Fatal("a function of another store was called")
	}
	mem := instantiate(t, a, `(module (memory (export "m") 1))`).GetExport(a, "m").Memory()
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := add.Call(a, int32(1), int32(2)); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Fatalf("closed store: %v", err)
	}
	if mem.UnsafeData(a) != nil || mem.Size(a) != 0 {
		t.Fatal("memory of a closed store")
	}
	engine.Close()
	if _, err := NewModule(engine, []byte(addWat)); err == nil {
		t.Fatal("a closed engine compiled")
	}
	if r, err := add.Call(b, int32(1), int32(2)); err == nil {
		t.Fatalf("wrong store after close: %v", r)
	}
}

func TestMemoryTableGlobal(t *testing.T) {
	store := NewStore(NewEngine())
	inst := instantiate(t, store, `(module (memory (export "m") 1 3)
		(table (export "t") 2 funcref) (func $f (export "f"))
		(global (export "g") (mut i64) (i64.const 7)) (global (export "c") i32 (i32.const 1)))`)
	mem := inst.GetExport(store, "m").Memory()
	data := mem.UnsafeData(store)
	if len(data) != 65536 || mem.Size(store) != 1 {
		t.Fatalf("memory: %d bytes, %d pages", len(data), mem.Size(store))
	}
	data[10] = 99
	buf := make([]byte, 1)
	if err := mem.Read(store, 10, buf); err != nil || buf[0] != 99 {
		t.Fatalf("read: %v %v", buf, err)
	}
	if old, err := mem.Grow(store, 2); err != nil || old != 1 {
		t.Fatalf("grow: %v %v", old, err)
	}
	if _, err := mem.Grow(store, 1); err == nil {
		t.Fatal("grew beyond the maximum")
	}
	var trap *Trap
	if err := mem.Write(store, 3*65536, []byte{1}); !errors.As(err, &trap) || *trap.Code() != MemoryOutOfBounds {
		t.Fatalf("write out of bounds: %v", err)
	}
	tab := inst.GetExport(store, "t").Table()
	if err := tab.Set(store, 1, ValFuncref(inst.GetFunc(store, "f"))); err != nil {
		t.Fatal(err)
	}
	v, err := tab.Get(store, 1)
	if err != nil || v.Funcref() == nil {
		t.Fatalf("table get: %v %v", v, err)
	}
	if old, err := tab.Grow(store, 3, ValFuncref(nil)); err != nil || old != 2 || tab.Size(store) != 5 {
		t.Fatalf("table grow: %v %v", old, err)
	}
	if _, err := tab.Get(store, 9); !errors.As(err, &trap) {
		t.Fatalf("table get out of bounds: %v", err)
	}
	g := inst.GetExport(store, "g").Global()
	if g.Get(store).I64() != 7 || !g.Type(store).Mutable() {
		t.Fatal("global get")
	}
	if err := g.Set(store, ValI64(-5)); err != nil || g.Get(store).I64() != -5 {
		t.Fatalf("global set: %v", err)
	}
	if err := inst.GetExport(store, "c").Global().Set(store, ValI32(2)); err == nil {
		t.Fatal("an immutable global was set")
	}
	ext := NewGlobal
	if _, err := ext(store, NewGlobalType(NewValType(KindExternref), true), ValExternref("hello")); err != nil {
		t.Fatal(err)
	}
}

func TestMemory64_TypesSizesAndTraps(t *testing.T) {
	store := NewStore(NewEngine())
	inst := instantiate(t, store, `(module (memory (export "m") i64 1 4) (table (export "t") i64 2 funcref)
		(func (export "grow") (param i64) (result i64) local.get 0 memory.grow)
		(func (export "load") (param i64) (result i32) local.get 0 i32.load8_u))`)
	mem := inst.GetExport(store, "m").Memory()
	if ty := mem.Type(store); !ty.Is64() || ty.PageSize() != 65536 || ty.Minimum() != 1 {
		t.Fatalf("memory type: %+v", ty)
	}
	grow := inst.GetFunc(store, "grow")
	if old, err := grow.Call(store, int64(2)); err != nil || old.(int64) != 1 {
		t.Fatalf("memory.grow: %v %v", old, err)
	}
	if old, err := grow.Call(store, int64(2)); err != nil || old.(int64) != -1 {
		t.Fatalf("memory.grow past the maximum: %v %v", old, err)
	}
	if mem.Size(store) != 3 {
		t.Fatalf("size %d", mem.Size(store))
	}
	var trap *Trap
	if _, err := inst.GetFunc(store, "load").Call(store, int64(1)<<32); !errors.As(err, &trap) || *trap.Code() != MemoryOutOfBounds {
		t.Fatalf("load with high bits set: %v", err)
	}
	if ty := inst.GetExport(store, "t").Table().Type(store); !ty.Is64() || ty.Minimum64() != 2 {
		t.Fatalf("table type: %+v", ty)
	}
	own, err := NewMemory(store, NewMemoryType64(1, true, 1<<40))
	if err != nil {
		t.Fatal(err)
	}
	if ty := own.Type(store); !ty.Is64() {
		t.Fatalf("host memory type: %+v", ty)
	} else if has, max := ty.Maximum(); !has || max != 1<<40 {
		t.Fatalf("host memory maximum: %v %d", has, max)
	}
	if _, err := NewMemory(store, NewMemoryType(1, false, 0)); err != nil {
		t.Fatal(err)
	}
	tab, err := NewTable(store, NewTableType64(NewValType(KindFuncref), 1, true, 1<<40), ValFuncref(nil))
	if err != nil {
		t.Fatal(err)
	}
	if has, max := tab.Type(store).Maximum64(); !tab.Type(store).Is64() || !has || max != 1<<40 {
		t.Fatalf("host table type: %+v", tab.Type(store))
	}
}

func TestExternref_RoundTrip(t *testing.T) {
	store := NewStore(NewEngine())
	id := instantiate(t, store, `(module (func (export "id") (param externref) (result externref) local.get 0))`).GetFunc(store, "id")
	type payload struct{ n int }
	p := &payload{3}
	got, err := id.Call(store, p)
	if err != nil || got != p {
		t.Fatalf("id(p) = %v, %v", got, err)
	}
	if got, err := id.Call(store, nil); err != nil || got != nil {
		t.Fatalf("id(nil) = %v, %v", got, err)
	}
}

func TestModule_SerializeAndTypes(t *testing.T) {
	engine := NewEngine()
	m := mustModule(t, engine, `(module $named (import "a" "b" (func (param i32))) (memory (export "mem") 1 2))`)
	if m.Name() == nil || *m.Name() != "named" {
		t.Fatalf("name = %v", m.Name())
	}
	imps := m.Imports()
	if len(imps) != 1 || imps[0].Module() != "a" || imps[0].Type().FuncType().Params()[0].Kind() != KindI32 {
		t.Fatal("imports")
	}
	exps := m.Exports()
	if has, max := exps[0].Type().MemoryType().Maximum(); len(exps) != 1 || !has || max != 2 {
		t.Fatal("exports")
	}
	blob, err := m.Serialize()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewModuleDeserialize(engine, blob); err != nil {
		t.Fatal(err)
	}
	if _, err := NewModuleDeserialize(engine, blob[:len(blob)/2]); err == nil {
		t.Fatal("a truncated module loaded")
	}
	wasm, err := Wat2Wasm("(module)")
	if err != nil || len(wasm) != 8 {
		t.Fatalf("wat2wasm: %v %v", wasm, err)
	}
	if err := ModuleValidate(engine, wasm); err != nil {
		t.Fatal(err)
	}
	m.Close()
	if _, err := m.Serialize(); err == nil {
		t.Fatal("a closed module serialized")
	}
}

func TestFuelAndEpoch(t *testing.T) {
	cfg := NewConfig()
	cfg.SetConsumeFuel(true)
	cfg.SetEpochInterruption(true)
	engine := NewEngineWithConfig(cfg)
	cfg.Close()
	store := NewStore(engine)
	if err := store.SetFuel(10_000); err != nil {
		t.Fatal(err)
	}
	loop := instantiate(t, store, `(module (func (export "loop") (loop br 0)))`).GetFunc(store, "loop")
	store.SetEpochDeadline(1_000_000)
	_, err := loop.Call(store)
	var trap *Trap
	if !errors.As(err, &trap) || *trap.Code() != OutOfFuel {
		t.Fatalf("fuel: %v", err)
	}
	if err := store.SetFuel(1 << 40); err != nil {
		t.Fatal(err)
	}
	store.SetEpochDeadline(1)
	go engine.IncrementEpoch()
	_, err = loop.Call(store)
	if !errors.As(err, &trap) || *trap.Code() != Interrupt {
		t.Fatalf("epoch: %v", err)
	}
}

func TestWasi_CaptureAndExit(t *testing.T) {
	engine := NewEngine()
	linker := NewLinker(engine)
	if err := linker.DefineWasi(); err != nil {
		t.Fatal(err)
	}
	store := NewStore(engine)
	cfg := NewWasiConfig()
	_ = cfg.SetArgv([]string{"prog"})
	_ = cfg.SetEnv([]string{"K"}, []string{"V"})
	_ = cfg.SetStdoutCapture(1 << 16)
	_ = cfg.SetStderrCapture(1 << 16)
	if err := store.SetWasi(cfg); err != nil {
		t.Fatal(err)
	}
	if err := cfg.SetArgv(nil); err == nil {
		t.Fatal("a taken WASI config was used")
	}
	m := mustModule(t, engine, `(module
		(import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
		(import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
		(memory (export "memory") 1)
		(data (i32.const 16) "hi\n")
		(func (export "_start")
			(i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 3))
			(drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
			(call $exit (i32.const 3))))`)
	inst, err := linker.Instantiate(store, m)
	if err != nil {
		t.Fatal(err)
	}
	_, err = inst.GetFunc(store, "_start").Call(store)
	var perr *Error
	if !errors.As(err, &perr) {
		t.Fatalf("expected *Error, got %v", err)
	}
	if code, ok := perr.ExitStatus(); !ok || code != 3 {
		t.Fatalf("exit status %v %v", code, ok)
	}
	out, err := store.WasiStdout()
	if err != nil || string(out) != "hi\n" {
		t.Fatalf("stdout %q %v", out, err)
	}
	if errOut, err := store.WasiStderr(); err != nil || len(errOut) != 0 {
		t.Fatalf("stderr %q %v", errOut, err)
	}
}

func TestLinker_Definitions(t *testing.T) {
	engine := NewEngine()
	store := NewStore(engine)
	linker := NewLinker(engine)
	if err := linker.DefineFunc(store, "env", "twice", func(x int32) int32 { return 2 * x }); err != nil {
		t.Fatal(err)
	}
	if err := linker.DefineFunc(store, "env", "twice", func(x int32) int32 { return 3 * x }); err == nil {
		t.Fatal("redefined without shadowing")
	}
	linker.AllowShadowing(true)
	if err := linker.DefineFunc(store, "env", "twice", func(x int32) int32 { return 3 * x }); err != nil {
		t.Fatal(err)
	}
	lib, err := linker.Instantiate(store, mustModule(t, engine, addWat))
	if err != nil {
		t.Fatal(err)
	}
	if err := linker.DefineInstance(store, "lib", lib); err != nil {
		t.Fatal(err)
	}
	if _, ok := linker.Get(store, "lib", "add"); !ok {
		t.Fatal("linker.Get")
	}
	inst, err := linker.Instantiate(store, mustModule(t, engine, `(module
		(import "env" "twice" (func $t (param i32) (result i32)))
		(import "lib" "add" (func $a (param i32 i32) (result i32)))
		(func (export "run") (result i32) (call $a (call $t (i32.const 10)) (i32.const 12))))`))
	if err != nil {
		t.Fatal(err)
	}
	if r, err := inst.GetFunc(store, "run").Call(store); err != nil || r != int32(42) {
		t.Fatalf("run = %v %v", r, err)
	}
	if _, err := linker.Instantiate(store, mustModule(t, engine, `(module (import "x" "y" (func)))`)); err == nil {
		t.Fatal("an unknown import linked")
	}
	exports, err := inst.NamedExports(store)
	if err != nil || len(exports) != 1 || exports[0].Name != "run" {
		t.Fatalf("exports %v %v", exports, err)
	}
}

func TestMain(m *testing.M) {
	os.Exit(m.Run())
}

// Traps on several goroutines at once, each with its own store, while the
// GC runs: every thread's signal handling works on its own stack.
func TestTraps_ConcurrentStores(t *testing.T) {
	engine := NewEngine()
	module := mustModule(t, engine, `(module (memory 1)
		(func $rec (export "rec") (param i32) (result i32) local.get 0 i32.const 1 i32.add call $rec)
		(func (export "oob") (param i32) (result i32) local.get 0 i32.load))`)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			store := NewStore(engine)
			defer store.Close()
			inst, err := NewInstance(store, module, nil)
			if err != nil {
				errs <- err
				return
			}
			rec, _ := NewTypedFunc1[int32, int32](store, inst.GetFunc(store, "rec"))
			oob, _ := NewTypedFunc1[int32, int32](store, inst.GetFunc(store, "oob"))
			for i := 0; i < 20; i++ {
				var trap *Trap
				if _, err := rec.Call(store, 0); !errors.As(err, &trap) || *trap.Code() != StackOverflow {
					errs <- err
					return
				}
				if _, err := oob.Call(store, 1<<20); !errors.As(err, &trap) || *trap.Code() != MemoryOutOfBounds {
					errs <- err
					return
				}
				if v, err := oob.Call(store, 0); err != nil || v != 0 {
					errs <- err
					return
				}
				runtime.GC()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func TestConfig_ModuleKey(t *testing.T) {
	keyed := func(key []byte) *Engine {
		c := NewConfig()
		defer c.Close()
		if err := c.SetModuleKey(key); err != nil {
			t.Fatal(err)
		}
		return NewEngineWithConfig(c)
	}
	gen := NewConfig()
	key, err := gen.GenerateModuleKey()
	gen.Close()
	if err != nil || len(key) != 32 {
		t.Fatalf("GenerateModuleKey: %d bytes, %v", len(key), err)
	}
	a, b := keyed(key), keyed(key)
	blob, err := mustModule(t, a, `(module (func (export "f") (result i32) i32.const 7))`).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	// The same key on another engine loads it; another key, or none, does not.
	if _, err := NewModuleDeserialize(b, blob); err != nil {
		t.Fatalf("shared key: %v", err)
	}
	other := make([]byte, 32)
	if _, err := NewModuleDeserialize(keyed(other), blob); err == nil || !strings.Contains(err.Error(), "authentication failed") {
		t.Fatalf("another key: %v", err)
	}
	if _, err := NewModuleDeserialize(NewEngine(), blob); err == nil {
		t.Fatal("an engine without the key loaded the module")
	}
	flipped := append([]byte(nil), blob...)
	flipped[len(flipped)/2] ^= 1
	if _, err := NewModuleDeserialize(b, flipped); err == nil {
		t.Fatal("a modified module loaded")
	}
	c := NewConfig()
	defer c.Close()
	if err := c.SetModuleKey(make([]byte, 31)); err == nil {
		t.Fatal("a 31-byte key was accepted")
	}
}

// Each WebAssembly 3.0 switch turned off makes a module using its feature
// fail to compile; the two that are off by default turned on make theirs
// compile.
func TestConfig_Wasm3Switches(t *testing.T) {
	cases := []struct {
		name string
		set  func(*Config, bool)
		wat  string
		on   bool // the default
	}{
		{"extended const", (*Config).SetWasmExtendedConst, `(module (global i32 (i32.add (i32.const 1) (i32.const 2))))`, true},
		{"relaxed SIMD", (*Config).SetWasmRelaxedSIMD, `(module (func (param v128 v128) (result v128) local.get 0 local.get 1 i8x16.relaxed_swizzle))`, true},
		{"tail calls", (*Config).SetWasmTailCall, `(module (func $f return_call $f))`, true},
		{"multi-memory", (*Config).SetWasmMultiMemory, `(module (memory 1) (memory 1))`, true},
		{"memory64", (*Config).SetWasmMemory64, `(module (memory i64 1))`, true},
		{"wide arithmetic", (*Config).SetWasmWideArithmetic, `(module (func (param i64 i64) (result i64 i64) local.get 0 local.get 1 i64.mul_wide_u))`, false},
		{"custom page sizes", (*Config).SetWasmCustomPageSizes, `(module (memory 1 (pagesize 1)))`, false},
	}
	for _, c := range cases {
		for _, enable := range []bool{true, false} {
			cfg := NewConfig()
			c.set(cfg, enable)
			engine := NewEngineWithConfig(cfg)
			_, err := NewModule(engine, []byte(c.wat))
			if enable && err != nil {
				t.Errorf("%s on: %v", c.name, err)
			}
			if !enable && err == nil {
				t.Errorf("%s off: the module compiled", c.name)
			}
			// The default is what the engine does without the setter.
			_, err = NewModule(NewEngine(), []byte(c.wat))
			if (err == nil) != c.on {
				t.Errorf("%s: default on = %v, but compiling gave %v", c.name, c.on, err)
			}
		}
	}
}
