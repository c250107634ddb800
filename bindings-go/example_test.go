package petrel_test

import (
	"fmt"
	"path/filepath"

	petrel "github.com/petrel-runtime/petrel/bindings-go"
)

// The hello example (examples/hello.wat at the repository root): a host
// function called from wasm.
func Example() {
	engine := petrel.NewEngine()
	store := petrel.NewStore(engine)
	module, err := petrel.NewModuleFromFile(engine, filepath.Join("..", "examples", "hello.wat"))
	if err != nil {
		panic(err)
	}
	hello := petrel.WrapFunc(store, func() { fmt.Println("Hello, world!") })
	instance, err := petrel.NewInstance(store, module, []petrel.AsExtern{hello})
	if err != nil {
		panic(err)
	}
	result, err := instance.GetFunc(store, "run").Call(store)
	if err != nil {
		panic(err)
	}
	fmt.Printf("run() = %v\n", result)
	// Output:
	// Hello, world!
	// run() = 42
}
