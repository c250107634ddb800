#!/usr/bin/env bash
# Builds and runs the .NET benchmark (bench/Bench.cs) under Mono, with the
# trivial C library of the P/Invoke floor compiled here (never committed).
# Needs target/release/libpetrel_capi.so. Usage: bench/run.sh [--rounds N]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(dirname "$PWD")"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
OUT="$TARGET/dotnet-bench"
mkdir -p "$OUT"
printf 'int petrel_bench_add(int a, int b) { return a + b; }\n' > "$OUT/floor.c"
cc -O2 -shared -fPIC -o "$OUT/libpetrel_bench_floor.so" "$OUT/floor.c"
cp "$TARGET/release/libpetrel_capi.so" "$OUT/"
mcs -nologo -target:library -unsafe -langversion:7 -optimize+ -out:"$OUT/Petrel.dll" src/*.cs
mcs -nologo -unsafe -langversion:7 -optimize+ -r:"$OUT/Petrel.dll" -out:"$OUT/Bench.exe" bench/Bench.cs
cd "$OUT" && mono --optimize=all Bench.exe "$@"
