'use strict';
// Loads the addon and wires the hand-written native parts (host calls,
// scratch arrays) to JavaScript. Internal: the public API is ./index.js.

const path = require('node:path');
const fs = require('node:fs');

function load() {
  const tried = [];
  // 1. Built in place (npm install ./bindings-node, or the packed tarball).
  const local = path.join(__dirname, '..', 'petrel.node');
  if (fs.existsSync(local)) return require(local);
  tried.push(local);
  // 2. A per-platform package (npm/<platform>/), the napi-rs layout.
  const libc = process.report?.getReport?.().header?.glibcVersionRuntime ? 'gnu' : 'musl';
  const name = `petrel-${process.platform}-${process.arch}${process.platform === 'linux' ? `-${libc}` : ''}`;
  try {
    return require(name);
  } catch (e) {
    tried.push(`${name} (${e.message})`);
  }
  throw new Error(`petrel: no native addon for this platform; tried:\n  ${tried.join('\n  ')}`);
}

const native = load();

// Scratch arrays of 16-byte raw values, allocated here and kept alive for
// the life of the process (the addon holds their addresses).
const CALL_SLOTS = 1024;
const HOST_SLOTS = 1024;
const callScratch = new ArrayBuffer(16 * CALL_SLOTS);
const hostScratch = new ArrayBuffer(16 * HOST_SLOTS);

function views(buf) {
  return {
    buffer: buf,
    i32: new Int32Array(buf),
    u32: new Uint32Array(buf),
    f32: new Float32Array(buf),
    f64: new Float64Array(buf),
    i64: new BigInt64Array(buf),
    u64: new BigUint64Array(buf),
    u8: new Uint8Array(buf),
  };
}

const state = {
  native,
  views,
  call: views(callScratch),
  host: views(hostScratch),
  callSlots: CALL_SLOTS,
  dispatch: null, // set by index.js
};

// The last 16-byte value of each scratch holds control words: for calls,
// the prepared slot and the value count; for host calls, the host function
// id, argument and result counts and the caller token (napi-rs calls
// functions without arguments on a cheaper path).
const hostCtl = new Uint32Array(hostScratch, 16 * (HOST_SLOTS - 1), 4);
state.callCtl = new Uint32Array(callScratch, 16 * (CALL_SLOTS - 1), 2);
state.callSlots = CALL_SLOTS - 1;
native.init(() => state.dispatch(hostCtl[0], hostCtl[1], hostCtl[2], hostCtl[3]), callScratch, hostScratch);

module.exports = state;
