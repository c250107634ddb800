'use strict';
// npm's install step (and prepack): makes sure `petrel.node` is present.
// A packed tarball carries it, so nothing is built. From a clone of the
// repository (`npm install ./bindings-node`) it builds the addon with
// cargo, in the repository's target directory, and copies it here. Plain
// cargo, not @napi-rs/cli: a dependency's devDependencies are not
// installed for it, and the addon needs nothing beyond `cargo build`.

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const pkg = path.join(__dirname, '..');
const addon = path.join(pkg, 'petrel.node');
const force = process.argv.includes('--force');

if (fs.existsSync(addon) && !force) process.exit(0);

const root = path.join(pkg, '..');
const manifest = path.join(root, 'Cargo.toml');
if (!fs.existsSync(path.join(pkg, 'native', 'Cargo.toml')) || !fs.existsSync(manifest)) {
  console.error('petrel: petrel.node is missing and there is no source to build it from (install the packed tarball, or from a clone of the repository)');
  process.exit(1);
}
const target = process.env.CARGO_TARGET_DIR || path.join(root, 'target');
console.error('petrel: building the native addon with cargo (release)...');
execFileSync('cargo', ['build', '--release', '--manifest-path', manifest, '-p', 'petrel-node'], {
  stdio: 'inherit',
  env: { ...process.env, CARGO_TARGET_DIR: target },
});
const lib = { linux: 'libpetrel_node.so', darwin: 'libpetrel_node.dylib', win32: 'petrel_node.dll' }[process.platform];
fs.copyFileSync(path.join(target, 'release', lib), addon);
console.error(`petrel: built ${addon}`);
