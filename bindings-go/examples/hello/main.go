// Command hello runs examples/hello.wat: the host function host.hello
// prints "Hello, world!", then the program prints run()'s result, 42.
//
// Run it from bindings-go: go run ./examples/hello [path/to/hello.wat]
package main

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	petrel "github.com/petrel-runtime/petrel/bindings-go"
)

func main() {
	path := filepath.Join("..", "examples", "hello.wat")
	if len(os.Args) > 1 {
		path = os.Args[1]
	}
	engine := petrel.NewEngine()
	store := petrel.NewStore(engine)
	defer store.Close()
	module, err := petrel.NewModuleFromFile(engine, path)
	if err != nil {
		log.Fatal(err)
	}
	linker := petrel.NewLinker(engine)
	if err := linker.FuncWrap("host", "hello", func() { fmt.Println("Hello, world!") }); err != nil {
		log.Fatal(err)
	}
	instance, err := linker.Instantiate(store, module)
	if err != nil {
		log.Fatal(err)
	}
	run, err := petrel.NewTypedFunc0[int32](store, instance.GetFunc(store, "run"))
	if err != nil {
		log.Fatal(err)
	}
	result, err := run.Call(store)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("run() = %d\n", result)
}
