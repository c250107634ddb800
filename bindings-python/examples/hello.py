"""The hello example: a host function called from wasm (examples/hello.wat).

Run: python bindings-python/examples/hello.py  (prints "Hello, world!", then "run() = 42")
"""

import pathlib

from petrel import Engine, Func, FuncType, Instance, Module, Store

WAT = pathlib.Path(__file__).resolve().parents[2] / "examples" / "hello.wat"


def main() -> None:
    engine = Engine()
    store = Store(engine)
    module = Module(engine, WAT.read_text())
    hello = Func(store, FuncType([], []), lambda: print("Hello, world!"))
    instance = Instance(store, module, [hello])
    run = instance.exports(store)["run"]
    print(f"run() = {run(store)}")


if __name__ == "__main__":
    main()
