"""Benchmarks of the Python binding (a script, not a test).

Prints medians of: ns per call of an exported ``add(i32, i32) -> i32``, ns per
wasm-to-Python host call, µs per instantiation of a small module, and bytes/s
of a 1 MiB memory read into Python. When ``wasmtime`` (wasmtime-py) is
importable, the same measurements run on it in the same process and the
ratios are printed.

Usage: python bench/bench.py [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any, Callable, Dict

WAT = """
(module
  (import "host" "h" (func $h (param i32) (result i32)))
  (memory (export "mem") 17)
  (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  (func (export "host_loop") (param $n i32) (local $acc i32)
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc (call $h (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l)))))
"""

SMALL = '(module (memory 1) (global (mut i32) (i32.const 0)) (func (export "f") (result i32) i32.const 1))'


def median_of(rounds: int, per_round: Callable[[], float]) -> float:
    return statistics.median(per_round() for _ in range(rounds))


def measure(rt: Any, rounds: int) -> Dict[str, float]:
    engine = rt.Engine()
    store = rt.Store(engine)
    module = rt.Module(engine, WAT)
    linker = rt.Linker(engine)
    ty = rt.FuncType([rt.ValType.i32()], [rt.ValType.i32()])
    linker.define_func("host", "h", ty, lambda x: x)
    inst = linker.instantiate(store, module)
    ex = inst.exports(store)
    add, host_loop, mem = ex["add"], ex["host_loop"], ex["mem"]
    assert add(store, 2, 3) == 5

    def add_round() -> float:
        n = 20000
        t = time.perf_counter_ns()
        for _ in range(n):
            add(store, 1, 2)
        return (time.perf_counter_ns() - t) / n

    def host_round() -> float:
        n = 5000
        t = time.perf_counter_ns()
        host_loop(store, n)
        return (time.perf_counter_ns() - t) / n

    small = rt.Module(engine, SMALL)

    def inst_round() -> float:
        n = 200
        s = rt.Store(engine)
        t = time.perf_counter_ns()
        for _ in range(n):
            rt.Instance(s, small, [])
        return (time.perf_counter_ns() - t) / n / 1000

    size = 1 << 20

    def read_round() -> float:
        n = 20
        t = time.perf_counter_ns()
        for _ in range(n):
            data = mem.read(store, 0, size)
        elapsed = (time.perf_counter_ns() - t) / 1e9
        assert len(data) == size
        return n * size / elapsed

    return {
        "add call (ns)": median_of(rounds, add_round),
        "host call (ns)": median_of(rounds, host_round),
        "instantiate (us)": median_of(rounds, inst_round),
        "1 MiB read (MB/s)": median_of(rounds, read_round) / 1e6,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    import petrel

    results = {"petrel": measure(petrel, args.rounds)}
    try:
        import wasmtime
    except ImportError:
        wasmtime = None
    if wasmtime is not None:
        results["wasmtime-py"] = measure(wasmtime, args.rounds)
    names = list(results["petrel"])
    header = f"{'median':<20}" + "".join(f"{k:>16}" for k in results)
    if "wasmtime-py" in results:
        header += f"{'ratio':>12}"
    print(header)
    for name in names:
        row = f"{name:<20}" + "".join(f"{r[name]:>16.1f}" for r in results.values())
        if "wasmtime-py" in results:
            p, w = results["petrel"][name], results["wasmtime-py"][name]
            better = w / p if "MB/s" not in name else p / w
            row += f"{better:>11.1f}x"
        print(row)
    if "wasmtime-py" in results:
        print("ratio: how many times better petrel is (lower time, or higher throughput)")


if __name__ == "__main__":
    main()
