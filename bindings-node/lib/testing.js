'use strict';
// `petrel/testing`: helpers for tests of Petrel and of code that embeds
// it. Not for production use: they block the JS thread.

const { Func } = require('./index');

/**
 * Calls `func` with `args` (plain values or Vals) on a new OS thread,
 * blocking the JS thread until that thread is done, and returns the
 * results as Vals; an error of the call is thrown here (Trap,
 * PetrelError, ...).
 *
 * This is how a test exercises the store's thread gate: a store is used
 * by one thread at a time, so from inside a host function (the JS thread
 * is in a call into the store) the call fails with a PetrelError "the
 * store is in use by another thread", and the store keeps working
 * afterwards; on an idle store the call runs. Host functions cannot run
 * on that thread (no JS runs there): reaching one fails the call, as in
 * `callAsync`. To run wasm off the JS thread in an application, use
 * `func.callAsync()`, which does not block.
 */
function callOnNewThread(func, ...args) {
  if (!(func instanceof Func)) throw new TypeError('callOnNewThread expects a Func');
  return func._callOnNewThread(args);
}

module.exports = { callOnNewThread };
