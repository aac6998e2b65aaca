#!/usr/bin/env node
/**
 * Runs main.ts fast: from a cached esbuild bundle (scripts/synth-bundle.js), loaded with a plain
 * `require`, with a compile cache for every module it loads. No type-checking here: `npm test`
 * runs `tsc --noEmit`.
 */
'use strict';
const path = require('node:path');
const Module = require('node:module');

const root = path.resolve(__dirname, '..');
const cache = path.join(root, 'node_modules', '.cache');
// Parsing and compiling cdk8s, its kinds and our bundle is a large part of a synth's time: keep
// V8's code cache on disk (Node's own compile cache where it exists, Node 22.1+).
if (typeof Module.enableCompileCache === 'function') {
  Module.enableCompileCache(path.join(cache, 'node-compile-cache'));
} else {
  process.env.V8_COMPILE_CACHE_CACHE_DIR ??= path.join(cache, 'v8-compile-cache');
  require('v8-compile-cache');
}
const { bundleWithKey } = require('./synth-bundle');

const { file, key } = bundleWithKey(root, path.join(root, 'main.ts'), path.join(cache, 'exam-delivery-synth'));
// main.ts keys its up-to-date check on this (the code it runs) plus its other inputs.
process.env.EXAM_SYNTH_CODE_KEY = key ?? '';
require(file);
