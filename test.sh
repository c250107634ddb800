#!/usr/bin/env bash
# Runs every test of the repository: formatting, lints, the unit,
# integration and spec tests, the C API (header drift, header-gen drift,
# the C test under valgrind), the scenario suite's C runner (natively and
# under valgrind) and Python runner, the Go binding (gofmt, go vet, go test
# -race with its scenario runner, a scratch module building the hello
# example), the Python binding (installed with pip in a fresh venv, ruff,
# pytest, wasmtime-py 46.0.1's own tests and examples under petrel; its
# cp39-abi3 wheel audited, then installed and run with no cargo or cc on
# PATH under each CPython 3.9+ the machine has), the
# Node binding (bindings-node/test.sh), the .NET binding (Mono: mcs, NUnit,
# the scenario suite, the NuGet package installed outside the repository),
# and the Miri lane (every test that runs no compiled code, see
# notes/MIRI.md; it runs in the background beside the bindings' tests and
# is waited for at the end). Usage: ./test.sh
set -euo pipefail
cd "$(dirname "$0")"
ROOT="$PWD"
export CARGO_TARGET_DIR="$ROOT/target"

echo "== cargo fmt --check"
cargo fmt --all -- --check
cargo fmt --manifest-path bindings-python/native/Cargo.toml -- --check

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

echo "== C header: petrel.h matches the C API crate (cbindgen)"
cargo run --release -q -p petrel-gen-header -- --check

echo "== header-gen --check: generated bindings and api.json are up to date"
cargo run --release -q -p header-gen -- --check

echo "== Miri lane: started in the background, reported at the end"
# Stacked Borrows over the core's unit tests (the VM's data structures,
# layouts, allocation, trap bookkeeping, builtins called directly), then
# Tree Borrows over every test of the core, C API, CLI and header-gen that
# runs no compiled code; tests that do are marked
# #[cfg_attr(miri, ignore = "reason")]. One core (CARGO_BUILD_JOBS=1), so
# the bindings' tests keep the other. notes/MIRI.md has the counts.
MIRI_LOG="$CARGO_TARGET_DIR/miri-lane.log"
(
    set -e
    export CARGO_BUILD_JOBS=1
    cargo +nightly miri test -p petrel --lib
    MIRIFLAGS="-Zmiri-disable-isolation -Zmiri-tree-borrows -Zmiri-permissive-provenance ${MIRIFLAGS:-}" \
        cargo +nightly miri test -p petrel -p petrel-capi -p petrel-cli -p header-gen --lib --bins --tests
) > "$MIRI_LOG" 2>&1 &
MIRI_PID=$!
# A failing step ends the script; the lane must not outlive it.
trap 'kill "$MIRI_PID" 2>/dev/null || true' EXIT

echo "== C API test (capi/tests/c/test_api.c) under valgrind"
cargo build --release -q -p petrel-capi
mkdir -p target/ctest
cc -std=c11 -Wall -Wextra -Werror -g -pthread -I capi/include capi/tests/c/test_api.c \
    -L target/release -lpetrel_capi -Wl,-rpath,"$ROOT/target/release" -o target/ctest/test_api
valgrind -q --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite --error-exitcode=1 \
    --suppressions=capi/tests/c/valgrind.supp target/ctest/test_api

# The cross-language scenario suite (scenarios/README.md) through the C API:
# natively (the behavioural check, about 2 s), then the same full run under
# valgrind (the memory check: zero errors, no definite leaks; about 40 s,
# 10,000 traps included). Valgrind needs precise register state at every
# instruction so that a trap raised by a hardware divide fault is recognised
# (its default reports an imprecise PC for such signals from JIT code).
echo "== Scenario suite: C runner (natively, then under valgrind)"
cc -std=c11 -Wall -Wextra -Werror -g -pthread -I capi/include -I scenarios/runners/c \
    scenarios/runners/c/run_scenarios.c scenarios/runners/c/json.c \
    -L target/release -lpetrel_capi -Wl,-rpath,"$ROOT/target/release" -o target/ctest/run_scenarios
target/ctest/run_scenarios scenarios scenarios/runners/c/expected_failures.txt
valgrind -q --vex-iropt-register-updates=allregs-at-each-insn \
    --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite --error-exitcode=1 \
    --suppressions=capi/tests/c/valgrind.supp --suppressions=scenarios/runners/c/valgrind.supp \
    target/ctest/run_scenarios scenarios scenarios/runners/c/expected_failures.txt

