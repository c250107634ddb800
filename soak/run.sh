#!/usr/bin/env bash
# Runs the soak in Rust, C and Python: N store cycles each (create,
# instantiate, call, trapping call, drop), failing when resident memory
# after N cycles exceeds its value after N/10 by more than MAX_GROWTH
# percent. Usage: soak/run.sh [CYCLES] [MAX_GROWTH_PERCENT] [PYTHON]
# (defaults: 100000, 5, python3 with petrel installed). test.sh runs a
# short version.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
CYCLES="${1:-100000}"
GROWTH="${2:-5}"
PYTHON="${3:-python3}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
cargo run --release -q -p petrel --example soak -- "$CYCLES" "$GROWTH"
cargo build --release -q -p petrel-capi
mkdir -p "$CARGO_TARGET_DIR/soak"
cc -std=c11 -O2 -Wall -Wextra -Werror -I capi/include soak/soak.c \
    -L "$CARGO_TARGET_DIR/release" -lpetrel_capi -Wl,-rpath,"$CARGO_TARGET_DIR/release" \
    -o "$CARGO_TARGET_DIR/soak/soak_c"
"$CARGO_TARGET_DIR/soak/soak_c" soak/soak.wat "$CYCLES" "$GROWTH"
"$PYTHON" soak/soak.py "$CYCLES" "$GROWTH"
