#!/usr/bin/env bash
# Runs every test of the repository: formatting, lints, the unit,
# integration and spec tests, and the Miri lane over the runtime's data
# structures. Usage: ./test.sh
set -euo pipefail
cd "$(dirname "$0")"

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy -D warnings"
cargo clippy --workspace --all-targets --release -- -D warnings

echo "== cargo test (unit, API, CLI and spec tests)"
cargo test --workspace --release

echo "== Miri: runtime data structures (no JIT code)"
# Tables, linear memories (heap-backed under Miri), the VMContext and store
# context blocks, globals, and the layout assertions. Tests that need real
# mmap reservations or run compiled code are outside this lane.
MIRIFLAGS="${MIRIFLAGS:-}" cargo +nightly miri test -p petrel --lib -- \
    vm::table vm::alloc vm::vmcontext vm::memory environ::
