package petrel_test

// The runner of the cross-language scenario suite (scenarios/*.json at the
// repository root; the format is described in scenarios/README.md). It
// uses the public API only, prints one line per failure and a closing
// "scenarios: N passed, N failed", and fails on any mismatch not listed in
// scenarios_expected_failures.txt (and on a listed scenario that passes).
// PETREL_SCENARIOS names another suite directory; a missing suite fails.

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	petrel "github.com/petrel-runtime/petrel/bindings-go"
)

type scenarioFile struct {
	Scenarios []map[string]any `json:"scenarios"`
}

// mismatch is an expectation that was not met.
type mismatch struct{ msg string }

func (m *mismatch) Error() string { return m.msg }

func fail(format string, args ...any) error { return &mismatch{fmt.Sprintf(format, args...)} }

// hostError is what the vocabulary's throw_host_error raises.
type hostError struct{ msg string }

func (e *hostError) Error() string { return e.msg }

// notFound is an export the scenario names that does not exist (or is not
// of the kind needed).
type notFound struct{ msg string }

func (e *notFound) Error() string { return e.msg }

var valKinds = map[string]petrel.ValKind{
	"i32": petrel.KindI32, "i64": petrel.KindI64, "f32": petrel.KindF32, "f64": petrel.KindF64,
	"v128": petrel.KindV128, "funcref": petrel.KindFuncref, "externref": petrel.KindExternref,
}

// messageKinds classify errors that are neither traps nor host errors by
// the C API's message text: scenarios/README.md, "Classifying errors"
// (plain substring tests, first match wins).
var messageKinds = []struct {
	subs []string
	kind string
}{
	{[]string{"wrong store", "is not in this store"}, "wrong_store"},
	{[]string{"store is closed"}, "closed_store"},
	{[]string{"in use by another thread"}, "thread"},
	{[]string{"while it is in use"}, "in_use"},
	{[]string{"failed to parse WebAssembly text", "invalid WebAssembly module"}, "compile"},
	{[]string{"serialized module", "serialized Petrel module", "compiled Petrel module", "the compiled module", "authentication failed"}, "deserialize"},
	{[]string{"unknown import", "incompatible import type", "imports, found", "already defined", "different engine"}, "link"},
	{[]string{"resource limit exceeded", "failed to grow"}, "limit"},
	{[]string{"immutable global"}, "immutable"},
	{[]string{"is not enabled"}, "not_enabled"},
	{[]string{" arguments, got "}, "arity"},
	{[]string{"cannot hold a", ", expected ", "is not a value of type"}, "type_mismatch"},
}

func classify(err error, hostAccess bool) string {
	var he *hostError
	var nf *notFound
	var trap *petrel.Trap
	switch {
	case errors.As(err, &he):
		return "host_error"
	case errors.As(err, &nf):
		return "not_found"
	case errors.As(err, &trap):
		if hostAccess && trap.Code() != nil && (*trap.Code() == petrel.MemoryOutOfBounds || *trap.Code() == petrel.TableOutOfBounds) {
			return "out_of_bounds"
		}
		return "trap"
	}
	for _, mk := range messageKinds {
		for _, sub := range mk.subs {
			if strings.Contains(err.Error(), sub) {
				return mk.kind
			}
		}
	}
	return "unclassified"
}

// ---------------------------------------------------------------- values

// typed is a value with its kind, as the log and expectations see it.
type typed struct {
	kind string // a value kind, or "outcome"
	val  petrel.Val
	out  string
}

func kindOf(v map[string]any) (string, any, error) {
	if len(v) != 1 {
		return "", nil, fmt.Errorf("bad typed value %v", v)
	}
	for k, x := range v {
		if _, ok := valKinds[k]; !ok {
			return "", nil, fmt.Errorf("bad value type %q", k)
		}
		return k, x, nil
	}
	return "", nil, nil
}

func parseInt(s string, bits uint) uint64 {
	n, ok := new(big.Int).SetString(s, 0)
	if !ok {
		panic("bad integer " + s)
	}
	mod := new(big.Int).Lsh(big.NewInt(1), bits)
	n.Mod(n, mod)
	return n.Uint64()
}

func parseV128(s string) [16]byte {
	n, ok := new(big.Int).SetString(strings.TrimPrefix(s, "0x"), 16)
	if !ok {
		panic("bad v128 " + s)
	}
	var out [16]byte
	b := n.Bytes() // big-endian
	for i := 0; i < len(b) && i < 16; i++ {
		out[i] = b[len(b)-1-i]
	}
	return out
}

