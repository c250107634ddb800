// Command bench compares, in one run, the cost of calling WebAssembly from
// Go with Petrel (this binding), wasmtime-go and wazero (compiler): ns per
// call of add(i32, i32) -> i32 (each runtime's ordinary call, Petrel's
// typed call and wazero's CallWithStack; Petrel's calls run on its own
// stack, and are measured again in a store that can call Go, where they go
// through cgo), ns per wasm-to-Go host call, µs
// per instantiation of a small module, and MB/s copying 1 MiB out of linear
// memory. It prints a table and the ratios peer/Petrel.
//
// Run from bindings-go/bench (after cargo build --release -p petrel-capi):
//
//	go run . [-rounds 5]
//
// It is a separate module so that the binding depends on neither peer.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	wasmtime "github.com/bytecodealliance/wasmtime-go/v39"
	petrel "github.com/petrel-runtime/petrel/bindings-go"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

const addWat = `(module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))`

// hostWat calls the host function n times from one wasm call.
const hostWat = `(module
  (import "host" "inc" (func $inc (param i32) (result i32)))
  (func (export "loop") (param i32) (result i32) (local i32)
    (block (loop
      (br_if 1 (i32.eqz (local.get 0)))
      (local.set 1 (call $inc (local.get 1)))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br 0)))
    (local.get 1)))`

// smallWat is the module instantiated: a memory with data, a global, a table.
const smallWat = `(module
  (memory (export "memory") 1)
  (data (i32.const 0) "hello, world")
  (global (export "g") (mut i32) (i32.const 7))
  (table 2 funcref) (elem (i32.const 0) $a $b)
  (func $a (export "a") (result i32) global.get 0)
  (func $b (export "b") (param i32) (result i32) local.get 0 i32.const 1 i32.add))`

const memWat = `(module (memory (export "memory") 17))`

const (
	callIters = 300_000
	hostIters = 300_000
	instIters = 300
	memIters  = 300
	mib       = 1 << 20
)

var rounds = flag.Int("rounds", 15, "rounds per measurement (the best is kept)")

// measurement is one timed loop; its best round is kept.
type measurement struct {
	run  func() time.Duration
	best time.Duration
}

// measurements are run interleaved, one round of each in turn, so that a
// machine whose load changes during the run affects all runtimes alike.
var measurements []*measurement

// best registers f; its result is filled in by runAll.
func best(f func() time.Duration) *time.Duration {
	m := &measurement{run: f}
	measurements = append(measurements, m)
	return &m.best
}

func runAll() {
	for r := 0; r < *rounds; r++ {
		for _, m := range measurements {
			d := m.run()
			if r == 0 || d < m.best {
				m.best = d
			}
		}
	}
}

