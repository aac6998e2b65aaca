#!/usr/bin/env node
/**
 * Runs main.ts fast: from a cached esbuild bundle (scripts/synth-bundle.js), compiled with V8's
 * code cache of that bundle. No type-checking here: `npm test` runs `tsc -b`.
 *
 * The code cache is made at exit, after the run, so it holds the bytecode of every function the
 * run compiled, not only the bundle's top level: the next synth neither parses the bundle nor
 * compiles the functions it calls. It is kept beside the bundle, headed by the bundle's content
 * key and the kind of run that made it (a full render, or an up-to-date check that stopped
 * early); V8 itself refuses a cache made by another V8 or with other flags. It is written
 * atomically (concurrent synths) and only when it is missing, stale or from a shorter run.
 */
'use strict';
const { Buffer, isAscii } = require('node:buffer');
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');
const { bundleWithKey, writeAtomic } = require('./synth-bundle');

const root = path.resolve(__dirname, '..');
const cacheDir = path.join(root, 'node_modules', '.cache', 'exam-delivery-synth');
const { file, key } = bundleWithKey(root, path.join(root, 'main.ts'), cacheDir);
// main.ts keys its up-to-date check on this (the code it runs) plus its other inputs.
process.env.EXAM_SYNTH_CODE_KEY = key ?? '';

const CODE_CACHE = path.join(cacheDir, 'bundle.v8cache');
/** `<content key> <full|checked>\n`, then V8's data. */
function readCodeCache() {
  try {
    const bytes = fs.readFileSync(CODE_CACHE);
    const end = bytes.indexOf(0x0a);
    const [cacheKey, run] = bytes.subarray(0, end).toString().split(' ');
    return cacheKey === key ? { run, data: bytes.subarray(end + 1) } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The bundle's text. It is ASCII (scripts/synth-bundle.js), decoded as Latin-1, the same text:
 * decoding 4 MB as UTF-8 takes Node 20 five times longer (lib/io/text.ts, for the rest of synth).
 */
function readBundle() {
  const bytes = fs.readFileSync(file);
  return isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
}

const cached = key === undefined ? undefined : readCodeCache();
const script = new vm.Script(Module.wrap(readBundle()), { filename: file, cachedData: cached?.data });
// main.ts emits this once it has rendered the app (not when the output was up to date).
let rendered = false;
process.once('exam-synth:rendered', () => (rendered = true));
process.once('exit', () => {
  const run = rendered ? 'full' : 'checked';
  const stale = cached === undefined || script.cachedDataRejected === true || (rendered && cached.run !== 'full');
  if (key === undefined || !stale) return;
  try {
    writeAtomic(CODE_CACHE, Buffer.concat([Buffer.from(`${key} ${run}\n`), script.createCachedData()]));
  } catch {
    // Only a cache.
  }
});
const bundleModule = { exports: {}, id: file, filename: file, loaded: false };
script.runInThisContext()(bundleModule.exports, Module.createRequire(file), bundleModule, file, path.dirname(file));