func describe(t typed) string {
	if t.kind == "outcome" {
		return fmt.Sprintf(`{"error": %q}`, t.out)
	}
	v := t.val
	switch v.Kind() {
	case petrel.KindI32:
		return fmt.Sprintf(`{"i32": "%d"}`, v.I32())
	case petrel.KindI64:
		return fmt.Sprintf(`{"i64": "%d"}`, v.I64())
	case petrel.KindF32:
		return fmt.Sprintf(`{"f32": "0x%08x"}`, math.Float32bits(v.F32()))
	case petrel.KindF64:
		return fmt.Sprintf(`{"f64": "0x%016x"}`, math.Float64bits(v.F64()))
	case petrel.KindV128:
		b := v.V128()
		s := ""
		for i := 15; i >= 0; i-- {
			s += fmt.Sprintf("%02x", b[i])
		}
		return fmt.Sprintf(`{"v128": "0x%s"}`, s)
	case petrel.KindFuncref:
		if v.Funcref() == nil {
			return `{"funcref": null}`
		}
		return `{"funcref": "non-null"}`
	}
	if v.Externref() == nil {
		return `{"externref": null}`
	}
	return fmt.Sprintf(`{"externref": "%v"}`, v.Externref())
}

func valueMatches(expected map[string]any, v petrel.Val) bool {
	k, e, err := kindOf(expected)
	if err != nil || valKinds[k] != v.Kind() {
		return false
	}
	switch k {
	case "i32":
		return uint32(parseInt(e.(string), 32)) == uint32(v.I32())
	case "i64":
		return parseInt(e.(string), 64) == uint64(v.I64())
	case "f32":
		return uint32(parseInt(e.(string), 32)) == math.Float32bits(v.F32())
	case "f64":
		return parseInt(e.(string), 64) == math.Float64bits(v.F64())
	case "v128":
		return parseV128(e.(string)) == v.V128()
	case "funcref":
		return (e == nil) == (v.Funcref() == nil)
	}
	if e == nil {
		return v.Externref() == nil
	}
	x, ok := v.Externref().(int64)
	return ok && strconv.FormatInt(x, 10) == e.(string)
}

// ---------------------------------------------------------------- runner

type instanceRef struct {
	inst  *petrel.Instance
	store string
}

type scenario struct {
	sc        map[string]any
	engine    *petrel.Engine
	stores    map[string]*petrel.Store
	instances map[string]instanceRef
	modules   map[string]*petrel.Module
	linker    *petrel.Linker
	hosts     []map[string]any
	log       []typed
	current   *petrel.Store // the store of the step running now
	raised    map[*hostError]bool
}

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

func list(m map[string]any, k string) []any {
	l, _ := m[k].([]any)
	return l
}

func num(m map[string]any, k string) int64 {
	switch x := m[k].(type) {
	case float64:
		return int64(x)
	case string:
		n, _ := strconv.ParseInt(x, 0, 64)
		return n
	}
	return 0
}

func newScenario(sc map[string]any) (*scenario, error) {
	cfg := petrel.NewConfig()
	defer cfg.Close()
	if c, ok := sc["config"].(map[string]any); ok {
		if b, _ := c["consume_fuel"].(bool); b {
			cfg.SetConsumeFuel(true)
		}
		if b, _ := c["epoch_interruption"].(bool); b {
			cfg.SetEpochInterruption(true)
		}
		if _, ok := c["max_wasm_stack"]; ok {
			cfg.SetMaxWasmStack(int(num(c, "max_wasm_stack")))
		}
		if b, ok := c["static_memory_guard"].(bool); ok {
			cfg.SetStaticMemoryGuard(b)
		}
		if b, ok := c["wasm_wide_arithmetic"].(bool); ok {
			cfg.SetWasmWideArithmetic(b)
		}
		if b, ok := c["wasm_custom_page_sizes"].(bool); ok {
			cfg.SetWasmCustomPageSizes(b)
		}
	}
	s := &scenario{
		sc: sc, engine: petrel.NewEngineWithConfig(cfg),
		stores: map[string]*petrel.Store{}, instances: map[string]instanceRef{}, modules: map[string]*petrel.Module{},
		raised: map[*hostError]bool{},
	}
	s.linker = petrel.NewLinker(s.engine)
	if b, _ := sc["wasi"].(bool); b {
		if err := s.linker.DefineWasi(); err != nil {
			return nil, err
		}
	}
	for _, h := range list(sc, "host") {
		hm := h.(map[string]any)
		s.hosts = append(s.hosts, hm)
		if err := s.defineHost(hm); err != nil {
			return nil, err
		}
	}
	s.stores["main"] = petrel.NewStoreWithData(s.engine, "main")
	return s, nil
}

