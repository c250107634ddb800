#!/usr/bin/env bash
# The Node binding's tests, run by the repository's test.sh (or alone):
# npm ci (devDependencies from the registry), the addon built with cargo
# in the shared target directory, clippy, tsc over the declarations,
# biome, node --test (API, Val, calls on another thread, WebAssembly
# same-cases, manifest coverage, hello, the scenario suite from
# $PETREL_SCENARIOS or ../scenarios), then
# packaging: `npm pack`, the tarball installed in a scratch project
# outside the repository, and `npm install ./bindings-node` from a fresh
# clone of the committed tree; `hello` runs in both.
set -euo pipefail
cd "$(dirname "$0")"
NODE_DIR="$PWD"
ROOT="$(cd .. && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"

npm ci --ignore-scripts --no-audit --no-fund
node scripts/install.js --force
cargo clippy --release -p petrel-node --manifest-path "$ROOT/Cargo.toml" -- -D warnings
npx tsc --noEmit -p .
npx biome lint
node --test test/

SCRATCH="$(mktemp -d)"
trap 'rm -rf "$SCRATCH"' EXIT
echo "== npm pack, and the tarball installed outside the repository"
TARBALL="$SCRATCH/$(npm pack --silent --pack-destination "$SCRATCH" | tail -1)"
tar -tzf "$TARBALL" > "$SCRATCH/contents"
grep -qx 'package/petrel.node' "$SCRATCH/contents"
mkdir "$SCRATCH/from-tarball"
(cd "$SCRATCH/from-tarball" && npm init -y >/dev/null && npm install --no-audit --no-fund "$TARBALL" >/dev/null \
    && out="$(node node_modules/petrel/examples/hello.js)" && test "$out" = $'Hello, world!\nrun() = 42' && echo "tarball: $out")

echo "== npm install ./bindings-node from a fresh clone (the addon built by cargo)"
git clone -q "$ROOT" "$SCRATCH/clone"
mkdir "$SCRATCH/from-clone"
(cd "$SCRATCH/from-clone" && npm init -y >/dev/null && npm install --no-audit --no-fund "$SCRATCH/clone/bindings-node" >/dev/null \
    && test -f "$SCRATCH/clone/bindings-node/petrel.node" \
    && out="$(node node_modules/petrel/examples/hello.js)" && test "$out" = $'Hello, world!\nrun() = 42' && echo "clone: $out")