echo "== Go binding: gofmt, go vet, go test -race (binding, scenario suite, API manifest, hello Example)"
# Links target/release/libpetrel_capi.a, built for the C API test above.
UNFORMATTED="$(gofmt -l bindings-go)"
if [ -n "$UNFORMATTED" ]; then echo "gofmt: $UNFORMATTED"; exit 1; fi
(cd bindings-go && go vet ./... && go test -race -count=1 ./...)
(cd bindings-go/bench && go vet ./...)  # the benchmark module: a build check only

echo "== Go binding: a scratch module outside the repo requires it and runs hello"
SCRATCH="$(mktemp -d)"
printf 'module scratch\n\ngo 1.22\n\nrequire github.com/petrel-runtime/petrel/bindings-go v0.0.0\n\nreplace github.com/petrel-runtime/petrel/bindings-go => %s/bindings-go\n' "$ROOT" > "$SCRATCH/go.mod"
cp bindings-go/examples/hello/main.go "$SCRATCH/main.go"
(cd "$SCRATCH" && go build -o hello .)
if ldd "$SCRATCH/hello" | grep -q petrel; then echo "hello links libpetrel_capi dynamically"; exit 1; fi
(cd "$SCRATCH" && ./hello "$ROOT/examples/hello.wat") | diff - <(printf 'Hello, world!\nrun() = 42\n')
rm -rf "$SCRATCH"

echo "== Python binding: pip install into a fresh venv, ruff, pytest"
VENV="$ROOT/target/py-venv"
rm -rf "$VENV"
python3 -m venv "$VENV"
"$VENV/bin/pip" install -q --upgrade pip
"$VENV/bin/pip" install -q pytest ruff mypy wasmtime auditwheel abi3audit
"$VENV/bin/pip" install -q ./bindings-python
(cd bindings-python && "$VENV/bin/ruff" check python tests bench examples compat build_backend && "$VENV/bin/ruff" format --check python tests bench examples compat build_backend)
"$VENV/bin/ruff" check --config bindings-python/pyproject.toml scenarios/runners/python
"$VENV/bin/ruff" format --check --config bindings-python/pyproject.toml scenarios/runners/python
"$VENV/bin/mypy" --strict --ignore-missing-imports scenarios/runners/python
(cd bindings-python && "$VENV/bin/mypy" --strict --ignore-missing-imports python/petrel compat/run.py build_backend)
PYO3_PYTHON="$VENV/bin/python" cargo clippy --release --manifest-path bindings-python/native/Cargo.toml -- -D warnings
# Run from outside the source tree so the installed package is the one tested.
(cd target && "$VENV/bin/python" -m pytest -q -p no:cacheprovider "$ROOT/bindings-python/tests")

echo "== Scenario suite: Python runner (the installed petrel package)"
(cd target && "$VENV/bin/python" "$ROOT/scenarios/runners/python/run_scenarios.py" "$ROOT/scenarios")

echo "== wasmtime-py compatibility: its 46.0.1 tests and examples (sdist from PyPI) under petrel as wasmtime"
# bindings-python/compat/run.py: the tests' outcomes against
# bindings-python/compat/expected_failures.txt, the examples' output against
# the real wasmtime 46.0.1 wheel's.
(cd target && "$VENV/bin/python" "$ROOT/bindings-python/compat/run.py" --work "$ROOT/target/compat")

echo "== Python wheel: pip wheel (cp39-abi3, manylinux), auditwheel, installed and run with no cargo or cc on PATH"
# Issue 15: the wheel `pip wheel ./bindings-python` builds installs into a
# fresh venv where no Rust or C compiler can be reached, cffi coming from
# PyPI as a binary wheel, and runs the hello example. The build reuses
# target/ and the interpreter of the install above, so cargo has nothing to
# redo (seconds). See notes/CAPI.md, "The wheel".
WHEELS="$ROOT/target/wheel"
rm -rf "$WHEELS"
"$VENV/bin/python" -m pip wheel -q --no-deps ./bindings-python -w "$WHEELS"
WHEEL="$(echo "$WHEELS"/petrel-*.whl)"
echo "wheel: $(basename "$WHEEL")"
case "$(basename "$WHEEL")" in
    petrel-*-cp39-abi3-manylinux_*.whl) ;;
    *) echo "expected a cp39-abi3 manylinux wheel"; exit 1 ;;