func (s *scenario) close() {
	for _, st := range s.stores {
		_ = st.Close()
	}
	s.linker.Close()
	for _, m := range s.modules {
		m.Close()
	}
	if s.engine != nil {
		s.engine.Close()
	}
}

func kinds(l []any) []*petrel.ValType {
	out := []*petrel.ValType{}
	for _, k := range l {
		out = append(out, petrel.NewValType(valKinds[k.(string)]))
	}
	return out
}

func (s *scenario) functype(h map[string]any) *petrel.FuncType {
	return petrel.NewFuncType(kinds(list(h, "params")), kinds(list(h, "results")))
}

func (s *scenario) defineHost(h map[string]any) error {
	return s.linker.FuncNewWithError(str(h, "module"), str(h, "name"), s.functype(h), s.hostImpl(h))
}

func zero(k petrel.ValKind) petrel.Val {
	switch k {
	case petrel.KindI32:
		return petrel.ValI32(0)
	case petrel.KindI64:
		return petrel.ValI64(0)
	case petrel.KindF32:
		return petrel.ValF32(0)
	case petrel.KindF64:
		return petrel.ValF64(0)
	case petrel.KindV128:
		return petrel.ValV128([16]byte{})
	case petrel.KindFuncref:
		return petrel.ValFuncref(nil)
	}
	return petrel.ValExternref(nil)
}

// callVals calls f with Vals through the ordinary Call and returns the
// results as Vals.
func callVals(store petrel.Storelike, f *petrel.Func, args []petrel.Val) ([]petrel.Val, error) {
	in := make([]any, len(args))
	for i, a := range args {
		in[i] = a
	}
	r, err := f.Call(store, in...)
	if err != nil {
		return nil, err
	}
	results := f.Type(store).Results()
	switch len(results) {
	case 0:
		return nil, nil
	case 1:
		return []petrel.Val{toVal(results[0].Kind(), r)}, nil
	}
	return r.([]petrel.Val), nil
}

func toVal(k petrel.ValKind, x any) petrel.Val {
	switch k {
	case petrel.KindI32:
		return petrel.ValI32(x.(int32))
	case petrel.KindI64:
		return petrel.ValI64(x.(int64))
	case petrel.KindF32:
		return petrel.ValF32(x.(float32))
	case petrel.KindF64:
		return petrel.ValF64(x.(float64))
	case petrel.KindV128:
		return petrel.ValV128(x.([16]byte))
	case petrel.KindFuncref:
		f, _ := x.(*petrel.Func)
		return petrel.ValFuncref(f)
	}
	return petrel.ValExternref(x)
}

