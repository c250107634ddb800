package petrel

import (
	"errors"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// trapWat traps three ways; deep recurses n times with a frame of some
// size, so a call's stack use grows with n.
const trapWat = `(module (memory 1)
	(func $rec (export "rec") (param i32) (result i32) local.get 0 i32.const 1 i32.add call $rec)
	(func (export "oob") (param i32) (result i32) local.get 0 i32.load)
	(func (export "boom") (param i32) (result i32) unreachable)
	(func (export "div") (param i32) (result i32) i32.const 1 local.get 0 i32.div_s)
	(func $deep (export "deep") (param i32) (result i32)
		(local i64 i64 i64 i64 i64 i64 i64 i64)
		local.get 0 i32.eqz
		if (result i32) i32.const 0
		else local.get 0 i32.const 1 i32.sub call $deep i32.const 1 i32.add end))`

// allocating keeps goroutines allocating and running the GC until stop
// is closed.
func allocating(stop chan struct{}, wg *sync.WaitGroup) {
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var keep [][]byte
			for {
				select {
				case <-stop:
					return
				default:
				}
				keep = append(keep, make([]byte, 4096))
				if len(keep) > 256 {
					keep = nil
					runtime.GC()
				}
			}
		}()
	}
}

func wantTrap(t *testing.T, what string, err error, code TrapCode) {
	t.Helper()
	var trap *Trap
	if !errors.As(err, &trap) || trap.Code() == nil || *trap.Code() != code {
		t.Fatalf("%s: expected %v, got %v", what, code, err)
	}
}

