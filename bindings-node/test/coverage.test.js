'use strict';
// The manifest coverage rule: every C function of header-gen/api.json is
// used by the idiomatic layer (lib/*.js calls `ll.<name>(`, the low-level
// name of the C function), freed by a generated class (destructors run
// from the finalizer and `delete()`), or listed in api-skip.txt with a
// reason. Failures are reported per object (the IR's `group`).
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const here = path.join(__dirname, '..');
const api = JSON.parse(fs.readFileSync(path.join(here, '..', 'header-gen', 'api.json'), 'utf8'));

function skipList() {
  const skip = new Map();
  for (const line of fs.readFileSync(path.join(here, 'api-skip.txt'), 'utf8').split('\n')) {
    const t = line.trim();
    if (!t || t.startsWith('#')) continue;
    const [name, ...reason] = t.split(/\s+/);
    assert.ok(reason.length > 0, `api-skip.txt: ${name} has no reason`);
    skip.set(name, reason.join(' '));
  }
  return skip;
}

test('every C function is wrapped or skipped with a reason', () => {
  const source = fs.readdirSync(path.join(here, 'lib')).filter((f) => f.endsWith('.js')).map((f) => fs.readFileSync(path.join(here, 'lib', f), 'utf8')).join('\n');
  const skip = skipList();
  const names = new Set(api.functions.map((f) => f.name));
  for (const s of skip.keys()) assert.ok(names.has(s), `api-skip.txt names ${s}, which is not in the API`);
  const missing = new Map();
  for (const f of api.functions) {
    const short = f.name.replace(/^petrel_/, '');
    const used = source.includes(`ll.${short}(`);
    const freed = f.group.role === 'destructor';
    if (used && skip.has(f.name)) assert.fail(`${f.name} is used, remove it from api-skip.txt`);
    if (!used && !freed && !skip.has(f.name)) {
      const obj = f.group.object || '(free functions)';
      missing.set(obj, [...(missing.get(obj) ?? []), f.group.verb]);
    }
  }
  const report = [...missing].map(([o, verbs]) => `${o}: ${verbs.join(', ')}`).join('\n');
  assert.equal(report, '', `not wrapped and not in api-skip.txt:\n${report}`);
});