func (s *scenario) hostImpl(h map[string]any) func(*petrel.Caller, []petrel.Val) ([]petrel.Val, error) {
	params, results := list(h, "params"), list(h, "results")
	name := str(h, "func")
	return func(c *petrel.Caller, args []petrel.Val) ([]petrel.Val, error) {
		switch name {
		case "add":
			if params[0] == "i32" {
				return []petrel.Val{petrel.ValI32(args[0].I32() + args[1].I32())}, nil
			}
			return []petrel.Val{petrel.ValI64(args[0].I64() + args[1].I64())}, nil
		case "echo":
			return args, nil
		case "nop":
			out := []petrel.Val{}
			for _, r := range results {
				out = append(out, zero(valKinds[r.(string)]))
			}
			return out, nil
		case "throw_host_error":
			e := &hostError{str(h, "message")}
			s.raised[e] = true
			return nil, e
		case "trap":
			var code petrel.TrapCode
			for c := petrel.TrapCode(0); c < 255; c++ {
				if c.String() == str(h, "trap") {
					code = c
				}
			}
			return nil, petrel.NewTrapWithCode("host trap", code)
		case "call_back_into_wasm":
			ex := c.GetExport(str(h, "export"))
			if ex == nil || ex.Func() == nil {
				return nil, &hostError{"no exported function " + str(h, "export")}
			}
			return callVals(c, ex.Func(), args)
		case "record":
			for i, a := range args {
				s.log = append(s.log, typed{kind: params[i].(string), val: a})
			}
			return nil, nil
		case "record_memory_byte":
			mem := c.GetExport("memory").Memory()
			b := make([]byte, 1)
			if err := mem.Read(c, uint64(uint32(args[0].I32())), b); err != nil {
				return nil, err
			}
			s.log = append(s.log, typed{kind: "i32", val: petrel.ValI32(int32(b[0]))})
			return nil, nil
		case "grow_memory":
			mem := c.GetExport("memory").Memory()
			old, err := mem.Grow(c, uint64(uint32(args[0].I32())))
			if err != nil {
				return []petrel.Val{petrel.ValI32(-1)}, nil
			}
			return []petrel.Val{petrel.ValI32(int32(old))}, nil
		case "increment_epoch":
			s.engine.IncrementEpoch()
			return nil, nil
		case "call_on_other_thread":
			ex := c.GetExport(str(h, "export"))
			var targs []petrel.Val
			for _, a := range list(h, "args") {
				v, err := s.arg(a.(map[string]any))
				if err != nil {
					return nil, err
				}
				targs = append(targs, v)
			}
			done := make(chan string)
			go func() {
				if ex == nil || ex.Func() == nil {
					done <- "not_found"
					return
				}
				if _, err := callVals(c, ex.Func(), targs); err != nil {
					done <- classify(err, false)
					return
				}
				done <- "ok"
			}()
			s.log = append(s.log, typed{kind: "outcome", out: <-done})
			return nil, nil
		case "close_store":
			name, _ := c.Data().(string)
			if err := s.stores[name].Close(); err != nil {
				s.log = append(s.log, typed{kind: "outcome", out: classify(err, false)})
			} else {
				s.log = append(s.log, typed{kind: "outcome", out: "ok"})
			}
			return nil, nil
		}
		return nil, &hostError{"unknown vocabulary function " + name}
	}
}

func (s *scenario) module(name string) (*petrel.Module, error) {
	if m, ok := s.modules[name]; ok {
		return m, nil
	}
	src := s.sc["modules"].(map[string]any)[name]
	var wasm []byte
	switch x := src.(type) {
	case string:
		wasm = []byte(x)
	case map[string]any:
		var err error
		if wasm, err = hex.DecodeString(str(x, "hex")); err != nil {
			return nil, err
		}
	}
	m, err := petrel.NewModule(s.engine, wasm)
	if err != nil {
		return nil, err
	}
	s.modules[name] = m
	return m, nil
}

func (s *scenario) storeFor(step map[string]any) *petrel.Store {
	if n, ok := step["store"].(string); ok {
		return s.stores[n]
	}
	if n, ok := step["instance"].(string); ok {
		if r, ok := s.instances[n]; ok {
			return s.stores[r.store]
		}
	}
	return s.stores["main"]
}

func (s *scenario) export(instance, name string, store *petrel.Store) (*petrel.Extern, error) {
	r, ok := s.instances[instance]
	if !ok {
		return nil, fmt.Errorf("no instance %q", instance)
	}
	if store == nil {
		store = s.stores[r.store]
	}
	exports, err := r.inst.NamedExports(store)
	if err != nil {
		return nil, err
	}
	for _, e := range exports {
		if e.Name == name {
			return e.Extern, nil
		}
	}
	return nil, &notFound{"no export " + name}
}

func (s *scenario) arg(v map[string]any) (petrel.Val, error) {
	k, e, err := kindOf(v)
	if err != nil {
		return petrel.Val{}, err
	}
	switch k {
	case "i32":
		return petrel.ValI32(int32(uint32(parseInt(e.(string), 32)))), nil
	case "i64":
		return petrel.ValI64(int64(parseInt(e.(string), 64))), nil
	case "f32":
		return petrel.ValF32(math.Float32frombits(uint32(parseInt(e.(string), 32)))), nil
	case "f64":
		return petrel.ValF64(math.Float64frombits(parseInt(e.(string), 64))), nil
	case "v128":
		return petrel.ValV128(parseV128(e.(string))), nil
	case "funcref":
		if e == nil {
			return petrel.ValFuncref(nil), nil
		}
		ref := e.(map[string]any)
		ex, err := s.export(str(ref, "instance"), str(ref, "export"), nil)
		if err != nil {
			return petrel.Val{}, err
		}
		if ex.Func() == nil {
			return petrel.Val{}, &notFound{"not a function"}
		}
		return petrel.ValFuncref(ex.Func()), nil
	}
	if e == nil {
		return petrel.ValExternref(nil), nil
	}
	n, _ := strconv.ParseInt(e.(string), 10, 64)
	return petrel.ValExternref(n), nil
}

