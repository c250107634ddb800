#!/usr/bin/env bash
# Builds and tests the .NET binding under Mono: the library with mcs, the
# NUnit tests, the scenario suite runner, the NuGet package, and the hello
# example compiled and run in a project outside the repository that installs
# the package from a local folder feed.
#
# Needs the C API built in release mode (target/release/libpetrel_capi.so;
# the repository's test.sh builds it first) and Mono's mcs, mono,
# nunit-console and nuget (.ci/run installs them).
#
# Usage: bindings-dotnet/test.sh   (PETREL_SCENARIOS=DIR overrides ../scenarios)
set -euo pipefail
cd "$(dirname "$0")"
HERE="$PWD"
ROOT="$(dirname "$HERE")"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
NATIVE="$TARGET/release/libpetrel_capi.so"
OUT="$TARGET/dotnet"
[ -f "$NATIVE" ] || { echo "missing $NATIVE: run cargo build --release -p petrel-capi" >&2; exit 1; }
rm -rf "$OUT"
mkdir -p "$OUT/lib" "$OUT/feed"

echo "-- generated typed overloads are up to date"
python3 tools/gen_typed.py --check

# The library is compiled against the .NET Framework 4.7.2 reference
# assemblies only (no Mono-specific assembly), with warnings (including a
# public member without an XML doc comment) as errors.
echo "-- mcs: Petrel.dll"
REF=/usr/lib/mono/4.7.2-api
mcs -nologo -noconfig -nostdlib -r:"$REF/mscorlib.dll" -r:"$REF/System.dll" \
    -target:library -unsafe -langversion:7 -optimize+ -warnaserror \
    -out:"$OUT/lib/Petrel.dll" -doc:"$OUT/lib/Petrel.xml" src/*.cs
# The package's native library: the C API without debug info.
strip --strip-debug -o "$OUT/lib/libpetrel_capi.so" "$NATIVE"

echo "-- mcs: tests, scenario runner, benchmark"
NUNIT=/usr/lib/cli/nunit.framework-2.6.3/nunit.framework.dll
cp "$OUT/lib/Petrel.dll" "$OUT/lib/libpetrel_capi.so" "$OUT/"
mcs -nologo -target:library -unsafe -langversion:7 -warnaserror -r:"$OUT/Petrel.dll" -r:System.Core.dll -r:"$NUNIT" \
    -out:"$OUT/Petrel.Tests.dll" tests/*.cs
mcs -nologo -langversion:7 -warnaserror -r:"$OUT/Petrel.dll" -r:System.Core.dll \
    -out:"$OUT/ScenarioRunner.exe" scenarios/ScenarioRunner.cs tests/MiniJson.cs
mcs -nologo -unsafe -langversion:7 -optimize+ -warnaserror -r:"$OUT/Petrel.dll" \
    -out:"$OUT/Bench.exe" bench/Bench.cs

echo "-- NUnit (nunit-console $(nunit-console -help 2>/dev/null | head -1 | awk '{print $3}'))"
(cd "$OUT" && PETREL_REPO="$ROOT" nunit-console -nologo -noshadow Petrel.Tests.dll -xml="$OUT/TestResult.xml")

# Again with a garbage collection before every 50th allocation (Mono's GC
# debug mode), so a delegate, handle or buffer the binding forgot to keep
# alive shows up here rather than in production (wasmtime-go's `debug` tag
# does the same for Go).
echo "-- NUnit under GC stress (MONO_GC_DEBUG=collect-before-allocs=50)"
(cd "$OUT" && PETREL_REPO="$ROOT" MONO_GC_DEBUG=collect-before-allocs=50 nunit-console -nologo -noshadow Petrel.Tests.dll -xml="$OUT/TestResult-gcstress.xml" | grep -E "^Tests run|^  Not run|Failure|Error :")

echo "-- scenario suite"
SCENARIOS="${PETREL_SCENARIOS:-$ROOT/scenarios}"
mono "$OUT/ScenarioRunner.exe" --expected "$HERE/scenarios_expected_failures.txt" "$SCENARIOS"

echo "-- NuGet package"
# NuGet 2.8 predates netstandard and warns that it does not know the folder
# name; the layout is still what NuGet clients expect (checked below).
nuget pack pack/Petrel.nuspec -BasePath "$OUT/lib" -OutputDirectory "$OUT/feed" -NonInteractive > "$OUT/pack.log"
grep -v -e "not recognized as a valid framework" -e "Invalid framework folder" -e "Rename it to a valid framework" \
    -e "issue(s) found" -e "^Issue:" -e "^Description:" -e "^Solution:" -e "^$" "$OUT/pack.log" || true
unzip -l "$OUT/feed/Petrel.0.1.0.nupkg" > "$OUT/nupkg-contents.txt"
grep -q "lib/netstandard2.0/Petrel.dll" "$OUT/nupkg-contents.txt"
grep -q "runtimes/linux-x64/native/libpetrel_capi.so" "$OUT/nupkg-contents.txt"

echo "-- hello, from a project outside the repository that installs the package"
APP="$(mktemp -d)"
trap 'rm -rf "$APP"' EXIT
cp examples/Hello.cs "$APP/"
(
    cd "$APP"
    nuget install Petrel -Version 0.1.0 -Source "$OUT/feed" -OutputDirectory packages -NonInteractive
    PKG=packages/Petrel.0.1.0
    mcs -nologo -r:"$PKG/lib/netstandard2.0/Petrel.dll" -out:hello.exe Hello.cs
    # What a packages.config project's build does: the managed and native
    # libraries next to the program (Mono does not read runtimes/RID/native).
    cp "$PKG/lib/netstandard2.0/Petrel.dll" "$PKG/runtimes/linux-x64/native/libpetrel_capi.so" .
    env -u LD_LIBRARY_PATH mono hello.exe "$ROOT/examples/hello.wat" > out.txt
    cat out.txt
    printf 'Hello, world!\nrun() = 42\n' | diff - out.txt
)
echo "-- bindings-dotnet: all passed"
