"""Soak through the Python binding: creates, instantiates, calls and drops N
stores (each also runs one trapping call), prints resident memory at
intervals, and exits 1 when resident memory after N cycles exceeds its value
after N/10 by more than the allowed growth.

Usage: python soak.py [CYCLES] [MAX_GROWTH_PERCENT]  (defaults 100000, 5)
"""

import gc
import pathlib
import sys

from petrel import Engine, Instance, Module, Store, Trap


def rss_kib() -> int:
    for line in pathlib.Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def main() -> int:
    cycles = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    max_growth = float(sys.argv[2]) if len(sys.argv) > 2 else 5.0
    tenth = max(cycles // 10, 1)
    engine = Engine()
    module = Module(engine, (pathlib.Path(__file__).parent / "soak.wat").read_text())
    baseline = 0
    for i in range(1, cycles + 1):
        store = Store(engine)
        exports = Instance(store, module, []).exports(store)
        assert exports["add"](store, i, 1) == i + 1
        try:
            exports["trap"](store)
            raise AssertionError("expected a trap")
        except Trap:
            pass
        del store, exports
        if i % tenth == 0:
            gc.collect()
            rss = rss_kib()
            print(f"python: {i} cycles, rss {rss} KiB", flush=True)
            if i == tenth:
                baseline = rss
    gc.collect()
    end = rss_kib()
    growth = (end - baseline) * 100.0 / baseline
    print(f"python: rss after {cycles} cycles {end} KiB, after {tenth} {baseline} KiB: {growth:+.2f}%")
    if growth > max_growth:
        print(f"python: resident memory grew by {growth:.2f}% (allowed {max_growth}%)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