esac
"$VENV/bin/auditwheel" show "$WHEEL"
# No symbol outside the stable ABI of CPython 3.9 (the wheel's abi3 claim).
"$VENV/bin/abi3audit" --strict --summary "$WHEEL"
# One native file, the extension module, which carries the C API itself.
SOS="$("$VENV/bin/python" -c 'import sys, zipfile; print(" ".join(n for n in zipfile.ZipFile(sys.argv[1]).namelist() if ".so" in n))' "$WHEEL")"
if [ "$SOS" != "petrel/_petrel_cffi.abi3.so" ]; then echo "native files in the wheel: $SOS"; exit 1; fi
# Installs the wheel in a fresh venv of the Python $1 (3.9 or newer) with
# PATH holding only that venv's bin (no cargo, no cc), and runs hello there.
wheel_check() {
    local py="$1" venv="$2" out
    rm -rf "$venv"
    "$py" -m venv "$venv"
    out="$(
        set -e
        export PATH="$venv/bin"
        if command -v cargo >/dev/null || command -v cc >/dev/null; then echo "cargo or cc on PATH=$PATH" >&2; exit 1; fi
        cd "$ROOT/target"
        python -m pip install -q --disable-pip-version-check --only-binary :all: "$WHEEL" >&2
        python -c 'import sys, petrel; assert petrel.__file__.startswith(sys.prefix), petrel.__file__'
        python "$ROOT/bindings-python/examples/hello.py"
    )"
    if [ "$out" != $'Hello, world!\nrun() = 42' ]; then echo "hello printed: $out"; exit 1; fi
    # The extension module needs nothing the wheel does not carry (libc, libgcc_s).
    if ldd "$venv"/lib/python3.*/site-packages/petrel/_petrel_cffi.abi3.so | grep -E 'petrel|not found'; then
        echo "the extension module links a library the wheel does not carry"; exit 1
    fi
    echo "ok: CPython $("$venv/bin/python" -c 'import platform; print(platform.python_version())'): installed with no cargo or cc on PATH, hello runs"
}
wheel_check python3 "$ROOT/target/wheel-check"
# abi3: the same wheel under every other CPython 3.9+ this machine has
# (pyenv's, or python3.N; none is required).
CHECKED="$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
for py in "$HOME"/.pyenv/versions/3.*/bin/python3 /usr/bin/python3.? /usr/bin/python3.?? /usr/local/bin/python3.? /usr/local/bin/python3.??; do
    [ -x "$py" ] || continue
    # Its version, if 3.9 or newer and able to make a venv.
    v="$("$py" -c 'import sys, ensurepip, venv; print("%d.%d" % sys.version_info[:2] if sys.version_info >= (3, 9) else "")' 2>/dev/null)" || continue
    [ -n "$v" ] || continue
    case " $CHECKED " in *" $v "*) continue ;; esac
    wheel_check "$py" "$ROOT/target/wheel-check-$v"
    CHECKED="$CHECKED $v"
done
echo "the cp39-abi3 wheel was installed and run under CPython: $CHECKED"

echo "== Node binding: npm ci, addon, clippy, tsc, biome, node --test (API, WebAssembly same-cases, coverage, hello, scenarios), npm pack + scratch installs"
# The scenario runner fails when the suite is absent (PETREL_SCENARIOS
# points elsewhere, e.g. at another worktree's suite).
PETREL_SCENARIOS="${PETREL_SCENARIOS:-$ROOT/scenarios}" bindings-node/test.sh

echo "== Node binding benchmark (informational)"
node bindings-node/bench/bench.js

echo "== Soak (short): 10,000 store cycles with a trap each, in Rust, C and Python; rss growth <= 5%"
soak/run.sh 10000 5 "$VENV/bin/python"

echo "== Python binding benchmark (informational)"
(cd target && "$VENV/bin/python" "$ROOT/bindings-python/bench/bench.py" --rounds 5)

echo "== .NET binding: mcs build, NUnit under Mono, scenario suite, NuGet pack + install outside the repo, hello"
# Uses the release C API built above (target/release/libpetrel_capi.so) and
# builds nothing with cargo; its output goes to target/dotnet.
./bindings-dotnet/test.sh

echo "== .NET binding benchmark (informational)"
./bindings-dotnet/bench/run.sh --rounds 5

echo "== Miri lane: waiting for it (started after the header checks)"
if ! wait "$MIRI_PID"; then
    cat "$MIRI_LOG"
    echo "the Miri lane failed (log above: $MIRI_LOG)"
    exit 1
fi
trap - EXIT
grep -E "^ *Running|^test result" "$MIRI_LOG"
