#!/usr/bin/env bash
# Runs every test of the repository: formatting, lints, the unit,
# integration and spec tests, and the Miri lane over the runtime's data
# structures. Usage: ./test.sh
set -euo pipefail
cd "$(dirname "$0")"

echo "== cargo fmt --check"
cargo fmt --all -- --check

# The default members (core, cli) are the product. `bench/` is a workspace
# member but not a default one: `--workspace` would build Wasmtime for it, so
# the test step names no packages, and the harness is only linted here (a
# type check of Wasmtime, cached after its first run).
echo "== cargo clippy -D warnings (core, cli)"
cargo clippy --all-targets --release -- -D warnings

echo "== cargo clippy -D warnings (bench harness)"
cargo clippy -p petrel-bench --all-targets --release -- -D warnings

echo "== cargo test (unit, API, WASI, CLI, bench-wasm programs and spec tests)"
cargo test --release

echo "== Miri: runtime data structures (no JIT code)"
# Tables, linear memories (heap-backed under Miri), the VMContext and store
# context blocks, globals, and the layout assertions. Tests that need real
# mmap reservations or run compiled code are outside this lane.
MIRIFLAGS="${MIRIFLAGS:-}" cargo +nightly miri test -p petrel --lib -- \
    vm::table vm::alloc vm::vmcontext vm::memory environ::