// The same calls and traps on a store's own stack and through cgo, while
// other goroutines allocate and the GC runs; ownStore says which path
// each store takes.
func TestOwnStack_TrapsOnBothPaths(t *testing.T) {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	allocating(stop, &wg)
	defer func() { close(stop); wg.Wait() }()
	engine := NewEngine()
	module := mustModule(t, engine, trapWat)
	for _, own := range []bool{true, false} {
		store := NewStore(engine)
		store.SetOwnStackCalls(own)
		inst, err := NewInstance(store, module, nil)
		if err != nil {
			t.Fatal(err)
		}
		fn := func(name string) *TypedFunc1[int32, int32] {
			f, err := NewTypedFunc1[int32, int32](store, inst.GetFunc(store, name))
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
		rec, oob, boom, div, deep := fn("rec"), fn("oob"), fn("boom"), fn("div"), fn("deep")
		if ok := ownStore(store) != nil; ok != (own && ownStackOK) {
			t.Fatalf("own=%v: calls take the own stack: %v", own, ok)
		}
		for i := 0; i < 20; i++ {
			_, err := rec.Call(store, 0)
			wantTrap(t, "rec", err, StackOverflow)
			_, err = oob.Call(store, 1<<20)
			wantTrap(t, "oob", err, MemoryOutOfBounds)
			_, err = boom.Call(store, 0)
			wantTrap(t, "boom", err, UnreachableCodeReached)
			_, err = div.Call(store, 0)
			wantTrap(t, "div", err, IntegerDivisionByZero)
			if v, err := deep.Call(store, 1000); err != nil || v != 1000 {
				t.Fatalf("deep: %v %v", v, err)
			}
			if v, err := inst.GetFunc(store, "deep").Call(store, int32(10)); err != nil || v != int32(10) {
				t.Fatalf("Func.Call deep: %v %v", v, err)
			}
		}
	}
	// A nil dereference in Go is still a Go panic after all that.
	defer func() {
		if recover() == nil {
			t.Fatal("a Go nil dereference did not panic")
		}
	}()
	var p *int
	_ = *p
}

// A store that can call Go never uses the own stack: host functions made
// in it, and a linker with Go functions or WASI instantiating into it.
func TestOwnStack_StoresThatReachGoUseCgo(t *testing.T) {
	engine := NewEngine()
	module := mustModule(t, engine, `(module (import "h" "inc" (func $inc (param i32) (result i32)))
		(func (export "run") (param i32) (result i32) local.get 0 call $inc))`)
	check := func(name string, store *Store, inst *Instance) {
		t.Helper()
		run, err := NewTypedFunc1[int32, int32](store, inst.GetFunc(store, "run"))
		if err != nil {
			t.Fatal(err)
		}
		if v, err := run.Call(store, 41); err != nil || v != 42 {
			t.Fatalf("%s: %v %v", name, v, err)
		}
		if ownStore(store) != nil {
			t.Fatalf("%s: a store that can call Go takes the own stack", name)
		}
	}
	s1 := NewStore(engine)
	inc := WrapFunc(s1, func(x int32) int32 { return x + 1 })
	inst, err := NewInstance(s1, module, []AsExtern{inc})
	if err != nil {
		t.Fatal(err)
	}
	check("WrapFunc", s1, inst)

	l := NewLinker(engine)
	if err := l.FuncWrap("h", "inc", func(x int32) int32 { return x + 1 }); err != nil {
		t.Fatal(err)
	}
	s2 := NewStore(engine)
	inst, err = l.Instantiate(s2, module)
	if err != nil {
		t.Fatal(err)
	}
	check("Linker.FuncWrap", s2, inst)

	// A WASI linker marks the store it instantiates into, even a module
	// that imports nothing (WASI functions may block in system calls).
	wl := NewLinker(engine)
	if err := wl.DefineWasi(); err != nil {
		t.Fatal(err)
	}
	s3 := NewStore(engine)
	if _, err := wl.Instantiate(s3, mustModule(t, engine, "(module)")); err != nil {
		t.Fatal(err)
	}
	if s3.noOwnStack.Load()&reachesGo == 0 {
		t.Fatal("a store instantiated through a WASI linker is not marked")
	}
}

// Were a store that can call Go ever to reach the own stack (the checks
// above make that impossible), the Go host function's trampoline refuses
// with a wasm error instead of entering Go from a foreign stack, and the
// store keeps working.
func TestOwnStack_HostFunctionRefusedCleanly(t *testing.T) {
	store := NewStore(NewEngine())
	called := false
	inc := WrapFunc(store, func(x int32) int32 { called = true; return x + 1 })
	inst := instantiate(t, store, `(module (import "h" "inc" (func $inc (param i32) (result i32)))
		(func (export "run") (param i32) (result i32) local.get 0 call $inc))`, inc)
	run, err := NewTypedFunc1[int32, int32](store, inst.GetFunc(store, "run"))
	if err != nil {
		t.Fatal(err)
	}
	store.noOwnStack.Store(0) // pretend the mark was missed
	_, err = run.Call(store, 1)
	if ownStackOK && (err == nil || !strings.Contains(err.Error(), "own stack") || called) {
		t.Fatalf("err=%v called=%v", err, called)
	}
	markReachesGo(store)
	if v, err := run.Call(store, 1); err != nil || v != 2 || !called {
		t.Fatalf("after: %v %v %v", v, err, called)
	}
}

// An engine with a larger wasm stack gets a larger own stack on a thread
// that already has a smaller one: a recursion that needs more than the
// default stack runs, and one beyond the engine's limit is a stack
// overflow trap, not a crash.
func TestOwnStack_SizedForEachEngine(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	small := NewStore(NewEngine())
	f, err := NewTypedFunc1[int32, int32](small, instantiate(t, small, trapWat).GetFunc(small, "deep"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.Call(small, 100000)
	wantTrap(t, "deep 100000 in 512 KiB", err, StackOverflow)

	cfg := NewConfig()
	cfg.SetMaxWasmStack(16 << 20)
	big := NewStore(NewEngineWithConfig(cfg))
	g, err := NewTypedFunc1[int32, int32](big, instantiate(t, big, trapWat).GetFunc(big, "deep"))
	if err != nil {
		t.Fatal(err)
	}
	if v, err := g.Call(big, 100000); err != nil || v != 100000 {
		t.Fatalf("deep 100000 in 16 MiB: %v %v", v, err)
	}
	_, err = g.Call(big, 2000000)
	wantTrap(t, "deep 2000000 in 16 MiB", err, StackOverflow)
	// The small engine's calls still work on the now larger stack.
	if v, err := f.Call(small, 100); err != nil || v != 100 {
		t.Fatalf("deep 100 in 512 KiB: %v %v", v, err)
	}
}

// Many goroutines, each with its own store, make own-stack calls at once
// while the GC runs (the race detector watches in go test -race).
func TestOwnStack_ConcurrentStores(t *testing.T) {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	allocating(stop, &wg)
	defer func() { close(stop); wg.Wait() }()
	engine := NewEngine()
	module := mustModule(t, engine, addWat)
	var calls sync.WaitGroup
	errs := make(chan error, 16)
	for g := 0; g < 16; g++ {
		calls.Add(1)
		go func(g int32) {
			defer calls.Done()
			store := NewStore(engine)
			defer store.Close()
			inst, err := NewInstance(store, module, nil)
			if err != nil {
				errs <- err
				return
			}
			add, err := NewTypedFunc2[int32, int32, int32](store, inst.GetFunc(store, "add"))
			if err != nil {
				errs <- err
				return
			}
			for i := int32(0); i < 20000; i++ {
				if v, err := add.Call(store, i, g); err != nil || v != i+g {
					errs <- err
					return
				}
			}
		}(int32(g))
	}
	calls.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}