func timed(n int, f func(i int)) time.Duration {
	start := time.Now()
	for i := 0; i < n; i++ {
		f(i)
	}
	return time.Since(start)
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func perOp(d time.Duration, n int) float64 { return float64(d.Nanoseconds()) / float64(n) }

type row struct {
	name                     string
	petrel, wasmtime, wazero float64
	unit                     string
	higherIsBetter           bool
}

func main() {
	flag.Parse()
	ctx := context.Background()
	addWasm, err := wasmtime.Wat2Wasm(addWat)
	must(err)
	hostWasm, err := wasmtime.Wat2Wasm(hostWat)
	must(err)
	smallWasm, err := wasmtime.Wat2Wasm(smallWat)
	must(err)
	memWasm, err := wasmtime.Wat2Wasm(memWat)
	must(err)
	sink := make([]byte, mib)
	var rows []row

	// ---- Petrel
	pe := petrel.NewEngine()
	ps := petrel.NewStore(pe)
	pm, err := petrel.NewModule(pe, addWasm)
	must(err)
	pi, err := petrel.NewInstance(ps, pm, nil)
	must(err)
	padd := pi.GetFunc(ps, "add")
	ptyped, err := petrel.NewTypedFunc2[int32, int32, int32](ps, padd)
	must(err)
	pCall := best(func() time.Duration {
		return timed(callIters, func(i int) {
			if _, err := padd.Call(ps, int32(i), int32(1)); err != nil {
				panic(err)
			}
		})
	})
	pTyped := best(func() time.Duration {
		return timed(callIters, func(i int) {
			if _, err := ptyped.Call(ps, int32(i), 1); err != nil {
				panic(err)
			}
		})
	})
	// A store that can call Go host functions makes every call through
	// cgo (own-stack calls would have no way back into Go); the host-call
	// row uses one, and the same add measured in it shows that path.
	phs := petrel.NewStore(pe)
	pl := petrel.NewLinker(pe)
	must(pl.FuncWrap("host", "inc", func(x int32) int32 { return x + 1 }))
	phm, err := petrel.NewModule(pe, hostWasm)
	must(err)
	phi, err := pl.Instantiate(phs, phm)
	must(err)
	ploop, err := petrel.NewTypedFunc1[int32, int32](phs, phi.GetFunc(phs, "loop"))
	must(err)
	phai, err := petrel.NewInstance(phs, pm, nil)
	must(err)
	phadd := phai.GetFunc(phs, "add")
	phtyped, err := petrel.NewTypedFunc2[int32, int32, int32](phs, phadd)
	must(err)
	pCallCgo := best(func() time.Duration {
		return timed(callIters, func(i int) {
			if _, err := phadd.Call(phs, int32(i), int32(1)); err != nil {
				panic(err)
			}
		})
	})
	pTypedCgo := best(func() time.Duration {
		return timed(callIters, func(i int) {
			if _, err := phtyped.Call(phs, int32(i), 1); err != nil {
				panic(err)
			}
		})
	})
	pHost := best(func() time.Duration {
		start := time.Now()
		r, err := ploop.Call(phs, hostIters)
		must(err)
		if r != hostIters {
			panic("petrel host loop")
		}
		return time.Since(start)
	})
	psm, err := petrel.NewModule(pe, smallWasm)
	must(err)
	pInst := best(func() time.Duration {
		return timed(instIters, func(int) {
			s := petrel.NewStore(pe)
			if _, err := petrel.NewInstance(s, psm, nil); err != nil {
				panic(err)
			}
			_ = s.Close()
		})
	})
	pmm, err := petrel.NewModule(pe, memWasm)
	must(err)
	pmi, err := petrel.NewInstance(ps, pmm, nil)
	must(err)
	pmem := pmi.GetExport(ps, "memory").Memory()
	pMem := best(func() time.Duration {
		return timed(memIters, func(int) { copy(sink, pmem.UnsafeData(ps)[:mib]) })
	})

	// ---- wasmtime-go
	we := wasmtime.NewEngine()
	ws := wasmtime.NewStore(we)
	wm, err := wasmtime.NewModule(we, addWasm)
	must(err)
	wi, err := wasmtime.NewInstance(ws, wm, nil)
	must(err)
	wadd := wi.GetFunc(ws, "add")
	wCall := best(func() time.Duration {
		return timed(callIters/10, func(i int) {
			if _, err := wadd.Call(ws, int32(i), int32(1)); err != nil {
				panic(err)
			}
		}) * 10
	})
	wl := wasmtime.NewLinker(we)
	must(wl.FuncWrap("host", "inc", func(x int32) int32 { return x + 1 }))
	whm, err := wasmtime.NewModule(we, hostWasm)
	must(err)
	whi, err := wl.Instantiate(ws, whm)
	must(err)
	wloop := whi.GetFunc(ws, "loop")
	wHost := best(func() time.Duration {
		start := time.Now()
		r, err := wloop.Call(ws, int32(hostIters/10))
		must(err)
		if r.(int32) != hostIters/10 {
			panic("wasmtime host loop")
		}
		return time.Since(start) * 10
	})
	wsm, err := wasmtime.NewModule(we, smallWasm)
	must(err)
	wInst := best(func() time.Duration {
		return timed(instIters, func(int) {
			s := wasmtime.NewStore(we)
			if _, err := wasmtime.NewInstance(s, wsm, nil); err != nil {
				panic(err)
			}
			s.Close()
		})
	})
	wmm, err := wasmtime.NewModule(we, memWasm)
	must(err)
	wmi, err := wasmtime.NewInstance(ws, wmm, nil)
	must(err)
	wmem := wmi.GetExport(ws, "memory").Memory()
	wMem := best(func() time.Duration {
		return timed(memIters, func(int) { copy(sink, wmem.UnsafeData(ws)[:mib]) })
	})

	// ---- wazero (compiler)
	zr := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigCompiler())
	defer zr.Close(ctx)
	zm, err := zr.Instantiate(ctx, addWasm)
	must(err)
	zadd := zm.ExportedFunction("add")
	zCall := best(func() time.Duration {
		return timed(callIters, func(i int) {
			if _, err := zadd.Call(ctx, api.EncodeI32(int32(i)), 1); err != nil {
				panic(err)
			}
		})
	})
	stack := make([]uint64, 2)
	zStack := best(func() time.Duration {
		return timed(callIters, func(i int) {
			stack[0], stack[1] = api.EncodeI32(int32(i)), 1
			if err := zadd.CallWithStack(ctx, stack); err != nil {
				panic(err)
			}
		})
	})
	_, err = zr.NewHostModuleBuilder("host").NewFunctionBuilder().
		WithFunc(func(x int32) int32 { return x + 1 }).Export("inc").Instantiate(ctx)
	must(err)
	zhm, err := zr.InstantiateWithConfig(ctx, hostWasm, wazero.NewModuleConfig().WithName("hostuser"))
	must(err)
	zloop := zhm.ExportedFunction("loop")
	zHost := best(func() time.Duration {
		start := time.Now()
		r, err := zloop.Call(ctx, hostIters)
		must(err)
		if api.DecodeI32(r[0]) != hostIters {
			panic("wazero host loop")
		}
		return time.Since(start)
	})
	zsm, err := zr.CompileModule(ctx, smallWasm)
	must(err)
	zInst := best(func() time.Duration {
		return timed(instIters, func(int) {
			m, err := zr.InstantiateModule(ctx, zsm, wazero.NewModuleConfig().WithName(""))
			if err != nil {
				panic(err)
			}
			_ = m.Close(ctx)
		})
	})
	zmm, err := zr.InstantiateWithConfig(ctx, memWasm, wazero.NewModuleConfig().WithName("mem"))
	must(err)
	zMem := best(func() time.Duration {
		return timed(memIters, func(int) {
			b, _ := zmm.Memory().Read(0, mib)
			copy(sink, b)
		})
	})

	cFloor := best(func() time.Duration { return floorNs(callIters) })
	cgoCall := best(func() time.Duration { return timed(callIters, cgoNop) })
	runAll()
	mbs := func(d time.Duration) float64 { return float64(memIters) / d.Seconds() * mib / 1e6 }
	rows = append(rows,
		row{"add: ordinary call (Func.Call)", perOp(*pCall, callIters), perOp(*wCall, callIters), perOp(*zCall, callIters), "ns", false},
		row{"add: Petrel TypedFunc2 / wazero CallWithStack", perOp(*pTyped, callIters), 0, perOp(*zStack, callIters), "ns", false},
		row{"  Petrel Func.Call, store with Go host functions (cgo)", perOp(*pCallCgo, callIters), 0, 0, "ns", false},
		row{"  Petrel TypedFunc2, store with Go host functions (cgo)", perOp(*pTypedCgo, callIters), 0, 0, "ns", false},
		row{"  reference: petrel_func_call_raw from C (no cgo)", perOp(*cFloor, callIters), 0, 0, "ns", false},
		row{"  reference: an empty cgo call", perOp(*cgoCall, callIters), 0, 0, "ns", false},
		row{"wasm-to-Go host call", perOp(*pHost, hostIters), perOp(*wHost, hostIters), perOp(*zHost, hostIters), "ns", false},
		row{"instantiate a small module (with its store)", perOp(*pInst, instIters) / 1000, perOp(*wInst, instIters) / 1000, perOp(*zInst, instIters) / 1000, "µs", false},
		row{"copy 1 MiB out of linear memory", mbs(*pMem), mbs(*wMem), mbs(*zMem), "MB/s", true},
	)
	fmt.Printf("%-52s %12s %12s %12s %8s %10s %10s\n", "measurement", "petrel", "wasmtime-go", "wazero", "unit", "wt/petrel", "wz/petrel")
	for _, r := range rows {
		ratio := func(x float64) string {
			if x == 0 {
				return "-"
			}
			return fmt.Sprintf("%.2f", x/r.petrel)
		}
		cell := func(x float64) string {
			if x == 0 {
				return "-"
			}
			return fmt.Sprintf("%.1f", x)
		}
		fmt.Printf("%-52s %12s %12s %12s %8s %10s %10s\n", r.name, cell(r.petrel), cell(r.wasmtime), cell(r.wazero), r.unit, ratio(r.wasmtime), ratio(r.wazero))
	}
	fmt.Println("(ratios above 1 mean Petrel is faster, except for MB/s where below 1 does)")
}