func (s *scenario) args(l []any) ([]petrel.Val, error) {
	out := []petrel.Val{}
	for _, a := range l {
		v, err := s.arg(a.(map[string]any))
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func (s *scenario) run() error {
	for i, st := range list(s.sc, "steps") {
		step := st.(map[string]any)
		repeat := 1
		if _, ok := step["repeat"]; ok {
			repeat = int(num(step, "repeat"))
		}
		for n := 0; n < repeat; n++ {
			if err := s.step(step); err != nil {
				rep := ""
				if repeat > 1 {
					rep = fmt.Sprintf(" (repeat %d)", n+1)
				}
				return fail("step %d (%s)%s: %v", i+1, str(step, "op"), rep, err)
			}
		}
	}
	return nil
}

// result is what a step produced, for its expectation.
type result struct {
	vals   []petrel.Val
	value  *petrel.Val
	number *uint64
	bytes  []byte
	log    []typed
	wasi   *wasiResult
}

type wasiResult struct {
	code           int32
	stdout, stderr []byte
}

func (s *scenario) checkError(expect any, err error, hostAccess bool) error {
	kind := classify(err, hostAccess)
	e, ok := expect.(map[string]any)
	if !ok || e["error"] == nil {
		return fail("unexpected error (%s): %T: %v", kind, err, err)
	}
	if kind != e["error"] {
		return fail("expected error %v, got %s: %T: %v", e["error"], kind, err, err)
	}
	if kind == "trap" {
		var trap *petrel.Trap
		errors.As(err, &trap)
		code := ""
		if trap.Code() != nil {
			code = trap.Code().String()
		}
		if code != e["trap"] {
			return fail("expected trap %v, got %s: %v", e["trap"], code, err)
		}
		if want, ok := e["frames"].([]any); ok {
			var got []any
			for _, f := range trap.Frames() {
				if f.FuncName() == nil {
					got = append(got, nil)
				} else {
					got = append(got, *f.FuncName())
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(want) || len(got) != len(want) {
				return fail("expected frames %v, got %v", want, got)
			}
		}
	}
	if kind == "host_error" {
		var he *hostError
		errors.As(err, &he)
		if he.msg != e["message"] {
			return fail("expected host error %q, got %q", e["message"], he.msg)
		}
		if !s.raised[he] {
			return fail("the host error that came back is not the one a host function raised")
		}
	}
	return nil
}

func (s *scenario) step(step map[string]any) (ret error) {
	op := str(step, "op")
	expect, ok := step["expect"]
	if !ok {
		expect = "ok"
	}
	hostAccess := strings.HasPrefix(op, "memory_") || strings.HasPrefix(op, "table_")
	s.current = s.storeFor(step)
	got, err := s.do(op, step)
	if err != nil {
		var m *mismatch
		if errors.As(err, &m) {
			return err
		}
		return s.checkError(expect, err, hostAccess)
	}
	e, isMap := expect.(map[string]any)
	if isMap && e["error"] != nil {
		return fail("expected error %v, got success", e["error"])
	}
	if !isMap {
		return nil
	}
	return s.checkValue(op, e, got)
}

func (s *scenario) checkValue(op string, e map[string]any, got result) error {
	switch {
	case op == "wasi_run":
		w := got.wasi
		if int64(w.code) != num(e, "exit_code") || string(w.stdout) != str(e, "stdout") || string(w.stderr) != str(e, "stderr") {
			return fail("expected exit_code/stdout/stderr %v/%q/%q, got %d/%q/%q", e["exit_code"], str(e, "stdout"), str(e, "stderr"), w.code, w.stdout, w.stderr)
		}
	case e["results"] != nil:
		want := list(e, "results")
		ok := len(want) == len(got.vals)
		for i := 0; ok && i < len(want); i++ {
			ok = valueMatches(want[i].(map[string]any), got.vals[i])
		}
		if !ok {
			var shown []string
			for _, v := range got.vals {
				shown = append(shown, describe(typed{val: v}))
			}
			return fail("expected results %v, got [%s]", want, strings.Join(shown, ", "))
		}
	case e["value"] != nil:
		if !valueMatches(e["value"].(map[string]any), *got.value) {
			return fail("expected value %v, got %s", e["value"], describe(typed{val: *got.value}))
		}
	case e["log"] != nil:
		want := list(e, "log")
		ok := len(want) == len(got.log)
		for i := 0; ok && i < len(want); i++ {
			w := want[i].(map[string]any)
			g := got.log[i]
			if _, isErr := w["error"]; isErr {
				ok = g.kind == "outcome" && g.out == w["error"]
			} else if _, isOK := w["ok"]; isOK {
				ok = g.kind == "outcome" && g.out == "ok"
			} else {
				ok = g.kind != "outcome" && valueMatches(w, g.val)
			}
		}
		if !ok {
			var shown []string
			for _, g := range got.log {
				shown = append(shown, describe(g))
			}
			return fail("expected log %v, got [%s]", want, strings.Join(shown, ", "))
		}
	case e["bytes"] != nil:
		if hex.EncodeToString(got.bytes) != strings.ToLower(str(e, "bytes")) {
			return fail("expected bytes %v, got %x", e["bytes"], got.bytes)
		}
	default:
		for _, key := range []string{"size", "old_size", "fuel"} {
			if _, ok := e[key]; ok {
				if got.number == nil || int64(*got.number) != num(e, key) {
					return fail("expected %s %v, got %v", key, e[key], got.number)
				}
				return nil
			}
		}
		return fail("unknown expectation %v", e)
	}
	return nil
}

func (s *scenario) item(step map[string]any) (*petrel.Extern, error) {
	return s.export(str(step, "instance"), str(step, "export"), nil)
}

func numResult(n uint64) result { return result{number: &n} }

func (s *scenario) do(op string, step map[string]any) (result, error) {
	store := s.current
	switch op {
	case "store_new":
		s.stores[str(step, "store")] = petrel.NewStoreWithData(s.engine, str(step, "store"))
	case "compile":
		_, err := s.module(str(step, "module"))
		return result{}, err
	case "instantiate":
		m, err := s.module(str(step, "module"))
		if err != nil {
			return result{}, err
		}
		var inst *petrel.Instance
		if imps, ok := step["imports"].([]any); ok {
			var items []petrel.AsExtern
			for _, imp := range imps {
				im := imp.(map[string]any)
				if hn, ok := im["host"].(string); ok {
					var h map[string]any
					for _, x := range s.hosts {
						if str(x, "name") == hn {
							h = x
						}
					}
					sn := "main"
					if x, ok := im["store"].(string); ok {
						sn = x
					}
					items = append(items, petrel.NewFuncWithError(s.stores[sn], s.functype(h), s.hostImpl(h)))
				} else {
					ex, err := s.export(str(im, "instance"), str(im, "export"), nil)
					if err != nil {
						return result{}, err
					}
					items = append(items, ex)
				}
			}
			inst, err = petrel.NewInstance(store, m, items)
		} else {
			inst, err = s.linker.Instantiate(store, m)
		}
		if err != nil {
			return result{}, err
		}
		for n, st := range s.stores {
			if st == store {
				s.instances[str(step, "as")] = instanceRef{inst, n}
			}
		}
	case "exports":
		_, err := s.instances[str(step, "instance")].inst.NamedExports(store)
		return result{}, err
	case "call":
		call := func() (result, error) {
			ex, err := s.item(step)
			if err != nil {
				return result{}, err
			}
			if ex.Func() == nil {
				return result{}, &notFound{"export " + str(step, "export") + " is not a function"}
			}
			args, err := s.args(list(step, "args"))
			if err != nil {
				return result{}, err
			}
			vals, err := callVals(store, ex.Func(), args)
			return result{vals: vals}, err
		}
		if b, _ := step["on_thread"].(bool); b {
			type outcome struct {
				r   result
				err error
			}
			done := make(chan outcome)
			go func() { r, err := call(); done <- outcome{r, err} }()
			o := <-done
			return o.r, o.err
		}
		return call()
	case "host_call":
		var h map[string]any
		for _, x := range s.hosts {
			if str(x, "name") == str(step, "host") {
				h = x
			}
		}
		f := petrel.NewFuncWithError(store, s.functype(h), s.hostImpl(h))
		args, err := s.args(list(step, "args"))
		if err != nil {
			return result{}, err
		}
		vals, err := callVals(store, f, args)
		return result{vals: vals}, err
	case "memory_size", "memory_grow", "memory_read", "memory_write":
		ex, err := s.item(step)
		if err != nil {
			return result{}, err
		}
		mem := ex.Memory()
		if mem == nil {
			return result{}, &notFound{"not a memory"}
		}
		switch op {
		case "memory_size":
			n, err := mem.Pages(store)
			return numResult(n), err
		case "memory_grow":
			n, err := mem.Grow(store, uint64(num(step, "delta")))
			return numResult(n), err
		case "memory_read":
			buf := make([]byte, num(step, "length"))
			err := mem.Read(store, uint64(num(step, "offset")), buf)
			return result{bytes: buf}, err
		default:
			b, err := hex.DecodeString(str(step, "bytes"))
			if err != nil {
				return result{}, err
			}
			return result{}, mem.Write(store, uint64(num(step, "offset")), b)
		}
	case "table_size", "table_get", "table_set", "table_grow":
		ex, err := s.item(step)
		if err != nil {
			return result{}, err
		}
		tab := ex.Table()
		if tab == nil {
			return result{}, &notFound{"not a table"}
		}
		switch op {
		case "table_size":
			n, err := tab.Len(store)
			return numResult(uint64(n)), err
		case "table_get":
			v, err := tab.Get(store, uint32(num(step, "index")))
			return result{value: &v}, err
		case "table_set":
			v, err := s.arg(step["value"].(map[string]any))
			if err != nil {
				return result{}, err
			}
			return result{}, tab.Set(store, uint32(num(step, "index")), v)
		default:
			v, err := s.arg(step["init"].(map[string]any))
			if err != nil {
				return result{}, err
			}
			n, err := tab.Grow(store, uint32(num(step, "delta")), v)
			return numResult(uint64(n)), err
		}
	case "global_get", "global_set":
		ex, err := s.item(step)
		if err != nil {
			return result{}, err
		}
		g := ex.Global()
		if g == nil {
			return result{}, &notFound{"not a global"}
		}
		if op == "global_get" {
			v, err := g.GetValue(store)
			return result{value: &v}, err
		}
		v, err := s.arg(step["value"].(map[string]any))
		if err != nil {
			return result{}, err
		}
		return result{}, g.Set(store, v)
	case "set_fuel":
		return result{}, store.SetFuel(uint64(num(step, "fuel")))
	case "get_fuel":
		n, err := store.GetFuel()
		return numResult(n), err
	case "set_epoch_deadline":
		store.SetEpochDeadline(uint64(num(step, "ticks")))
	case "increment_epoch":
		s.engine.IncrementEpoch()
	case "set_limits":
		return result{}, store.Limiter(num(step, "memory_size"), num(step, "table_elements"), num(step, "instances"))
	case "close_store":
		return result{}, s.stores[str(step, "store")].Close()
	case "drop_engine":
		s.engine.Close()
	case "drop_module":
		if _, err := s.module(str(step, "module")); err != nil {
			return result{}, err
		}
		s.modules[str(step, "module")].Close()
		delete(s.modules, str(step, "module"))
	case "serialize":
		m, err := s.module(str(step, "module"))
		if err != nil {
			return result{}, err
		}
		blob, err := m.Serialize()
		if err != nil {
			return result{}, err
		}
		switch c := str(step, "corrupt"); c {
		case "":
		case "truncate_half":
			blob = blob[:len(blob)/2]
		case "flip_middle_byte":
			blob[len(blob)/2] ^= 0xff
		case "flip_first_byte":
			blob[0] ^= 0xff
		case "flip_last_byte":
			blob[len(blob)-1] ^= 0xff
		case "empty":
			blob = nil
		case "append_byte":
			blob = append(blob, 0)
		default:
			return result{}, fail("unknown corruption %s", c)
		}
		m2, err := petrel.NewModuleDeserialize(s.engine, blob)
		if err != nil {
			return result{}, err
		}
		s.modules[str(step, "as")] = m2
	case "linker_define":
		st := s.storeFor(map[string]any{"instance": step["instance"]})
		if n, ok := step["store"].(string); ok {
			st = s.stores[n]
		}
		ex, err := s.item(step)
		if err != nil {
			return result{}, err
		}
		return result{}, s.linker.Define(st, str(step, "module"), str(step, "name"), ex)
	case "linker_define_instance":
		r := s.instances[str(step, "instance")]
		st := s.stores[r.store]
		if n, ok := step["store"].(string); ok {
			st = s.stores[n]
		}
		return result{}, s.linker.DefineInstance(st, str(step, "module"), r.inst)
	case "linker_define_host":
		h := step["host"].(map[string]any)
		s.hosts = append(s.hosts, h)
		return result{}, s.defineHost(h)
	case "linker_allow_shadowing":
		b, _ := step["allow"].(bool)
		s.linker.AllowShadowing(b)
	case "log":
		got := s.log
		s.log = nil
		return result{log: got}, nil
	case "wasi_run":
		return s.wasiRun(store, step)
	default:
		return result{}, fail("unknown op %s", op)
	}
	return result{}, nil
}

func (s *scenario) wasiRun(store *petrel.Store, step map[string]any) (result, error) {
	cfg := petrel.NewWasiConfig()
	var argv []string
	for _, a := range list(step, "args") {
		argv = append(argv, a.(string))
	}
	var keys, values []string
	for _, kv := range list(step, "env") {
		p := kv.([]any)
		keys = append(keys, p[0].(string))
		values = append(values, p[1].(string))
	}
	for _, err := range []error{
		cfg.SetArgv(argv), cfg.SetEnv(keys, values), cfg.SetStdinBytes([]byte(str(step, "stdin"))),
		cfg.SetStdoutCapture(1 << 20), cfg.SetStderrCapture(1 << 20),
	} {
		if err != nil {
			return result{}, err
		}
	}
	if err := store.SetWasi(cfg); err != nil {
		return result{}, err
	}
	m, err := s.module(str(step, "module"))
	if err != nil {
		return result{}, err
	}
	inst, err := s.linker.Instantiate(store, m)
	if err != nil {
		return result{}, err
	}
	start := inst.GetFunc(store, "_start")
	if start == nil {
		return result{}, &notFound{"no _start"}
	}
	var code int32
	if _, err := start.Call(store); err != nil {
		var pe *petrel.Error
		c, exited := int32(0), false
		if errors.As(err, &pe) {
			c, exited = pe.ExitStatus()
		}
		if !exited {
			return result{}, err
		}
		code = c
	}
	out, err := store.WasiStdout()
	if err != nil {
		return result{}, err
	}
	errOut, err := store.WasiStderr()
	if err != nil {
		return result{}, err
	}
	return result{wasi: &wasiResult{code, out, errOut}}, nil
}

func runScenario(sc map[string]any) (problem error) {
	defer func() {
		if r := recover(); r != nil {
			problem = fmt.Errorf("runner panic: %v", r)
		}
	}()
	s, err := newScenario(sc)
	if err != nil {
		return fmt.Errorf("runner error: %v", err)
	}
	defer s.close()
	return s.run()
}

func scenarioDir() string {
	if d := os.Getenv("PETREL_SCENARIOS"); d != "" {
		return d
	}
	return filepath.Join("..", "scenarios")
}

func TestScenarios(t *testing.T) {
	dir := scenarioDir()
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenario suite at %s (set PETREL_SCENARIOS to its directory)", dir)
	}
	sort.Strings(files)
	var all []map[string]any
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var sf scenarioFile
		if err := json.Unmarshal(raw, &sf); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		all = append(all, sf.Scenarios...)
	}
	expected := map[string]string{}
	if raw, err := os.ReadFile("scenarios_expected_failures.txt"); err == nil {
		for _, line := range strings.Split(string(raw), "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			name, reason, _ := strings.Cut(line, " ")
			expected[name] = strings.TrimSpace(reason)
		}
	}
	filter := os.Getenv("PETREL_SCENARIO_FILTER")
	seen := map[string]bool{}
	passed, failed := 0, 0
	for _, sc := range all {
		name, _ := sc["name"].(string)
		if seen[name] {
			t.Errorf("FAIL %s: scenario name used more than once", name)
		}
		seen[name] = true
		if filter != "" && !strings.Contains(name, filter) {
			continue
		}
		problem := runScenario(sc)
		if problem == nil {
			passed++
			if reason, ok := expected[name]; ok {
				t.Errorf("FAIL %s: listed as an expected failure (%s) but passes: remove it from the list", name, reason)
			}
			continue
		}
		failed++
		if _, ok := expected[name]; ok {
			t.Logf("expected failure %s: %v", name, problem)
		} else {
			t.Errorf("FAIL %s: %v", name, problem)
		}
	}
	for name := range expected {
		if !seen[name] {
			t.Errorf("FAIL %s: listed in scenarios_expected_failures.txt but no such scenario", name)
		}
	}
	fmt.Printf("scenarios: %d passed, %d failed\n", passed, failed)
}
