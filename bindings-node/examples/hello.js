'use strict';
// The hello example: a host function called from wasm (examples/hello.wat).
// Run: node examples/hello.js  (prints "Hello, world!", then "run() = 42")

const fs = require('node:fs');
const path = require('node:path');
const { Engine, Func, FuncType, Instance, Module, Store } = require('petrel');

// The repository's examples/hello.wat; its text when run outside the repository.
const file = path.join(__dirname, '..', '..', 'examples', 'hello.wat');
const WAT = fs.existsSync(file)
  ? fs.readFileSync(file, 'utf8')
  : '(module (import "host" "hello" (func $hello)) (func (export "run") (result i32) (call $hello) (i32.const 42)))';

const engine = new Engine();
const store = new Store(engine);
const wasm = new Module(engine, WAT);
const hello = new Func(store, new FuncType([], []), () => console.log('Hello, world!'));
const instance = new Instance(store, wasm, [hello]);
const run = instance.exports.run;
console.log(`run() = ${run.call()}`);
