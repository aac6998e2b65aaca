#!/usr/bin/env node
/**
 * Runs main.ts fast. esbuild bundles our TypeScript (tree-shaking the large generated
 * bindings in imports/ down to the classes the app uses; npm packages stay external) and the
 * bundle is cached until one of its source files changes. No type-checking here: `npm test`
 * runs `tsc --noEmit`.
 */
'use strict';
// V8's compile cache for every module loaded from here on (cdk8s, its kinds, our bundle):
// parsing and compiling them is a large part of a synth's time.
process.env.V8_COMPILE_CACHE_CACHE_DIR ??= require('node:path').join(__dirname, '..', 'node_modules', '.cache', 'v8-compile-cache');
require('v8-compile-cache');
const crypto = require('node:crypto');
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const entry = path.join(root, 'main.ts');
const cacheDir = path.join(root, 'node_modules', '.cache', 'exam-delivery-synth');
const manifestFile = path.join(cacheDir, 'manifest.json');

function fingerprint(inputs) {
  const h = crypto.createHash('sha256');
  for (const rel of inputs) {
    const st = fs.statSync(path.join(root, rel), { throwIfNoEntry: false });
    h.update(`${rel}\0${st ? `${st.size}:${st.mtimeMs}` : 'missing'}\0`);
  }
  return h.digest('hex');
}

function cachedBundle() {
  try {
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    if (manifest.key !== fingerprint(manifest.inputs)) return undefined;
    return fs.readFileSync(path.join(cacheDir, 'bundle.js'), 'utf8');
  } catch {
    return undefined;
  }
}

function build() {
  const esbuild = require('esbuild');
  const result = esbuild.buildSync({
    entryPoints: [entry],
    absWorkingDir: root,
    bundle: true,
    packages: 'external',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    write: false,
    metafile: true,
    logLevel: 'error',
  });
  const code = result.outputFiles[0].text;
  const inputs = Object.keys(result.metafile.inputs).sort();
  fs.mkdirSync(cacheDir, { recursive: true });
  fs.writeFileSync(path.join(cacheDir, 'bundle.js'), code);
  fs.writeFileSync(manifestFile, JSON.stringify({ key: fingerprint(inputs), inputs }));
  return code;
}

const code = cachedBundle() ?? build();
const m = new Module(entry, null);
m.filename = entry;
m.paths = Module._nodeModulePaths(root);
m._compile(code, entry);
