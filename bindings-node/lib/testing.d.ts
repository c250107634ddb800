// `petrel/testing` (lib/testing.js): helpers for tests, not for production use.

import { Func, Val, Value } from './index';

/**
 * Calls `func` on a new OS thread, blocking the JS thread until it is
 * done; the results as Vals, an error thrown here. From inside a host
 * function the store is in use by the JS thread, so the call fails with a
 * PetrelError ("the store is in use by another thread"). Host functions
 * cannot run on that thread (reaching one fails the call).
 */
export declare function callOnNewThread(func: Func, ...args: (Value | Val)[]): Val[];
