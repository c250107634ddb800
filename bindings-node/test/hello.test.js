'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const path = require('node:path');

test('the hello example prints its two lines', () => {
  const out = execFileSync(process.execPath, [path.join(__dirname, '..', 'examples', 'hello.js')], { encoding: 'utf8' });
  assert.equal(out, 'Hello, world!\nrun() = 42\n');
});
