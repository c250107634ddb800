package petrel

import "testing"

func benchAdd(b *testing.B) (*Store, *Func) {
	store := NewStore(NewEngine())
	inst, err := NewInstance(store, func() *Module {
		m, err := NewModule(store.Engine(), []byte(addWat))
		if err != nil {
			b.Fatal(err)
		}
		return m
	}(), nil)
	if err != nil {
		b.Fatal(err)
	}
	return store, inst.GetFunc(store, "add")
}

func BenchmarkFunc_Call(b *testing.B) {
	store, add := benchAdd(b)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := add.Call(store, int32(i), int32(1)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTypedFunc2_Call(b *testing.B) {
	store, add := benchAdd(b)
	typed, err := NewTypedFunc2[int32, int32, int32](store, add)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := typed.Call(store, int32(i), 1); err != nil {
			b.Fatal(err)
		}
	}
}
